/**
 * Gaussian inputs with a chosen covariance spectrum, and teachers that label them.
 *
 * Inputs are x ~ N(0, diag(lambda)): the covariance is diagonal in the coordinate basis. This loses no
 * generality for the rotation-invariant estimators of the lab (least squares, ridge, min-norm
 * interpolation): any covariance is diag(lambda) in its eigenbasis.
 *
 * Spectra: isotropic, power law lambda_k = k^-(1+a), and "spikes + bath" (a few strong directions plus
 * many weak ones). Teachers: linear y = x.beta + sigma * noise (signal ||beta||^2 = r2), and a random
 * two-layer ReLU network.
 *
 * For spikes + bath with a huge bath (d_bath up to 1e5 and more) the lab never builds the n x d_bath
 * design: min-norm interpolation only needs the n x n Gram matrix of the bath, which is a Wishart
 * matrix and is sampled exactly in O(n^3) by the Bartlett decomposition (`wishartGram`).
 */
import type { Rng } from "../random";
import type { Matrix } from "../linalg";


// ---------------------------------------------------------------- spectra

/** d equal variances `scale` (default 1). */
export function isotropicSpectrum(d: number, scale = 1): Float64Array {
  checkDim("isotropicSpectrum", d);
  return new Float64Array(d).fill(scale);
}

/** lambda_k = k^-(1+a), k = 1..d (the bulk of natural-data spectra; a > 0). */
export function powerLawSpectrum(d: number, a: number): Float64Array {
  checkDim("powerLawSpectrum", d);
  const s = new Float64Array(d);
  for (let k = 1; k <= d; k++) s[k - 1] = Math.pow(k, -(1 + a));
  return s;
}

/**
 * `k` spikes of variance `spikeVar` followed by `bathDim` directions of variance `bathVar`.
 * With `bathDim * bathVar` held fixed, a growing bath spreads the same total variance thinner.
 */
export function spikesBathSpectrum(k: number, spikeVar: number, bathDim: number, bathVar: number): Float64Array {
  if (!(k >= 0 && bathDim >= 0 && k + bathDim > 0)) throw new RangeError(`spikesBathSpectrum: need k + bathDim > 0, got ${k}, ${bathDim}`);
  const s = new Float64Array(k + bathDim);
  s.fill(spikeVar, 0, k);
  s.fill(bathVar, k);
  return s;
}

function checkDim(name: string, d: number): void {
  if (!Number.isInteger(d) || d <= 0) throw new RangeError(`${name}: dimension must be a positive integer, got ${d}`);
}

// ---------------------------------------------------------------- inputs

/** n samples x ~ N(0, diag(spectrum)) as an n x d matrix (row = sample). */
export function gaussianInputs(n: number, spectrum: ArrayLike<number>, rng: Rng): Matrix {
  const d = spectrum.length;
  const data = new Float64Array(n * d);
  const sd = Float64Array.from(spectrum, Math.sqrt);
  for (let i = 0; i < n; i++) {
    const off = i * d;
    for (let j = 0; j < d; j++) data[off + j] = sd[j] * rng.normal();
  }
  return { rows: n, cols: d, data };
}

// ---------------------------------------------------------------- linear teacher

/** A linear teacher y = x . beta + noise: its weights and its label noise. */
export interface LinearTeacher {
  /** Teacher weights (length d). */
  beta: Float64Array;
  /** Label-noise standard deviation. */
  sigma: number;
}

/**
 * A linear teacher with a uniformly random direction and ||beta||^2 = r2 (HMRT's "signal"), optionally
 * supported on the first `support` coordinates only (e.g. the spikes of a spikes + bath spectrum).
 */
export function linearTeacher(d: number, opts: { r2?: number; sigma?: number; support?: number }, rng: Rng): LinearTeacher {
  checkDim("linearTeacher", d);
  const r2 = opts.r2 ?? 1;
  const support = Math.min(opts.support ?? d, d);
  const beta = new Float64Array(d);
  let norm2 = 0;
  for (let j = 0; j < support; j++) {
    beta[j] = rng.normal();
    norm2 += beta[j] * beta[j];
  }
  const f = Math.sqrt(r2 / norm2);
  for (let j = 0; j < support; j++) beta[j] *= f;
  return { beta, sigma: opts.sigma ?? 0 };
}

/** Noiseless teacher outputs X beta. */
export function linearOutputs(X: Matrix, beta: ArrayLike<number>): Float64Array {
  if (beta.length !== X.cols) throw new RangeError(`linearOutputs: X has ${X.cols} columns, beta has ${beta.length}`);
  const out = new Float64Array(X.rows);
  const d = X.cols;
  for (let i = 0; i < X.rows; i++) {
    let s = 0;
    const off = i * d;
    for (let j = 0; j < d; j++) s += X.data[off + j] * beta[j];
    out[i] = s;
  }
  return out;
}

/** Noisy labels y = X beta + sigma * N(0, 1). */
export function linearLabels(X: Matrix, teacher: LinearTeacher, rng: Rng): Float64Array {
  const y = linearOutputs(X, teacher.beta);
  if (teacher.sigma > 0) for (let i = 0; i < y.length; i++) y[i] += teacher.sigma * rng.normal();
  return y;
}

/**
 * Excess risk of a linear estimate under x ~ N(0, diag(spectrum)):
 * E_x[(x.(betaHat - beta))^2] = sum_j lambda_j (betaHat_j - beta_j)^2.
 */
export function linearExcessRisk(betaHat: ArrayLike<number>, beta: ArrayLike<number>, spectrum: ArrayLike<number>): number {
  if (betaHat.length !== beta.length || beta.length !== spectrum.length) throw new RangeError("linearExcessRisk: length mismatch");
  let s = 0;
  for (let j = 0; j < beta.length; j++) s += spectrum[j] * (betaHat[j] - beta[j]) ** 2;
  return s;
}

/** A regression data set drawn from a linear teacher. */
export interface RegressionSet {
  /** Inputs, one row per sample. */
  x: Matrix;
  /** Noisy labels. */
  y: Float64Array;
  /** Noiseless teacher outputs (to measure excess risk on a test set). */
  f: Float64Array;
}

/** n samples x ~ N(0, diag(spectrum)) labelled by a linear teacher. */
export function linearRegressionSet(n: number, spectrum: ArrayLike<number>, teacher: LinearTeacher, rng: Rng): RegressionSet {
  const X = gaussianInputs(n, spectrum, rng);
  const f = linearOutputs(X, teacher.beta);
  const y = Float64Array.from(f);
  if (teacher.sigma > 0) for (let i = 0; i < n; i++) y[i] += teacher.sigma * rng.normal();
  return { x: X, y, f };
}

// ---------------------------------------------------------------- random-network teacher

/** A random one-hidden-layer ReLU teacher f(x) = a . relu(W x): its weights. */
export interface ReluTeacher {
  /** First-layer weights, width x d, row-major, entries N(0, 1/d). */
  W: Matrix;
  /** Second-layer weights, entries N(0, 1/width). */
  a: Float64Array;
  sigma: number;
  /** Noiseless outputs f(x) = sum_h a_h relu(w_h . x) for each row of X. */
  outputs(X: Matrix): Float64Array;
}

/** A random two-layer ReLU network teacher f(x) = a . relu(W x). */
export function reluNetTeacher(d: number, width: number, opts: { sigma?: number }, rng: Rng): ReluTeacher {
  checkDim("reluNetTeacher", d);
  checkDim("reluNetTeacher width", width);
  const W: Matrix = { rows: width, cols: d, data: rng.normals(width * d, 0, 1 / Math.sqrt(d)) };
  const a = rng.normals(width, 0, 1 / Math.sqrt(width));
  return {
    W,
    a,
    sigma: opts.sigma ?? 0,
    outputs(X: Matrix): Float64Array {
      if (X.cols !== d) throw new RangeError(`reluNetTeacher: expected ${d} columns, got ${X.cols}`);
      const out = new Float64Array(X.rows);
      for (let i = 0; i < X.rows; i++) {
        const xo = i * d;
        let s = 0;
        for (let h = 0; h < width; h++) {
          let z = 0;
          const wo = h * d;
          for (let j = 0; j < d; j++) z += W.data[wo + j] * X.data[xo + j];
          if (z > 0) s += a[h] * z;
        }
        out[i] = s;
      }
      return out;
    },
  };
}

// ---------------------------------------------------------------- inputs on a circle

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
