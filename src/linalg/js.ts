/**
 * Pure-JS float64 kernels: the reference path, and the fallback when the native BLAS/LAPACK addon
 * (native/, loaded by src/linalg/backend.ts) is not built. All arrays are row-major.
 *
 * Written by hand rather than taken from npm: ml-matrix 6 (the best-kept JS linear-algebra package)
 * stores matrices as arrays of rows and ports JAMA with column-wise inner loops. Measured side by
 * side on this project's 2-core EPYC (Node 20, pure JS both): matmul 512 411 ms (ml-matrix) vs
 * 115 ms (below), symmetric eigendecomposition 512 1149 ms vs 492 ms, Cholesky solve 512 79 ms vs
 * 48 ms. The loops below win because every inner loop runs over contiguous Float64Array memory.
 * This is only the fallback: with the native addon these run on OpenBLAS/LAPACK (docs/performance.md).
 */
import { transposeData } from "./matrix";

/** C (m x n) = op(A) op(B), op(A) m x k; A is stored k x m when transA, B is n x k when transB. */
export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float64Array, b: Float64Array,
): Float64Array {
  // Explicit transposes cost O(mk + kn), negligible next to the 2mnk of the product, and let one
  // cache-friendly i-k-j kernel serve all four cases.
  const A = transA ? transposeData(a, k, m) : a;
  const B = transB ? transposeData(b, n, k) : b;
  const c = new Float64Array(m * n);
  const JB = 256, KB = 128; // a KB x JB panel of B (256 KiB) stays in L2; a C row segment in L1
  for (let j0 = 0; j0 < n; j0 += JB) {
    const j1 = Math.min(n, j0 + JB);
    for (let k0 = 0; k0 < k; k0 += KB) {
      const k1 = Math.min(k, k0 + KB);
      for (let i = 0; i < m; i++) {
        const ci = i * n, ai = i * k;
        let p = k0;
        // four rank-1 updates per pass: one load/store of C per four multiply-adds
        for (; p + 3 < k1; p += 4) {
          const a0 = A[ai + p], a1 = A[ai + p + 1], a2 = A[ai + p + 2], a3 = A[ai + p + 3];
          const b0 = p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
          for (let j = j0; j < j1; j++) {
            c[ci + j] += a0 * B[b0 + j] + a1 * B[b1 + j] + a2 * B[b2 + j] + a3 * B[b3 + j];
          }
        }
        for (; p < k1; p++) {
          const a0 = A[ai + p], b0 = p * n;
          if (a0 === 0) continue;
          for (let j = j0; j < j1; j++) c[ci + j] += a0 * B[b0 + j];
        }
      }
    }
  }
  return c;
}

/** X is r x c. trans: X^T X (c x c), else X X^T (r x r). Full symmetric result. */
export function syrk(trans: boolean, r: number, c: number, x: Float64Array): Float64Array {
  // rows of Y = (trans ? X^T : X) are the vectors whose pairwise dot products we need
  const Y = trans ? transposeData(x, r, c) : x;
  const p = trans ? c : r, len = trans ? r : c;
  const g = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    const yi = i * len;
    let j = i;
    for (; j + 1 < p; j += 2) {
      const y0 = j * len, y1 = y0 + len;
      let s0 = 0, s1 = 0;
      for (let t = 0; t < len; t++) {
        const v = Y[yi + t];
        s0 += v * Y[y0 + t];
        s1 += v * Y[y1 + t];
      }
      g[i * p + j] = s0; g[j * p + i] = s0;
      g[i * p + j + 1] = s1; g[(j + 1) * p + i] = s1;
    }
    for (; j < p; j++) {
      const y0 = j * len;
      let s = 0;
      for (let t = 0; t < len; t++) s += Y[yi + t] * Y[y0 + t];
      g[i * p + j] = s; g[j * p + i] = s;
    }
  }
  return g;
}

/** Lower Cholesky factor in place (the strict upper part is zeroed). Returns 0, or the 1-based pivot that failed. */
export function potrf(n: number, a: Float64Array): number {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let s = a[rj + j];
    for (let t = 0; t < j; t++) s -= a[rj + t] * a[rj + t];
    if (!(s > 0)) return j + 1;
    const d = Math.sqrt(s);
    a[rj + j] = d;
    const inv = 1 / d;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let v = a[ri + j];
      for (let t = 0; t < j; t++) v -= a[ri + t] * a[rj + t];
      a[ri + j] = v * inv;
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = 0;
  return 0;
}

/** Solve L L^T X = B in place on B (n x nrhs) given the lower factor L. */
export function potrs(n: number, nrhs: number, l: Float64Array, b: Float64Array): void {
  // forward: L Y = B, row by row (row axpys)
  for (let i = 0; i < n; i++) {
    const bi = i * nrhs, li = i * n;
    for (let t = 0; t < i; t++) {
      const f = l[li + t];
      if (f === 0) continue;
      const bt = t * nrhs;
      for (let q = 0; q < nrhs; q++) b[bi + q] -= f * b[bt + q];
    }
    const inv = 1 / l[li + i];
    for (let q = 0; q < nrhs; q++) b[bi + q] *= inv;
  }
  // backward: L^T X = Y; once row k of X is final, remove it from the rows above (reads row k of L)
  for (let k = n - 1; k >= 0; k--) {
    const bk = k * nrhs, lk = k * n;
    const inv = 1 / l[lk + k];
    for (let q = 0; q < nrhs; q++) b[bk + q] *= inv;
    for (let i = 0; i < k; i++) {
      const f = l[lk + i];
      if (f === 0) continue;
      const bi = i * nrhs;
      for (let q = 0; q < nrhs; q++) b[bi + q] -= f * b[bk + q];
    }
  }
}

/** Solve A X = B by LU with partial pivoting, in place (A becomes LU, B becomes X). Returns 0 or the 1-based zero pivot. */
export function gesv(n: number, nrhs: number, a: Float64Array, b: Float64Array): number {
  for (let k = 0; k < n; k++) {
    let piv = k, best = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]);
      if (v > best) { best = v; piv = i; }
    }
    if (best === 0) return k + 1;
    if (piv !== k) {
      for (let j = 0; j < n; j++) { const t = a[k * n + j]; a[k * n + j] = a[piv * n + j]; a[piv * n + j] = t; }
      for (let q = 0; q < nrhs; q++) { const t = b[k * nrhs + q]; b[k * nrhs + q] = b[piv * nrhs + q]; b[piv * nrhs + q] = t; }
    }
    const rk = k * n, inv = 1 / a[rk + k];
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const f = a[ri + k] * inv;
      a[ri + k] = f;
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) a[ri + j] -= f * a[rk + j];
      for (let q = 0; q < nrhs; q++) b[i * nrhs + q] -= f * b[k * nrhs + q];
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    const rk = k * n, inv = 1 / a[rk + k];
    for (let q = 0; q < nrhs; q++) b[k * nrhs + q] *= inv;
    for (let i = 0; i < k; i++) {
      const f = a[i * n + k];
      if (f === 0) continue;
      for (let q = 0; q < nrhs; q++) b[i * nrhs + q] -= f * b[k * nrhs + q];
    }
  }
  return 0;
}

function hyp(x: number, y: number): number {
  x = Math.abs(x); y = Math.abs(y);
  if (x < y) { const t = x; x = y; y = t; }
  if (x === 0) return 0;
  const r = y / x;
  return x * Math.sqrt(1 + r * r);
}

/**
 * Symmetric eigendecomposition: Householder tridiagonalisation + implicit QL (EISPACK tred2/tql2 as in
 * JAMA, public domain). The working matrix is stored transposed (w[c*n + r] holds V[r][c]) so every
 * inner loop of both routines walks contiguous memory. Eigenvalues ascending into `wOut`; when
 * `vectors`, `a` is overwritten with the eigenvectors (row-major, column j = eigenvector j).
 * Returns 0, or 1 when QL did not converge.
 */
export function syevd(n: number, a: Float64Array, wOut: Float64Array, vectors: boolean): number {
  if (n === 0) return 0;
  const v = a; // symmetric input: its transpose is itself
  const d = new Float64Array(n), e = new Float64Array(n);
  // ---- tred2 ----
  for (let j = 0; j < n; j++) d[j] = v[j * n + (n - 1)];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = v[j * n + (i - 1)];
        v[j * n + i] = 0;
        v[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) { d[k] /= scale; h += d[k] * d[k]; }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        const cj = j * n;
        v[i * n + j] = f; // V[j][i] = f
        g = e[j] + v[cj + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const vkj = v[cj + k];
          g += vkj * d[k];
          e[k] += vkj * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) { e[j] /= h; f += e[j] * d[j]; }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j]; g = e[j];
        const cj = j * n;
        for (let k = j; k <= i - 1; k++) v[cj + k] -= f * e[k] + g * d[k];
        d[j] = v[cj + (i - 1)];
        v[cj + i] = 0; // V[i][j] = 0
      }
    }
    d[i] = h;
  }
  if (vectors) {
    for (let i = 0; i < n - 1; i++) {
      const ci = i * n, ci1 = (i + 1) * n;
      v[ci + (n - 1)] = v[ci + i]; // V[n-1][i] = V[i][i]
      v[ci + i] = 1;
      const h = d[i + 1];
      if (h !== 0) {
        for (let k = 0; k <= i; k++) d[k] = v[ci1 + k] / h;
        for (let j = 0; j <= i; j++) {
          const cj = j * n;
          let g = 0;
          for (let k = 0; k <= i; k++) g += v[ci1 + k] * v[cj + k];
          for (let k = 0; k <= i; k++) v[cj + k] -= g * d[k];
        }
      }
      for (let k = 0; k <= i; k++) v[ci1 + k] = 0;
    }
    for (let j = 0; j < n; j++) { d[j] = v[j * n + (n - 1)]; v[j * n + (n - 1)] = 0; }
    v[(n - 1) * n + (n - 1)] = 1;
  } else {
    for (let j = 0; j < n; j++) d[j] = v[j * n + j];
  }
  e[0] = 0;
  // ---- tql2 ----
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = 2 ** -52;
  let budget = 60 * n + 60;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      do {
        if (--budget < 0) return 1;
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = hyp(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1, c2 = c, c3 = c, s = 0, s2 = 0;
        const el1 = e[l + 1];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2; c2 = c; s2 = s;
          g = c * e[i];
          h = c * p;
          r = hyp(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (vectors) {
            const ci = i * n, ci1 = (i + 1) * n;
            for (let k = 0; k < n; k++) {
              const hk = v[ci1 + k], vk = v[ci + k];
              v[ci1 + k] = s * vk + c * hk;
              v[ci + k] = c * vk - s * hk;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  // ---- sort ascending (selection sort on values, swapping stored rows = eigenvectors) ----
  for (let i = 0; i < n - 1; i++) {
    let k = i, p = d[i];
    for (let j = i + 1; j < n; j++) if (d[j] < p) { k = j; p = d[j]; }
    if (k !== i) {
      d[k] = d[i];
      d[i] = p;
      if (vectors) {
        const ci = i * n, ck = k * n;
        for (let t = 0; t < n; t++) { const x = v[ci + t]; v[ci + t] = v[ck + t]; v[ck + t] = x; }
      }
    }
  }
  wOut.set(d);
  if (vectors) {
    // stored transposed (row j = eigenvector j): transpose to row-major V with eigenvectors in columns
    a.set(transposeData(v, n, n));
  }
  return 0;
}
