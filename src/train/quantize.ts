/**
 * Quantization of a network's weights: post-training (round-to-nearest) and quantization-aware
 * training with the straight-through estimator.
 *
 *   const q = train.quantizeNetwork(net, { bits: 4, granularity: "channel" });   // a snapshot, weights on the grid
 *   net.restore(q.values);                        // the quantized network (net.restore(net0) goes back)
 *   const run = await train.fitQuantized(net, { x, y }, { bits: 3, optimizer: { kind: "adam", lr: 1e-3 }, steps: 500 });
 *   const T = train.rangeWeightedTrace(net, { x, y }, { probes: 30, rng });   // Hutchinson, for the noise prediction
 *
 * **The grid.** Symmetric, round-to-nearest, b bits: a weight w becomes step * round(w / step) with
 * integer levels -(2^(b-1) - 1) ... 2^(b-1) - 1 (b = 2 is ternary {-1, 0, 1}; the code -2^(b-1) is
 * left unused so that the grid is symmetric) and step = r / (2^(b-1) - 1), where the range r is
 * max |w| over the tensor ("tensor") or over each output unit's column ("channel", W is stored
 * [fanIn, fanOut]). Nothing is clipped, so every weight moves by at most step / 2. Only weight
 * matrices are quantized; biases stay in float (they are few, and accumulate in wide registers on
 * hardware), and the memory counted for a quantized network is bits x weights.
 *
 * **The noise model.** When the grid is fine compared with how the weights vary, the rounding error
 * behaves like uniform noise on [-step/2, step/2], of variance step^2/12 (Widrow 1956; exact for
 * subtractive dither, Schuchman 1964, which `dither` implements as a control). At a minimum of the
 * loss the first-order term vanishes and the expected increase is (1/2) sum_i H_ii step_i^2 / 12.
 * Since step_i = r_i / (2^(b-1) - 1), one number per network, T = sum_i H_ii r_i^2, gives that
 * prediction at every bit width; `rangeWeightedTrace` estimates it by Hutchinson's estimator
 * E[z^T H z] with z = r * v, v Rademacher (Hutchinson 1990), from exact Hessian-vector products.
 *
 * **Quantization-aware training** (`fitQuantized`): every step runs the forward and backward pass with
 * the quantized weights Q(w) and applies the gradient to the float weights w (the straight-through
 * estimator, Bengio, Léonard & Courville 2013, arXiv 1308.3432; Hubara et al. 2016, arXiv 1609.07061):
 * the STE gradient is exactly the float gradient evaluated at Q(w). It uses the training core's own
 * pieces (`backpropLayers`, `createOptimizer` with the layers' learning-rate scales, as `fit` does).
 */
import type * as tfjs from "@tensorflow/tfjs";
import { Rng } from "../random";
import { yieldToKernel } from "../progress";
import type { OnProgress } from "../progress";
import { MatrixLike, Network, toTensor } from "./network";
import { LossName, lossTensor, validateLoss } from "./losses";
import { OptimizerSpec, createOptimizer, optimizerFamily } from "./optimizers";
import { backpropLayers } from "./backprop";
import { hessianOperator } from "./curvature";
import { Schedule, scheduleFactor } from "./schedules";

/** Per tensor (one range per weight matrix) or per channel (one range per output unit). */
export type Granularity = "tensor" | "channel";

/** The number of positive levels of a symmetric b-bit grid, 2^(b-1) - 1 (b = 2: 1, b = 8: 127). */
export function quantizationLevels(bits: number): number {
  if (!(Number.isInteger(bits) && bits >= 2 && bits <= 24)) throw new RangeError(`quantization: bits must be an integer from 2 to 24, got ${bits}`);
  return 2 ** (bits - 1) - 1;
}

/** The range r of each output unit of a [fanIn, fanOut] weight matrix: max |w| of its column, or of the whole matrix. */
export function weightRanges(w: ArrayLike<number>, fanIn: number, fanOut: number, granularity: Granularity): Float64Array {
  if (w.length !== fanIn * fanOut) throw new RangeError(`weightRanges: ${w.length} weights, expected fanIn * fanOut = ${fanIn * fanOut}`);
  if (granularity !== "tensor" && granularity !== "channel") throw new RangeError(`weightRanges: granularity must be "tensor" or "channel", got ${JSON.stringify(granularity)}`);
  const r = new Float64Array(fanOut);
  for (let i = 0; i < fanIn; i++) for (let j = 0; j < fanOut; j++) r[j] = Math.max(r[j], Math.abs(w[i * fanOut + j]));
  if (granularity === "tensor") r.fill(r.reduce((a, b) => Math.max(a, b), 0));
  return r;
}

/** One quantized weight matrix: the values on the grid and the step of each output unit. */
export interface QuantizedMatrix {
  values: Float32Array;
  /** step of each column (all equal per tensor). */
  steps: Float64Array;
}

/**
 * Round-to-nearest symmetric quantization of a [fanIn, fanOut] matrix (row-major) at `bits` bits.
 * With `dither` (a Rng), subtractive dither instead: Q(w + u) - u with u uniform on [-step/2, step/2],
 * whose error is exactly uniform and independent of w (a control for the noise model, not a grid).
 */
export function quantizeMatrix(w: ArrayLike<number>, fanIn: number, fanOut: number, opts: { bits: number; granularity?: Granularity; dither?: Rng }): QuantizedMatrix {
  const levels = quantizationLevels(opts.bits);
  const r = weightRanges(w, fanIn, fanOut, opts.granularity ?? "tensor");
  const steps = r.map((x) => x / levels);
  const values = new Float32Array(w.length);
  for (let i = 0; i < fanIn; i++) {
    for (let j = 0; j < fanOut; j++) {
      const k = i * fanOut + j, s = steps[j];
      if (!(s > 0)) { values[k] = 0; continue; }
      const u = opts.dither ? (opts.dither.uniform() - 0.5) * s : 0;
      values[k] = s * Math.round((w[k] + u) / s) - u;
    }
  }
  return { values, steps };
}

/** A network's parameters with every weight matrix quantized (biases unchanged), in `net.variables()` order. */
export interface QuantizedNetwork {
  /** For `net.restore(values)`. */
  values: Float32Array[];
  /** Per layer, the step of each output unit. */
  steps: Float64Array[];
  bits: number;
  granularity: Granularity;
  /** Bits x weights (biases not counted). */
  memoryBits: number;
}

/** Weight matrices of `net` as they are now, quantized (see `quantizeMatrix`); `net` itself is not changed. */
export function quantizeNetwork(net: Network, opts: { bits: number; granularity?: Granularity; dither?: Rng }): QuantizedNetwork {
  const snap = net.snapshot();
  const values: Float32Array[] = [], steps: Float64Array[] = [];
  let k = 0, weights = 0;
  for (const l of net.layers) {
    const q = quantizeMatrix(snap[k++], l.fanIn, l.fanOut, opts);
    values.push(q.values); steps.push(q.steps); weights += l.fanIn * l.fanOut;
    if (l.b) values.push(snap[k++]);
  }
  return { values, steps, bits: opts.bits, granularity: opts.granularity ?? "tensor", memoryBits: opts.bits * weights };
}

/** Number of weights (entries of weight matrices, biases excluded): what a quantized network stores at b bits. */
export function weightCount(net: Network): number {
  return net.layers.reduce((s, l) => s + l.fanIn * l.fanOut, 0);
}

/** The range r_i of every parameter's group, flattened in `net.variables()` order (0 for biases, which are not quantized). */
export function parameterRanges(net: Network, granularity: Granularity): Float64Array {
  const snap = net.snapshot();
  const out = new Float64Array(net.numParams);
  let k = 0, o = 0;
  for (const l of net.layers) {
    const r = weightRanges(snap[k++], l.fanIn, l.fanOut, granularity);
    for (let i = 0; i < l.fanIn; i++) for (let j = 0; j < l.fanOut; j++) out[o++] = r[j];
    if (l.b) { k++; o += l.fanOut; }
  }
  return out;
}

/** Hutchinson's estimate of sum_i H_ii r_i^2 with its standard error over the probes. */
export interface RangeWeightedTrace {
  /** The mean over probes. */
  value: number;
  se: number;
  /** Every probe's z^T H z. */
  probes: number[];
}

/**
 * T = sum_i H_ii r_i^2 for the training loss at the network's current weights, with r_i the range of
 * parameter i's group (`parameterRanges`): Hutchinson's estimator, the mean of z^T H z over `probes`
 * Rademacher vectors v (z = r v), each one exact Hessian-vector product (`hessianOperator`). The
 * noise model's predicted loss increase at b bits is T / (2 * 12 * (2^(b-1) - 1)^2).
 */
export function rangeWeightedTrace(net: Network, data: { x: MatrixLike; y: MatrixLike }, opts: { granularity?: Granularity; probes: number; rng: Rng; loss?: LossName; gaussNewton?: boolean }): RangeWeightedTrace {
  if (!(opts.rng instanceof Rng)) throw new TypeError("rangeWeightedTrace: pass { rng }");
  if (!(Number.isInteger(opts.probes) && opts.probes >= 2)) throw new RangeError(`rangeWeightedTrace: probes must be an integer >= 2, got ${opts.probes}`);
  const r = parameterRanges(net, opts.granularity ?? "tensor");
  const H = hessianOperator(net, data, { loss: opts.loss ?? "mse", gaussNewton: opts.gaussNewton });
  const probes: number[] = [];
  try {
    for (let p = 0; p < opts.probes; p++) {
      const z = new Float64Array(r.length);
      for (let i = 0; i < r.length; i++) z[i] = r[i] === 0 ? 0 : (opts.rng.uniform() < 0.5 ? -r[i] : r[i]);
      const hz = H.apply(z);
      let s = 0;
      for (let i = 0; i < z.length; i++) s += z[i] * hz[i];
      probes.push(s);
    }
  } finally {
    H.dispose();
  }
  const m = probes.reduce((a, b) => a + b, 0) / probes.length;
  const v = probes.reduce((a, b) => a + (b - m) ** 2, 0) / (probes.length - 1);
  return { value: m, se: Math.sqrt(v / probes.length), probes };
}

/** The training loss and its gradient at the network's current weights (flattened in `variables()` order, float64). */
export function lossGradient(net: Network, data: { x: MatrixLike; y: MatrixLike }, loss: LossName = "mse"): { loss: number; gradient: Float64Array } {
  const tf = net.tf;
  validateLoss(loss);
  const gradient = new Float64Array(net.numParams);
  let value = NaN;
  tf.tidy(() => {
    const x = toTensor(tf, data.x, "lossGradient x"), y = toTensor(tf, data.y, "lossGradient y");
    const r = backpropLayers(tf, net.layers.map((l) => ({ plan: l, W: l.W, b: l.b })), net.spec.activation, x, y, loss);
    let o = 0;
    for (const t of r.grads) { gradient.set(t.dataSync(), o); o += t.size; }
    value = r.loss.dataSync()[0];
  });
  return { loss: value, gradient };
}

/** Quantized copy of a weight tensor in TensorFlow.js ops (the same grid as `quantizeMatrix`). Call inside tf.tidy. */
export function quantizeTensor(tf: typeof tfjs, W: tfjs.Tensor, bits: number, granularity: Granularity): tfjs.Tensor {
  const levels = quantizationLevels(bits);
  const r = granularity === "channel" ? tf.max(tf.abs(W), 0, true) : tf.max(tf.abs(W));
  const step = tf.maximum(tf.div(r, levels), 1e-30);
  // round half away from zero, as Math.round does for the float grid (tf.round rounds half to even)
  const q = tf.mul(tf.sign(W), tf.floor(tf.add(tf.div(tf.abs(W), step), 0.5)));
  return tf.mul(q, step);
}

/** Options of `fitQuantized`: the grid, the optimiser and the steps (full batch unless `batchSize`). */
export interface QuantizedFitOptions {
  bits: number;
  granularity?: Granularity;
  optimizer: OptimizerSpec;
  steps: number;
  loss?: LossName;
  batchSize?: number;
  /** Shuffles minibatches (required with a batchSize below n). */
  rng?: Rng;
  schedule?: Schedule;
  onProgress?: OnProgress;
}

/** One quantization-aware run: the training loss with quantized weights before each step. */
export interface QuantizedFitResult {
  stepLoss: number[];
  seconds: number;
}

/**
 * Quantization-aware training with the straight-through estimator: at every step the loss and its
 * gradient are computed with the weight matrices quantized (Q(w), biases float), and the gradient is
 * applied to the float weights w. At the end the network holds the float weights; `quantizeNetwork`
 * with the same bits and granularity gives the network that is deployed.
 */
export async function fitQuantized(net: Network, data: { x: MatrixLike; y: MatrixLike }, opts: QuantizedFitOptions): Promise<QuantizedFitResult> {
  const tf = net.tf;
  const loss = opts.loss ?? "mse";
  validateLoss(loss);
  quantizationLevels(opts.bits);
  const granularity = opts.granularity ?? "tensor";
  const X = toTensor(tf, data.x, "fitQuantized x"), Y = toTensor(tf, data.y, "fitQuantized y");
  const owned = [X, Y].filter((t, i) => !([data.x, data.y][i] instanceof tf.Tensor));
  const n = X.shape[0];
  const batch = Math.min(opts.batchSize ?? n, n);
  if (batch < n && !(opts.rng instanceof Rng)) throw new TypeError("fitQuantized: minibatches need an rng");
  const family = optimizerFamily(opts.optimizer);
  const scales = net.layers.flatMap((l) => (l.b ? [l.lrScale[family], l.biasLrScale[family]] : [l.lrScale[family]]));
  const optimizer = createOptimizer(tf, opts.optimizer, net.variables(), scales);
  const stepLoss: number[] = [];
  const t0 = Date.now();
  const perEpoch = Math.ceil(n / batch);
  let order: Int32Array | null = null;
  try {
    for (let t = 0; t < opts.steps; t++) {
      let rows: tfjs.Tensor1D | null = null;
      if (batch < n) {
        const pos = (t % perEpoch) * batch;
        if (pos === 0) order = (opts.rng as Rng).permutation(n);
        rows = tf.tensor1d((order as Int32Array).subarray(pos, Math.min(n, pos + batch)), "int32");
      }
      const lr = opts.optimizer.lr * scheduleFactor(opts.schedule, t, opts.steps);
      const value = tf.tidy(() => {
        const xb = rows ? tf.gather(X, rows) : X, yb = rows ? tf.gather(Y, rows) : Y;
        const layers = net.layers.map((l) => ({ plan: l, W: quantizeTensor(tf, l.W, opts.bits, granularity), b: l.b }));
        const r = backpropLayers(tf, layers, net.spec.activation, xb, yb, loss);
        const lv = r.loss.dataSync()[0];
        if (Number.isFinite(lv)) optimizer.step(r.grads, lr);
        return lv;
      });
      rows?.dispose();
      stepLoss.push(value);
      if (!Number.isFinite(value)) throw new Error(`fitQuantized: the loss became ${value} at step ${t} (learning rate ${lr}); try a smaller one`);
      if ((t + 1) % 100 === 0 || t + 1 === opts.steps) {
        opts.onProgress?.({ done: t + 1, total: opts.steps, label: `quantization-aware training, ${opts.bits} bits` });
        await yieldToKernel();
      }
    }
  } finally {
    optimizer.dispose();
    owned.forEach((t) => t.dispose());
  }
  return { stepLoss, seconds: (Date.now() - t0) / 1000 };
}

/**
 * The loss of `net` on `data` with the given parameters (e.g. a quantized snapshot; null: its own).
 * The outputs are float32; "mse" and "half-mse" are averaged in float64, so that the small loss
 * increases of fine grids are not lost to the float32 sum.
 */
export function lossWith(net: Network, values: Float32Array[] | null, data: { x: MatrixLike; y: MatrixLike }, loss: LossName = "mse"): number {
  const tf = net.tf;
  validateLoss(loss);
  const x = toTensor(tf, data.x, "lossWith x"), y = toTensor(tf, data.y, "lossWith y");
  try {
    const f = tf.tidy(() => net.apply(values ? net.variables().map((v, i) => tf.tensor(values[i], v.shape)) : net.variables(), x));
    if (loss === "softmax-ce") { const v = tf.tidy(() => lossTensor(tf, loss, f, y).dataSync()[0]); f.dispose(); return v; }
    const fv = f.dataSync(), yv = y.dataSync();
    f.dispose();
    let s = 0;
    for (let i = 0; i < fv.length; i++) s += (fv[i] - yv[i]) ** 2;
    return loss === "mse" ? s / fv.length : (0.5 * s) / y.shape[0];
  } finally {
    if (!(data.x instanceof tf.Tensor)) x.dispose();
    if (!(data.y instanceof tf.Tensor)) y.dispose();
  }
}
