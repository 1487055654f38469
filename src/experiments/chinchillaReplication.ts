/**
 * Chapter 09: Hoffmann et al.'s approach 3 on their own runs (Figure 4 of arXiv 2203.15556, as read
 * off the figure by Besiroglu et al., arXiv 2404.10102, shipped in `data/`), with the tools to ask what
 * Besiroglu et al. asked: how far the refit is from the published law, how many runs the published
 * intervals would need, and where the additive form misses.
 */
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import { bootstrapChinchilla, ChinchillaBootstrap, ChinchillaGrid, HOFFMANN_GRID, ScalingRun } from "../fit/chinchilla";
import { ChinchillaLaw, chinchillaLoss } from "../theory/scalingLaws";
import { bootstrap, percentileInterval } from "../stats/bootstrap";
import { mean, stderr } from "../stats/descriptive";

/**
 * Approach 3 on a set of runs: the summed Huber loss (delta 1e-3) of log residuals, L-BFGS from every
 * point of `grid` (default Hoffmann et al.'s 4500 starts), then `B` bootstrap refits over the runs.
 */
export function approach3WithBootstrap(runs: readonly ScalingRun[], opts: { rng: Rng; B: number; grid?: ChinchillaGrid; onProgress?: OnProgress }): ChinchillaBootstrap {
  return bootstrapChinchilla(runs, { grid: opts.grid ?? HOFFMANN_GRID, delta: 1e-3, reduce: "sum", rng: opts.rng, B: opts.B, onProgress: opts.onProgress });
}

/** How many runs a published interval width would take, from the bootstrap of a statistic. */
export interface RunsForWidth {
  /** Width of the bootstrap's central interval at `level` with the runs at hand. */
  width: number;
  /** Runs at hand. */
  n: number;
  /** Runs needed for the target width, n (width / target)^2 (a width shrinking as 1 / sqrt(n)). */
  runsNeeded: number;
  /** Standard error of ln(runsNeeded) from resampling the bootstrap draws (the draws are finite). */
  lnSe: number;
}

/**
 * Besiroglu et al.'s question: if a statistic's central interval at `level` has width w with n runs,
 * an interval of width `target` needs n (w / target)^2 runs, since widths shrink as 1/sqrt(n). The
 * width comes from the bootstrap draws; its own uncertainty (finitely many draws) from resampling them.
 */
export function runsForIntervalWidth(draws: readonly number[], n: number, target: number, opts: { rng: Rng; level?: number; B?: number }): RunsForWidth {
  const level = opts.level ?? 0.8;
  if (!(target > 0)) throw new RangeError(`runsForIntervalWidth: target width must be positive, got ${target}`);
  if (draws.length < 20) throw new RangeError(`runsForIntervalWidth: need at least 20 bootstrap draws, got ${draws.length}`);
  const widthOf = (v: ArrayLike<number>): number => { const [lo, hi] = percentileInterval(v, level); return hi - lo; };
  const width = widthOf(draws);
  const m = draws.length;
  const lnW = bootstrap((r) => {
    const v = new Float64Array(m);
    for (let i = 0; i < m; i++) v[i] = draws[r.int(m)];
    return Math.log(widthOf(v));
  }, { rng: opts.rng, B: opts.B ?? 200 });
  return { width, n, runsNeeded: n * (width / target) ** 2, lnSe: 2 * lnW.se };
}

/** Log residuals ln L - ln L_law(N, D) of runs under a law. */
export function logResiduals(runs: readonly ScalingRun[], law: ChinchillaLaw): number[] {
  return runs.map((r) => Math.log(r.L) - Math.log(chinchillaLoss(law, r.N, r.D)));
}

/** Mean log residual (with its standard error) of the runs whose `key(run)` falls in each bin [edges[i], edges[i+1]). */
export interface ResidualBin {
  lo: number;
  hi: number;
  count: number;
  mean: number;
  se: number;
}

/** Residuals grouped by a property of the run (model size, compute, tokens per parameter): empty bins are left out. */
export function residualsByBin(runs: readonly ScalingRun[], residuals: readonly number[], key: (r: ScalingRun) => number, edges: readonly number[]): ResidualBin[] {
  if (residuals.length !== runs.length) throw new RangeError(`residualsByBin: ${runs.length} runs but ${residuals.length} residuals`);
  const out: ResidualBin[] = [];
  for (let b = 0; b + 1 < edges.length; b++) {
    const v = residuals.filter((_, i) => key(runs[i]) >= edges[b] && key(runs[i]) < edges[b + 1]);
    if (v.length === 0) continue;
    out.push({ lo: edges[b], hi: edges[b + 1], count: v.length, mean: mean(v), se: v.length > 1 ? stderr(v) : NaN });
  }
  return out;
}

/**
 * The curvature c2 of a least-squares parabola y = c0 + c1 x + c2 x^2 (e.g. log residuals against
 * x = ln(D/N)), with its standard error from resampling the points: c2 > 0 means the points at both ends
 * of x lie above the middle, i.e. the law misses both extremes in the same direction.
 */
export function residualCurvature(x: readonly number[], y: readonly number[], opts: { rng: Rng; B?: number }): { curvature: number; se: number; ci: [number, number] } {
  const n = x.length;
  if (n !== y.length || n < 4) throw new RangeError(`residualCurvature: need >= 4 points with one value each, got ${n} and ${y.length}`);
  const c2 = (idx: ArrayLike<number>): number => {
    // normal equations of the centred parabola (3 x 3; conditioning is fine after centring)
    const m = idx.length;
    let mx = 0;
    for (let i = 0; i < m; i++) mx += x[idx[i]];
    mx /= m;
    const S = new Float64Array(5), T = new Float64Array(3);
    for (let i = 0; i < m; i++) {
      const u = x[idx[i]] - mx, v = y[idx[i]];
      let p = 1;
      for (let k = 0; k < 5; k++) { S[k] += p; if (k < 3) T[k] += p * v; p *= u; }
    }
    const det3 = (a: number[]): number => a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
    const M = [S[0], S[1], S[2], S[1], S[2], S[3], S[2], S[3], S[4]];
    return det3([S[0], S[1], T[0], S[1], S[2], T[1], S[2], S[3], T[2]]) / det3(M);
  };
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const curvature = c2(all);
  const b = bootstrap((r) => { const idx = new Int32Array(n); for (let i = 0; i < n; i++) idx[i] = r.int(n); return c2(idx); }, { rng: opts.rng, B: opts.B ?? 1000, estimate: curvature });
  return { curvature, se: b.se, ci: b.ci };
}
