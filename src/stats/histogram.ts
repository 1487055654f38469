/**
 * A histogram against a density: the counts of a sample in bins next to what the density predicts
 * for them, with binomial standard errors. This tests the density's values (its shape and its
 * normalisation), unlike a Kolmogorov-Smirnov distance computed from a separately coded CDF.
 */
import { normalQuantile } from "./normal";

/** One bin of `histogramVsDensity`. */
export interface HistogramBin {
  /** The bin's edges (the first and last bin also count values beyond them when `openEnds`). */
  lo: number;
  hi: number;
  /** Values that fell in the bin. */
  count: number;
  /** The count the density predicts: total times the integral of the density over [lo, hi]. */
  expected: number;
  /** Binomial standard error of the count under the density: sqrt(total p (1 - p)), p = expected / total. */
  se: number;
  /** (count - expected) / se (0 when both are 0; infinite when se = 0 and the count differs). */
  z: number;
}

/** The result of `histogramVsDensity`. */
export interface HistogramVsDensity {
  bins: HistogramBin[];
  /** Number of values compared (all of them with `openEnds`, else those inside [edges[0], edges[K]]). */
  total: number;
  /** Largest |z| over the bins. */
  maxAbsZ: number;
  /** Sum of z^2 over the bins (Pearson's statistic with binomial variances). */
  chi2: number;
  /**
   * The threshold for maxAbsZ with a false-alarm rate of 0.0027 over all K bins together (two-sided,
   * Bonferroni): normalQuantile(1 - 0.00135 / K), the same rate as |z| <= 3 for one comparison.
   */
  zThreshold: number;
  /** Integral of the density over [edges[0], edges[K]] (1 for a normalised density covering the bins). */
  mass: number;
}

/**
 * Counts of `values` in the bins given by `edges` (ascending, K + 1 of them) against `total` times the
 * integral of `density` over each bin (midpoint rule with `points` points per bin, default 400, which
 * is accurate to about 1e-4 of a bin's mass for a square-root edge). With `openEnds` (default true) the
 * first bin also counts values below edges[0] and the last values above edges[K], whose expectation is
 * taken as zero: use it when the density vanishes outside the bins (e.g. a spectral law on its support,
 * with finite-size fluctuations of the extreme values just beyond its edges).
 *
 * The binomial standard errors treat the values as independent draws. For eigenvalues of one matrix,
 * which repel each other and fluctuate much less than independent draws (they are rigid), this
 * overstates the noise: the comparison is then conservative.
 */
export function histogramVsDensity(values: ArrayLike<number>, density: (x: number) => number, edges: ArrayLike<number>,
  opts: { openEnds?: boolean; points?: number } = {}): HistogramVsDensity {
  const K = edges.length - 1;
  if (!(K >= 1)) throw new RangeError("histogramVsDensity: need at least two edges");
  for (let k = 0; k < K; k++) if (!(edges[k + 1] > edges[k])) throw new RangeError(`histogramVsDensity: edges must increase (index ${k})`);
  const openEnds = opts.openEnds ?? true;
  const points = opts.points ?? 400;
  if (!(Number.isInteger(points) && points >= 1)) throw new RangeError(`histogramVsDensity: points must be a positive integer, got ${points}`);
  const counts = new Array<number>(K).fill(0);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new RangeError(`histogramVsDensity: value ${i} is ${v}`);
    let k: number;
    if (v < edges[0]) { if (!openEnds) continue; k = 0; }
    else if (v >= edges[K]) { if (!openEnds && v > edges[K]) continue; k = K - 1; }
    else { let a = 0, b = K; while (b - a > 1) { const m = (a + b) >> 1; if (v >= edges[m]) a = m; else b = m; } k = a; }
    counts[k]++;
    total++;
  }
  let mass = 0;
  const integrals = Array.from({ length: K }, (_, k) => {
    const lo = edges[k], h = (edges[k + 1] - lo) / points;
    let s = 0;
    for (let j = 0; j < points; j++) s += density(lo + (j + 0.5) * h);
    mass += s * h;
    return s * h;
  });
  let maxAbsZ = 0, chi2 = 0;
  const bins = integrals.map((pk, k) => {
    const expected = total * pk;
    const pc = Math.min(1, Math.max(0, pk));
    const se = Math.sqrt(total * pc * (1 - pc));
    const dev = counts[k] - expected;
    const z = se > 0 ? dev / se : dev === 0 ? 0 : Math.sign(dev) * Infinity;
    maxAbsZ = Math.max(maxAbsZ, Math.abs(z));
    chi2 += z * z;
    return { lo: edges[k], hi: edges[k + 1], count: counts[k], expected, se, z };
  });
  return { bins, total, maxAbsZ, chi2, zThreshold: normalQuantile(1 - 0.00135 / K), mass };
}
