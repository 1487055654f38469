/**
 * Dense float64 matrices, row-major, and the small helpers every chapter uses.
 * A `Matrix` is a plain object `{ rows, cols, data }` so it can be built, serialised (see src/cache.ts)
 * and passed around without classes; element (i, j) is `data[i * cols + j]`.
 */
export interface Matrix {
  rows: number;
  cols: number;
  /** Row-major values, length rows * cols. */
  data: Float64Array;
}

/** A vector argument: a Float64Array or a plain number array. */
export type VectorLike = Float64Array | ArrayLike<number>;

/** The shape of a matrix as text, "rows x cols" (for error messages). */
export function shapeOf(m: Matrix): string {
  return `${m.rows}x${m.cols}`;
}

function checkDim(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
}

/** Throws a clear error when `m` is not a well-formed Matrix. */
export function assertMatrix(m: Matrix, fn: string, name = "argument"): void {
  if (!m || typeof m !== "object" || !(m.data instanceof Float64Array)) {
    throw new TypeError(`${fn}: ${name} must be a Matrix {rows, cols, data: Float64Array}`);
  }
  if (m.data.length !== m.rows * m.cols) {
    throw new RangeError(`${fn}: ${name} has shape ${shapeOf(m)} but data length ${m.data.length}`);
  }
}

/** Throws when any value is NaN or infinite (naming the first bad entry). */
export function assertFinite(data: ArrayLike<number>, fn: string, name = "input", cols = 0): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) {
      const where = cols > 0 ? `(${Math.floor(i / cols)}, ${i % cols})` : `[${i}]`;
      throw new RangeError(`${fn}: ${name} contains ${v} at ${where}`);
    }
  }
}

/** A rows x cols matrix; copies `data` when given (array or Float64Array), else zeros. */
export function matrix(rows: number, cols: number, data?: ArrayLike<number>): Matrix {
  checkDim("matrix: rows", rows);
  checkDim("matrix: cols", cols);
  if (data !== undefined && data.length !== rows * cols) {
    throw new RangeError(`matrix: data length ${data.length} does not fit shape ${rows}x${cols}`);
  }
  const d = new Float64Array(rows * cols);
  if (data !== undefined) d.set(data as ArrayLike<number>);
  return { rows, cols, data: d };
}

/** A rows x cols matrix of zeros. */
export function zeros(rows: number, cols: number): Matrix {
  return matrix(rows, cols);
}

/** The n x n identity matrix. */
export function eye(n: number): Matrix {
  const m = matrix(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

/** Diagonal matrix from a vector. */
export function diag(v: VectorLike): Matrix {
  const n = v.length;
  const m = matrix(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = v[i];
  return m;
}

/** A matrix from an array of equal-length rows. */
export function fromRows(rows: ArrayLike<ArrayLike<number>>): Matrix {
  const r = rows.length;
  const c = r > 0 ? rows[0].length : 0;
  const m = matrix(r, c);
  for (let i = 0; i < r; i++) {
    if (rows[i].length !== c) throw new RangeError(`fromRows: row ${i} has length ${rows[i].length}, row 0 has ${c}`);
    for (let j = 0; j < c; j++) m.data[i * c + j] = rows[i][j];
  }
  return m;
}

/** A matrix as an array of rows (plain number arrays). */
export function toRows(m: Matrix): number[][] {
  assertMatrix(m, "toRows");
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}


function checkIndex(m: Matrix, i: number, j: number, fn: string): void {
  if (!(i >= 0 && i < m.rows && j >= 0 && j < m.cols && Number.isInteger(i) && Number.isInteger(j))) {
    throw new RangeError(`${fn}: index (${i}, ${j}) out of range for a ${shapeOf(m)} matrix`);
  }
}

/** Element (i, j), with a bounds check. */
export function get(m: Matrix, i: number, j: number): number {
  checkIndex(m, i, j, "get");
  return m.data[i * m.cols + j];
}

/** Set element (i, j) to v, with a bounds check. */
export function set(m: Matrix, i: number, j: number, v: number): void {
  checkIndex(m, i, j, "set");
  m.data[i * m.cols + j] = v;
}

/** Copy of column j. */
export function column(m: Matrix, j: number): Float64Array {
  checkIndex(m, 0, j, "column");
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j];
  return out;
}

/** Copy of row i. */
export function row(m: Matrix, i: number): Float64Array {
  checkIndex(m, i, 0, "row");
  return m.data.slice(i * m.cols, (i + 1) * m.cols);
}

/** Raw row-major transpose of an r x c array (returns c x r). */
export function transposeData(a: Float64Array, r: number, c: number): Float64Array {
  const t = new Float64Array(r * c);
  const B = 32; // tiles keep both the reads and the writes in cache
  for (let i0 = 0; i0 < r; i0 += B) {
    const i1 = Math.min(r, i0 + B);
    for (let j0 = 0; j0 < c; j0 += B) {
      const j1 = Math.min(c, j0 + B);
      for (let i = i0; i < i1; i++) {
        const ri = i * c;
        for (let j = j0; j < j1; j++) t[j * r + i] = a[ri + j];
      }
    }
  }
  return t;
}

/** The transpose, as a new matrix. */
export function transpose(m: Matrix): Matrix {
  assertMatrix(m, "transpose");
  return { rows: m.cols, cols: m.rows, data: transposeData(m.data, m.rows, m.cols) };
}

/** s times the matrix, as a new matrix. */
export function scale(m: Matrix, s: number): Matrix {
  assertMatrix(m, "scale");
  const out = new Float64Array(m.data.length);
  for (let i = 0; i < out.length; i++) out[i] = s * m.data[i];
  return { rows: m.rows, cols: m.cols, data: out };
}

function sameShape(a: Matrix, b: Matrix, fn: string): void {
  assertMatrix(a, fn, "A");
  assertMatrix(b, fn, "B");
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`${fn}: shapes differ, A is ${shapeOf(a)} and B is ${shapeOf(b)}`);
  }
}

/** The elementwise sum a + b of two matrices of the same shape. */
export function add(a: Matrix, b: Matrix): Matrix {
  sameShape(a, b, "add");
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i] + b.data[i];
  return { rows: a.rows, cols: a.cols, data: out };
}

/** The elementwise difference a - b of two matrices of the same shape. */
export function sub(a: Matrix, b: Matrix): Matrix {
  sameShape(a, b, "sub");
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i] - b.data[i];
  return { rows: a.rows, cols: a.cols, data: out };
}

/** A x for a vector x (length A.cols). */
export function matvec(a: Matrix, x: VectorLike): Float64Array {
  assertMatrix(a, "matvec", "A");
  if (x.length !== a.cols) throw new RangeError(`matvec: A is ${shapeOf(a)} but x has length ${x.length}`);
  const out = new Float64Array(a.rows);
  const c = a.cols, d = a.data;
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    const o = i * c;
    for (let j = 0; j < c; j++) s += d[o + j] * x[j];
    out[i] = s;
  }
  return out;
}

/** The dot product of two vectors of the same length. */
export function dot(x: VectorLike, y: VectorLike): number {
  if (x.length !== y.length) throw new RangeError(`dot: lengths differ (${x.length} and ${y.length})`);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

/** Euclidean norm of a vector, or Frobenius norm of a matrix (overflow-safe). */
export function norm(x: VectorLike | Matrix): number {
  const d: ArrayLike<number> = isMatrix(x) ? x.data : x;
  let scale = 0, ssq = 1;
  for (let i = 0; i < d.length; i++) {
    const v = Math.abs(d[i]);
    if (v === 0) continue;
    if (scale < v) {
      ssq = 1 + ssq * (scale / v) * (scale / v);
      scale = v;
    } else ssq += (v / scale) * (v / scale);
  }
  return scale * Math.sqrt(ssq);
}

/** True when x is a Matrix: an object with rows, cols and a Float64Array data. */
export function isMatrix(x: unknown): x is Matrix {
  return typeof x === "object" && x !== null && "rows" in x && "cols" in x && (x as Matrix).data instanceof Float64Array;
}
