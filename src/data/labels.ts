/**
 * Label manipulations for memorisation experiments (Zhang et al., arXiv 1611.03530): shuffled labels
 * (a permutation of the true labels: same class counts, no relation to the inputs), uniformly random
 * labels, one-hot encoding and seeded train / test splits.
 */
import type { Matrix } from "../linalg";
import type { Rng } from "../random";

/** A permutation of the labels: class counts are preserved exactly, the input-label link is destroyed. */
export function shuffledLabels(labels: ArrayLike<number>, rng: Rng): Int32Array {
  const perm = rng.permutation(labels.length);
  return Int32Array.from(perm, (p) => labels[p]);
}

/** Labels drawn uniformly from 0..numClasses-1, independently of everything. */
export function randomLabels(n: number, numClasses: number, rng: Rng): Int32Array {
  return Int32Array.from({ length: n }, () => rng.int(numClasses));
}

/** Counts of each class 0..numClasses-1. */
export function labelCounts(labels: ArrayLike<number>, numClasses: number): Int32Array {
  const c = new Int32Array(numClasses);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (!(Number.isInteger(v) && v >= 0 && v < numClasses)) throw new RangeError(`labelCounts: label ${v} outside 0..${numClasses - 1}`);
    c[v]++;
  }
  return c;
}

/** Fraction of positions where two label vectors agree. */
export function agreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError("agreement: length mismatch");
  let s = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) s++;
  return s / Math.max(1, a.length);
}

/** One-hot encoding as a row-major float64 n x numClasses matrix. */
export function oneHot(labels: ArrayLike<number>, numClasses: number): Matrix {
  const n = labels.length;
  const data = new Float64Array(n * numClasses);
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    if (!(Number.isInteger(v) && v >= 0 && v < numClasses)) throw new RangeError(`oneHot: label ${v} outside 0..${numClasses - 1}`);
    data[i * numClasses + v] = 1;
  }
  return { rows: n, cols: numClasses, data };
}

/** Index of the largest entry in each row of a row-major n x k array. */
export function argmaxRows(data: ArrayLike<number>, k: number): Int32Array {
  const n = Math.floor(data.length / k);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (data[i * k + j] > data[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** A seeded split of indices 0..n-1 into train (first nTrain of a permutation) and test (the rest). */
export function trainTestSplit(n: number, nTrain: number, rng: Rng): { train: Int32Array; test: Int32Array } {
  if (!(nTrain >= 0 && nTrain <= n)) throw new RangeError(`trainTestSplit: nTrain ${nTrain} outside [0, ${n}]`);
  const p = rng.permutation(n);
  return { train: p.slice(0, nTrain), test: p.slice(nTrain) };
}


/**
 * Corrupt a fraction of the labels (Zhang et al.'s "partially corrupted labels"): a random subset of
 * round(fraction * n) examples has its labels permuted among themselves, so class counts are kept;
 * fraction = 1 is `shuffledLabels`. Returns the new labels and which examples were in the subset.
 */
export function corruptLabels(labels: ArrayLike<number>, fraction: number, rng: Rng): { labels: Int32Array; corrupted: Uint8Array } {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`corruptLabels: fraction must be in [0, 1], got ${fraction}`);
  const n = labels.length;
  const out = Int32Array.from(labels);
  const corrupted = new Uint8Array(n);
  const m = Math.round(fraction * n);
  const chosen = rng.permutation(n).subarray(0, m);
  const perm = rng.permutation(m);
  for (let i = 0; i < m; i++) {
    out[chosen[i]] = labels[chosen[perm[i]]];
    corrupted[chosen[i]] = 1;
  }
  return { labels: out, corrupted };
}
