/**
 * Kernels and kernel regression.
 *
 * - Classical kernels: RBF exp(-|x - z|^2 / (2 l^2)) and Laplace exp(-|x - z| / l).
 * - Infinite-width kernels of fully connected networks (Neal 1996; Lee et al. arXiv 1711.00165;
 *   Jacot et al. arXiv 1806.07572), for the NTK-parameterised network with L hidden layers
 *     h^1 = (sigma_w / sqrt d) W^1 x + sigma_b b^1,  h^{l+1} = (sigma_w / sqrt N) W^{l+1} phi(h^l) + sigma_b b^{l+1},
 *   output f = h^{L+1}, all weights and biases i.i.d. N(0, 1). As N -> infinity, h^l is a Gaussian
 *   process with covariance Sigma^l, and gradient-descent training follows the neural tangent kernel Theta:
 *     Sigma^1 = sigma_w^2 x.z / d + sigma_b^2,            Theta^1 = Sigma^1,
 *     Sigma^{l+1} = sigma_w^2 E[phi(u) phi(v)] + sigma_b^2,  Theta^{l+1} = Sigma^{l+1} + sigma_w^2 E[phi'(u) phi'(v)] Theta^l,
 *   with (u, v) centred Gaussian of covariance [[Sigma^l(x,x), Sigma^l(x,z)], [., Sigma^l(z,z)]].
 *   For ReLU these expectations are the arc-cosine kernels of Cho & Saul (2009):
 *     E[relu(u) relu(v)] = sqrt(s_x s_z) (sin t + (pi - t) cos t) / (2 pi),  E[relu'(u) relu'(v)] = (pi - t) / (2 pi),
 *   cos t = Sigma(x,z) / sqrt(s_x s_z); for erf (Williams 1997)
 *     E[erf(u) erf(v)] = (2/pi) asin(2 S_xz / sqrt((1 + 2 s_x)(1 + 2 s_z))),
 *     E[erf'(u) erf'(v)] = (4/pi) / sqrt((1 + 2 s_x)(1 + 2 s_z) - 4 S_xz^2).
 * - Monte-Carlo counterparts: the empirical NNGP of wide random networks and the empirical NTK of one
 *   finite network (exact per-layer formula from backpropagation, plain JS + linalg.matmul).
 * - Kernel ridge(less) regression: fit on a kernel matrix, predict from a cross-kernel.
 */
import { erf } from "../special";
import { Rng } from "../random";
import * as la from "../linalg";
import { mnist, binaryTargets } from "../data/mnist";

type Matrix = la.Matrix;

export type Activation = "relu" | "erf";

export interface NetKernelOptions {
  /** Number of hidden layers L (>= 1). */
  depth: number;
  /** Weight variance sigma_w^2 (default 2, the critical "He" value for ReLU). */
  sigmaW2?: number;
  /** Bias variance sigma_b^2 (default 0). */
  sigmaB2?: number;
  /** Nonlinearity (default relu). */
  activation?: Activation;
}

/** The 2-point expectations E[phi(u)phi(v)] and E[phi'(u)phi'(v)] for a centred Gaussian pair. */
export function dualActivation(act: Activation, sxx: number, szz: number, sxz: number): { k: number; kDot: number } {
  if (act === "relu") {
    const norm = Math.sqrt(sxx * szz);
    if (norm === 0) return { k: 0, kDot: 0.25 };
    const c = Math.max(-1, Math.min(1, sxz / norm));
    const t = Math.acos(c);
    return { k: (norm * (Math.sin(t) + (Math.PI - t) * c)) / (2 * Math.PI), kDot: (Math.PI - t) / (2 * Math.PI) };
  }
  const ax = 1 + 2 * sxx, az = 1 + 2 * szz;
  const k = (2 / Math.PI) * Math.asin(Math.max(-1, Math.min(1, (2 * sxz) / Math.sqrt(ax * az))));
  const kDot = 4 / Math.PI / Math.sqrt(Math.max(1e-300, ax * az - 4 * sxz * sxz));
  return { k, kDot };
}

/**
 * NNGP and NTK values for pairs given their input inner products: x.x, z.z, x.z (already divided by
 * nothing; the input dimension d is given separately).
 */
export function netKernelScalar(xx: number, zz: number, xz: number, d: number, o: NetKernelOptions): { nngp: number; ntk: number } {
  const sw = o.sigmaW2 ?? 2, sb = o.sigmaB2 ?? 0, act = o.activation ?? "relu";
  if (!Number.isInteger(o.depth) || o.depth < 1) throw new RangeError(`network kernels: depth must be an integer >= 1, got ${o.depth}`);
  let sxx = (sw * xx) / d + sb, szz = (sw * zz) / d + sb, sxz = (sw * xz) / d + sb;
  let ntk = sxz;
  for (let l = 0; l < o.depth; l++) {
    const cross = dualActivation(act, sxx, szz, sxz);
    const nx = dualActivation(act, sxx, sxx, sxx).k;
    const nz = dualActivation(act, szz, szz, szz).k;
    const newXz = sw * cross.k + sb;
    ntk = newXz + sw * cross.kDot * ntk;
    sxz = newXz;
    sxx = sw * nx + sb;
    szz = sw * nz + sb;
  }
  return { nngp: sxz, ntk };
}

function rowNorms2(X: Matrix): Float64Array {
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let s = 0;
    for (let j = 0; j < X.cols; j++) s += X.data[i * X.cols + j] ** 2;
    out[i] = s;
  }
  return out;
}

/**
 * NNGP and NTK kernel matrices between the rows of X (n x d) and Z (m x d) for a depth-L network.
 */
export function netKernels(X: Matrix, Z: Matrix, o: NetKernelOptions): { nngp: Matrix; ntk: Matrix } {
  if (X.cols !== Z.cols) throw new RangeError(`netKernels: X has ${X.cols} columns, Z has ${Z.cols}`);
  const G = la.matmul(X, Z, { transB: true });
  const nx = rowNorms2(X), nz = rowNorms2(Z);
  const nngp = new Float64Array(X.rows * Z.rows), ntk = new Float64Array(X.rows * Z.rows);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < Z.rows; j++) {
      const r = netKernelScalar(nx[i], nz[j], G.data[i * Z.rows + j], X.cols, o);
      nngp[i * Z.rows + j] = r.nngp;
      ntk[i * Z.rows + j] = r.ntk;
    }
  }
  if (X === Z) { symmetrize(nngp, X.rows); symmetrize(ntk, X.rows); }
  return { nngp: { rows: X.rows, cols: Z.rows, data: nngp }, ntk: { rows: X.rows, cols: Z.rows, data: ntk } };
}

/** Squared Euclidean distances between rows of X and rows of Z (via norms and one matrix product). */
export function squaredDistances(X: Matrix, Z: Matrix): Matrix {
  if (X.cols !== Z.cols) throw new RangeError(`squaredDistances: X has ${X.cols} columns, Z has ${Z.cols}`);
  const G = la.matmul(X, Z, { transB: true });
  const nx = rowNorms2(X), nz = rowNorms2(Z);
  const out = G.data;
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < Z.rows; j++) out[i * Z.rows + j] = Math.max(0, nx[i] + nz[j] - 2 * out[i * Z.rows + j]);
  if (X === Z) symmetrize(out, X.rows, 0);
  return { rows: X.rows, cols: Z.rows, data: out };
}

/** Make a square row-major matrix exactly symmetric (mean of the two triangles) and optionally set its diagonal. */
function symmetrize(a: Float64Array, n: number, diagonal?: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (a[i * n + j] + a[j * n + i]);
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
    if (diagonal !== undefined) a[i * n + i] = diagonal;
  }
}

/** RBF kernel exp(-|x - z|^2 / (2 l^2)). */
export function rbfKernel(X: Matrix, Z: Matrix, lengthscale: number): Matrix {
  const D = squaredDistances(X, Z);
  const f = 1 / (2 * lengthscale * lengthscale);
  for (let i = 0; i < D.data.length; i++) D.data[i] = Math.exp(-D.data[i] * f);
  return D;
}

/** Laplace kernel exp(-|x - z| / l). */
export function laplaceKernel(X: Matrix, Z: Matrix, lengthscale: number): Matrix {
  const D = squaredDistances(X, Z);
  for (let i = 0; i < D.data.length; i++) D.data[i] = Math.exp(-Math.sqrt(D.data[i]) / lengthscale);
  return D;
}

/** Median of the pairwise distances between rows (the usual lengthscale heuristic), on up to `max` rows. */
export function medianDistance(X: Matrix, max = 500): number {
  const m = Math.min(X.rows, max);
  const sub: Matrix = { rows: m, cols: X.cols, data: X.data.subarray(0, m * X.cols) };
  const D = squaredDistances(sub, sub);
  const v: number[] = [];
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) v.push(Math.sqrt(D.data[i * m + j]));
  v.sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
}

// ------------------------------------------------------------------ Monte Carlo of finite networks

/** Forward pass through a random NTK-parameterised network; returns pre-activations and activations per layer. */
interface Forward {
  /** acts[0] = X (n x d); acts[l] = phi(h^l) (n x N) for l = 1..L. */
  acts: Matrix[];
  /** pre[l - 1] = h^l (n x N), l = 1..L. */
  pre: Matrix[];
  /** Weights W^l (N_l x N_{l-1}), l = 1..L+1 (the last has one row). */
  weights: Matrix[];
}

function phi(act: Activation, x: number): number {
  return act === "relu" ? (x > 0 ? x : 0) : erf(x);
}
function phiDot(act: Activation, x: number): number {
  return act === "relu" ? (x > 0 ? 1 : 0) : (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x);
}

export { erf } from "../special";

function randomForward(X: Matrix, width: number, o: NetKernelOptions, rng: Rng): Forward {
  const sw = Math.sqrt(o.sigmaW2 ?? 2), sb = Math.sqrt(o.sigmaB2 ?? 0), act = o.activation ?? "relu";
  const acts: Matrix[] = [X], pre: Matrix[] = [], weights: Matrix[] = [];
  let prev = X;
  for (let l = 1; l <= o.depth + 1; l++) {
    const outDim = l === o.depth + 1 ? 1 : width;
    const W: Matrix = { rows: outDim, cols: prev.cols, data: rng.normals(outDim * prev.cols) };
    weights.push(W);
    if (l === o.depth + 1) break;
    const H = la.matmul(prev, W, { transB: true });
    const f = sw / Math.sqrt(prev.cols);
    const b = rng.normals(outDim);
    const A = new Float64Array(H.data.length);
    for (let i = 0; i < prev.rows; i++) {
      for (let j = 0; j < outDim; j++) {
        const v = H.data[i * outDim + j] * f + sb * b[j];
        H.data[i * outDim + j] = v;
        A[i * outDim + j] = phi(act, v);
      }
    }
    pre.push(H);
    const Am: Matrix = { rows: prev.rows, cols: outDim, data: A };
    acts.push(Am);
    prev = Am;
  }
  return { acts, pre, weights };
}

/**
 * Empirical NNGP of random networks of finite width: the covariance of the output over `nets`
 * independent networks, estimated from each network's last hidden layer,
 *   K(x, z) = sigma_w^2 phi(h^L(x)) . phi(h^L(z)) / N + sigma_b^2,
 * which is the conditional expectation of f(x) f(z) over the readout (lower variance than products of
 * outputs). Converges to the NNGP as N, nets grow (fluctuations ~ 1 / sqrt(N * nets)).
 */
export function empiricalNngp(X: Matrix, width: number, o: NetKernelOptions & { nets?: number }, rng: Rng): Matrix {
  const nets = o.nets ?? 1;
  const sw = o.sigmaW2 ?? 2, sb = o.sigmaB2 ?? 0;
  const out = new Float64Array(X.rows * X.rows);
  for (let t = 0; t < nets; t++) {
    const fw = randomForward(X, width, o, rng);
    const A = fw.acts[o.depth];
    const G = la.matmul(A, A, { transB: true });
    for (let i = 0; i < out.length; i++) out[i] += ((sw * G.data[i]) / width + sb) / nets;
  }
  symmetrize(out, X.rows);
  return { rows: X.rows, cols: X.rows, data: out };
}

/**
 * Empirical NTK Theta(x, z) = grad_theta f(x) . grad_theta f(z) of one random network of width N at
 * initialisation (NTK parameterisation), computed exactly layer by layer:
 *   Theta = sum_{l=1}^{L+1} (delta^l(x) . delta^l(z)) (sigma_w^2 a^{l-1}(x) . a^{l-1}(z) / N_{l-1} + sigma_b^2),
 * with delta^l = d f / d h^l from backpropagation and a^0 = x. Also returns the network's outputs.
 */
export function empiricalNtk(X: Matrix, width: number, o: NetKernelOptions, rng: Rng): { ntk: Matrix; outputs: Float64Array } {
  const sw = Math.sqrt(o.sigmaW2 ?? 2), sb2 = o.sigmaB2 ?? 0, act = o.activation ?? "relu";
  const fw = randomForward(X, width, o, rng);
  const n = X.rows, L = o.depth;
  // delta^{L+1} = 1 (n x 1); delta^l = phi'(h^l) * ((sigma_w / sqrt N_l) delta^{l+1} W^{l+1})
  let delta: Matrix = { rows: n, cols: 1, data: new Float64Array(n).fill(1) };
  const out = new Float64Array(n * n);
  const outputs = new Float64Array(n);
  {
    const Wl = fw.weights[L];
    const aPrev = fw.acts[L];
    const f = sw / Math.sqrt(aPrev.cols);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < aPrev.cols; j++) s += Wl.data[j] * aPrev.data[i * aPrev.cols + j];
      outputs[i] = f * s; // output bias draw omitted: it does not change the NTK
    }
  }
  for (let l = L + 1; l >= 1; l--) {
    const aPrev = fw.acts[l - 1];
    const Ga = la.matmul(aPrev, aPrev, { transB: true });
    const Gd = la.matmul(delta, delta, { transB: true });
    const c = (sw * sw) / aPrev.cols;
    for (let i = 0; i < out.length; i++) out[i] += Gd.data[i] * (c * Ga.data[i] + sb2);
    if (l === 1) break;
    // back to layer l-1: delta^{l-1} = phi'(h^{l-1}) * (sigma_w / sqrt N_{l-1}) delta^l W^l
    const back = la.matmul(delta, fw.weights[l - 1]);
    const h = fw.pre[l - 2];
    const f = sw / Math.sqrt(aPrev.cols);
    for (let i = 0; i < back.data.length; i++) back.data[i] *= f * phiDot(act, h.data[i]);
    delta = back;
  }
  symmetrize(out, n);
  return { ntk: { rows: n, cols: n, data: out }, outputs };
}

/** Points on a circle of radius sqrt(d) in a random 2-D plane of R^d at angles `angles` (inputs of norm^2 = d). */
export function circleInputs(angles: ArrayLike<number>, d: number, rng: Rng): Matrix {
  const u = rng.normals(d), v = rng.normals(d);
  const nu = Math.hypot(...u);
  for (let i = 0; i < d; i++) u[i] /= nu;
  let p = 0;
  for (let i = 0; i < d; i++) p += u[i] * v[i];
  for (let i = 0; i < d; i++) v[i] -= p * u[i];
  const nv = Math.hypot(...v);
  for (let i = 0; i < d; i++) v[i] /= nv;
  const X = new Float64Array(angles.length * d);
  const r = Math.sqrt(d);
  for (let a = 0; a < angles.length; a++) {
    const c = Math.cos(angles[a]) * r, s = Math.sin(angles[a]) * r;
    for (let i = 0; i < d; i++) X[a * d + i] = c * u[i] + s * v[i];
  }
  return { rows: angles.length, cols: d, data: X };
}

// ------------------------------------------------------------------ kernel regression

export interface KernelRegression {
  /** Dual coefficients alpha (n x k): prediction = K(test, train) alpha. */
  alpha: Matrix;
  ridge: number;
}

function asColumns(y: ArrayLike<number> | Matrix): Matrix {
  if ((y as Matrix).data instanceof Float64Array && typeof (y as Matrix).rows === "number") return y as Matrix;
  const v = Float64Array.from(y as ArrayLike<number>);
  return { rows: v.length, cols: 1, data: v };
}

/**
 * Kernel ridge regression alpha = (K + ridge * n * I)^-1 y (ridge scaled by n, as in an empirical risk
 * with 1/n). ridge = 0 interpolates: Cholesky when K is positive definite, else min-norm least squares.
 */
export function kernelRidgeFit(K: Matrix, y: ArrayLike<number> | Matrix, ridge = 0): KernelRegression {
  if (K.rows !== K.cols) throw new RangeError(`kernelRidgeFit: K must be square, got ${K.rows}x${K.cols}`);
  const Y = asColumns(y);
  if (Y.rows !== K.rows) throw new RangeError(`kernelRidgeFit: K is ${K.rows}x${K.cols} but y has ${Y.rows} rows`);
  const n = K.rows;
  const A: Matrix = { rows: n, cols: n, data: Float64Array.from(K.data) };
  if (ridge > 0) for (let i = 0; i < n; i++) A.data[i * n + i] += ridge * n;
  let alpha: Matrix;
  try {
    alpha = la.choleskySolve(A, Y);
  } catch {
    alpha = la.lstsq(A, Y);
  }
  return { alpha, ridge };
}

/** Predictions K(test, train) alpha (m x k). */
export function kernelRidgePredict(Kcross: Matrix, model: KernelRegression): Matrix {
  return la.matmul(Kcross, model.alpha);
}

/** Mean squared error between two equally shaped arrays / matrices. */
export function mse(a: ArrayLike<number> | Matrix, b: ArrayLike<number> | Matrix): number {
  const x = (a as Matrix).data ?? (a as ArrayLike<number>);
  const y = (b as Matrix).data ?? (b as ArrayLike<number>);
  if (x.length !== y.length) throw new RangeError(`mse: lengths ${x.length} and ${y.length} differ`);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - y[i]) ** 2;
  return s / x.length;
}

// ------------------------------------------------------------------ experiments of chapter 04

export interface KernelMcComparison {
  /** Angles between the first input and each input. */
  theta: number[];
  /** Analytic NNGP / NTK between x(0) and x(theta), and their Monte-Carlo estimates. */
  nngp: number[];
  ntk: number[];
  nngpMc: number[];
  ntkMc: number[];
  /** Largest |MC - analytic| over the whole kernel matrix, relative to the analytic K(x, x). */
  maxDevNngp: number;
  maxDevNtk: number;
  /** Root-mean-square of the same relative deviations over the kernel matrix. */
  rmsDevNngp: number;
  rmsDevNtk: number;
  /**
   * Root-mean-square over entries of |MC mean - analytic| / (standard error of the MC mean), the
   * standard error estimated from the spread between the networks: about 1 when the formula is right
   * (the ratio is t-distributed with nets - 1 degrees of freedom, so its rms is sqrt((k-1)/(k-3)) for k nets).
   */
  zNngp: number;
  zNtk: number;
}

/**
 * Analytic NNGP/NTK against Monte Carlo on inputs spread over a circle (angles in [0, pi]): the NNGP
 * from `nets` random networks of width `width` (each from its last hidden layer), the NTK averaged over
 * `nets` finite networks' empirical NTKs; the spread between networks gives the Monte-Carlo error.
 */
export function kernelMonteCarlo(
  o: NetKernelOptions & { width: number; nets: number; angles: number[]; inputDim: number },
  rng: Rng,
): KernelMcComparison {
  if (o.nets < 2) throw new RangeError("kernelMonteCarlo: need at least 2 networks to estimate the Monte-Carlo error");
  const X = circleInputs(o.angles, o.inputDim, rng);
  const exact = netKernels(X, X, o);
  const n = X.rows, nn = n * n;
  // one estimate per network: mean and standard error per entry
  const sumG = new Float64Array(nn), sqG = new Float64Array(nn), sumT = new Float64Array(nn), sqT = new Float64Array(nn);
  for (let t = 0; t < o.nets; t++) {
    const g = empiricalNngp(X, o.width, { ...o, nets: 1 }, rng).data;
    const e = empiricalNtk(X, o.width, o, rng).ntk.data;
    for (let i = 0; i < nn; i++) { sumG[i] += g[i]; sqG[i] += g[i] * g[i]; sumT[i] += e[i]; sqT[i] += e[i] * e[i]; }
  }
  const k = o.nets;
  const stats = (sum: Float64Array, sq: Float64Array, ref: Float64Array) => {
    let mx = 0, s2 = 0, z2 = 0, zc = 0;
    const mean = new Float64Array(nn);
    for (let i = 0; i < nn; i++) {
      mean[i] = sum[i] / k;
      const v = Math.max(0, (sq[i] - k * mean[i] * mean[i]) / (k - 1));
      const se = Math.sqrt(v / k);
      const dev = Math.abs(mean[i] - ref[i]);
      mx = Math.max(mx, dev / ref[0]);
      s2 += (dev / ref[0]) ** 2;
      if (se > 1e-12 * Math.abs(ref[0])) { z2 += (dev / se) ** 2; zc++; }
    }
    return { mean, max: mx, rms: Math.sqrt(s2 / nn), z: Math.sqrt(z2 / Math.max(1, zc)) };
  };
  const G = stats(sumG, sqG, exact.nngp.data), T = stats(sumT, sqT, exact.ntk.data);
  return {
    theta: Array.from(o.angles),
    nngp: Array.from(exact.nngp.data.subarray(0, n)),
    ntk: Array.from(exact.ntk.data.subarray(0, n)),
    nngpMc: Array.from(G.mean.subarray(0, n)),
    ntkMc: Array.from(T.mean.subarray(0, n)),
    maxDevNngp: G.max,
    maxDevNtk: T.max,
    rmsDevNngp: G.rms,
    rmsDevNtk: T.rms,
    zNngp: G.z,
    zNtk: T.z,
  };
}

/**
 * Root-mean-square relative deviation of one network's empirical NTK from the analytic NTK, for each
 * width (averaged over `reps` networks): the finite-width fluctuation, expected to fall as width^-1/2.
 */
export function ntkDeviationVsWidth(
  o: NetKernelOptions & { widths: number[]; reps: number; angles: number[]; inputDim: number },
  rng: Rng,
): number[] {
  const X = circleInputs(o.angles, o.inputDim, rng);
  const exact = netKernels(X, X, o).ntk;
  return o.widths.map((w) => {
    let s = 0;
    for (let r = 0; r < o.reps; r++) {
      const e = empiricalNtk(X, w, o, rng).ntk;
      let q = 0;
      for (let i = 0; i < e.data.length; i++) q += ((e.data[i] - exact.data[i]) / exact.data[0]) ** 2;
      s += q / e.data.length;
    }
    return Math.sqrt(s / o.reps);
  });
}

/**
 * Learning curve of Laplace-kernel ridgeless regression on MNIST: target +1 / -1 (even / odd digit by
 * default), training sets of each size in `ns` (nested prefixes of one seeded draw), a fixed test set
 * per seed, lengthscale = median pairwise distance of the training images unless given. Returns the
 * test mean squared error and the classification error (sign of the prediction) per seed and n.
 */
export function mnistKernelCurve(
  o: { ns: number[]; nTest: number; seeds: number; seed?: number; lengthscale?: number; kernel?: "laplace" | "rbf"; side?: number; ridge?: number },
  onProgress?: (done: number, total: number) => void,
): { mse: number[][]; classError: number[][]; lengthscale: number[] } {
  const nMax = Math.max(...o.ns);
  const out = { mse: [] as number[][], classError: [] as number[][], lengthscale: [] as number[] };
  const kern = (A: Matrix, B: Matrix, l: number): Matrix => (o.kernel === "rbf" ? rbfKernel(A, B, l) : laplaceKernel(A, B, l));
  let done = 0;
  for (let s = 0; s < o.seeds; s++) {
    const { train, test } = mnist({ nTrain: nMax, nTest: o.nTest, seed: (o.seed ?? 0) * 1000 + s, side: o.side });
    const ytr = binaryTargets(train), yte = binaryTargets(test);
    const l = o.lengthscale ?? medianDistance(train.x);
    out.lengthscale.push(l);
    const m1: number[] = [], c1: number[] = [];
    for (const n of o.ns) {
      const Xn: Matrix = { rows: n, cols: train.d, data: train.x.data.subarray(0, n * train.d) };
      const model = kernelRidgeFit(kern(Xn, Xn, l), ytr.subarray(0, n), o.ridge ?? 0);
      const pred = kernelRidgePredict(kern(test.x, Xn, l), model).data;
      m1.push(mse(pred, yte));
      let wrong = 0;
      for (let i = 0; i < yte.length; i++) if (Math.sign(pred[i]) !== yte[i]) wrong++;
      c1.push(wrong / yte.length);
      onProgress?.(++done, o.seeds * o.ns.length);
    }
    out.mse.push(m1);
    out.classError.push(c1);
  }
  return out;
}
