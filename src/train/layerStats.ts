/**
 * Statistics of a network's pre-activations across initialisations: how the typical size of the
 * signal changes layer to layer (criticality) and how far each unit is from Gaussian (finite-width
 * fluctuations), measured on the lab's own networks (`train.network` + `net.trace`), as Roberts,
 * Yaida & Hanin (arXiv 2106.10165) define them:
 *   G_l     = E[(h^l_i)^2]                 the mean squared pre-activation of layer l,
 *   G_l / G_(l-1)                          its ratio layer to layer (C_W / 2 for ReLU, exactly),
 *   kappa_l = E[(h^l_i)^4] / G_l^2 - 3     the excess kurtosis of one pre-activation over initialisations.
 * Expectations are over initialisations; within one network every unit and every input of the same
 * norm has the same distribution, so the moments pool them, and the standard errors come from the
 * spread between initialisations (which are independent), by the delta method.
 *
 *   const s = await train.layerStatistics({ spec, inits: 300, inputs: X, rng: rng.fork("inits"), onProgress: view.progress });
 *   s.ratio[3]     // { value, se } of G_4 / G_3
 */
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import { yieldToKernel } from "../progress";
import type { Matrix } from "../linalg/matrix";
import { NetworkSpec, resolveSpec } from "./spec";
import { network, toTensor } from "./network";
import { mean, stderr } from "../stats/descriptive";

/** A value with its standard error over initialisations. */
export interface Estimate {
  value: number;
  /** Standard error over initialisations. */
  se: number;
}

/** Statistics of the pre-activations of each layer over many initialisations (variance, kurtosis). */
export interface LayerStatistics {
  /** Number of initialisations. */
  inits: number;
  /** Layer numbers 1..L+1 (the last is the network's output). */
  layers: number[];
  /** Width of each layer (fanOut). */
  widths: number[];
  /** G_l: mean squared pre-activation, per layer. */
  meanSquare: Estimate[];
  /** G_l / G_(l-1) per layer (index 0: G_1 / G_0 with G_0 = C_W |x|^2 / d, the input's contribution: NaN). */
  ratio: Estimate[];
  /** Excess kurtosis of one pre-activation across initialisations, per layer. */
  kurtosis: Estimate[];
  /** Per-initialisation mean squares (inits x layers), for bootstraps. */
  perInit: { meanSquare: number[][]; meanFourth: number[][] };
}

function meanSe(xs: number[]): Estimate {
  return { value: mean(xs), se: xs.length > 1 ? stderr(xs) : NaN };
}

/**
 * Ratio of means A / B with its delta-method standard error, from paired per-initialisation values
 * (a_r, b_r): Var(A/B) ~ Var(a - (A/B) b) / (R B^2).
 */
export function ratioOfMeans(a: number[], b: number[]): Estimate {
  const R = a.length;
  if (R !== b.length || R < 2) throw new RangeError(`ratioOfMeans: need two paired samples of equal length >= 2, got ${a.length} and ${b.length}`);
  const A = mean(a), B = mean(b);
  const q = A / B;
  return { value: q, se: stderr(a.map((v, r) => v - q * b[r])) / Math.abs(B) };
}

/**
 * Excess kurtosis E[h^4] / E[h^2]^2 - 3 from per-initialisation mean squares s_r and mean fourth
 * powers f_r, with its delta-method standard error: gradient (1 / S^2, -2 F / S^3) in (F, S).
 */
export function poolKurtosis(s: number[], f: number[]): Estimate {
  const S = mean(s), F = mean(f);
  const z = f.map((v, r) => v / (S * S) - (2 * F * s[r]) / (S * S * S));
  return { value: F / (S * S) - 3, se: stderr(z) };
}

/**
 * Pre-activation statistics of `inits` independent initialisations of `spec` (network r drawn from
 * `rng.fork(\`init ${r}\`)`), each run on the same `inputs` (m x inputDim). Give inputs of equal
 * norm (e.g. |x|^2 = d) so that all of them share one distribution per layer.
 */
export async function layerStatistics(opts: { spec: NetworkSpec; inits: number; inputs: Matrix; rng: Rng; onProgress?: OnProgress }): Promise<LayerStatistics> {
  const spec = resolveSpec(opts.spec);
  const R = opts.inits;
  if (!(Number.isInteger(R) && R >= 2)) throw new RangeError(`layerStatistics: inits must be an integer >= 2, got ${R}`);
  if (opts.inputs.cols !== spec.inputDim) throw new RangeError(`layerStatistics: inputs have ${opts.inputs.cols} columns, the network expects ${spec.inputDim}`);
  const widths = [...spec.hidden, spec.outputDim];
  const L = widths.length;
  const ms: number[][] = [], m4: number[][] = [];
  for (let r = 0; r < R; r++) {
    const net = await network(opts.spec, { rng: opts.rng.fork(`init ${r}`) });
    try {
      const tf = net.tf;
      const values = tf.tidy(() => {
        const x = toTensor(tf, opts.inputs, "layerStatistics inputs");
        return net.trace(x).pre.map((h) => h.dataSync());
      });
      const s2: number[] = [], s4: number[] = [];
      for (const h of values) {
        let a = 0, b = 0;
        for (let i = 0; i < h.length; i++) {
          const v = h[i] * h[i];
          a += v;
          b += v * v;
        }
        s2.push(a / h.length);
        s4.push(b / h.length);
      }
      ms.push(s2);
      m4.push(s4);
    } finally {
      net.dispose();
    }
    if ((r + 1) % 10 === 0 || r + 1 === R) {
      opts.onProgress?.({ done: r + 1, total: R, label: "initialisations" });
      await yieldToKernel();
    }
  }
  const col = (m: number[][], l: number): number[] => m.map((row) => row[l]);
  const meanSquare = widths.map((_, l) => meanSe(col(ms, l)));
  const ratio = widths.map((_, l) => (l === 0 ? { value: NaN, se: NaN } : ratioOfMeans(col(ms, l), col(ms, l - 1))));
  const kurtosis = widths.map((_, l) => poolKurtosis(col(ms, l), col(m4, l)));
  return { inits: R, layers: widths.map((_, l) => l + 1), widths, meanSquare, ratio, kurtosis, perInit: { meanSquare: ms, meanFourth: m4 } };
}
