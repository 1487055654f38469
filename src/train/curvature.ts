/**
 * Curvature of the training loss: Hessian-vector products, the top Hessian eigenvalue ("sharpness")
 * and the top eigenvalue of the empirical NTK.
 *
 *   const H = train.hessianOperator(net, { x: X, y: Y }, { loss: "half-mse" });
 *   const Hv = H.apply(v);                       // v, Hv: Float64Array of length net.numParams
 *   H.dispose();
 *   const s = train.sharpness(net, { x: X, y: Y }, { loss: "half-mse" });   // { value, vector, iterations, ... }
 *   await train.fit(net, data, { ..., loss: "half-mse", metrics: { sharpness: train.sharpnessMetric() } });
 *
 * Vectors over the parameters are flattened in the order of `net.variables()` (W1 row-major, b1, W2,
 * b2, ..., biases only where present): the order of `net.snapshot()`.
 *
 * **How H v is computed: exactly, by Pearlmutter's R-operator** (Pearlmutter 1994, "Fast exact
 * multiplication by the Hessian"), written out layer by layer in TensorFlow.js ops: one forward pass,
 * its directional derivative along v (R-forward), the backward pass and its directional derivative
 * (R-backward), about the cost of two gradients. It is exact for every activation of the lab (relu,
 * tanh, erf, linear; relu'' = 0 away from the kinks, as automatic differentiation also takes it).
 * Why not `tf.grad` of (grad . v): TensorFlow.js 4.22 cannot take second derivatives through ops
 * whose gradient reuses their saved output (tanh, sigmoid, exp): `tf.grad(x => sum(tf.grad(tanh)(x)))`
 * throws "Cannot compute gradient", and inside a network the missing path is silently dropped, so a
 * tanh network's H v came out 15-30% wrong in our tests. Double backpropagation does work for relu
 * and erf, and a central finite difference of gradients works for smooth activations, so
 * tests/unit/train/curvature.test.ts checks this R-operator against both.
 *
 * **The top eigenvalue** comes from the Lanczos iteration with full reorthogonalisation (the method of
 * Cohen et al. and of most sharpness measurements): it needs far fewer products than power iteration
 * when the top eigenvalues are close, and a warm start (the previous top eigenvector, `start`) makes
 * tracking the sharpness along training cost a few products per measurement. It stops when the
 * residual ||H u - theta u|| of the Ritz pair is below `tol * |theta|`; the eigenvalue error is then
 * of order residual^2 / gap, far below tol.
 */
import type * as tfjs from "@tensorflow/tfjs";
import { activationDerivatives } from "../activations";
import { eigh, eigvalsh } from "../linalg";
import type { Matrix } from "../linalg/matrix";
import { Rng } from "../random";
import { LossName, lossDerivatives, validateLoss } from "./losses";
import { MatrixLike, Network, layerStep, toTensor } from "./network";
import { empiricalNtk } from "./kernels";

/** A symmetric linear map on R^dim (e.g. a Hessian), applied to float64 vectors. */
export interface LinearOperator {
  readonly dim: number;
  apply(v: ArrayLike<number>): Float64Array;
}

/** The Hessian of a network's training loss at its current weights, as an operator. */
export interface HessianOperator extends LinearOperator {
  /** Products computed so far. */
  readonly products: number;
  /** Free the data tensors it holds (the network is not touched). */
  dispose(): void;
}

/** Options of the Hessian-vector products: the loss the curvature refers to. */
export interface HessianOptions {
  /** The training loss (default "mse", as in train.fit). The 2 / eta threshold refers to this loss. */
  loss?: LossName;
  /**
   * Only the Gauss-Newton part J^T (d^2 loss / df^2) J, dropping the term with the residual times the
   * network's own second derivatives. Its nonzero eigenvalues for half-mse are those of the empirical
   * NTK / n.
   */
  gaussNewton?: boolean;
  /**
   * Precondition by the per-parameter SGD learning-rate scales s (1 except under muP): the operator
   * becomes S^1/2 H S^1/2, whose top eigenvalue is the one that gradient descent with base rate eta
   * compares with 2 / eta. Default false (the plain Hessian).
   */
  lrScaled?: boolean;
}

type T2 = tfjs.Tensor2D;

function ownedTensor(tf: typeof tfjs, m: MatrixLike, what: string): { t: T2; owned: boolean } {
  const t = toTensor(tf, m, what);
  return { t, owned: !(m instanceof tf.Tensor) };
}

/**
 * H v (or the Gauss-Newton part G v) at the network's current weights, as one flat float32 tensor:
 * Pearlmutter's R-operator written out layer by layer (see the file's note). Call inside tf.tidy.
 */
function rOperatorProduct(net: Network, x: T2, y: T2, loss: LossName, gn: boolean, v32: Float32Array): tfjs.Tensor {
  const tf = net.tf;
  const act = net.spec.activation;
  const layers = net.layers;
  // v split into the shapes of the layers' variables
  let o = 0;
  const V: T2[] = [], C: (tfjs.Tensor1D | null)[] = [];
  for (const l of layers) {
    V.push(tf.tensor2d(v32.slice(o, o + l.fanIn * l.fanOut), [l.fanIn, l.fanOut])); o += l.fanIn * l.fanOut;
    if (l.b) { C.push(tf.tensor1d(v32.slice(o, o + l.fanOut))); o += l.fanOut; } else C.push(null);
  }
  // forward and R-forward: h = m a W + m_b b,  Rh = m (Ra W + a V) + m_b c,  Ra = phi'(h) Rh
  const A: T2[] = [x], RA: (T2 | null)[] = [null], RH: T2[] = [];
  const D1: (tfjs.Tensor | null)[] = [], D2: (() => tfjs.Tensor | null)[] = [];
  const last = layers.length - 1;
  let f: T2 = x, Rf: T2 = x;
  layers.forEach((l, i) => {
    const a = A[i], Ra = RA[i];
    // the layer step and its directional derivative Rh = m (a V + Ra W) + m_b c
    const step = layerStep(tf, l, a, l.W, l.b, i === last ? null : act, true);
    let Rh: tfjs.Tensor = tf.matMul(a, V[i]);
    if (Ra) Rh = tf.add(Rh, tf.matMul(Ra, l.W as T2));
    if (l.multiplier !== 1) Rh = tf.mul(Rh, l.multiplier);
    if (l.b) Rh = tf.add(Rh, l.biasMultiplier === 1 ? (C[i] as tfjs.Tensor1D) : tf.mul(C[i] as tfjs.Tensor1D, l.biasMultiplier));
    RH.push(Rh as T2);
    if (i === last) { f = step.post as T2; Rf = Rh as T2; return; }
    const phi = activationDerivatives(tf, act, { pre: step.pre, post: step.post });
    A.push(step.post as T2);
    D1.push(phi.d1); D2.push(phi.d2);
    RA.push((phi.d1 ? tf.mul(phi.d1, Rh) : Rh) as T2);
  });
  const { grad: g, Rgrad: Rg } = lossDerivatives(tf, loss, f, y, Rf) as { grad: T2; Rgrad: T2 };
  // backward and R-backward, from the readout down:
  //   dW = m a^T delta,            RdW = m (Ra^T delta + a^T Rdelta)
  //   dA = m delta W^T,            RdA = m (Rdelta W^T + delta V^T)
  //   delta' = phi'(h) dA,         Rdelta' = phi''(h) Rh dA + phi'(h) RdA
  // The Gauss-Newton part keeps only the terms without delta (the loss gradient).
  let delta: T2 = g, Rdelta: T2 = Rg;
  const parts: tfjs.Tensor[] = [];
  for (let i = last; i >= 0; i--) {
    const l = layers[i];
    let RdW: tfjs.Tensor = tf.matMul(A[i], Rdelta, true, false);
    const Ra = RA[i];
    if (Ra && !gn) RdW = tf.add(RdW, tf.matMul(Ra, delta, true, false));
    if (l.multiplier !== 1) RdW = tf.mul(RdW, l.multiplier);
    const piece: tfjs.Tensor[] = [tf.reshape(RdW, [-1])];
    if (l.b) piece.push(l.biasMultiplier === 1 ? tf.sum(Rdelta, 0) : tf.mul(tf.sum(Rdelta, 0), l.biasMultiplier));
    parts.unshift(...piece);
    if (i === 0) break;
    let RdA: tfjs.Tensor = tf.matMul(Rdelta, l.W as T2, false, true);
    if (!gn) RdA = tf.add(RdA, tf.matMul(delta, V[i], false, true));
    if (l.multiplier !== 1) RdA = tf.mul(RdA, l.multiplier);
    const d1 = D1[i - 1];
    let nextR: tfjs.Tensor = d1 ? tf.mul(d1, RdA) : RdA;
    if (!gn) {
      let dA: tfjs.Tensor = tf.matMul(delta, l.W as T2, false, true);
      if (l.multiplier !== 1) dA = tf.mul(dA, l.multiplier);
      const d2 = D2[i - 1]();
      if (d2) nextR = tf.add(nextR, tf.mul(tf.mul(d2, RH[i - 1]), dA));
      delta = (d1 ? tf.mul(d1, dA) : dA) as T2;
    }
    Rdelta = nextR as T2;
  }
  return tf.concat(parts);
}

/**
 * The Hessian of the training loss on `data` with respect to every parameter of `net`, at the
 * network's weights when `apply` is called (so one operator can follow a network through training).
 * Exact (R-operator, see the file's note). Call `dispose()` when done.
 */
export function hessianOperator(net: Network, data: { x: MatrixLike; y: MatrixLike }, opts: HessianOptions = {}): HessianOperator {
  const tf = net.tf;
  const loss = opts.loss ?? "mse";
  validateLoss(loss);
  if (!data || !data.x || !data.y) throw new TypeError("hessianOperator: the data must be { x, y }");
  const X = ownedTensor(tf, data.x, "hessianOperator x"), Y = ownedTensor(tf, data.y, "hessianOperator y");
  if (X.t.shape[1] !== net.spec.inputDim) throw new RangeError(`hessianOperator: x has ${X.t.shape[1]} columns, the network expects ${net.spec.inputDim}`);
  if (Y.t.shape[1] !== net.spec.outputDim) throw new RangeError(`hessianOperator: y has ${Y.t.shape[1]} columns, the network has ${net.spec.outputDim} outputs`);
  if (Y.t.shape[0] !== X.t.shape[0]) throw new RangeError(`hessianOperator: x has ${X.t.shape[0]} rows but y has ${Y.t.shape[0]}`);
  const gn = !!opts.gaussNewton;
  const layers = net.layers;
  const dim = net.numParams;
  // square roots of the learning-rate scales, per flattened parameter (only when lrScaled)
  let rootScale: Float64Array | null = null;
  if (opts.lrScaled) {
    rootScale = new Float64Array(dim);
    let o = 0;
    for (const l of layers) {
      rootScale.fill(Math.sqrt(l.lrScale.sgd), o, o + l.fanIn * l.fanOut); o += l.fanIn * l.fanOut;
      if (l.b) { rootScale.fill(Math.sqrt(l.biasLrScale.sgd), o, o + l.fanOut); o += l.fanOut; }
    }
  }
  let products = 0, disposed = false;

  const apply = (vIn: ArrayLike<number>): Float64Array => {
    if (disposed) throw new Error("hessianOperator: this operator was disposed");
    if (vIn.length !== dim) throw new RangeError(`hessianOperator.apply: v has ${vIn.length} entries, the network has ${dim} parameters`);
    const v32 = new Float32Array(dim);
    for (let i = 0; i < dim; i++) v32[i] = rootScale ? vIn[i] * rootScale[i] : vIn[i];
    const out = tf.tidy(() => rOperatorProduct(net, X.t, Y.t, loss, gn, v32));
    const hv32 = out.dataSync() as Float32Array;
    out.dispose();
    products++;
    const hv = new Float64Array(dim);
    for (let i = 0; i < dim; i++) hv[i] = rootScale ? hv32[i] * rootScale[i] : hv32[i];
    return hv;
  };
  return {
    dim,
    get products() { return products; },
    apply,
    dispose() {
      if (disposed) return;
      disposed = true;
      if (X.owned) X.t.dispose();
      if (Y.owned) Y.t.dispose();
    },
  };
}

/** H v for the training loss at the network's current weights (see `hessianOperator`). */
export function hessianVectorProduct(net: Network, data: { x: MatrixLike; y: MatrixLike }, v: ArrayLike<number>, opts: HessianOptions = {}): Float64Array {
  const H = hessianOperator(net, data, opts);
  try { return H.apply(v); } finally { H.dispose(); }
}

/** The result of an extreme-eigenvalue computation. */
export interface TopEigen {
  /** The largest (algebraic) eigenvalue found. */
  value: number;
  /** Its unit eigenvector (a warm start for the next call). */
  vector: Float64Array;
  /** Operator products used. */
  iterations: number;
  /** ||A u - value u|| for the returned pair. */
  residual: number;
  /** Whether residual <= tol * |value| was reached (or the Krylov space closed). */
  converged: boolean;
}

/** Options of the Lanczos iteration for the top Hessian eigenvalue: tolerance and iteration budget. */
export interface LanczosOptions {
  /** Stop when ||A u - theta u|| <= tol |theta| (default 1e-3: the eigenvalue is then far more accurate). */
  tol?: number;
  /** At most this many products (default 60). */
  maxIter?: number;
  /** A start vector, e.g. the eigenvector of the previous call (warm start). */
  start?: ArrayLike<number>;
  /** Draws the start vector when none is given; default: a fixed pseudo-random vector, so results are reproducible. */
  rng?: Rng;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * The largest eigenvalue of a symmetric operator and its eigenvector, by the Lanczos iteration with
 * full reorthogonalisation (in float64; written here because the lab's linear algebra is dense and the
 * operator is only available through products). The Ritz values of the k x k tridiagonal matrix come
 * from linalg.eigh.
 */
export function topEigenpair(A: LinearOperator, opts: LanczosOptions = {}): TopEigen {
  const n = A.dim;
  const tol = opts.tol ?? 1e-3, maxIter = Math.min(opts.maxIter ?? 60, n);
  if (!(tol > 0)) throw new RangeError(`topEigenpair: tol must be positive, got ${tol}`);
  if (!(Number.isInteger(maxIter) && maxIter >= 1)) throw new RangeError(`topEigenpair: maxIter must be a positive integer, got ${opts.maxIter}`);
  let q = new Float64Array(n);
  if (opts.start) {
    if (opts.start.length !== n) throw new RangeError(`topEigenpair: start has ${opts.start.length} entries, expected ${n}`);
    q.set(opts.start);
  } else {
    q.set((opts.rng ?? new Rng(0, "lanczos start")).normals(n));
  }
  let nq = Math.sqrt(dot(q, q));
  if (!(nq > 0) || !Number.isFinite(nq)) {
    q.set(new Rng(0, "lanczos start").normals(n));
    nq = Math.sqrt(dot(q, q));
  }
  for (let i = 0; i < n; i++) q[i] /= nq;
  const Q: Float64Array[] = [];
  const alpha: number[] = [], beta: number[] = [];
  let best: TopEigen = { value: NaN, vector: q.slice(), iterations: 0, residual: Infinity, converged: false };
  for (let k = 0; k < maxIter; k++) {
    Q.push(q);
    const w = A.apply(q);
    for (let i = 0; i < n; i++) if (!Number.isFinite(w[i])) throw new RangeError(`topEigenpair: the operator returned ${w[i]} (is the loss finite?)`);
    const a = dot(q, w);
    alpha.push(a);
    // w -= a q + beta q_prev, then twice full reorthogonalisation against every Lanczos vector
    for (let i = 0; i < n; i++) w[i] -= a * q[i];
    if (k > 0) { const bp = beta[k - 1], qp = Q[k - 1]; for (let i = 0; i < n; i++) w[i] -= bp * qp[i]; }
    for (let pass = 0; pass < 2; pass++) {
      for (const u of Q) { const c = dot(u, w); for (let i = 0; i < n; i++) w[i] -= c * u[i]; }
    }
    const b = Math.sqrt(dot(w, w));
    beta.push(b);
    // Ritz pairs of the (k+1) x (k+1) tridiagonal matrix
    const m = k + 1;
    const T = new Float64Array(m * m);
    for (let i = 0; i < m; i++) { T[i * m + i] = alpha[i]; if (i + 1 < m) { T[i * m + i + 1] = beta[i]; T[(i + 1) * m + i] = beta[i]; } }
    const e = eigh({ rows: m, cols: m, data: T });
    const theta = e.values[m - 1];
    const sLast = e.vectors.data[(m - 1) * m + (m - 1)];
    const residual = Math.abs(b * sLast);
    const closed = b <= 1e-12 * Math.max(1, Math.abs(theta));
    const done = residual <= tol * Math.abs(theta) || closed || k === maxIter - 1;
    if (done) {
      const u = new Float64Array(n);
      for (let j = 0; j < m; j++) { const c = e.vectors.data[j * m + (m - 1)]; const qj = Q[j]; for (let i = 0; i < n; i++) u[i] += c * qj[i]; }
      const nu = Math.sqrt(dot(u, u));
      for (let i = 0; i < n; i++) u[i] /= nu;
      best = { value: theta, vector: u, iterations: m, residual, converged: residual <= tol * Math.abs(theta) || closed };
      break;
    }
    q = new Float64Array(n);
    for (let i = 0; i < n; i++) q[i] = w[i] / b;
  }
  return best;
}

/** Options of `sharpness`: the loss and the Lanczos settings. */
export interface SharpnessOptions extends HessianOptions, LanczosOptions {}

/**
 * The sharpness of the training loss at the network's current weights: the top eigenvalue of its
 * Hessian (Lanczos on exact Hessian-vector products). Gradient descent with learning rate eta is
 * linearly stable only where the sharpness is below 2 / eta (for the same loss convention).
 */
export function sharpness(net: Network, data: { x: MatrixLike; y: MatrixLike }, opts: SharpnessOptions = {}): TopEigen {
  const H = hessianOperator(net, data, opts);
  try { return topEigenpair(H, opts); } finally { H.dispose(); }
}

/** What `sharpnessMetric` records as its own properties (so the result cache keys on them). */
export interface SharpnessMetricOptions {
  /** Default: the loss being trained (the metric context's). */
  loss?: LossName;
  tol?: number;
  maxIter?: number;
  gaussNewton?: boolean;
  lrScaled?: boolean;
}

/**
 * A metric for `train.fit` (`metrics: { sharpness: train.sharpnessMetric() }`) that records the top
 * Hessian eigenvalue of the training loss at every evaluation, warm-started from the previous
 * evaluation's eigenvector (a run restarts from scratch at step 0, so a reused metric gives the same
 * numbers as a fresh one). Its options are own properties of the returned function, so `cached` keys
 * a computation on them.
 */
export function sharpnessMetric(opts: SharpnessMetricOptions = {}): ((net: Network, ctx: { step: number; x: tfjs.Tensor2D; y: tfjs.Tensor2D; loss: LossName }) => number) & SharpnessMetricOptions {
  let warm: Float64Array | null = null;
  const metric = (net: Network, ctx: { step: number; x: tfjs.Tensor2D; y: tfjs.Tensor2D; loss: LossName }): number => {
    if (ctx.step === 0 || (warm && warm.length !== net.numParams)) warm = null;
    const s = sharpness(net, { x: ctx.x, y: ctx.y }, {
      loss: opts.loss ?? ctx.loss, tol: opts.tol, maxIter: opts.maxIter, gaussNewton: opts.gaussNewton, lrScaled: opts.lrScaled,
      ...(warm ? { start: warm } : {}),
    });
    warm = s.vector;
    return s.value;
  };
  return Object.assign(metric, {
    loss: opts.loss, tol: opts.tol ?? 1e-3, maxIter: opts.maxIter ?? 60, gaussNewton: !!opts.gaussNewton, lrScaled: !!opts.lrScaled,
  });
}

/**
 * The top eigenvalue of a network's empirical NTK on the inputs X (n x n, see `empiricalNtk`). For the
 * half-mse loss the Gauss-Newton part of the Hessian is J^T J / n, whose nonzero eigenvalues are those
 * of the NTK / n: `ntkTopEigenvalue(net, X) / n` is the curvature that Lewkowycz et al. call lambda.
 */
export function ntkTopEigenvalue(net: Network, X: MatrixLike, opts: { output?: number } = {}): number {
  const K: Matrix = empiricalNtk(net, X, opts);
  const w = eigvalsh(K);
  return w[w.length - 1];
}
