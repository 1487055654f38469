/**
 * Float64 dense linear algebra for the lab: row-major `Matrix` helpers, products, Cholesky, LU solve,
 * symmetric eigendecomposition, SVD, least squares (minimum-norm and ridge) and the pseudo-inverse.
 *
 * Every heavy operation runs on the kernels chosen by ./backend: the native OpenBLAS/LAPACK addon when
 * it is built (`npm run build:native`), else pure JS; `linalgBackend()` says which and why, and
 * `GENLAB_LINALG=js` forces the JS path. Both paths agree to rounding (tests/unit/linalg*.test.ts).
 */
import { choose, kernels, jsKernels, Kernels } from "./backend";
import {
  Matrix, VectorLike, assertMatrix, assertFinite, shapeOf, isMatrix, transposeData,
} from "./matrix";

export * from "./matrix";
export { setNativeLoader, resetLinalgBackend, addonPath } from "./backend";
export type { LinalgBackendName, NativeLoader, NativeAddon, Kernels } from "./backend";

const EPS = 2 ** -52;

/** Which kernels are in use ("openblas", "accelerate" or "js") and why. */
export function linalgBackend(): { name: "openblas" | "accelerate" | "js"; reason: string } {
  const c = choose();
  return { name: c.kernels.name, reason: c.reason };
}

function checked(m: Matrix, fn: string, name: string): void {
  assertMatrix(m, fn, name);
  assertFinite(m.data, fn, name, m.cols);
}

function checkSquare(m: Matrix, fn: string, name = "A"): void {
  checked(m, fn, name);
  if (m.rows !== m.cols) throw new RangeError(`${fn}: ${name} must be square, got ${shapeOf(m)}`);
}

function checkSymmetric(a: Matrix, fn: string): void {
  const n = a.rows, d = a.data;
  let big = 0;
  for (let i = 0; i < d.length; i++) { const v = Math.abs(d[i]); if (v > big) big = v; }
  const tol = 1e-10 * big;
  const T = 64; // tiles: the transposed reads stay in cache
  for (let i0 = 0; i0 < n; i0 += T) {
    for (let j0 = i0; j0 < n; j0 += T) {
      const i1 = Math.min(n, i0 + T), j1 = Math.min(n, j0 + T);
      for (let i = i0; i < i1; i++) {
        for (let j = Math.max(j0, i + 1); j < j1; j++) {
          if (Math.abs(d[i * n + j] - d[j * n + i]) > tol) {
            throw new RangeError(`${fn}: A must be symmetric; A(${i},${j}) = ${d[i * n + j]} but A(${j},${i}) = ${d[j * n + i]}`);
          }
        }
      }
    }
  }
}

/** op(A) op(B) with op = transpose when opts.transA / opts.transB. */
export function matmul(a: Matrix, b: Matrix, opts: { transA?: boolean; transB?: boolean } = {}): Matrix {
  assertMatrix(a, "matmul", "A");
  assertMatrix(b, "matmul", "B");
  const tA = !!opts.transA, tB = !!opts.transB;
  const m = tA ? a.cols : a.rows, k = tA ? a.rows : a.cols;
  const k2 = tB ? b.cols : b.rows, n = tB ? b.rows : b.cols;
  if (k !== k2) {
    throw new RangeError(
      `matmul: inner dimensions differ: ${tA ? "A^T" : "A"} is ${m}x${k} (A is ${shapeOf(a)}), ${tB ? "B^T" : "B"} is ${k2}x${n} (B is ${shapeOf(b)})`,
    );
  }
  // tiny products: the native call overhead exceeds the work
  const K: Kernels = m * n * k < 4096 ? jsKernels : kernels();
  return { rows: m, cols: n, data: K.gemm(tA, tB, m, n, k, a.data, b.data) };
}

/** X^T X (cols x cols). */
export function gram(x: Matrix): Matrix {
  assertMatrix(x, "gram", "X");
  return { rows: x.cols, cols: x.cols, data: kernels().syrk(true, x.rows, x.cols, x.data) };
}

/** X X^T (rows x rows). */
export function outerGram(x: Matrix): Matrix {
  assertMatrix(x, "outerGram", "X");
  return { rows: x.rows, cols: x.rows, data: kernels().syrk(false, x.rows, x.cols, x.data) };
}

function notPD(fn: string, pivot: number, n: number): Error {
  return new RangeError(
    `${fn}: matrix is not positive definite (the leading minor of order ${pivot} of ${n} is not positive, pivot ${pivot - 1} counting from 0); ` +
      `if it should be PD, add a small ridge (jitter) to the diagonal`,
  );
}

/** Lower-triangular L with A = L L^T. Throws when A is not symmetric positive definite, naming the pivot. */
export function cholesky(a: Matrix): Matrix {
  checkSquare(a, "cholesky");
  checkSymmetric(a, "cholesky");
  const l = a.data.slice();
  const info = kernels().potrf(a.rows, l);
  if (info !== 0) throw notPD("cholesky", info, a.rows);
  return { rows: a.rows, cols: a.cols, data: l };
}

type Rhs = Matrix | Float64Array;

function rhsOf(b: Rhs | ArrayLike<number>, n: number, fn: string): { data: Float64Array; nrhs: number; vector: boolean } {
  if (isMatrix(b)) {
    checked(b, fn, "B");
    if (b.rows !== n) throw new RangeError(`${fn}: A is ${n}x${n} but B is ${shapeOf(b)} (needs ${n} rows)`);
    return { data: b.data.slice(), nrhs: b.cols, vector: false };
  }
  const v = Float64Array.from(b as ArrayLike<number>);
  assertFinite(v, fn, "b");
  if (v.length !== n) throw new RangeError(`${fn}: A is ${n}x${n} but b has length ${v.length}`);
  return { data: v, nrhs: 1, vector: true };
}

function rhsOut(r: { data: Float64Array; nrhs: number; vector: boolean }, n: number): Rhs {
  return r.vector ? r.data : { rows: n, cols: r.nrhs, data: r.data };
}

/** Solve L L^T X = B given the Cholesky factor L from `cholesky` (reuse one factor for many right-hand sides). */
export function choleskySolveFactor(l: Matrix, b: Float64Array): Float64Array;
export function choleskySolveFactor(l: Matrix, b: Matrix): Matrix;
export function choleskySolveFactor(l: Matrix, b: Rhs): Rhs {
  checkSquare(l, "choleskySolveFactor", "L");
  const r = rhsOf(b, l.rows, "choleskySolveFactor");
  kernels().potrs(l.rows, r.nrhs, l.data, r.data);
  return rhsOut(r, l.rows);
}

/** Solve A X = B for symmetric positive definite A (B a vector or a matrix; returns the same kind). */
export function choleskySolve(a: Matrix, b: Float64Array): Float64Array;
export function choleskySolve(a: Matrix, b: Matrix): Matrix;
export function choleskySolve(a: Matrix, b: Rhs): Rhs {
  const l = cholesky(a);
  const r = rhsOf(b, a.rows, "choleskySolve");
  kernels().potrs(a.rows, r.nrhs, l.data, r.data);
  return rhsOut(r, a.rows);
}

/** log det A for symmetric positive definite A (from its Cholesky factor: 2 sum log L_ii). */
export function logdetSPD(a: Matrix): number {
  const l = cholesky(a);
  let s = 0;
  for (let i = 0; i < l.rows; i++) s += Math.log(l.data[i * l.rows + i]);
  return 2 * s;
}

/** A^{-1} for a general square A (LU). Prefer solve() when only A^{-1} B is needed. */
export function inv(a: Matrix): Matrix {
  checkSquare(a, "inv");
  const n = a.rows;
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) e[i * n + i] = 1;
  return solve(a, { rows: n, cols: n, data: e });
}

/** Solve A X = B for a general square A by LU with partial pivoting. */
export function solve(a: Matrix, b: Float64Array): Float64Array;
export function solve(a: Matrix, b: Matrix): Matrix;
export function solve(a: Matrix, b: Rhs): Rhs {
  checkSquare(a, "solve");
  const r = rhsOf(b, a.rows, "solve");
  const lu = a.data.slice();
  const info = kernels().gesv(a.rows, r.nrhs, lu, r.data);
  if (info !== 0) throw new RangeError(`solve: A is singular (zero pivot at column ${info - 1} of ${a.rows})`);
  return rhsOut(r, a.rows);
}

/** A symmetric eigendecomposition: eigenvalues ascending and their unit eigenvectors as columns. */
export interface Eigh {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Column j is the unit eigenvector of values[j]. */
  vectors: Matrix;
}

/** Symmetric eigendecomposition A = V diag(values) V^T (values ascending). */
export function eigh(a: Matrix): Eigh {
  checkSquare(a, "eigh");
  checkSymmetric(a, "eigh");
  const n = a.rows;
  const v = a.data.slice(), w = new Float64Array(n);
  const info = kernels().syevd(n, v, w, true);
  if (info !== 0) throw new Error(`eigh: the eigensolver did not converge (info ${info})`);
  return { values: w, vectors: { rows: n, cols: n, data: v } };
}

/** Eigenvalues (ascending) of a symmetric matrix; skips the eigenvectors, so faster than eigh. */
export function eigvalsh(a: Matrix): Float64Array {
  checkSquare(a, "eigvalsh");
  checkSymmetric(a, "eigvalsh");
  const w = new Float64Array(a.rows);
  const info = kernels().syevd(a.rows, a.data.slice(), w, false);
  if (info !== 0) throw new Error(`eigvalsh: the eigensolver did not converge (info ${info})`);
  return w;
}

/** A thin singular value decomposition X = U diag(s) V^T. */
export interface Svd {
  /** U (m x k), k = min(m, n), orthonormal columns. */
  u: Matrix;
  /** Singular values, descending (length k). */
  s: Float64Array;
  /** V (n x k), orthonormal columns; X = U diag(s) V^T. */
  v: Matrix;
}

/**
 * Thin SVD. Native path: LAPACK dgesdd. JS path: eigendecomposition of the smaller Gram matrix, which
 * loses accuracy on singular values below about sqrt(eps) * s_max (their vectors are then set to 0).
 */
export function svd(x: Matrix): Svd {
  checked(x, "svd", "X");
  const m = x.rows, n = x.cols, k = Math.min(m, n);
  const K = kernels();
  if (K.gesdd && k > 0) {
    const s = new Float64Array(k), u = new Float64Array(m * k), vt = new Float64Array(k * n);
    const info = K.gesdd(m, n, x.data.slice(), s, u, vt);
    if (info !== 0) throw new Error(`svd: dgesdd did not converge (info ${info})`);
    return { u: { rows: m, cols: k, data: u }, s, v: { rows: n, cols: k, data: transposeData(vt, k, n) } };
  }
  const g = gramSmall(x);
  const s = new Float64Array(k);
  const small = new Float64Array(g.size * k); // vectors of the Gram, descending order
  const wmax = Math.max(0, g.values[g.size - 1] ?? 0);
  const cut = 10 * g.size * EPS * wmax;
  for (let j = 0; j < k; j++) {
    const src = g.size - 1 - j;
    const w = g.values[src];
    s[j] = w > cut ? Math.sqrt(w) : 0;
    for (let i = 0; i < g.size; i++) small[i * k + j] = g.vectors.data[i * g.size + src];
  }
  // the other side: X V / s (or X^T U / s)
  const other = K.gemm(!g.primal, false, g.primal ? m : n, k, g.primal ? n : m, x.data, small);
  const rows = g.primal ? m : n;
  for (let j = 0; j < k; j++) {
    const inv = s[j] > 0 ? 1 / s[j] : 0;
    for (let i = 0; i < rows; i++) other[i * k + j] *= inv;
  }
  const smallM = { rows: g.size, cols: k, data: small }, otherM = { rows, cols: k, data: other };
  return g.primal ? { u: otherM, s, v: smallM } : { u: smallM, s, v: otherM };
}

/** eigh of the smaller Gram matrix: X^T X when rows >= cols ("primal"), else X X^T. */
function gramSmall(x: Matrix): { primal: boolean; size: number; values: Float64Array; vectors: Matrix } {
  const primal = x.rows >= x.cols;
  const K = kernels();
  const size = primal ? x.cols : x.rows;
  const g = K.syrk(primal, x.rows, x.cols, x.data);
  const w = new Float64Array(size);
  const info = K.syevd(size, g, w, true);
  if (info !== 0) throw new Error(`eigensolver did not converge (info ${info})`);
  return { primal, size, values: w, vectors: { rows: size, cols: size, data: g } };
}

/** Default relative cutoff on singular values, as numpy.linalg.lstsq: eps * max(rows, cols). */
function defaultRcond(x: Matrix): number {
  return EPS * Math.max(x.rows, x.cols);
}

/**
 * Pseudo-inverse X^+ (cols x rows): singular values below rcond * s_max are treated as zero
 * (default rcond = eps * max(rows, cols)). On the JS path the cutoff is at least about sqrt(10 k eps) * s_max.
 */
export function pinv(x: Matrix, rcond?: number): Matrix {
  checked(x, "pinv", "X");
  const rc = rcond ?? defaultRcond(x);
  const m = x.rows, n = x.cols, K = kernels();
  if (m === 0 || n === 0) return { rows: n, cols: m, data: new Float64Array(m * n) };
  if (K.gesdd) {
    const { u, s, v } = svd(x);
    const k = s.length, cut = rc * s[0];
    // V diag(1/s) U^T : scale columns of V then multiply by U^T
    const vs = v.data.slice();
    for (let j = 0; j < k; j++) {
      const inv = s[j] > cut ? 1 / s[j] : 0;
      for (let i = 0; i < n; i++) vs[i * k + j] *= inv;
    }
    return { rows: n, cols: m, data: K.gemm(false, true, n, m, k, vs, u.data) };
  }
  const g = gramSmall(x);
  const p = g.size, wmax = g.values[p - 1];
  const cut = Math.max(rc * rc, 10 * p * EPS) * wmax;
  // Q diag(1/w) Q^T on the kept directions
  const q = g.vectors.data, inner = new Float64Array(p * p);
  const qs = q.slice();
  for (let j = 0; j < p; j++) {
    const inv = g.values[j] > cut ? 1 / g.values[j] : 0;
    for (let i = 0; i < p; i++) qs[i * p + j] *= inv;
  }
  inner.set(K.gemm(false, true, p, p, p, qs, q));
  // primal: (X^T X)^+ X^T  (n x m);  dual: X^T (X X^T)^+  (n x m)
  const data = g.primal ? K.gemm(false, true, n, m, p, inner, x.data) : K.gemm(true, false, n, m, p, x.data, inner);
  return { rows: n, cols: m, data };
}

/** Options of `lstsq`: a ridge penalty, or the singular-value cutoff of the minimum-norm solution. */
export interface LstsqOptions {
  /** Ridge penalty lambda >= 0: minimises |X b - y|^2 + lambda |b|^2. 0 (default) gives the minimum-norm least-squares solution. */
  ridge?: number;
  /** Relative singular-value cutoff for ridge = 0 (default eps * max(rows, cols)). */
  rcond?: number;
}

/**
 * Least squares: ridge = 0 gives the minimum-norm solution of min |X b - y| (any shape, any rank);
 * ridge > 0 gives (X^T X + ridge I)^{-1} X^T y, solved in the cheaper of the primal (p x p) and the
 * dual (n x n, b = X^T (X X^T + ridge I)^{-1} y) forms by Cholesky. y may be a vector or a matrix of targets.
 */
export function lstsq(x: Matrix, y: Float64Array, opts?: LstsqOptions): Float64Array;
export function lstsq(x: Matrix, y: Matrix, opts?: LstsqOptions): Matrix;
export function lstsq(x: Matrix, y: Rhs, opts: LstsqOptions = {}): Rhs {
  checked(x, "lstsq", "X");
  const ridge = opts.ridge ?? 0;
  if (!(ridge >= 0) || !Number.isFinite(ridge)) throw new RangeError(`lstsq: ridge must be a finite number >= 0, got ${ridge}`);
  const n = x.rows, p = x.cols;
  let yd: Float64Array, nrhs: number, vector: boolean;
  if (isMatrix(y)) {
    checked(y, "lstsq", "Y");
    if (y.rows !== n) throw new RangeError(`lstsq: X is ${shapeOf(x)} but Y is ${shapeOf(y)} (needs ${n} rows)`);
    yd = y.data; nrhs = y.cols; vector = false;
  } else {
    yd = Float64Array.from(y);
    assertFinite(yd, "lstsq", "y");
    if (yd.length !== n) throw new RangeError(`lstsq: X is ${shapeOf(x)} but y has length ${yd.length}`);
    nrhs = 1; vector = true;
  }
  const out = (d: Float64Array): Rhs => (vector ? d : { rows: p, cols: nrhs, data: d });
  if (n === 0 || p === 0) return out(new Float64Array(p * nrhs));
  const K = kernels();
  if (ridge > 0) {
    if (p <= n) {
      const g = K.syrk(true, n, p, x.data);
      for (let i = 0; i < p; i++) g[i * p + i] += ridge;
      const rhs = K.gemm(true, false, p, nrhs, n, x.data, yd);
      const info = K.potrf(p, g);
      if (info !== 0) throw notPD("lstsq (ridge, primal)", info, p);
      K.potrs(p, nrhs, g, rhs);
      return out(rhs);
    }
    const kk = K.syrk(false, n, p, x.data);
    for (let i = 0; i < n; i++) kk[i * n + i] += ridge;
    const alpha = yd.slice();
    const info = K.potrf(n, kk);
    if (info !== 0) throw notPD("lstsq (ridge, dual)", info, n);
    K.potrs(n, nrhs, kk, alpha);
    return out(K.gemm(true, false, p, nrhs, n, x.data, alpha));
  }
  const rc = opts.rcond ?? defaultRcond(x);
  if (K.gelsd) {
    const rows = Math.max(n, p);
    const b = new Float64Array(rows * nrhs);
    b.set(yd);
    const rank = K.gelsd(n, p, nrhs, x.data.slice(), b, rc);
    if (rank < 0) throw new Error(`lstsq: dgelsd did not converge (info ${-1 - rank})`);
    return out(b.slice(0, p * nrhs));
  }
  // JS: through the eigendecomposition of the smaller Gram matrix
  const g = gramSmall(x);
  const q = g.vectors.data, s = g.size, wmax = g.values[s - 1];
  const cut = Math.max(rc * rc, 10 * s * EPS) * wmax;
  const apply = (v: Float64Array): Float64Array => {
    // Q diag(1/w)+ Q^T v  for v (s x nrhs)
    const t = K.gemm(true, false, s, nrhs, s, q, v);
    for (let j = 0; j < s; j++) {
      const inv = g.values[j] > cut ? 1 / g.values[j] : 0;
      for (let c = 0; c < nrhs; c++) t[j * nrhs + c] *= inv;
    }
    return K.gemm(false, false, s, nrhs, s, q, t);
  };
  if (g.primal) return out(apply(K.gemm(true, false, p, nrhs, n, x.data, yd)));
  return out(K.gemm(true, false, p, nrhs, n, x.data, apply(yd)));
}

