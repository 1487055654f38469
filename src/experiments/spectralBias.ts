/**
 * Chapter 04: spectral bias (Rahaman et al., arXiv 1806.08734): an MLP trained on a sum of sinusoids
 * learns the low frequencies first. We train on a 1-D target f(x) = sum_k A_k sin(2 pi k x + phi_k)
 * sampled on a uniform grid of [0, 1), full batch, and at every evaluation project the residual
 * f - f_hat on each frequency: on a uniform grid the discrete Fourier modes are exactly orthogonal, so
 *   |r_k| = (2/N) |sum_j (f - f_hat)(x_j) exp(-2 pi i k x_j)|
 * is the amplitude of frequency k still unlearned; we report |r_k(t)| / A_k.
 *
 * Random Fourier features (Tancik et al., arXiv 2006.10739) map x to [cos(2 pi b_j x), sin(2 pi b_j x)]
 * with fixed b_j ~ N(0, scale^2) before the MLP; with a large enough scale the network's kernel covers
 * the high frequencies and the lag between frequencies largely disappears.
 */
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import type { Activation } from "../activations";
import { network } from "../train/network";
import { fit } from "../train/fit";
import { fitReplicas } from "../train/replicas";

/** Options of `spectralBias`: the target's frequencies and amplitudes, the network and its training. */
export interface SpectralBiasOptions {
  /** Frequencies k of the target (default [1, 5, 10, 20]). */
  freqs?: number[];
  /** Amplitude of each frequency (default 1 each). */
  amplitudes?: number[];
  /** Grid points on [0, 1) (default 256). */
  points?: number;
  /** Hidden layer widths (default [256, 256, 256, 256]) and activation (default relu). */
  hidden?: number[];
  activation?: Activation;
  /** Adam steps (full batch) and learning rate (default 3000, 1e-3). */
  steps?: number;
  lr?: number;
  /** Record the residual spectrum every this many steps (default 20). */
  evalEvery?: number;
  /** Random Fourier features: number of frequencies and their scale (off by default). */
  fourierFeatures?: { count: number; scale: number };
  /**
   * Without Fourier features, what the network sees: "line" (default) the scalar 2x - 1 in [-1, 1), or
   * "circle" the point (cos 2 pi x, sin 2 pi x) on the unit circle, where a network's NTK is
   * rotation-invariant and its eigenfunctions are exactly the Fourier modes.
   */
  inputs?: "line" | "circle";
  /** Phases from rng.fork("phases"), features from rng.fork("features"), the network from rng.fork("net"). */
  rng: Rng;
  onProgress?: OnProgress;
}

/** How fast each frequency of the target is learned: the residual of each frequency at each recorded step. */
export interface SpectralBiasResult {
  freqs: number[];
  /** Training steps at which the residual was recorded (0 = initialisation). */
  steps: number[];
  /** residual[i][t]: |r_k| / A_k for freqs[i] at steps[t]. */
  residual: number[][];
  /** Mean squared training error at each recorded step. */
  loss: number[];
  /** Wall time of the training in seconds. */
  seconds: number;
}

/** Amplitude of frequency k in samples `v` on the uniform grid x_j = j / N. */
export function fourierAmplitude(v: ArrayLike<number>, k: number): number {
  const n = v.length;
  let re = 0, im = 0;
  for (let j = 0; j < n; j++) {
    const t = (2 * Math.PI * k * j) / n;
    re += v[j] * Math.cos(t);
    im -= v[j] * Math.sin(t);
  }
  return (2 / n) * Math.hypot(re, im);
}

/**
 * Input features: x itself rescaled to [-1, 1) (n x 1), the point (cos 2 pi x, sin 2 pi x) on the
 * circle (n x 2, `inputs: "circle"`), or random Fourier features (n x 2m).
 */
export function inputFeatures(xs: Float64Array, ff: { count: number; scale: number } | undefined, rng: Rng, inputs: "line" | "circle" = "line"): { data: Float64Array; dim: number } {
  const n = xs.length;
  if (!ff && inputs === "circle") {
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) { out[2 * i] = Math.cos(2 * Math.PI * xs[i]); out[2 * i + 1] = Math.sin(2 * Math.PI * xs[i]); }
    return { data: out, dim: 2 };
  }
  if (!ff) return { data: Float64Array.from(xs, (x) => 2 * x - 1), dim: 1 };
  const b = rng.normals(ff.count, 0, ff.scale);
  const out = new Float64Array(n * 2 * ff.count);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < ff.count; j++) {
      const t = 2 * Math.PI * b[j] * xs[i];
      out[i * 2 * ff.count + j] = Math.cos(t);
      out[i * 2 * ff.count + ff.count + j] = Math.sin(t);
    }
  }
  return { data: out, dim: 2 * ff.count };
}

/** Train an MLP (train.network + train.fit) on the sum of sinusoids and record the per-frequency residual. */
export async function spectralBiasRun(opts: SpectralBiasOptions): Promise<SpectralBiasResult> {
  const runs = await spectralBiasRuns({ ...opts, seeds: 1 }, true);
  return runs[0];
}

/**
 * `seeds` independent networks (initialisation and, with Fourier features, the features) on the same
 * target, trained as one batched program (train.fitReplicas): seed s draws its network from
 * rng.fork("net").fork(`member s`) and its features from rng.fork("features").fork(`seed s`); the
 * phases of the target come from rng.fork("phases") and are shared. One result per seed.
 */
export async function spectralBiasRuns(opts: SpectralBiasOptions & { seeds: number }, single = false): Promise<SpectralBiasResult[]> {
  const freqs = opts.freqs ?? [1, 5, 10, 20];
  const amps = opts.amplitudes ?? freqs.map(() => 1);
  const N = opts.points ?? 256;
  const steps = opts.steps ?? 3000;
  const S = opts.seeds;
  if (Math.max(...freqs) >= N / 2) throw new RangeError(`spectralBiasRun: the highest frequency must be below points/2 = ${N / 2}`);
  const phaseRng = opts.rng.fork("phases");
  const phases = freqs.map(() => phaseRng.uniform() * 2 * Math.PI);
  const xs = Float64Array.from({ length: N }, (_, j) => j / N);
  const target = Float64Array.from(xs, (x) => freqs.reduce((s, k, i) => s + amps[i] * Math.sin(2 * Math.PI * k * x + phases[i]), 0));
  const featRng = opts.rng.fork("features");
  const feats = Array.from({ length: S }, (_, s) => inputFeatures(xs, opts.fourierFeatures, single ? featRng : featRng.fork(`seed ${s}`), opts.inputs));
  const dim = feats[0].dim;
  const spec = { inputDim: dim, hidden: opts.hidden ?? [256, 256, 256, 256], activation: opts.activation ?? "relu" };
  const out: SpectralBiasResult[] = Array.from({ length: S }, () => ({ freqs, steps: [], residual: freqs.map(() => []), loss: [], seconds: 0 }));
  if (single) {
    // the single-run path keeps train.network + train.fit (one network from rng.fork("net"))
    const net = await network(spec, { rng: opts.rng.fork("net") });
    const X = { rows: N, cols: dim, data: feats[0].data };
    const o = out[0];
    try {
      const run = await fit(net, { x: X, y: { rows: N, cols: 1, data: target } }, {
        optimizer: { kind: "adam", lr: opts.lr ?? 1e-3 }, steps, evalEvery: opts.evalEvery ?? 20,
        metrics: {
          residual: (n) => {
            const pred = n.predict(X).data;
            const r = Float64Array.from(target, (v, j) => v - pred[j]);
            freqs.forEach((k, i) => o.residual[i].push(fourierAmplitude(r, k) / amps[i]));
            return Math.hypot(...freqs.map((_, i) => o.residual[i][o.residual[i].length - 1]));
          },
        },
        onProgress: opts.onProgress,
      });
      o.steps = run.history.map((h) => h.step);
      o.loss = run.history.map((h) => h.trainLoss);
      o.seconds = run.seconds;
    } finally {
      net.dispose();
    }
    return out;
  }
  const run = await fitReplicas(spec, { x: feats.map((f) => ({ rows: N, cols: dim, data: f.data })), y: { rows: N, cols: 1, data: target } }, {
    members: S, rng: opts.rng.fork("net"), optimizer: { kind: "adam", lr: opts.lr ?? 1e-3 }, steps, evalEvery: opts.evalEvery ?? 20,
    onEval: (_, preds) => preds.forEach((pred, s) => {
      const r = Float64Array.from(target, (v, j) => v - pred[j]);
      freqs.forEach((k, i) => out[s].residual[i].push(fourierAmplitude(r, k) / amps[i]));
    }),
    onProgress: opts.onProgress,
  });
  out.forEach((o, s) => { o.steps = run.steps.slice(); o.loss = run.loss[s]; o.seconds = run.seconds; });
  return out;
}

/** First recorded step at which frequency index i's residual falls below `threshold` (Infinity if never). */
export function stepsToLearn(res: SpectralBiasResult, i: number, threshold = 0.1): number {
  const t = res.residual[i].findIndex((v) => v < threshold);
  return t < 0 ? Infinity : res.steps[t];
}
