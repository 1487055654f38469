/**
 * Noisy one-dimensional regression problems, for the bias-variance U curve: a smooth target f on
 * [-1, 1], n inputs drawn uniformly, labels y = f(x) + sigma * noise.
 */
import type { Rng } from "../random";

/** A target function on [-1, 1]. */
export type Target1D = (x: number) => number;

/** A few smooth targets with a known amount of "wiggle". */
export const targets1D: Record<string, Target1D> = {
  /** One and a half periods of a sine plus a slope: needs a degree ~5-8 polynomial. */
  sine: (x) => Math.sin(3 * x) + 0.3 * x,
  /** A bump (Runge-like) that low-degree fits miss. */
  runge: (x) => 1 / (1 + 25 * x * x),
  /** A cubic: exactly representable from degree 3 on. */
  cubic: (x) => x * x * x - 0.5 * x,
};

/** Samples of a 1-D target: inputs x, noisy labels y and the clean values f(x). */
export interface OneDSet {
  x: Float64Array;
  /** Noisy labels. */
  y: Float64Array;
  /** Noiseless target values f(x). */
  f: Float64Array;
}

/** n points x ~ U[-1, 1] with labels f(x) + sigma * N(0, 1). */
export function sample1D(n: number, target: Target1D, sigma: number, rng: Rng): OneDSet {
  const x = rng.uniforms(n, -1, 1);
  const f = Float64Array.from(x, target);
  const y = Float64Array.from(f, (v) => v + sigma * rng.normal());
  return { x, y, f };
}


/** An evenly spaced grid of m points on [lo, hi] with the noiseless target (for plots and test error). */
export function grid1D(m: number, target: Target1D, lo = -1, hi = 1): { x: Float64Array; f: Float64Array } {
  const x = Float64Array.from({ length: m }, (_, i) => lo + ((hi - lo) * i) / Math.max(1, m - 1));
  return { x, f: Float64Array.from(x, target) };
}
