/**
 * Seeded bootstrap: resample what is random (points, seeds, rows), recompute the statistic, and
 * report the spread of the draws as a standard error and a percentile interval.
 */
import { Rng } from "../random";
import { mean, std } from "./descriptive";
import type { OnProgress } from "../progress";

/** A statistic with its bootstrap standard error, percentile interval and draws. */
export interface BootstrapInterval {
  /** The statistic on the original data. */
  estimate: number;
  /** Standard deviation of the bootstrap draws: the standard error of the estimate. */
  se: number;
  /** Percentile interval of the draws at `level`. */
  ci: [number, number];
  level: number;
  /** The finite draws, sorted. */
  draws: Float64Array;
  /** Draws left out because they were not finite (the statistic undefined on that resample). */
  dropped: number;
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
 * How the resamples of a bootstrap get their random numbers. "fork" (the default): resample b draws
 * from `rng.fork(\`${label} ${b}\`)`, so each resample is fixed by its index alone (adding resamples or
 * redrawing inside one moves no other). "sequential": every resample draws in turn from `rng` itself, the
 * older style that several fits keep so that their published intervals do not move.
 */
export type ResampleStreams = "fork" | "sequential";

/** Options of every resampling loop: the generator, the number of resamples and how they draw. */
export interface ResampleOptions {
  rng: Rng;
  /** Number of resamples (default: 1000 for `bootstrap`; each fit states its own). */
  B?: number;
  /** "fork" (default) or "sequential"; see `ResampleStreams`. */
  streams?: ResampleStreams;
  /** Name of resample b's fork, `${label} ${b}` (default "boot"). */
  label?: string;
  /** Called after every resample. */
  onProgress?: OnProgress;
  /** The progress label (default "bootstrap resamples"). */
  progressLabel?: string;
}

/**
 * The one resampling loop of the lab: `draw(rng, b)` draws resample b with the generator it is given
 * (see `ResampleStreams`) and returns whatever the caller needs of it (a number, a fitted law, several
 * windows' exponents). Returns the B values in resample order, unsummarized; `bootstrap` summarizes
 * scalar draws.
 */
export function bootstrapDraws<T>(draw: (rng: Rng, b: number) => T, opts: ResampleOptions & { B: number }): T[] {
  if (!opts || !(opts.rng instanceof Rng)) throw new TypeError("bootstrap: pass { rng } (e.g. rng.fork(\"bootstrap\"))");
  const B = opts.B;
  if (!Number.isInteger(B) || B < 2) throw new RangeError(`bootstrap: B must be an integer >= 2, got ${B}`);
  const streams = opts.streams ?? "fork", label = opts.label ?? "boot";
  if (streams !== "fork" && streams !== "sequential") throw new RangeError(`bootstrap: streams must be "fork" or "sequential", got ${String(streams)}`);
  const out: T[] = [];
  for (let b = 0; b < B; b++) {
    out.push(draw(streams === "fork" ? opts.rng.fork(`${label} ${b}`) : opts.rng, b));
    opts.onProgress?.({ done: b + 1, total: B, label: opts.progressLabel ?? "bootstrap resamples" });
  }
  return out;
}

/**
 * `size` indices drawn uniformly from 0..n-1 with replacement (`rng.int(n)` in turn): one resample of
 * n points, rows or seeds.
 */
export function resampleIndices(rng: Rng, n: number, size: number = n): Int32Array {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`resampleIndices: n must be a positive integer, got ${n}`);
  const idx = new Int32Array(size);
  for (let i = 0; i < size; i++) idx[i] = rng.int(n);
  return idx;
}

/**
 * Summary of scalar bootstrap draws: their standard deviation as the standard error and their
 * percentile interval (s.e. NaN from a single draw). Draws that are not finite (a resample on which the statistic is undefined) are
 * left out and counted in `dropped`.
 */
export function intervalOfDraws(draws: ArrayLike<number>, opts: { level?: number; estimate?: number } = {}): BootstrapInterval {
  const kept = Float64Array.from(Array.from(draws).filter(Number.isFinite)).sort();
  if (kept.length === 0) throw new RangeError(`bootstrap: no finite draws (of ${draws.length})`);
  const level = opts.level ?? 0.95;
  return { estimate: opts.estimate ?? NaN, se: kept.length > 1 ? std(kept) : NaN, ci: percentileInterval(kept, level), level, draws: kept, dropped: draws.length - kept.length };
}

/**
 * Generic bootstrap. `statistic(rng, b)` draws one resample with the generator it is given (by default
 * a named fork `boot b` of `opts.rng`; see `ResampleStreams`) and returns the statistic on it;
 * `estimate` is the statistic on the original data (computed by the caller, or NaN). Returns the
 * draws' s.e. and percentile interval (non-finite draws left out, see `intervalOfDraws`).
 */
export function bootstrap(
  statistic: (rng: Rng, b: number) => number,
  opts: ResampleOptions & { level?: number; estimate?: number },
): BootstrapInterval {
  if (!opts || !(opts.rng instanceof Rng)) throw new TypeError("bootstrap: pass { rng } (e.g. rng.fork(\"bootstrap\"))");
  const draws = bootstrapDraws(statistic, { ...opts, B: opts.B ?? 1000 });
  return intervalOfDraws(draws, { level: opts.level, estimate: opts.estimate });
}

/**
 * The resample-by-seed bootstrap (a cluster bootstrap): `units` are whole seeds (or any independent
 * units whose parts share randomness, e.g. the points of one learning curve); each resample draws
 * units.length of them with replacement (`resampleIndices`) and `statistic` is computed on the drawn
 * list. `estimate` is the statistic on all units.
 */
export function bootstrapUnits<T>(
  units: readonly T[],
  statistic: (sample: T[]) => number,
  opts: ResampleOptions & { level?: number },
): BootstrapInterval {
  const S = units.length;
  if (S < 2) throw new RangeError(`bootstrapUnits: need at least 2 units (seeds), got ${S}`);
  return bootstrap((r) => statistic(Array.from(resampleIndices(r, S), (i) => units[i])), { ...opts, estimate: statistic(units.slice()) });
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
