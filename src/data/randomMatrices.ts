/**
 * Random matrices and the samplers behind them: Wishart Gram matrices (Bartlett's decomposition), GOE
 * matrices, Poisson (uncorrelated) levels, and the gamma / chi-squared draws they use.
 */
import type { Matrix } from "../linalg";
import type { Rng } from "../random";

function checkDim(fn: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${fn}: dimension must be a positive integer, got ${n}`);
}

/**
 * Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shape < 1 by the boost U^(1/shape)).
 */
export function gammaSample(shape: number, rng: Rng): number {
  if (!(shape > 0)) throw new RangeError(`gammaSample: shape must be > 0, got ${shape}`);
  if (shape < 1) return gammaSample(shape + 1, rng) * Math.pow(rng.uniform() || Number.MIN_VALUE, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Chi-squared draw with k degrees of freedom. */
export function chiSquaredSample(k: number, rng: Rng): number {
  return 2 * gammaSample(k / 2, rng);
}

/**
 * Z Z^T for an n x dof matrix Z of i.i.d. N(0,1) entries (a Wishart(dof, I_n) matrix), sampled exactly
 * without forming Z: Bartlett's decomposition Z Z^T =_d A A^T with A lower triangular,
 * A_ii = sqrt(chi^2_{dof - i}) (i = 0..n-1) and A_ij ~ N(0,1) below the diagonal. Needs dof >= n;
 * costs O(n^3) whatever dof is, so a bath of a million directions is as cheap as one of a thousand.
 * Multiply by the per-direction variance to get the Gram matrix X_bath X_bath^T of an isotropic bath.
 */
export function wishartGram(n: number, dof: number, rng: Rng): Matrix {
  checkDim("wishartGram", n);
  if (!(dof >= n)) throw new RangeError(`wishartGram: Bartlett sampling needs dof >= n, got dof=${dof} < n=${n} (build X X^T directly instead)`);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    A[i * n + i] = Math.sqrt(chiSquaredSample(dof - i, rng));
    for (let j = 0; j < i; j++) A[i * n + j] = rng.normal();
  }
  const G = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      const m = Math.min(i, j);
      for (let k = 0; k <= m; k++) s += A[i * n + k] * A[j * n + k];
      G[i * n + j] = s;
      G[j * n + i] = s;
    }
  }
  return { rows: n, cols: n, data: G };
}

/** A GOE matrix of size n: (A + A^T) / sqrt(2n) with A i.i.d. N(0, 1) (semicircle on [-2, 2]). Row-major. */
export function goeMatrix(n: number, rng: Rng): Matrix {
  const a = rng.normals(n * n);
  const m = new Float64Array(n * n);
  const f = 1 / Math.sqrt(2 * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = (a[i * n + j] + a[j * n + i]) * f;
  return { rows: n, cols: n, data: m };
}

/** n uncorrelated levels (sorted uniforms): a Poisson spectrum. */
export function poissonLevels(n: number, rng: Rng): Float64Array {
  return rng.uniforms(n).sort();
}
