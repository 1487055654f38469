/**
 * A fully connected network built from a `NetworkSpec`, in TensorFlow.js, readable layer by layer.
 *
 *   const net = await train.network({ inputDim: 20, hidden: [256, 256], activation: "relu" }, { rng: rng.fork("net") });
 *   net.describe();              // one row per layer: shapes, multipliers, initial std, learning-rate scales
 *   const y = net.predict(X);    // X a linalg Matrix (n x inputDim); y an n x outputDim Matrix
 *   net.dispose();
 *
 * Weights are stored as [fanIn, fanOut] (the forward pass is x W, rows are examples). The forward
 * pass is a plain function of the weights (`net.apply(params, x)`), so curvature and kernel code can
 * differentiate through it with respect to any of them.
 */
import type * as tfjs from "@tensorflow/tfjs";
import { tfReady } from "../tf";
import { Rng } from "../random";
import type { Matrix } from "../linalg/matrix";
import { FullSpec, LayerPlan, NetworkSpec, layerPlans, resolveSpec } from "./spec";
import { gaussianWeights, orthogonalWeights } from "./init";
import { Activation, activationTensor } from "../activations";

export { activationTensor, activationDerivativeTensor } from "../activations";

/** One layer: its plan and its trainable variables. */
export interface Layer extends LayerPlan {
  /** Weights, shape [fanIn, fanOut]. */
  W: tfjs.Variable;
  /** Biases, shape [fanOut], or null when the layer has none. */
  b: tfjs.Variable | null;
}

/** Anything the lab accepts as a batch of inputs or targets. */
export type MatrixLike = Matrix | { rows: number; cols: number; data: Float32Array } | tfjs.Tensor2D;

/** Float32 tensor [rows, cols] from a lab Matrix (float64 or float32 data) or a tensor (returned as is). */
export function toTensor(tf: typeof tfjs, m: MatrixLike, what = "input"): tfjs.Tensor2D {
  if (m instanceof tf.Tensor) {
    if (m.rank !== 2) throw new RangeError(`${what}: expected a 2-D tensor, got shape [${m.shape.join(", ")}]`);
    return m as tfjs.Tensor2D;
  }
  const mm = m as { rows: number; cols: number; data: ArrayLike<number> };
  if (!mm || typeof mm.rows !== "number" || typeof mm.cols !== "number" || !mm.data) {
    throw new TypeError(`${what}: expected a matrix { rows, cols, data } or a 2-D tensor`);
  }
  if (mm.data.length !== mm.rows * mm.cols) throw new RangeError(`${what}: data has ${mm.data.length} values, expected rows * cols = ${mm.rows * mm.cols}`);
  const data = mm.data instanceof Float32Array ? mm.data : Float32Array.from(mm.data);
  return tf.tensor2d(data, [mm.rows, mm.cols]);
}

/**
 * One layer of a forward pass, h = m a W + m_b b and a' = phi(h): the one layer step of the lab (the
 * network's forward pass, backpropagation, the Hessian's R-operator and the batched trainer call it).
 * Works for one network (a [n, fanIn], W [fanIn, fanOut], b [fanOut]) and for members stacked along
 * a leading axis (a [S or 1, n, fanIn], W [S, fanIn, fanOut], b [S, 1, fanOut]).
 * `activation` null is the readout (no nonlinearity). `keepPre` asks for h even where it could be
 * skipped. Speed: with multipliers 1 the bias is added inside the product (one fused kernel), and the
 * ReLU too when h is not needed; the fused kernel takes only a rank-1 bias, so stacked members add theirs.
 */
export function layerStep(tf: typeof tfjs, plan: { multiplier: number; biasMultiplier: number }, a: tfjs.Tensor, W: tfjs.Tensor, b: tfjs.Tensor | null, activation: Activation | null, keepPre = false): { pre: tfjs.Tensor | null; post: tfjs.Tensor } {
  const identity = activation === null || activation === "linear";
  const fusable = plan.multiplier === 1 && (!b || (plan.biasMultiplier === 1 && b.rank === 1));
  if (fusable && (identity || (activation === "relu" && !keepPre))) {
    const out = tf.fused.matMul({ a: a as tfjs.Tensor2D, b: W as tfjs.Tensor2D, bias: b ?? undefined, activation: identity ? "linear" : "relu" });
    return { pre: identity ? out : null, post: out };
  }
  let h: tfjs.Tensor;
  if (fusable) h = tf.fused.matMul({ a: a as tfjs.Tensor2D, b: W as tfjs.Tensor2D, bias: b ?? undefined });
  else {
    h = tf.matMul(a as tfjs.Tensor2D, W as tfjs.Tensor2D);
    if (plan.multiplier !== 1) h = tf.mul(h, plan.multiplier);
    if (b) h = tf.add(h, plan.biasMultiplier === 1 ? b : tf.mul(b, plan.biasMultiplier));
  }
  return { pre: h, post: identity ? h : activationTensor(tf, activation as Activation, h) };
}

/** Pre-activations h^l and activations a^l of a forward pass (a^0 = x, the last h is the output). */
export interface ForwardTrace {
  pre: tfjs.Tensor2D[];
  post: tfjs.Tensor2D[];
}

/** A fully connected network in TensorFlow.js: its layers, a forward pass, snapshots of its weights. */
export class Network {
  readonly spec: FullSpec;
  readonly layers: Layer[];
  readonly tf: typeof tfjs;
  private disposed = false;

  constructor(tf: typeof tfjs, spec: FullSpec, layers: Layer[]) {
    this.tf = tf;
    this.spec = spec;
    this.layers = layers;
  }

  /** The trainable variables in layer order: W1, b1, W2, b2, ... (biases only where present). */
  variables(): tfjs.Variable[] {
    return this.layers.flatMap((l) => (l.b ? [l.W, l.b] : [l.W]));
  }

  /** Number of trainable parameters. */
  get numParams(): number {
    return this.layers.reduce((s, l) => s + l.fanIn * l.fanOut + (l.b ? l.fanOut : 0), 0);
  }

  private alive(): void {
    if (this.disposed) throw new Error("network: this network was disposed");
  }

  /**
   * The forward pass with the given parameters (same order and shapes as `variables()`), as tensors:
   * differentiable with respect to them. `trace` also returns every pre-activation and activation.
   */
  apply(params: tfjs.Tensor[], x: tfjs.Tensor2D): tfjs.Tensor2D;
  apply(params: tfjs.Tensor[], x: tfjs.Tensor2D, trace: true): ForwardTrace;
  apply(params: tfjs.Tensor[], x: tfjs.Tensor2D, trace = false): tfjs.Tensor2D | ForwardTrace {
    const tf = this.tf;
    const act = this.spec.activation;
    const pre: tfjs.Tensor2D[] = [], post: tfjs.Tensor2D[] = [x];
    let a: tfjs.Tensor2D = x;
    let k = 0;
    const last = this.layers.length - 1;
    this.layers.forEach((l, i) => {
      const W = params[k++];
      const b = l.b ? params[k++] : null;
      const step = layerStep(tf, l, a, W, b, i === last ? null : act, trace);
      if (trace) pre.push(step.pre as tfjs.Tensor2D);
      a = step.post as tfjs.Tensor2D;
      post.push(a);
    });
    return trace ? { pre, post } : a;
  }

  /** The forward pass with the current weights (a tensor; call inside tf.tidy or dispose it). */
  forward(x: tfjs.Tensor2D): tfjs.Tensor2D {
    this.alive();
    return this.apply(this.variables(), x);
  }

  /** Every pre-activation and activation of a forward pass with the current weights. */
  trace(x: tfjs.Tensor2D): ForwardTrace {
    this.alive();
    return this.apply(this.variables(), x, true);
  }

  /** Outputs for inputs X (n x inputDim) as an n x outputDim Matrix (float64 copy). */
  predict(X: MatrixLike): Matrix {
    this.alive();
    const tf = this.tf;
    const out = tf.tidy(() => {
      const x = toTensor(tf, X, "predict");
      if (x.shape[1] !== this.spec.inputDim) throw new RangeError(`predict: inputs have ${x.shape[1]} columns, the network expects ${this.spec.inputDim}`);
      return this.forward(x);
    });
    const data = Float64Array.from(out.dataSync());
    const rows = out.shape[0];
    out.dispose();
    return { rows, cols: this.spec.outputDim, data };
  }

  /** A copy of every parameter, in `variables()` order (e.g. the weights at initialisation). */
  snapshot(): Float32Array[] {
    this.alive();
    return this.variables().map((v) => Float32Array.from(v.dataSync()));
  }

  /** Set every parameter from a snapshot. */
  restore(values: Float32Array[]): void {
    this.alive();
    const vars = this.variables();
    if (values.length !== vars.length) throw new RangeError(`restore: expected ${vars.length} arrays, got ${values.length}`);
    vars.forEach((v, i) => {
      if (values[i].length !== v.size) throw new RangeError(`restore: array ${i} has ${values[i].length} values, the variable has ${v.size}`);
      this.tf.tidy(() => v.assign(this.tf.tensor(values[i], v.shape)));
    });
  }

  /** One row per layer: what a reader needs to see how the network is parameterized. */
  describe(): Record<string, string | number>[] {
    return this.layers.map((l) => ({
      layer: l.index,
      kind: l.kind,
      shape: `${l.fanIn} → ${l.fanOut}`,
      activation: l.kind === "readout" || l.kind === "linear" ? "linear" : this.spec.activation,
      multiplier: l.multiplier,
      "init std": l.initStd,
      bias: l.hasBias ? `× ${Number(l.biasMultiplier.toPrecision(4))}, std ${Number(l.biasInitStd.toPrecision(4))}` : "none",
      "lr × (SGD)": l.lrScale.sgd,
      "lr × (Adam)": l.lrScale.adam,
      params: l.fanIn * l.fanOut + (l.hasBias ? l.fanOut : 0),
    }));
  }

  /** Free the tensors. Using the network afterwards is an error. */
  dispose(): void {
    if (this.disposed) return;
    for (const v of this.variables()) v.dispose();
    this.disposed = true;
  }
}

/**
 * Build a network from a spec, its weights drawn from `rng` (named forks per layer, so the draws of
 * one layer do not depend on the others' sizes).
 */
export async function network(spec: NetworkSpec, opts: { rng: Rng }): Promise<Network> {
  if (!opts || !(opts.rng instanceof Rng)) throw new TypeError("train.network: pass { rng } (e.g. { rng: rng.fork(\"net\") })");
  const full = resolveSpec(spec);
  const tf = await tfReady();
  const layers: Layer[] = layerPlans(full).map((p) => {
    const r = opts.rng.fork(`layer ${p.index}`);
    const w = full.init === "orthogonal" ? orthogonalWeights(p.fanIn, p.fanOut, p.initStd, r.fork("W")) : gaussianWeights(p.fanIn, p.fanOut, p.initStd, r.fork("W"));
    // the variable keeps the data alive; the temporary tensor is released right away
    const asVariable = (t: tfjs.Tensor): tfjs.Variable => { const v = tf.variable(t, true); t.dispose(); return v; };
    const W = asVariable(tf.tensor2d(w, [p.fanIn, p.fanOut]));
    const b = p.hasBias ? asVariable(tf.tensor1d(gaussianWeights(1, p.fanOut, p.biasInitStd, r.fork("b")))) : null;
    return { ...p, W, b };
  });
  return new Network(tf, full, layers);
}
