/**
 * Descriptive statistics of samples (arrays of numbers): mean, variance, standard error, median,
 * quantiles, and summaries over seeds. Inputs are never modified.
 */
import type { Matrix } from "../linalg/matrix";

function values(xs: ArrayLike<number>, fn: string, min = 1): ArrayLike<number> {
  if (!xs || typeof xs.length !== "number") throw new TypeError(`stats.${fn}: expected an array of numbers`);
  if (xs.length < min) throw new RangeError(`stats.${fn}: need at least ${min} value${min > 1 ? "s" : ""}, got ${xs.length}`);
  return xs;
}

/** Sum (Neumaier's compensated summation, so long sums of small terms keep their digits). */
export function sumOf(xs: ArrayLike<number>): number {
  let s = 0, c = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? (s - t) + x : (x - t) + s;
    s = t;
  }
  return s + c;
}

/** Arithmetic mean. */
export function mean(xs: ArrayLike<number>): number {
  return sumOf(values(xs, "mean")) / xs.length;
}

/** Unbiased sample variance (n - 1 in the denominator). */
export function variance(xs: ArrayLike<number>): number {
  values(xs, "variance", 2);
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return s / (xs.length - 1);
}

/** Sample standard deviation (square root of the unbiased variance). */
export function std(xs: ArrayLike<number>): number {
  return Math.sqrt(variance(xs));
}

/** Standard error of the mean: std / sqrt(n). */
export function stderr(xs: ArrayLike<number>): number {
  return std(xs) / Math.sqrt(xs.length);
}

/**
 * Quantile q in [0, 1] with linear interpolation between order statistics (the default of numpy and
 * R, "type 7"): quantile(xs, 0.5) is the median.
 */
export function quantile(xs: ArrayLike<number>, q: number): number {
  values(xs, "quantile");
  if (!(q >= 0 && q <= 1)) throw new RangeError(`stats.quantile: q must be in [0, 1], got ${q}`);
  const s = Float64Array.from(xs).sort();
  const pos = q * (s.length - 1);
  const i = Math.floor(pos), f = pos - i;
  return i + 1 < s.length ? s[i] * (1 - f) + s[i + 1] * f : s[i];
}

/** Median (quantile 0.5). */
export function median(xs: ArrayLike<number>): number {
  return quantile(xs, 0.5);
}

/**
 * Mean of log values, with its standard error: the right average for quantities spread over decades
 * (risks near an interpolation peak, whose plain mean is set by the worst seed). exp(mean) is the
 * geometric mean. All values must be positive.
 */
export function logMean(xs: ArrayLike<number>): { mean: number; se: number; geometricMean: number } {
  values(xs, "logMean", 2);
  const l = Float64Array.from(xs, (v, i) => {
    if (!(v > 0)) throw new RangeError(`stats.logMean: value ${i} is ${v}; all values must be positive`);
    return Math.log(v);
  });
  const m = mean(l);
  return { mean: m, se: stderr(l), geometricMean: Math.exp(m) };
}

/** Mean squared difference of two equally long arrays, or of two equally shaped matrices. */
export function mse(a: ArrayLike<number> | Matrix, b: ArrayLike<number> | Matrix): number {
  const x = isMatrix(a) ? a.data : a;
  const y = isMatrix(b) ? b.data : b;
  if (x.length !== y.length) throw new RangeError(`stats.mse: lengths ${x.length} and ${y.length} differ`);
  if (x.length === 0) throw new RangeError("stats.mse: empty input");
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - y[i]) ** 2;
  return s / x.length;
}

function isMatrix(v: unknown): v is Matrix {
  return !!v && typeof v === "object" && "data" in v && "rows" in v && "cols" in v;
}

/** Everything a table or a check needs about one sample. */
export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (NaN for one value). */
  sd: number;
  /** Standard error of the mean (NaN for one value). */
  se: number;
  median: number;
  min: number;
  max: number;
  /** 2.5% and 97.5% quantiles of the values (not an interval for the mean). */
  q025: number;
  q975: number;
}

/** Summary statistics of a sample. */
export function summarize(xs: ArrayLike<number>): Summary {
  values(xs, "summarize");
  const n = xs.length;
  const sd = n > 1 ? std(xs) : NaN;
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) { min = Math.min(min, xs[i]); max = Math.max(max, xs[i]); }
  return { n, mean: mean(xs), sd, se: sd / Math.sqrt(n), median: median(xs), min, max, q025: quantile(xs, 0.025), q975: quantile(xs, 0.975) };
}

/** Column-wise summaries of runs[seed][point]: one mean, s.e., median, ... per point of a curve. */
export interface PointSummaries {
  n: number;
  mean: number[];
  se: number[];
  sd: number[];
  median: number[];
  min: number[];
  max: number[];
}

/**
 * Summaries per point of a curve measured over several seeds: `runs[s][i]` is seed s at point i.
 * Every seed must have the same number of points.
 */
export function perPoint(runs: ArrayLike<ArrayLike<number>>): PointSummaries {
  if (runs.length === 0) throw new RangeError("stats.perPoint: no runs");
  const m = runs[0].length;
  for (let s = 0; s < runs.length; s++) {
    if (runs[s].length !== m) throw new RangeError(`stats.perPoint: run ${s} has ${runs[s].length} points, run 0 has ${m}`);
  }
  const out: PointSummaries = { n: runs.length, mean: [], se: [], sd: [], median: [], min: [], max: [] };
  for (let i = 0; i < m; i++) {
    const col = Float64Array.from({ length: runs.length }, (_, s) => runs[s][i]);
    const r = summarize(col);
    out.mean.push(r.mean); out.se.push(r.se); out.sd.push(r.sd); out.median.push(r.median); out.min.push(r.min); out.max.push(r.max);
  }
  return out;
}

/**
 * Mean of a correlated sequence with the batch-means standard error: the sequence is cut into
 * consecutive batches of `batch` values, and the standard error is that of the batch means (their
 * standard deviation over sqrt of their number). Correlations shorter than a batch (e.g. between
 * neighbouring gap ratios of one spectrum, which share a gap) then no longer fake a small error bar.
 * A last, incomplete batch is dropped from the error estimate (not from the mean).
 */
export function batchMeans(xs: ArrayLike<number>, batch = 10): { mean: number; se: number; batches: number } {
  if (!(Number.isInteger(batch) && batch >= 1)) throw new RangeError(`batchMeans: batch must be a positive integer, got ${batch}`);
  const k = Math.floor(xs.length / batch);
  if (k < 2) throw new RangeError(`batchMeans: need at least 2 batches of ${batch}, got ${xs.length} values`);
  const means: number[] = [];
  for (let b = 0; b < k; b++) {
    let s = 0;
    for (let i = 0; i < batch; i++) s += xs[b * batch + i];
    means.push(s / batch);
  }
  return { mean: mean(xs), se: stderr(means), batches: k };
}
