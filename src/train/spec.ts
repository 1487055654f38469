/**
 * What a network is, as data: a `NetworkSpec` (depth, widths, activation, parameterization,
 * initialisation) from which `train.network` builds the TensorFlow.js model and `train.kernelOf` its
 * infinite-width kernels, one definition for both (as neural-tangents' stax does).
 *
 * Parameterizations (one layer: h = m W a + m_b b, with trainable entries W ~ N(0, s^2)):
 * - "standard" (SP): m = 1, s^2 = C_W / fan_in; biases start at N(0, C_b). What frameworks do.
 * - "ntk" (Jacot et al., arXiv 1806.07572): m = sqrt(C_W / fan_in), s = 1; m_b = sqrt(C_b), biases
 *   N(0, 1) (no bias term when C_b = 0). Same function at initialisation as SP, but each weight's
 *   gradient shrinks like 1/sqrt(width): at large width training is lazy and follows the NTK.
 * - "mup" (maximal update parameterization, Yang & Hu arXiv 2011.14522; Yang et al. arXiv 2203.03466,
 *   Table 3), written relative to a base width n0 with width multipliers m = width / n0, so that muP
 *   equals SP at width n0 (the width where a learning rate was tuned):
 *     input layer:  s^2 = C_W / fan_in;           learning rate x m_out (SGD), x 1 (Adam)
 *     hidden:       s^2 = C_W / fan_in;           x 1 (SGD), x 1 / m_in (Adam)
 *     readout:      s^2 = C_W / (fan_in m_in);    x 1 / m_in (SGD and Adam)
 *     hidden biases: as the input layer; the readout bias: x 1.
 *   Every layer's features then move by O(1) per step at any width (feature learning), and the best
 *   learning rate transfers across widths.
 *
 * Initialisation: "gaussian" (i.i.d. normal entries) or "orthogonal" (a random semi-orthogonal matrix
 * with the same entry variance; Saxe et al. arXiv 1312.6120). C_W defaults to the critical value of
 * the activation (2 for ReLU, 1 for tanh; see `criticalCw`), C_b to 0.
 */
import { Activation, assertActivation, criticalCw } from "../activations";

/** How weights and learning rates scale with width: standard, NTK, or muP. */
export type Parameterization = "standard" | "ntk" | "mup";
/** How weights are initialised: i.i.d. Gaussian, or (scaled) orthogonal. */
export type InitKind = "gaussian" | "orthogonal";

/** A fully connected network. Everything but `inputDim` and `hidden` has a default. */
export interface NetworkSpec {
  /** Input dimension d. */
  inputDim: number;
  /** Hidden-layer widths, e.g. [512, 512]; [] is a linear model. */
  hidden: number[];
  /** Number of outputs (default 1). */
  outputDim?: number;
  /** Nonlinearity of every hidden layer (default "relu"); the readout is linear. */
  activation?: Activation;
  /** How widths enter the weights and learning rates (default "standard"). */
  parameterization?: Parameterization;
  /** Weight variance scale C_W (default: the activation's critical value). */
  cw?: number;
  /** Bias variance C_b (default 0). */
  cb?: number;
  /** "gaussian" (default) or "orthogonal" weights. */
  init?: InitKind;
  /** Whether layers have biases (default true). */
  bias?: boolean;
  /** muP only: the width at which muP coincides with SP (required for "mup"). */
  baseWidth?: number;
}

/** A spec with every default filled in. */
export type FullSpec = Required<Omit<NetworkSpec, "baseWidth">> & { baseWidth: number | null };

/** Learning-rate multipliers of one parameter for the two optimizer families. */
export interface LrScale {
  sgd: number;
  adam: number;
}

/** How one layer is parameterized: what the forward pass multiplies by, how it is drawn, how fast it learns. */
export interface LayerPlan {
  /** 1-based layer number; the readout is layer hidden.length + 1. */
  index: number;
  kind: "input" | "hidden" | "readout" | "linear";
  fanIn: number;
  fanOut: number;
  /** h = multiplier * (a W) + biasMultiplier * b. */
  multiplier: number;
  biasMultiplier: number;
  /** Standard deviation of the trainable entries of W and b at initialisation. */
  initStd: number;
  biasInitStd: number;
  hasBias: boolean;
  lrScale: LrScale;
  biasLrScale: LrScale;
}

function positiveInt(v: unknown, what: string): void {
  if (!Number.isInteger(v) || (v as number) < 1) throw new RangeError(`network spec: ${what} must be a positive integer, got ${JSON.stringify(v)}`);
}

/** Validate a spec and fill in its defaults; every mistake is a RangeError that names the field. */
export function resolveSpec(spec: NetworkSpec): FullSpec {
  if (!spec || typeof spec !== "object") throw new TypeError("network spec: expected an object like { inputDim: 10, hidden: [256] }");
  positiveInt(spec.inputDim, "inputDim");
  if (!Array.isArray(spec.hidden)) throw new RangeError(`network spec: hidden must be an array of widths (e.g. [256, 256]), got ${JSON.stringify(spec.hidden)}`);
  spec.hidden.forEach((w, i) => positiveInt(w, `hidden[${i}]`));
  const outputDim = spec.outputDim ?? 1;
  positiveInt(outputDim, "outputDim");
  const activation = spec.activation ?? "relu";
  assertActivation(activation, "network spec");
  const parameterization = spec.parameterization ?? "standard";
  if (!["standard", "ntk", "mup"].includes(parameterization)) {
    throw new RangeError(`network spec: parameterization must be "standard", "ntk" or "mup"; got ${JSON.stringify(parameterization)}`);
  }
  const cw = spec.cw ?? criticalCw(activation);
  const cb = spec.cb ?? 0;
  if (!(cw > 0) || !Number.isFinite(cw)) throw new RangeError(`network spec: cw must be a positive number, got ${cw}`);
  if (!(cb >= 0) || !Number.isFinite(cb)) throw new RangeError(`network spec: cb must be a non-negative number, got ${cb}`);
  const init = spec.init ?? "gaussian";
  if (init !== "gaussian" && init !== "orthogonal") throw new RangeError(`network spec: init must be "gaussian" or "orthogonal"; got ${JSON.stringify(init)}`);
  let baseWidth: number | null = null;
  if (parameterization === "mup") {
    if (spec.baseWidth === undefined) {
      throw new RangeError("network spec: muP needs baseWidth, the width at which it equals the standard parameterization (the width your learning rate was tuned at), e.g. baseWidth: 64");
    }
    if (!(spec.baseWidth > 0)) throw new RangeError(`network spec: baseWidth must be positive, got ${spec.baseWidth}`);
    baseWidth = spec.baseWidth;
  }
  return { inputDim: spec.inputDim, hidden: spec.hidden.slice(), outputDim, activation, parameterization, cw, cb, init, bias: spec.bias ?? true, baseWidth };
}

/** The per-layer plan of a spec: multipliers, initial standard deviations and learning-rate scales. */
export function layerPlans(spec: NetworkSpec | FullSpec): LayerPlan[] {
  const s = resolveSpec(spec as NetworkSpec);
  const dims = [s.inputDim, ...s.hidden, s.outputDim];
  const L = s.hidden.length;
  const plans: LayerPlan[] = [];
  for (let l = 1; l <= L + 1; l++) {
    const fanIn = dims[l - 1], fanOut = dims[l];
    const kind: LayerPlan["kind"] = L === 0 ? "linear" : l === 1 ? "input" : l === L + 1 ? "readout" : "hidden";
    const one: LrScale = { sgd: 1, adam: 1 };
    let p: LayerPlan;
    if (s.parameterization === "ntk") {
      const hasBias = s.bias && s.cb > 0;
      p = { index: l, kind, fanIn, fanOut, multiplier: Math.sqrt(s.cw / fanIn), biasMultiplier: hasBias ? Math.sqrt(s.cb) : 0,
        initStd: 1, biasInitStd: hasBias ? 1 : 0, hasBias, lrScale: one, biasLrScale: one };
    } else {
      p = { index: l, kind, fanIn, fanOut, multiplier: 1, biasMultiplier: s.bias ? 1 : 0, initStd: Math.sqrt(s.cw / fanIn),
        biasInitStd: s.bias ? Math.sqrt(s.cb) : 0, hasBias: s.bias, lrScale: one, biasLrScale: one };
      if (s.parameterization === "mup" && kind !== "linear") {
        const n0 = s.baseWidth as number;
        const mIn = kind === "input" ? 1 : fanIn / n0;     // fan-in is a hidden width
        const mOut = kind === "readout" ? 1 : fanOut / n0; // fan-out is a hidden width
        if (kind === "input") p.lrScale = { sgd: mOut, adam: 1 };
        if (kind === "hidden") p.lrScale = { sgd: 1, adam: 1 / mIn };
        if (kind === "readout") {
          p.initStd = Math.sqrt(s.cw / (fanIn * mIn));
          p.lrScale = { sgd: 1 / mIn, adam: 1 / mIn };
        }
        p.biasLrScale = kind === "readout" ? one : { sgd: mOut, adam: 1 };
      }
    }
    plans.push(p);
  }
  return plans;
}

/** Number of trainable parameters of a spec. */
export function parameterCount(spec: NetworkSpec): number {
  return layerPlans(spec).reduce((s, p) => s + p.fanIn * p.fanOut + (p.hasBias ? p.fanOut : 0), 0);
}
