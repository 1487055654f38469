/**
 * Power-law fits for learning curves and spectra, with seeded bootstrap confidence intervals.
 *
 * - `fitPowerLaw(x, y)`: y = A x^(-a), by least squares on log y against log x (a straight line on
 *   log-log axes). Use it when the curve has no floor in the fitted range.
 * - `fitPowerLawOffset(x, y)`: y = c + A x^(-a) with c >= 0 (a floor, e.g. noise or irreducible
 *   loss), by least squares on relative residuals (y - model) / y: for each exponent a the best (c, A)
 *   is linear least squares, and a is found by a grid then a golden-section refinement.
 * - `bootstrapPowerLaw(...)`: resample the points (pairs) with replacement, refit, and report
 *   percentile intervals. With replicate runs at each x, pass all replicates as points.
 * - `fitSpectrum`, `bootstrapSpectrumFit`, `localSlopes`: power-law bulks of eigenvalue spectra.
 */
import type { Matrix } from "../linalg";
import { Rng } from "../random";
import type { OnProgress } from "../progress";
import { normalQuantile } from "../stats/normal";
import { bootstrapDraws, bootstrapUnits, intervalOfDraws, resampleIndices } from "../stats/bootstrap";
import { mean, std } from "../stats/descriptive";
import { leastSquaresLine } from "./line";

/** A power law y = A x^(-a) fitted by least squares in log-log coordinates, with its goodness of fit. */
export interface PowerLawFit {
  /** Exponent a in y = A x^(-a) (so the log-log slope is -a). */
  a: number;
  /** Prefactor A. */
  A: number;
  /** Floor c (0 for the plain power law). */
  c: number;
  /** Coefficient of determination of the fitted model on log y. */
  r2: number;
  /** Number of points fitted. */
  n: number;
}

/** A fit with the bootstrap interval and standard error of its exponent. */
export interface BootstrapResult<T> {
  fit: T;
  /** Percentile interval of the exponent a. */
  ci: [number, number];
  /** Confidence level of the interval (default 0.95). */
  level: number;
  /** Bootstrap draws of a (sorted). */
  draws: Float64Array;
  /** Standard deviation of the draws: the bootstrap standard error of a. */
  se: number;
}

function requireRng(rng: unknown, fn: string): Rng {
  if (!(rng instanceof Rng)) throw new TypeError(`${fn}: pass { rng } for the resampling (e.g. rng: rng.fork("bootstrap"))`);
  return rng;
}

function validate(x: ArrayLike<number>, y: ArrayLike<number>, min: number): void {
  if (x.length !== y.length) throw new RangeError(`power-law fit: x has ${x.length} points, y has ${y.length}`);
  if (x.length < min) throw new RangeError(`power-law fit: need at least ${min} points, got ${x.length}`);
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] > 0) || !(y[i] > 0)) throw new RangeError(`power-law fit: x and y must be positive (point ${i}: ${x[i]}, ${y[i]})`);
  }
}

function r2Log(x: ArrayLike<number>, y: ArrayLike<number>, model: (t: number) => number): number {
  let m = 0;
  for (let i = 0; i < y.length; i++) m += Math.log(y[i]);
  m /= y.length;
  let ss = 0, st = 0;
  for (let i = 0; i < y.length; i++) {
    const ly = Math.log(y[i]);
    ss += (ly - Math.log(Math.max(model(x[i]), 1e-300))) ** 2;
    st += (ly - m) ** 2;
  }
  return st > 0 ? 1 - ss / st : 1;
}

/** y = A x^(-a) by ordinary least squares of log y on log x. */
export function fitPowerLaw(x: ArrayLike<number>, y: ArrayLike<number>): PowerLawFit {
  validate(x, y, 2);
  const line = leastSquaresLine(Array.from(x, Math.log), Array.from(y, Math.log), "power-law fit");
  const A = Math.exp(line.intercept);
  const a = -line.slope;
  return { a, A, c: 0, r2: r2Log(x, y, (t) => A * t ** -a), n: x.length };
}

/**
 * The x values of a fit as distinct values and, per point, the index of its value. A fit's points often
 * share few x values (budgets repeated over seeds), and `linearPart` then raises each distinct x to the
 * power once: the same numbers in the same order of summation, so the same fit, bit for bit.
 */
interface DistinctX { values: Float64Array; index: Int32Array; powers: Float64Array }

function distinctX(x: ArrayLike<number>): DistinctX {
  const at = new Map<number, number>(), index = new Int32Array(x.length), values: number[] = [];
  for (let i = 0; i < x.length; i++) {
    let k = at.get(x[i]);
    if (k === undefined) { k = values.length; at.set(x[i], k); values.push(x[i]); }
    index[i] = k;
  }
  return { values: Float64Array.from(values), index, powers: new Float64Array(values.length) };
}

/** Best (c >= 0, A) for a fixed exponent, minimising sum ((y - c - A x^-a) / y)^2; returns the loss too. */
function linearPart(xs: DistinctX, y: ArrayLike<number>, a: number): { c: number; A: number; loss: number } {
  // Weighted least squares with weights 1/y^2 on basis [1, x^-a].
  const { values, index, powers } = xs;
  for (let k = 0; k < values.length; k++) powers[k] = values[k] ** -a;
  let s11 = 0, s12 = 0, s22 = 0, b1 = 0, b2 = 0;
  for (let i = 0; i < y.length; i++) {
    const w = 1 / (y[i] * y[i]);
    const f = powers[index[i]];
    s11 += w; s12 += w * f; s22 += w * f * f; b1 += w * y[i]; b2 += w * f * y[i];
  }
  const det = s11 * s22 - s12 * s12;
  let c = det !== 0 ? (b1 * s22 - b2 * s12) / det : 0;
  let A = det !== 0 ? (s11 * b2 - s12 * b1) / det : b2 / s22;
  if (c < 0 || !Number.isFinite(c)) { c = 0; A = b2 / s22; }
  let loss = 0;
  for (let i = 0; i < y.length; i++) loss += ((y[i] - c - A * powers[index[i]]) / y[i]) ** 2;
  return { c, A, loss };
}

/** y = c + A x^(-a) with c >= 0 (exponent searched in [aMin, aMax], default [0.01, 5]). */
export function fitPowerLawOffset(x: ArrayLike<number>, y: ArrayLike<number>, opts: { aMin?: number; aMax?: number } = {}): PowerLawFit {
  validate(x, y, 3);
  const xs = distinctX(x);
  const lo0 = opts.aMin ?? 0.01, hi0 = opts.aMax ?? 5;
  const grid = 200;
  let best = lo0, bestLoss = Infinity;
  for (let i = 0; i <= grid; i++) {
    const a = lo0 + ((hi0 - lo0) * i) / grid;
    const l = linearPart(xs, y, a).loss;
    if (l < bestLoss) { bestLoss = l; best = a; }
  }
  let lo = Math.max(lo0, best - (hi0 - lo0) / grid), hi = Math.min(hi0, best + (hi0 - lo0) / grid);
  const g = (Math.sqrt(5) - 1) / 2;
  let m1 = hi - g * (hi - lo), m2 = lo + g * (hi - lo);
  let f1 = linearPart(xs, y, m1).loss, f2 = linearPart(xs, y, m2).loss;
  for (let it = 0; it < 60; it++) {
    if (f1 < f2) { hi = m2; m2 = m1; f2 = f1; m1 = hi - g * (hi - lo); f1 = linearPart(xs, y, m1).loss; }
    else { lo = m1; m1 = m2; f1 = f2; m2 = lo + g * (hi - lo); f2 = linearPart(xs, y, m2).loss; }
  }
  const a = (lo + hi) / 2;
  const { c, A } = linearPart(xs, y, a);
  return { a, A, c, r2: r2Log(x, y, (t) => c + A * t ** -a), n: x.length };
}

/**
 * Pairs bootstrap of a power-law fit: `B` resamples drawn from `rng`, percentile interval of a.
 * Resamples in which every x is the same (no slope defined) are redrawn.
 */
export function bootstrapPowerLaw(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: { rng: Rng; offset?: boolean; B?: number; level?: number; aMin?: number; aMax?: number },
): BootstrapResult<PowerLawFit> {
  const fitter = (xs: ArrayLike<number>, ys: ArrayLike<number>): PowerLawFit =>
    opts.offset ? fitPowerLawOffset(xs, ys, opts) : fitPowerLaw(xs, ys);
  const fit = fitter(x, y);
  const rng = requireRng(opts.rng, "bootstrapPowerLaw");
  const n = x.length;
  const distinct = new Set(Array.from(x)).size;
  const minDistinct = opts.offset ? 3 : 2;
  const xs = new Float64Array(n), ys = new Float64Array(n);
  // one sequential stream (the resamples of earlier versions, so the published intervals stay put)
  const draws = bootstrapDraws((r) => {
    for (let tries = 0; ; tries++) {
      resampleIndices(r, n).forEach((j, i) => { xs[i] = x[j]; ys[i] = y[j]; });
      if (new Set(xs).size >= Math.min(minDistinct, distinct) || tries > 100) break;
    }
    return fitter(xs, ys).a;
  }, { rng, B: opts.B ?? 500, streams: "sequential" });
  const iv = intervalOfDraws(draws, { level: opts.level });
  return { fit, ci: iv.ci, level: iv.level, draws: iv.draws, se: iv.se };
}

/** A power-law bulk lambda_i = A i^-(1+a) fitted to a spectrum. */
export interface SpectrumFit {
  /** The log-log decay rate of lambda_i against the rank i: 1 + a. */
  decay: number;
  /** The exponent a of lambda_i ~ i^-(1+a) (= decay - 1). */
  a: number;
  /** Prefactor A. */
  A: number;
  /** Coefficient of determination of the fit on log lambda. */
  r2: number;
  /** Number of ranks fitted. */
  n: number;
}

/**
 * Fit a power-law bulk to a spectrum: lambda_i = A i^-(1+a) over ranks i in [from, to] (1-based,
 * eigenvalues sorted in decreasing order first), by least squares on log lambda against log i.
 */
export function fitSpectrum(eigenvalues: ArrayLike<number>, from: number, to: number): SpectrumFit {
  const v = Float64Array.from(eigenvalues).sort().reverse();
  if (!(from >= 1 && to <= v.length && to - from >= 1)) throw new RangeError(`fitSpectrum: need 1 <= from < to <= ${v.length}; got ${from}, ${to}`);
  const xs: number[] = [], ys: number[] = [];
  for (let i = from; i <= to; i++) if (v[i - 1] > 0) { xs.push(i); ys.push(v[i - 1]); }
  const f = fitPowerLaw(xs, ys);
  return { decay: f.a, a: f.a - 1, A: f.A, r2: f.r2, n: f.n };
}

/**
 * Local log-log slopes of a descending spectrum: -d log lambda / d log i between ranks i and 1.5 i,
 * for i = from, 1.2 from, ... while 1.5 i <= to. A single power law has a constant local slope.
 */
export function localSlopes(eigenvalues: ArrayLike<number>, from: number, to: number): { rank: number[]; slope: number[] } {
  const rank: number[] = [], slope: number[] = [];
  for (let i = from; Math.ceil(i * 1.5) <= to; i = Math.ceil(i * 1.2)) {
    const j = Math.ceil(i * 1.5);
    rank.push(Math.sqrt(i * j));
    slope.push(-Math.log(eigenvalues[j - 1] / eigenvalues[i - 1]) / Math.log(j / i));
  }
  return { rank, slope };
}

/**
 * Bulk exponent of a covariance spectrum with its sampling uncertainty: fit lambda_i ~ i^-(1+a) on ranks
 * [from, to] of the spectrum of X's rows (`spectrum(X)` returns a descending spectrum, e.g.
 * data.covarianceSpectrum), then refit on B random subsets of the rows.
 *
 * method "halfSample" (default): subsets of m = n/2 rows drawn without replacement (the delete-n/2
 *   jackknife, or half-sampling). Conditionally on the data, a half-sample of a smooth statistic varies by
 *   Var* ~= sigma^2 (1/m - 1/n) (sampling without replacement from the n rows), which at m = n/2 equals
 *   sigma^2 / n, the variance of the full-sample estimate itself: the spread of the half-sample draws is
 *   the standard error, with no further factor (dividing it by sqrt 2, as an earlier version did, made
 *   the nominal 95% interval cover about 82%). The interval is estimate +- z sd(half-sample draws).
 * method "bootstrap": resample n rows with replacement and take percentiles. Beware: duplicated rows
 *   act like a smaller sample, and spectra are biased at finite sample size, so these intervals are
 *   shifted (they can miss the estimate itself).
 * Returns the fit, the interval of its decay rate (the fit's `decay`, = 1 + a) in `ci`, and the draws.
 * `alsoWindows` fits more rank windows on the same resamples: `also[w]` has each window's fit, its draws
 * and standard error, and `pairedDraws[b]` lists resample b's decay rates (main window first), so that
 * a difference between windows gets its standard error from the same resamples.
 */
export function bootstrapSpectrumFit(
  X: Matrix,
  spectrum: (X: Matrix) => ArrayLike<number>,
  from: number,
  to: number,
  opts: { rng: Rng; B?: number; level?: number; method?: "halfSample" | "bootstrap"; onProgress?: OnProgress; alsoWindows?: [number, number][] },
): {
  fit: SpectrumFit; ci: [number, number]; level: number; draws: Float64Array; method: string; se: number;
  also: { from: number; to: number; fit: SpectrumFit; draws: number[]; se: number }[]; pairedDraws: number[][];
} {
  const ev0 = spectrum(X);
  const fit = fitSpectrum(ev0, from, to);
  const windows = opts.alsoWindows ?? [];
  const rng = requireRng(opts.rng, "bootstrapSpectrumFit");
  const n = X.rows, d = X.cols;
  const method = opts.method ?? "halfSample";
  const m = method === "halfSample" ? Math.floor(n / 2) : n;
  const buf = new Float64Array(m * d);
  // one sequential stream (the subsets of earlier versions); each resample's decay rates, main window first
  const pairedDraws = bootstrapDraws((r) => {
    const rows = method === "halfSample" ? r.permutation(n).subarray(0, m) : resampleIndices(r, n);
    rows.forEach((j, i) => buf.set(X.data.subarray(j * d, (j + 1) * d), i * d));
    const ev = spectrum({ rows: m, cols: d, data: buf });
    return [fitSpectrum(ev, from, to).decay, ...windows.map(([f, t]) => fitSpectrum(ev, f, t).decay)];
  }, { rng, B: opts.B ?? 100, streams: "sequential", onProgress: opts.onProgress, progressLabel: method === "halfSample" ? "half-samples" : "bootstrap resamples" });
  const level = opts.level ?? 0.95;
  const also = windows.map(([f, t], w) => {
    const dw = pairedDraws.map((r) => r[w + 1]);
    return { from: f, to: t, fit: fitSpectrum(ev0, f, t), draws: dw, se: std(dw) };
  });
  const iv = intervalOfDraws(pairedDraws.map((r) => r[0]), { level });
  const { draws, se } = iv;
  if (method === "halfSample") {
    const z = normalQuantile(1 - (1 - level) / 2);
    return { fit, ci: [fit.decay - z * se, fit.decay + z * se], level, draws, method, se, also, pairedDraws };
  }
  return { fit, ci: iv.ci, level, draws, method, se, also, pairedDraws };
}

/**
 * Exponent of a learning curve measured over several seeds: fit y = A n^-a to the seed-averaged curve,
 * and get the interval by resampling whole seeds (a cluster bootstrap: the points of one seed share a
 * design and a teacher, so they are not independent). errors[s][i] is seed s at ns[i].
 */
export function bootstrapCurveExponent(
  ns: number[],
  errors: number[][],
  opts: { rng: Rng; B?: number; level?: number; offset?: boolean },
): BootstrapResult<PowerLawFit> & { mean: number[] } {
  const S = errors.length;
  if (S === 0) throw new RangeError("bootstrapCurveExponent: no seeds");
  const meanOf = (rows: number[][]): number[] => ns.map((_, i) => mean(rows.map((r) => r[i])));
  const fitter = (y: number[]): PowerLawFit => (opts.offset ? fitPowerLawOffset(ns, y) : fitPowerLaw(ns, y));
  const rng = requireRng(opts.rng, "bootstrapCurveExponent");
  const fit = fitter(meanOf(errors));
  // whole seeds resampled from one sequential stream (the resamples of earlier versions)
  const iv = bootstrapUnits(errors, (pick) => fitter(meanOf(pick)).a, { rng, B: opts.B ?? 500, streams: "sequential", level: opts.level });
  return { fit, ci: iv.ci, level: iv.level, draws: iv.draws, se: iv.se, mean: meanOf(errors) };
}
