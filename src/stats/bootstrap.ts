/**
 * Seeded bootstrap: resample what is random (points, seeds, rows), recompute the statistic, and
 * report the spread of the draws as a standard error and a percentile interval.
 */
import { Rng } from "../random";
import { mean, std } from "./descriptive";

/** A statistic with its bootstrap standard error, percentile interval and draws. */
export interface BootstrapInterval {
  /** The statistic on the original data. */
  estimate: number;
  /** Standard deviation of the bootstrap draws: the standard error of the estimate. */
  se: number;
  /** Percentile interval of the draws at `level`. */
  ci: [number, number];
  level: number;
  /** The draws, sorted. */
  draws: Float64Array;
}

function sortedQuantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const i = Math.floor(pos), f = pos - i;
  return i + 1 < sorted.length ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i];
}

/** Percentile interval [q_(1-level)/2, q_(1+level)/2] of a set of draws. */
export function percentileInterval(draws: ArrayLike<number>, level = 0.95): [number, number] {
  if (draws.length === 0) throw new RangeError("percentileInterval: no draws");
  if (!(level > 0 && level < 1)) throw new RangeError(`percentileInterval: level must be in (0, 1), got ${level}`);
  const s = Float64Array.from(draws).sort();
  return [sortedQuantile(s, (1 - level) / 2), sortedQuantile(s, 1 - (1 - level) / 2)];
}

/**
 * Generic bootstrap. `statistic(rng, b)` draws one resample with the generator it is given (a named
 * fork `boot b` of `opts.rng`) and returns the statistic on it; `estimate` is the statistic on the
 * original data (computed by the caller, or NaN). Returns the draws' s.e. and percentile interval.
 */
export function bootstrap(
  statistic: (rng: Rng, b: number) => number,
  opts: { rng: Rng; B?: number; level?: number; estimate?: number },
): BootstrapInterval {
  if (!opts || !(opts.rng instanceof Rng)) throw new TypeError("bootstrap: pass { rng } (e.g. rng.fork(\"bootstrap\"))");
  const B = opts.B ?? 1000;
  if (!Number.isInteger(B) || B < 2) throw new RangeError(`bootstrap: B must be an integer >= 2, got ${B}`);
  const draws = new Float64Array(B);
  for (let b = 0; b < B; b++) draws[b] = statistic(opts.rng.fork(`boot ${b}`), b);
  draws.sort();
  const level = opts.level ?? 0.95;
  return { estimate: opts.estimate ?? NaN, se: std(draws), ci: percentileInterval(draws, level), level, draws };
}

/** Bootstrap of the mean of independent values (resampled with replacement). */
export function bootstrapMean(xs: ArrayLike<number>, opts: { rng: Rng; B?: number; level?: number }): BootstrapInterval {
  const n = xs.length;
  if (n < 2) throw new RangeError(`bootstrapMean: need at least 2 values, got ${n}`);
  return bootstrap((r) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[r.int(n)];
    return s / n;
  }, { ...opts, estimate: mean(xs) });
}
