/**
 * Linear regression on fixed features: least squares, ridge, and min-norm interpolation, built on
 * src/linalg. Plus the 1-D feature maps (Legendre polynomials, Gaussian RBF bumps) used for the
 * bias-variance curve, and the bias-variance decomposition itself.
 *
 * Convention: ridge solves min_w (1/n)||y - X w||^2 + ridge * ||w||^2, i.e.
 *   w = (X^T X + n*ridge I)^-1 X^T y = X^T (X X^T + n*ridge I)^-1 y,
 * using whichever Gram matrix is smaller (p x p or n x n). ridge = 0 gives ordinary least squares
 * when p < n and the minimum-norm interpolator when p > n (the limit ridge -> 0+).
 */
import * as la from "../linalg";
import type { Rng } from "../random";
import { gaussianInputs, linearTeacher, linearLabels, wishartGram } from "../data/gaussian";

type Matrix = la.Matrix;

function mat(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/**
 * Solve (G + shift I) a = b for a symmetric positive semi-definite G: Cholesky when it succeeds, else
 * the minimum-norm least-squares solution (G singular or numerically so).
 */
export function psdSolve(G: Matrix, b: ArrayLike<number>, shift = 0): Float64Array {
  const n = G.rows;
  const A = la.matrix(n, n, G.data);
  if (shift !== 0) for (let i = 0; i < n; i++) A.data[i * n + i] += shift;
  try {
    return la.choleskySolve(A, Float64Array.from(b));
  } catch {
    return la.lstsq(A, Float64Array.from(b), { ridge: 0 });
  }
}

export interface LinearFit {
  /** Weights w (length p). */
  coef: Float64Array;
}

/**
 * Ridge (ridge > 0) or ridgeless (ridge = 0: least squares when p < n, minimum-norm interpolation when
 * p > n) regression, minimising (1/n)|y - X w|^2 + ridge |w|^2 (so linalg's penalty is n * ridge).
 */
export function ridgeFit(X: Matrix, y: ArrayLike<number>, ridge = 0): LinearFit {
  const n = X.rows, p = X.cols;
  if (y.length !== n) throw new RangeError(`ridgeFit: X has ${n} rows, y has ${y.length}`);
  if (!(ridge >= 0)) throw new RangeError(`ridgeFit: ridge must be >= 0, got ${ridge}`);
  const yv = Float64Array.from(y);
  if (ridge === 0 && Math.min(n, p) <= WELL_POSED_RATIO * Math.max(n, p)) {
    // Far from the square case a Gaussian-like design is well conditioned (cond(X) <= ~40 at ratio 0.9),
    // so the normal equations of the smaller Gram matrix give the same least-squares / min-norm solution
    // as the SVD-based lstsq, several times faster on the pure-JS path. Fall back when Cholesky fails.
    try {
      if (p < n) return { coef: la.choleskySolve(la.gram(X), la.matvec(la.transpose(X), yv)) };
      return { coef: la.matvec(la.transpose(X), la.choleskySolve(la.outerGram(X), yv)) };
    } catch {
      /* numerically rank deficient: use lstsq below */
    }
  }
  return { coef: la.lstsq(X, yv, { ridge: n * ridge }) };
}

/** Below this ratio min(n, p) / max(n, p), ridgeless fits use Cholesky on the smaller Gram matrix. */
const WELL_POSED_RATIO = 0.9;

/**
 * `ridgeFit` for several penalties at once (same convention), forming the smaller Gram matrix only once:
 * the coefficient vector for each entry of `ridges`. Ridgeless entries close to the square case use lstsq.
 */
export function ridgePath(X: Matrix, y: ArrayLike<number>, ridges: number[]): Float64Array[] {
  const n = X.rows, p = X.cols;
  if (y.length !== n) throw new RangeError(`ridgePath: X has ${n} rows, y has ${y.length}`);
  const yv = Float64Array.from(y);
  const primal = p <= n;
  const G = primal ? la.gram(X) : la.outerGram(X);
  const m = G.rows;
  const rhs = primal ? la.matvec(la.transpose(X), yv) : yv;
  const XT = primal ? null : la.transpose(X);
  return ridges.map((ridge) => {
    if (!(ridge >= 0)) throw new RangeError(`ridgePath: ridges must be >= 0, got ${ridge}`);
    if (ridge === 0 && Math.min(n, p) > WELL_POSED_RATIO * Math.max(n, p)) return la.lstsq(X, yv, { ridge: 0 });
    const A = la.matrix(m, m, G.data);
    for (let i = 0; i < m; i++) A.data[i * m + i] += n * ridge;
    let sol: Float64Array;
    try {
      sol = la.choleskySolve(A, rhs);
    } catch {
      return la.lstsq(X, yv, { ridge: n * ridge });
    }
    return primal ? sol : la.matvec(XT as Matrix, sol);
  });
}

/** X w. */
export function predict(X: Matrix, coef: ArrayLike<number>): Float64Array {
  if (coef.length !== X.cols) throw new RangeError(`predict: X has ${X.cols} columns, coef has ${coef.length}`);
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let s = 0;
    const o = i * X.cols;
    for (let j = 0; j < X.cols; j++) s += X.data[o + j] * coef[j];
    out[i] = s;
  }
  return out;
}

/** Mean squared difference. */
export function meanSquaredError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`mse: lengths ${a.length} and ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / Math.max(1, a.length);
}

// ---------------------------------------------------------------- 1-D feature maps

/** Legendre polynomials P_0..P_degree at each x in [-1, 1] (well conditioned, unlike raw powers). */
export function legendreFeatures(x: ArrayLike<number>, degree: number): Matrix {
  const p = degree + 1;
  const m = mat(x.length, p);
  for (let i = 0; i < x.length; i++) {
    const t = x[i];
    const o = i * p;
    m.data[o] = 1;
    if (p > 1) m.data[o + 1] = t;
    for (let k = 2; k < p; k++) m.data[o + k] = ((2 * k - 1) * t * m.data[o + k - 1] - (k - 1) * m.data[o + k - 2]) / k;
  }
  return m;
}

/** Gaussian bumps exp(-(x - c)^2 / (2 width^2)) at `count` centres evenly spread on [-1, 1]. */
export function rbfFeatures(x: ArrayLike<number>, count: number, width = 2 / Math.max(1, count)): Matrix {
  const m = mat(x.length, count);
  for (let i = 0; i < x.length; i++) {
    for (let k = 0; k < count; k++) {
      const c = count === 1 ? 0 : -1 + (2 * k) / (count - 1);
      m.data[i * count + k] = Math.exp(-((x[i] - c) ** 2) / (2 * width * width));
    }
  }
  return m;
}

// ---------------------------------------------------------------- bias-variance decomposition

export interface BiasVariancePoint {
  degree: number;
  /** Mean over x of (E_D[f_hat(x)] - f(x))^2 (unbiased estimate over the trials; can dip slightly below 0). */
  bias2: number;
  /** Mean over x of Var_D[f_hat(x)]. */
  variance: number;
  /** Mean test error against the noiseless target (= bias2 + variance). */
  testMse: number;
  /** Mean training error on the noisy labels. */
  trainMse: number;
}

/**
 * Bias-variance decomposition of least-squares polynomial regression (Legendre features of each
 * degree) over `trials` independent training sets of n points of f(x) + sigma*noise, x ~ U[-1, 1],
 * evaluated on an even grid.
 */
export function biasVarianceCurve(opts: {
  target: (x: number) => number;
  n: number;
  sigma: number;
  degrees: number[];
  trials: number;
  rng: Rng;
  ridge?: number;
  gridSize?: number;
  onProgress?: (done: number, total: number) => void;
}): BiasVariancePoint[] {
  const m = opts.gridSize ?? 200;
  const gx = Float64Array.from({ length: m }, (_, i) => -1 + (2 * i) / (m - 1));
  const gf = Float64Array.from(gx, opts.target);
  // the same training sets for every degree (common random numbers make the curve smooth)
  const sets = Array.from({ length: opts.trials }, () => {
    const x = opts.rng.uniforms(opts.n, -1, 1);
    const y = Float64Array.from(x, (v) => opts.target(v) + opts.sigma * opts.rng.normal());
    return { x, y };
  });
  const out: BiasVariancePoint[] = [];
  opts.degrees.forEach((degree, di) => {
    const Phi = legendreFeatures(gx, degree);
    const mean = new Float64Array(m), sq = new Float64Array(m);
    let train = 0;
    for (const s of sets) {
      const F = legendreFeatures(s.x, degree);
      const { coef } = ridgeFit(F, s.y, opts.ridge ?? 0);
      train += meanSquaredError(predict(F, coef), s.y);
      const pred = predict(Phi, coef);
      for (let i = 0; i < m; i++) {
        mean[i] += pred[i];
        sq[i] += pred[i] * pred[i];
      }
    }
    // unbiased estimates: the squared error of the mean fit contains Var/T, which is removed
    const T = sets.length;
    let bias2 = 0, variance = 0;
    for (let i = 0; i < m; i++) {
      const mu = mean[i] / T;
      const v = T > 1 ? (sq[i] - T * mu * mu) / (T - 1) : 0;
      bias2 += (mu - gf[i]) ** 2 - v / T;
      variance += v;
    }
    bias2 /= m;
    variance /= m;
    out.push({ degree, bias2, variance, testMse: bias2 + variance, trainMse: train / sets.length });
    opts.onProgress?.(di + 1, opts.degrees.length);
  });
  return out;
}

// ---------------------------------------------------------------- experiments with Gaussian data


/**
 * Monte-Carlo excess risk ||w - beta||^2 of ridge / ridgeless regression on isotropic Gaussian data
 * (the setting of Hastie et al. arXiv 1903.08560): n samples in p dimensions, ||beta||^2 = r2, noise
 * sigma. Returns the per-trial risks (so a chapter can average, take medians or error bars).
 */
export function isotropicRiskTrials(opts: { n: number; p: number; r2: number; sigma: number; ridge?: number; trials: number; rng: Rng }): Float64Array {
  const out = new Float64Array(opts.trials);
  const spec = new Float64Array(opts.p).fill(1);
  for (let t = 0; t < opts.trials; t++) {
    const r = opts.rng.fork();
    const teacher = linearTeacher(opts.p, { r2: opts.r2, sigma: opts.sigma }, r);
    const X = gaussianInputs(opts.n, spec, r);
    const y = linearLabels(X, teacher, r);
    const { coef } = ridgeFit(X, y, opts.ridge ?? 0);
    let e = 0;
    for (let j = 0; j < opts.p; j++) e += (coef[j] - teacher.beta[j]) ** 2;
    out[t] = e;
  }
  return out;
}

export interface SpikesBathResult {
  /** Excess risk (w - beta)^T Sigma (w - beta), and its parts from the spikes and from the bath. */
  excessRisk: number;
  spikeRisk: number;
  bathRisk: number;
  /** Training mean squared error (0 up to round-off once the model interpolates, k + bathDim >= n). */
  trainMse: number;
}

/**
 * Min-norm interpolation w = X^T (X X^T)^-1 y for x with `spikes.length` strong directions (variances
 * `spikes`, where the teacher lives: y = x_spikes . beta + sigma*noise) plus an isotropic bath of
 * `bathDim` directions of variance `bathVar` (no teacher weight there).
 *
 * Only n x n matrices are formed: X X^T = Xs Xs^T + bathVar * W with W ~ Wishart(bathDim, I_n) drawn
 * exactly (Bartlett), and the bath part of the risk is bathVar * ||w_bath||^2 =
 * bathVar * alpha^T (bathVar W) alpha. So the cost does not grow with bathDim. For bathDim < n the
 * bath Gram is built from an explicit n x bathDim design instead, and for k + bathDim < n the fit is
 * ordinary least squares (no interpolation).
 */
export function minNormSpikesBath(opts: {
  n: number;
  spikes: ArrayLike<number>;
  beta: ArrayLike<number>;
  bathDim: number;
  bathVar: number;
  sigma: number;
  rng: Rng;
}): SpikesBathResult {
  const { n, bathDim, bathVar, sigma, rng } = opts;
  const k = opts.spikes.length;
  if (opts.beta.length !== k) throw new RangeError("minNormSpikesBath: beta must have one entry per spike");
  const Xs = gaussianInputs(n, opts.spikes, rng);
  const f = predict(Xs, opts.beta);
  const y = Float64Array.from(f, (v) => v + sigma * rng.normal());
  if (k + bathDim < n) {
    // underparameterised: explicit least squares on the full design
    const Xb = gaussianInputs(n, new Float64Array(bathDim).fill(bathVar), rng);
    const X = mat(n, k + bathDim);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) X.data[i * (k + bathDim) + j] = Xs.data[i * k + j];
      for (let j = 0; j < bathDim; j++) X.data[i * (k + bathDim) + k + j] = Xb.data[i * bathDim + j];
    }
    const { coef } = ridgeFit(X, y, 0);
    let sr = 0, br = 0;
    for (let j = 0; j < k; j++) sr += opts.spikes[j] * (coef[j] - opts.beta[j]) ** 2;
    for (let j = 0; j < bathDim; j++) br += bathVar * coef[k + j] ** 2;
    return { excessRisk: sr + br, spikeRisk: sr, bathRisk: br, trainMse: meanSquaredError(predict(X, coef), y) };
  }
  let Kb: Matrix;
  if (bathDim >= n) {
    const W = wishartGram(n, bathDim, rng);
    for (let i = 0; i < W.data.length; i++) W.data[i] *= bathVar;
    Kb = W as Matrix;
  } else {
    const Xb = gaussianInputs(n, new Float64Array(bathDim).fill(bathVar), rng) as Matrix;
    Kb = la.matmul(Xb, Xb, { transB: true });
  }
  const K = la.matmul(Xs as Matrix, Xs as Matrix, { transB: true });
  for (let i = 0; i < K.data.length; i++) K.data[i] += Kb.data[i];
  const alpha = psdSolve(K, y, 0);
  // spike weights w_s = Xs^T alpha
  const ws = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) ws[j] += Xs.data[i * k + j] * alpha[i];
  let sr = 0;
  for (let j = 0; j < k; j++) sr += opts.spikes[j] * (ws[j] - opts.beta[j]) ** 2;
  // ||w_bath||^2 = alpha^T Kb alpha
  let q = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Kb.data[i * n + j] * alpha[j];
    q += alpha[i] * s;
  }
  const br = bathVar * q;
  // train predictions: K alpha
  let tr = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += K.data[i * n + j] * alpha[j];
    tr += (s - y[i]) ** 2;
  }
  return { excessRisk: sr + br, spikeRisk: sr, bathRisk: br, trainMse: tr / n };
}
