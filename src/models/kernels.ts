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
 * - The same kernels measured on finite networks live with the networks (train.empiricalNtk,
 *   train.nngpEstimate; train.kernelOf(spec) gives these closed forms for a network spec).
 * - Kernel ridge(less) regression: fit on a kernel matrix, predict from a cross-kernel.
 */
import * as la from "../linalg";
import type { Activation } from "../activations";

type Matrix = la.Matrix;

/** The activations with closed-form network kernels. */
export type KernelActivation = Extract<Activation, "relu" | "erf">;

/** Options of the infinite-width network kernels (NNGP, NTK): depth, weight and bias variances, activation. */
export interface NetKernelOptions {
  /** Number of hidden layers L (>= 1). */
  depth: number;
  /** Weight variance sigma_w^2 (default 2, the critical "He" value for ReLU). */
  sigmaW2?: number;
  /** Bias variance sigma_b^2 (default 0). */
  sigmaB2?: number;
  /** Nonlinearity (default relu). */
  activation?: KernelActivation;
}

/** The 2-point expectations E[phi(u)phi(v)] and E[phi'(u)phi'(v)] for a centred Gaussian pair. */
export function dualActivation(act: KernelActivation, sxx: number, szz: number, sxz: number): { k: number; kDot: number } {
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
  if (act !== "relu" && act !== "erf") throw new RangeError(`network kernels: closed forms exist for "relu" and "erf", got ${JSON.stringify(act)}`);
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

// ------------------------------------------------------------------ kernel regression

/** A fitted kernel ridge(less) regression: its dual coefficients and the training inputs it predicts from. */
export interface KernelRegression {
  /** Dual coefficients alpha (n x k): prediction = K(test, train) alpha. */
  alpha: Matrix;
  /** The per-sample ridge lambda used: alpha = (K + n lambda I)^-1 y. */
  ridge: number;
}

function asColumns(y: ArrayLike<number> | Matrix): Matrix {
  if ((y as Matrix).data instanceof Float64Array && typeof (y as Matrix).rows === "number") return y as Matrix;
  const v = Float64Array.from(y as ArrayLike<number>);
  return { rows: v.length, cols: 1, data: v };
}

/**
 * Kernel ridge regression alpha = (K + n lambda I)^-1 y with `ridge` = lambda the per-sample penalty of
 * min_f (1/n) sum_i (y_i - f(x_i))^2 + lambda |f|_K^2 (the library's convention, shared with
 * models.ridgeFit and theory.learningCurve). ridge = 0 interpolates: Cholesky when K is positive
 * definite, else min-norm least squares.
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

/**
 * The kernel's spectrum and a target's power per eigenmode, estimated on a sample: with K the N x N
 * kernel matrix of N points drawn from the data distribution and y the target at those points, the
 * eigenvalues of K / N estimate the kernel operator's eigenvalues eta_k (descending), and
 * c_k^2 = (u_k . y)^2 / N (u_k the unit eigenvectors) the target's power in mode k, so that
 * sum_k c_k^2 = |y|^2 / N. Exactly the Mercer decomposition of the kernel under the empirical measure
 * of the N points (Bordelon, Canatar & Pehlevan, arXiv 2002.02561): feed it to theory.learningCurve.
 */
export function kernelSpectrum(K: Matrix, y: ArrayLike<number>): { eigenvalues: Float64Array; targetPower: Float64Array } {
  if (K.rows !== K.cols) throw new RangeError(`kernelSpectrum: K must be square, got ${K.rows}x${K.cols}`);
  const N = K.rows;
  if (y.length !== N) throw new RangeError(`kernelSpectrum: K is ${N}x${N} but y has ${y.length} values`);
  const A: Matrix = { rows: N, cols: N, data: Float64Array.from(K.data, (v) => v / N) };
  const E = la.eigh(A);
  const eigenvalues = new Float64Array(N), targetPower = new Float64Array(N);
  for (let k = 0; k < N; k++) {
    const col = N - 1 - k; // eigh is ascending
    eigenvalues[k] = Math.max(0, E.values[col]);
    let s = 0;
    for (let i = 0; i < N; i++) s += E.vectors.data[i * N + col] * y[i];
    targetPower[k] = (s * s) / N;
  }
  return { eigenvalues, targetPower };
}
