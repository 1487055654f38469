/**
 * A straight line through points with known standard errors (weighted least squares), e.g. a
 * finite-size extrapolation: simulations at several sizes d, a line in 1/d, and its intercept as the
 * d -> infinity limit with a standard error that comes from the points' own standard errors.
 * Written by hand: it is a few lines, and the npm regression packages do not return the standard
 * errors of the coefficients from given point errors.
 */

/**
 * Ordinary least-squares line y = intercept + slope * x (the core of fitPowerLaw, fitLimit and the
 * IsoFLOP and learning-rate slopes). Throws `<who>: all x are equal` when no slope is defined.
 */
export function leastSquaresLine(x: ArrayLike<number>, y: ArrayLike<number>, who = "leastSquaresLine"): { slope: number; intercept: number } {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`${who}: x has ${n} points, y has ${y.length}`);
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
  mx /= n;
  my /= n;
  let sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) { sxx += (x[i] - mx) ** 2; sxy += (x[i] - mx) * (y[i] - my); }
  if (!(sxx > 0)) throw new RangeError(`${who}: all x are equal`);
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/** A weighted least-squares line with the standard errors of its coefficients (`weightedLine`). */
export interface LineFit {
  intercept: number;
  slope: number;
  /** Standard errors of the coefficients (from the points' standard errors, not from the scatter). */
  interceptSe: number;
  slopeSe: number;
  /** Goodness of fit: sum of squared standardised residuals, and its degrees of freedom (points - 2). */
  chi2: number;
  dof: number;
}

/** Weighted least-squares line y = intercept + slope * x with weights 1/se^2. */
export function weightedLine(x: ArrayLike<number>, y: ArrayLike<number>, se: ArrayLike<number>): LineFit {
  const m = x.length;
  if (y.length !== m || se.length !== m) throw new RangeError(`weightedLine: x, y and se must have the same length (${m}, ${y.length}, ${se.length})`);
  if (m < 2) throw new RangeError("weightedLine: need at least 2 points");
  let S = 0, Sx = 0, Sy = 0, Sxx = 0, Sxy = 0;
  for (let i = 0; i < m; i++) {
    if (!(se[i] > 0) || !Number.isFinite(se[i])) throw new RangeError(`weightedLine: se[${i}] must be positive and finite, got ${se[i]}`);
    const w = 1 / (se[i] * se[i]);
    S += w; Sx += w * x[i]; Sy += w * y[i]; Sxx += w * x[i] * x[i]; Sxy += w * x[i] * y[i];
  }
  const D = S * Sxx - Sx * Sx;
  if (!(D > 0)) throw new RangeError("weightedLine: the x values must not all be equal");
  const intercept = (Sxx * Sy - Sx * Sxy) / D, slope = (S * Sxy - Sx * Sy) / D;
  let chi2 = 0;
  for (let i = 0; i < m; i++) chi2 += ((y[i] - intercept - slope * x[i]) / se[i]) ** 2;
  return { intercept, slope, interceptSe: Math.sqrt(Sxx / D), slopeSe: Math.sqrt(S / D), chi2, dof: m - 2 };
}
