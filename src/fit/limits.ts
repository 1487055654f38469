/**
 * The limit of a finite-size quantity with a known leading correction: y(x) = c + b x^(-p), fitted by
 * least squares (linear in c and b once p is fixed), e.g. a quantity measured at several network
 * widths N with corrections of order N^-1/2. `bootstrapLimit` fits the seed-averaged curve and gets the
 * standard error of c by resampling whole seeds.
 */
import { Rng } from "../random";
import { bootstrapUnits } from "../stats/bootstrap";
import { mean } from "../stats/descriptive";
import { leastSquaresLine } from "./line";

/** A fit y = c + b x^(-p) and its limit c = y(infinity) with a standard error. */
export interface LimitFit {
  /** The limit c = y(infinity). */
  c: number;
  /** The coefficient of the correction b x^-p. */
  b: number;
  p: number;
}

/** y = c + b x^-p by least squares (p fixed, default 1/2). */
export function fitLimit(x: ArrayLike<number>, y: ArrayLike<number>, p = 0.5): LimitFit {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`fitLimit: x has ${n} points, y has ${y.length}`);
  if (n < 2) throw new RangeError(`fitLimit: need at least 2 points, got ${n}`);
  const u = Array.from(x, (v) => {
    if (!(v > 0)) throw new RangeError(`fitLimit: x must be positive, got ${v}`);
    return v ** -p;
  });
  if (new Set(u).size < 2) throw new RangeError("fitLimit: need at least two distinct x");
  const line = leastSquaresLine(u, y, "fitLimit");
  return { c: line.intercept, b: line.slope, p };
}

/**
 * `fitLimit` of the mean over seeds of `rows[s][i]` (seed s at x[i]), with the standard error and
 * percentile interval of c from `B` resamples of whole seeds drawn from `rng`.
 */
export function bootstrapLimit(x: ArrayLike<number>, rows: ArrayLike<number>[], opts: { rng: Rng; B?: number; p?: number; level?: number }): { fit: LimitFit; se: number; ci: [number, number] } {
  if (!(opts.rng instanceof Rng)) throw new TypeError("bootstrapLimit: pass { rng } for the resampling (e.g. rng: rng.fork(\"bootstrap\"))");
  const S = rows.length;
  if (S < 2) throw new RangeError(`bootstrapLimit: need at least 2 seeds, got ${S}`);
  const meanOf = (rs: ArrayLike<number>[]) => Array.from(x, (_, i) => mean(rs.map((r) => r[i])));
  const fit = fitLimit(x, meanOf(rows), opts.p);
  // whole seeds resampled from one sequential stream (the resamples of earlier versions)
  const iv = bootstrapUnits(rows, (pick) => fitLimit(x, meanOf(pick), opts.p).c, { rng: opts.rng, B: opts.B ?? 500, streams: "sequential", level: opts.level });
  return { fit, se: iv.se, ci: iv.ci };
}

/** `richardsonLimit`'s result: the limit from the two largest sizes and an estimate of its remainder. */
export interface RichardsonLimit {
  /** y(infinity) from the line in x^-p through the two largest sizes. */
  limit: number;
  /** The same from the two smallest sizes (a coarser extrapolation). */
  coarser: number;
  /**
   * |limit - coarser|: how much the extrapolation moved between the two pairs. When the next
   * correction falls faster than x^-p (e.g. like x^-2p), this exceeds the remainder of `limit` by a
   * wide factor: an allowance for that remainder, a drift, not an uncertainty.
   */
  change: number;
}

/**
 * Richardson extrapolation of a deterministic quantity computed at three sizes x0 < x1 < x2 with a
 * leading correction of order x^-p: the line y = c + b x^-p through (x1, y1) and (x2, y2) gives the
 * limit, the line through (x0, y0) and (x1, y1) a coarser one, and their difference says how far the
 * extrapolation still moves. For x = 10^5 and 10^6 and p = 1 the limit is y2 - (y1 - y2) / 9.
 */
export function richardsonLimit(x: readonly [number, number, number], y: readonly [number, number, number], p = 1): RichardsonLimit {
  if (!(x[0] > 0 && x[0] < x[1] && x[1] < x[2])) throw new RangeError(`richardsonLimit: give sizes 0 < x0 < x1 < x2, got ${x.join(", ")}`);
  if (!y.every((v) => Number.isFinite(v))) throw new RangeError(`richardsonLimit: the values must be finite, got ${y.join(", ")}`);
  if (!(p > 0)) throw new RangeError(`richardsonLimit: p must be > 0, got ${p}`);
  const through = (i: number) => {
    const u = x[i] ** -p, v = x[i + 1] ** -p;
    return y[i + 1] - ((y[i] - y[i + 1]) * v) / (u - v);
  };
  const limit = through(1), coarser = through(0);
  return { limit, coarser, change: Math.abs(limit - coarser) };
}
