/**
 * Gaussian data with a chosen covariance and the sample covariance spectrum of a data matrix: white
 * noise (the Marchenko-Pastur null model), long-range correlated Gaussian sequences with a power-law
 * spectrum (our Toeplitz version of Levi & Oz, arXiv 2306.14975), and sampling through a covariance
 * factor. Used by the statistics-of-data chapter; the Marchenko-Pastur law itself is in
 * src/theory/marchenkoPastur.ts.
 */
import type { Rng } from "../random";
import * as la from "../linalg";
import type { Matrix } from "../linalg";

/**
 * An n x p matrix of i.i.d. N(0, variance) entries (row-major): `X^T X / n` is a white Wishart
 * sample covariance whose spectrum follows MP with q = p / n.
 */
export function whiteData(n: number, p: number, rng: Rng, variance = 1): Matrix {
  return { rows: n, cols: p, data: rng.normals(n * p, 0, Math.sqrt(variance)) };
}

/**
 * A Toeplitz covariance C_ij = c(|i - j|) of a stationary, long-range correlated Gaussian sequence of
 * length d whose power spectrum falls as a power of the frequency, S(m) = (m^2 + m0^2)^(-beta/2):
 * c(r) = (1/P) sum_m S(m) cos(2 pi m r / P) on a period P = 2d, so the d-point window is not periodic
 * (a periodic window would make the spectrum exactly doubly degenerate). The eigenvalues of C follow
 * S at the window's frequencies, lambda_i ~ i^(-beta): a power-law bulk with 1 + a = beta. This is our
 * version of the correlated Gaussian data (a Toeplitz-correlated Wishart model) of Levi & Oz,
 * arXiv 2306.14975. Normalised to unit mean eigenvalue (trace d).
 */
export function toeplitzPowerLawCovariance(d: number, beta: number, m0 = 1): Matrix {
  const P = 2 * d;
  const S = new Float64Array(P);
  for (let m = 0; m < P; m++) S[m] = (Math.min(m, P - m) ** 2 + m0 * m0) ** (-beta / 2);
  const c = new Float64Array(d);
  for (let r = 0; r < d; r++) {
    let s = 0;
    for (let m = 0; m < P; m++) s += S[m] * Math.cos((2 * Math.PI * m * r) / P);
    c[r] = s / P;
  }
  const f = 1 / c[0];
  const cov = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i * d + j] = c[Math.abs(i - j)] * f;
  return { rows: d, cols: d, data: cov };
}

/**
 * n samples of N(0, C) as an n x d matrix (row-major), given a factor F (d x m) with C = F F^T (e.g. the
 * Cholesky factor): the rows are (F z_i)^T, i.e. X = Z F^T with Z an n x m standard normal matrix.
 */
export function gaussianWithFactor(n: number, factor: Matrix, rng: Rng): Matrix {
  const Z = { rows: n, cols: factor.cols, data: rng.normals(n * factor.cols) };
  return la.matmul(Z, factor, { transB: true });
}

/**
 * Eigenvalues (descending) of the sample covariance X^T X / n of the rows of X (n x d), after
 * subtracting the column means when `center` (default true).
 */
export function covarianceSpectrum(X: Matrix, opts: { center?: boolean } = {}): Float64Array {
  const n = X.rows, d = X.cols;
  let data = X.data;
  if (opts.center ?? true) {
    data = Float64Array.from(X.data);
    const mu = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += data[i * d + j] / n;
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] -= mu[j];
  }
  const S = la.gram({ rows: n, cols: d, data });
  for (let i = 0; i < S.data.length; i++) S.data[i] /= n;
  return la.eigvalsh(S).reverse();
}
