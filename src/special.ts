/**
 * Special functions the library shares. Written by hand: JavaScript's Math has no erf, and a package
 * for two functions is not worth a dependency.
 */

/**
 * erfc from the Numerical Recipes Chebyshev fit (fractional error < 1.2e-7 everywhere, so the tails
 * keep their relative accuracy, which p-values need).
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** erf = 1 - erfc (absolute error < 1.2e-7). */
export function erf(x: number): number {
  return 1 - erfc(x);
}
