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
