/**
 * The Marchenko-Pastur law (Marchenko & Pastur 1967): the limiting eigenvalue distribution of the
 * sample covariance S = X^T X / n of an n x p matrix X with i.i.d. entries of variance sigma^2, when
 * n, p -> infinity with q = p / n fixed. For q <= 1 it has the density
 *   rho(l) = sqrt((l+ - l)(l - l-)) / (2 pi sigma^2 q l)  on  [l-, l+],  l+- = sigma^2 (1 +- sqrt q)^2,
 * and for q > 1 the same continuous part carries mass 1/q, plus an atom of mass 1 - 1/q at 0.
 * Its moments are Narayana polynomials: E[l^k] = sigma^(2k) sum_{r=0}^{k-1} q^r/(r+1) C(k,r) C(k-1,r).
 */

export interface MpParams {
  /** Aspect ratio q = p / n (dimension over samples). */
  q: number;
  /** Variance of the entries of X (default 1): the population scale, not a label noise. */
  variance?: number;
}

function checkParams(p: MpParams): { q: number; s2: number } {
  const s2 = p.variance ?? 1;
  if (!(p.q > 0) || !Number.isFinite(p.q)) throw new RangeError(`Marchenko-Pastur: q must be > 0, got ${p.q}`);
  if (!(s2 > 0)) throw new RangeError(`Marchenko-Pastur: variance must be > 0, got ${s2}`);
  return { q: p.q, s2 };
}

/** Support edges [l-, l+] of the continuous part. */
export function mpEdges(p: MpParams): [number, number] {
  const { q, s2 } = checkParams(p);
  return [s2 * (1 - Math.sqrt(q)) ** 2, s2 * (1 + Math.sqrt(q)) ** 2];
}

/** Density of the continuous part at l (integrates to min(1, 1/q)). */
export function mpDensity(l: number, p: MpParams): number {
  const { q, s2 } = checkParams(p);
  const [lo, hi] = mpEdges(p);
  if (l <= lo || l >= hi || l <= 0) return 0;
  return Math.sqrt((hi - l) * (l - lo)) / (2 * Math.PI * s2 * q * l);
}

/** Mass of the atom at zero: max(0, 1 - 1/q). */
export function mpAtom(p: MpParams): number {
  return Math.max(0, 1 - 1 / checkParams(p).q);
}

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** k-th moment E[l^k] (the atom at zero included), exact. */
export function mpMoment(k: number, p: MpParams): number {
  const { q, s2 } = checkParams(p);
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`mpMoment: k must be a non-negative integer, got ${k}`);
  if (k === 0) return 1;
  let s = 0;
  for (let r = 0; r < k; r++) s += (q ** r / (r + 1)) * binom(k, r) * binom(k - 1, r);
  return s2 ** k * s;
}

/**
 * Cumulative distribution F(l) = P(eigenvalue <= l), atom included. Computed by integrating the
 * density after the substitution l = c + h cos(theta) (which removes the square-root edges), so it is
 * accurate to ~1e-10 with a few hundred points.
 */
export function mpCdf(l: number, p: MpParams): number {
  const [lo, hi] = mpEdges(p);
  const atom = mpAtom(p);
  if (l < 0) return 0;
  if (l <= lo) return atom;
  if (l >= hi) return 1;
  const c = (lo + hi) / 2, h = (hi - lo) / 2;
  // theta from acos((l - c)/h) (upper limit at theta = pi corresponds to l = lo).
  const t0 = Math.acos(Math.max(-1, Math.min(1, (l - c) / h)));
  const m = 400;
  let s = 0;
  // integral_{lo}^{l} rho dl = integral_{t0}^{pi} rho(c + h cos t) h sin t dt (midpoint rule: smooth integrand)
  const dt = (Math.PI - t0) / m;
  for (let i = 0; i < m; i++) {
    const t = t0 + (i + 0.5) * dt;
    const x = c + h * Math.cos(t);
    s += mpDensity(x, p) * h * Math.sin(t);
  }
  return atom + s * dt;
}

/**
 * Kolmogorov-Smirnov distance sup_l |F_emp(l) - F_MP(l)| between a sample of eigenvalues and the MP law.
 */
export function mpKsDistance(eigenvalues: ArrayLike<number>, p: MpParams): number {
  const v = Float64Array.from(eigenvalues).sort();
  const n = v.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = mpCdf(v[i], p);
    d = Math.max(d, Math.abs(f - i / n), Math.abs(f - (i + 1) / n));
  }
  return d;
}

/** Density curve on a grid inside the support (for plotting over a histogram). */
export function mpCurve(p: MpParams, points = 200): { x: Float64Array; y: Float64Array } {
  const [lo, hi] = mpEdges(p);
  const x = new Float64Array(points), y = new Float64Array(points);
  for (let i = 0; i < points; i++) {
    x[i] = lo + ((hi - lo) * (i + 0.5)) / points;
    y[i] = mpDensity(x[i], p);
  }
  return { x, y };
}

/** Empirical k-th moment of a set of eigenvalues. */
export function empiricalMoment(values: ArrayLike<number>, k: number): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] ** k;
  return s / values.length;
}

