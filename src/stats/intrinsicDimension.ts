/**
 * The intrinsic dimension of a point cloud from the distances to its nearest neighbours.
 *
 * If points are drawn with a smooth density on a d-dimensional manifold, then around each point the
 * number of neighbours within radius r grows like r^d (for r small against the curvature and the
 * density's variation). Two standard estimators turn this into a number:
 *
 * - **TwoNN** (Facco, d'Errico, Rodriguez & Laio, Sci. Rep. 7, 12140, 2017): the ratio mu = r2/r1 of
 *   each point's second to first neighbour distance is Pareto distributed, P(mu > m) = m^-d, whatever
 *   the density (it only needs the density to be constant over the second-neighbour scale). The maximum
 *   likelihood estimate is d = n / sum ln mu_i (Facco et al. fit a line to the empirical CDF instead; the
 *   likelihood version, as in Denti et al. 2022, has the same target and a known sampling law).
 * - **Levina-Bickel** (NeurIPS 2004): with T_j the distance to the j-th neighbour, the log-ratios
 *   ln(T_k / T_j), j < k, behave like those of a Poisson process of rate ∝ r^d, giving the local MLE
 *   [ (1/(k-1)) sum_j ln(T_k/T_j) ]^-1. Averaging these inverses over points (MacKay & Ghahramani's
 *   correction: pool the log-ratios, then invert) gives d_k = (k-1) / mean_i sum_j ln(T_k/T_j).
 *   Small k sees the finest scale (noise, duplicates), large k feels curvature and the manifold's edges:
 *   the k-dependence is part of the answer.
 *
 * Intervals. Resampling points with replacement (the plain bootstrap) does not work here: a duplicated
 * point is its own nearest neighbour. Resampling each point's log-ratio statistic instead ignores that
 * neighbouring points share neighbours, and on uniform spheres and cubes we measured that it understates
 * the spread of the estimate over independent data sets by a factor of about 1.3-1.4. So the standard
 * error comes from random halves (the delete-half jackknife of Shao & Wu 1989, a subsampling
 * bootstrap): split the points at random into two halves A and B, estimate d on each with its own
 * neighbours; then d_A - d_B has variance about 4 Var(d_n) (each half has n/2 points, and a variance
 * falling as 1/n), and no bias, since both halves see the same scale. The unit tests check the
 * resulting intervals' coverage on spheres and cubes. The neighbour search is exact (brute force in
 * blocks through the float64 matrix product, so the native BLAS does the work): no maintained npm
 * package offers exact k-nearest neighbours on float64 matrices in hundreds of dimensions.
 */
import type { Rng } from "../random";
import { Matrix, matmul } from "../linalg";
import { normalQuantile } from "./normal";

/** Sorted distances from every point to its k nearest other points. */
export interface NeighbourDistances {
  /** n x k, row-major, ascending in each row. */
  dist: Float64Array;
  n: number;
  k: number;
}

/**
 * Exact Euclidean distances from each row of X (n x D) to its `k` nearest other rows, by blocks of
 * `block` rows: |x|^2 + |y|^2 - 2 x.y from one matrix product per block (memory O(block n)).
 * `onProgress(done, total)` reports the rows done.
 */
export function nearestNeighbourDistances(X: Matrix, k: number, opts: { block?: number; onProgress?: (done: number, total: number) => void } = {}): NeighbourDistances {
  const n = X.rows, D = X.cols;
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`nearestNeighbourDistances: k must be a positive integer, got ${k}`);
  if (n < k + 1) throw new RangeError(`nearestNeighbourDistances: need more than k = ${k} points, got ${n}`);
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < D; j++) { const v = X.data[i * D + j]; s += v * v; } sq[i] = s; }
  const dist = new Float64Array(n * k);
  const block = Math.max(1, Math.min(n, opts.block ?? 512));
  const best = new Float64Array(k);
  for (let i0 = 0; i0 < n; i0 += block) {
    const i1 = Math.min(n, i0 + block);
    const rows: Matrix = { rows: i1 - i0, cols: D, data: X.data.subarray(i0 * D, i1 * D) as Float64Array };
    const G = matmul(rows, X, { transB: true }).data;  // (i1 - i0) x n
    for (let i = i0; i < i1; i++) {
      best.fill(Infinity);
      const g = (i - i0) * n;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const d2 = sq[i] + sq[j] - 2 * G[g + j];
        if (d2 < best[k - 1]) {
          // insertion into the sorted buffer of the k smallest
          let p = k - 1;
          while (p > 0 && best[p - 1] > d2) { best[p] = best[p - 1]; p--; }
          best[p] = d2;
        }
      }
      for (let m = 0; m < k; m++) dist[i * k + m] = Math.sqrt(Math.max(0, best[m]));
    }
    opts.onProgress?.(i1, n);
  }
  return { dist, n, k };
}

/** A point estimate of the intrinsic dimension. */
export interface DimensionPoint {
  estimate: number;
  /** Points used (points whose nearest distance is 0, i.e. duplicates, are left out). */
  n: number;
  /** Points left out as duplicates. */
  dropped: number;
}

function asDistances(x: Matrix | NeighbourDistances, k: number): NeighbourDistances {
  if ("dist" in x) {
    if (x.k < k) throw new RangeError(`intrinsic dimension: need distances to ${k} neighbours, got ${x.k}`);
    return x;
  }
  return nearestNeighbourDistances(x, k);
}

/**
 * TwoNN (Facco et al. 2017), maximum-likelihood form: d = n / sum_i ln(r2_i / r1_i). Takes the points
 * (n x D) or precomputed neighbour distances (k >= 2).
 */
export function twoNN(x: Matrix | NeighbourDistances): DimensionPoint {
  const nd = asDistances(x, 2);
  let tot = 0, n = 0, dropped = 0;
  for (let i = 0; i < nd.n; i++) {
    const r1 = nd.dist[i * nd.k], r2 = nd.dist[i * nd.k + 1];
    if (!(r1 > 0)) { dropped++; continue; }
    tot += Math.log(r2 / r1);
    n++;
  }
  if (n < 2) throw new RangeError(`twoNN: need at least 2 distinct points, got ${n}`);
  return { estimate: n / tot, n, dropped };
}

/**
 * Levina-Bickel maximum likelihood with k neighbours, pooled over points (MacKay & Ghahramani):
 * d_k = (k - 1) / mean_i sum_{j<k} ln(T_k,i / T_j,i). Takes the points or precomputed distances to at
 * least k neighbours; k >= 2.
 */
export function levinaBickel(x: Matrix | NeighbourDistances, k: number): DimensionPoint {
  if (!(Number.isInteger(k) && k >= 2)) throw new RangeError(`levinaBickel: k must be an integer >= 2, got ${k}`);
  const nd = asDistances(x, k);
  let tot = 0, n = 0, dropped = 0;
  for (let i = 0; i < nd.n; i++) {
    const row = i * nd.k;
    if (!(nd.dist[row] > 0)) { dropped++; continue; }
    const lk = Math.log(nd.dist[row + k - 1]);
    for (let j = 0; j < k - 1; j++) tot += lk - Math.log(nd.dist[row + j]);
    n++;
  }
  if (n < 2) throw new RangeError(`levinaBickel: need at least 2 distinct points, got ${n}`);
  return { estimate: ((k - 1) * n) / tot, n, dropped };
}

/** An intrinsic-dimension estimate with its standard error and interval from random halves. */
export interface DimensionEstimate extends DimensionPoint {
  /** Estimator: "twoNN" or "levinaBickel" (with its k). */
  method: "twoNN" | "levinaBickel";
  k?: number;
  /** Standard error from random halves: sqrt(mean over splits of (d_A - d_B)^2 / 4). */
  se: number;
  /** estimate -+ z se at `level`. */
  ci: [number, number];
  level: number;
  /** Number of random splits behind `se`. */
  splits: number;
}

/**
 * TwoNN and Levina-Bickel (for each k in `ks`) on the rows of X, each with a standard error and a
 * normal interval from `splits` random halves (see the file's note; default 8 splits, level 0.95). The
 * neighbour search is done once on all points and once on each half (cost about (1 + splits / 2) times
 * one search). `onProgress(done, total)` counts searches.
 */
export function intrinsicDimension(X: Matrix, opts: { ks: number[]; rng: Rng; splits?: number; level?: number; onProgress?: (done: number, total: number) => void }): DimensionEstimate[] {
  const splits = opts.splits ?? 8, level = opts.level ?? 0.95;
  if (!(Number.isInteger(splits) && splits >= 2)) throw new RangeError(`intrinsicDimension: splits must be an integer >= 2, got ${splits}`);
  if (X.rows < 8) throw new RangeError(`intrinsicDimension: need at least 8 points, got ${X.rows}`);
  const kMax = Math.max(2, ...opts.ks);
  const estimateAll = (nd: NeighbourDistances): DimensionPoint[] => [twoNN(nd), ...opts.ks.map((k) => levinaBickel(nd, k))];
  const total = 1 + 2 * splits;
  const full = estimateAll(nearestNeighbourDistances(X, kMax));
  opts.onProgress?.(1, total);
  const sq = new Float64Array(full.length);
  const n = X.rows, D = X.cols, half = Math.floor(n / 2);
  const subset = (idx: Int32Array): Matrix => {
    const data = new Float64Array(idx.length * D);
    idx.forEach((r, i) => data.set(X.data.subarray(r * D, (r + 1) * D), i * D));
    return { rows: idx.length, cols: D, data };
  };
  for (let s = 0; s < splits; s++) {
    const perm = opts.rng.fork(`split ${s}`).permutation(n);
    const a = estimateAll(nearestNeighbourDistances(subset(perm.subarray(0, half)), kMax));
    opts.onProgress?.(2 + 2 * s, total);
    const b = estimateAll(nearestNeighbourDistances(subset(perm.subarray(half, 2 * half)), kMax));
    opts.onProgress?.(3 + 2 * s, total);
    for (let m = 0; m < full.length; m++) sq[m] += (a[m].estimate - b[m].estimate) ** 2;
  }
  const z = normalQuantile(0.5 + level / 2);
  return full.map((p, m) => {
    const se = Math.sqrt(sq[m] / splits / 4);
    return { ...p, method: m === 0 ? "twoNN" as const : "levinaBickel" as const, ...(m === 0 ? {} : { k: opts.ks[m - 1] }), se, ci: [p.estimate - z * se, p.estimate + z * se] as [number, number], level, splits };
  });
}
