/**
 * Linear regression on fixed features: least squares, ridge, and min-norm interpolation, built on
 * src/linalg, and the Legendre polynomial features of chapter 01.
 *
 * Ridge convention (the library's one convention, shared with models.kernelRidgeFit,
 * theory.learningCurve / solveKappa / learnability, theory.ridgeRisk and the experiments): `ridge` is
 * the per-sample penalty lambda of min_w (1/n)||y - X w||^2 + lambda ||w||^2, i.e.
 *   w = (X^T X + n lambda I)^-1 X^T y = X^T (X X^T + n lambda I)^-1 y,
 * using whichever Gram matrix is smaller (p x p or n x n). ridge = 0 gives ordinary least squares
 * when p < n and the minimum-norm interpolator when p > n (the limit ridge -> 0+).
 */
import * as la from "../linalg";

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

/** The weights of a fitted linear model (least squares or ridge). */
export interface LinearFit {
  /** Weights w (length p). */
  coef: Float64Array;
}

/**
 * Ridge (ridge > 0) or ridgeless (ridge = 0: least squares when p < n, minimum-norm interpolation when
 * p > n) regression, minimising (1/n)|y - X w|^2 + ridge |w|^2: `ridge` is the per-sample lambda, the
 * library's convention, so the linear system is (X^T X + n lambda I) w = X^T y.
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
 * `ridgeFit` for several penalties at once (same convention: each entry of `ridges` is a per-sample
 * lambda, the system (X^T X + n lambda I)), forming the smaller Gram matrix only once:
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

// ---------------------------------------------------------------- gradient descent, exactly

/** A gradient-descent run of least squares, readable at any step (`gradientDescentPath`). */
export interface GradientDescentPath {
  /** Eigenvalues s_i of X^T X / n (ascending) and the step size used. */
  eigenvalues: Float64Array;
  lr: number;
  /** The weights after t full-batch steps (t = Infinity: the limit, least squares or min-norm interpolation). */
  at(t: number): Float64Array;
}

/**
 * Full-batch gradient descent from w = 0 on the half mean squared error (1/2n)|y - X w|^2, i.e.
 * w <- w + (lr/n) X^T (y - X w), computed exactly at any step t from one eigendecomposition
 * X^T X / n = V diag(s) V^T: with c = V^T X^T y / n,
 *   w_t = V diag((1 - (1 - lr s_i)^t) / s_i) c,
 * so a whole training run costs one p x p eigendecomposition and O(p^2) per time read. The iterates
 * never leave the row space of X, so t -> Infinity gives least squares (p < n) or the minimum-norm
 * interpolator (p > n). Stable when lr * s_max < 2 (checked).
 */
export function gradientDescentPath(X: Matrix, y: ArrayLike<number>, opts: { lr: number }): GradientDescentPath {
  const n = X.rows, p = X.cols;
  if (y.length !== n) throw new RangeError(`gradientDescentPath: X has ${n} rows, y has ${y.length}`);
  const lr = opts.lr;
  const G = la.gram(X);
  for (let i = 0; i < G.data.length; i++) G.data[i] /= n;
  const { values: s, vectors: V } = la.eigh(G);
  const sMax = s[p - 1];
  if (!(lr > 0 && lr * sMax < 2)) throw new RangeError(`gradientDescentPath: lr must be in (0, 2/s_max) = (0, ${2 / sMax}), got ${lr}`);
  const xty = la.matvec(la.transpose(X), Float64Array.from(y));
  // c = V^T X^T y / n
  const c = new Float64Array(p);
  for (let k = 0; k < p; k++) for (let j = 0; j < p; j++) c[j] += V.data[k * p + j] * xty[k] / n;
  const zero = 1e-12 * Math.max(sMax, 1e-300);
  return {
    eigenvalues: s,
    lr,
    at(t: number): Float64Array {
      if (!(t >= 0) || (t !== Infinity && !Number.isInteger(t))) throw new RangeError(`gradientDescentPath.at: t must be a whole number of steps >= 0 or Infinity, got ${t}`);
      const g = new Float64Array(p);
      for (let j = 0; j < p; j++) {
        if (s[j] <= zero) continue; // the null space of X: no gradient ever reaches it
        const q = 1 - lr * s[j];   // per-step contraction of direction j
        // f = 1 - q^t, accurately for q near 1 (slow directions, early times)
        const f = t === Infinity ? 1 : t === 0 ? 0 : q > 0 ? -Math.expm1(t * Math.log1p(-lr * s[j])) : 1 - Math.pow(q, t);
        g[j] = (f * c[j]) / s[j];
      }
      const w = new Float64Array(p);
      for (let k = 0; k < p; k++) {
        let acc = 0;
        const o = k * p;
        for (let j = 0; j < p; j++) acc += V.data[o + j] * g[j];
        w[k] = acc;
      }
      return w;
    },
  };
}
