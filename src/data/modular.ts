/**
 * Modular arithmetic, the task on which grokking was first seen (Power et al., arXiv 2201.02177):
 * every pair (a, b) of Z_p x Z_p labelled c = (a + b) mod p, split at random into a training set of a
 * given fraction and a test set of the rest. Inputs are the concatenated one-hot codes [e_a, e_b]
 * (2p columns), so the first layer of a network holds one learned vector per residue and per
 * operand (its "embedding", Gromov arXiv 2301.02679); targets are one-hot over the p classes.
 *
 *   const task = data.modularAddition({ p: 31, trainFraction: 0.6, rng: rng.fork("split") });
 *   task.train.x   // n x 2p one-hot pairs        task.train.y   // n x p one-hot sums
 */
import type { Matrix } from "../linalg/matrix";
import type { Rng } from "../random";

/** One side of the split: the pairs, their labels, and the encoded inputs and targets. */
export interface ModularSplit {
  /** First operand of each example. */
  a: Int32Array;
  /** Second operand. */
  b: Int32Array;
  /** (a + b) mod p. */
  label: Int32Array;
  /** n x 2p: one-hot of a in columns 0..p-1, one-hot of b in columns p..2p-1. */
  x: Matrix;
  /** n x p one-hot of the label. */
  y: Matrix;
}

/** Modular addition a + b mod p as a classification task: the split of the p^2 pairs into training and test sets. */
export interface ModularTask {
  p: number;
  /** Fraction of the p^2 pairs in the training set (rounded to a whole number of pairs). */
  trainFraction: number;
  train: ModularSplit;
  test: ModularSplit;
}

function isPrime(p: number): boolean {
  if (p < 2) return false;
  for (let k = 2; k * k <= p; k++) if (p % k === 0) return false;
  return true;
}

/** The pairs with the given indices (index a * p + b) as a split. */
function splitOf(p: number, idx: ArrayLike<number>): ModularSplit {
  const n = idx.length;
  const a = new Int32Array(n), b = new Int32Array(n), label = new Int32Array(n);
  const x = new Float64Array(n * 2 * p), y = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const k = idx[i];
    a[i] = Math.floor(k / p);
    b[i] = k % p;
    label[i] = (a[i] + b[i]) % p;
    x[i * 2 * p + a[i]] = 1;
    x[i * 2 * p + p + b[i]] = 1;
    y[i * p + label[i]] = 1;
  }
  return { a, b, label, x: { rows: n, cols: 2 * p, data: x }, y: { rows: n, cols: p, data: y } };
}

/**
 * All p^2 pairs (a, b) with c = (a + b) mod p, split at random (`rng`) into round(trainFraction p^2)
 * training pairs and the rest for testing. p must be a prime (so that Z_p is a field and every
 * non-zero frequency of its Fourier transform is equivalent, as the analysis of learned embeddings assumes).
 */
export function modularAddition(opts: { p: number; trainFraction: number; rng: Rng }): ModularTask {
  const { p, trainFraction, rng } = opts;
  if (!Number.isInteger(p) || !isPrime(p)) throw new RangeError(`modularAddition: p must be a prime, got ${p}`);
  if (!(trainFraction > 0 && trainFraction < 1)) throw new RangeError(`modularAddition: trainFraction must be in (0, 1), got ${trainFraction}`);
  if (!rng) throw new TypeError("modularAddition: pass { rng } (e.g. rng.fork(\"split\"))");
  const total = p * p;
  const nTrain = Math.round(trainFraction * total);
  if (nTrain < 1 || nTrain >= total) throw new RangeError(`modularAddition: trainFraction ${trainFraction} leaves ${nTrain} of ${total} pairs for training`);
  const perm = rng.permutation(total);
  return { p, trainFraction: nTrain / total, train: splitOf(p, perm.subarray(0, nTrain)), test: splitOf(p, perm.subarray(nTrain)) };
}
