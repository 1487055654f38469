/**
 * How far training moved a network: relative change of its weights (per layer and overall) and of its
 * empirical NTK. Lazy training (NTK parameterization at large width) barely moves either; feature
 * learning (muP) moves both by O(1) at any width.
 *
 *   const w0 = net.snapshot(), K0 = train.empiricalNtk(net, X);
 *   await train.fit(net, data, opts);
 *   train.weightChange(net, w0).overall;                         // ||theta - theta0|| / ||theta0||
 *   train.relativeKernelChange(K0, train.empiricalNtk(net, X));   // ||K - K0||_F / ||K0||_F
 */
import type { Matrix } from "../linalg/matrix";
import type { Network } from "./network";

function sq(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return s;
}

function sqDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) { const d = b[i] - a[i]; s += d * d; }
  return s;
}

function asList(x: ArrayLike<number> | ArrayLike<number>[]): ArrayLike<number>[] {
  return Array.isArray(x) && (x.length === 0 || typeof x[0] !== "number") ? (x as ArrayLike<number>[]) : [x as ArrayLike<number>];
}

/**
 * ||current - initial|| / ||initial|| (Euclidean over every entry), for one array or a list of arrays
 * taken together (e.g. two `net.snapshot()`s). Throws on mismatched shapes and on a zero initial norm.
 */
export function relativeChange(initial: ArrayLike<number> | ArrayLike<number>[], current: ArrayLike<number> | ArrayLike<number>[]): number {
  const a = asList(initial), b = asList(current);
  if (a.length !== b.length) throw new RangeError(`relativeChange: ${a.length} initial arrays but ${b.length} current ones`);
  let num = 0, den = 0;
  a.forEach((x, i) => {
    if (x.length !== b[i].length) throw new RangeError(`relativeChange: array ${i} has ${x.length} initial values but ${b[i].length} current ones`);
    num += sqDiff(x, b[i]);
    den += sq(x);
  });
  if (!(den > 0)) throw new RangeError("relativeChange: the initial values are all zero (the relative change is undefined)");
  return Math.sqrt(num / den);
}

/** One layer's relative change: its weights and its biases (null when it has none or they start at zero). */
export interface LayerChange {
  layer: number;
  kind: string;
  weights: number;
  bias: number | null;
}

/** How far training moved the weights, relative to their initial size, overall and per layer. */
export interface WeightChange {
  /** ||theta - theta0|| / ||theta0|| over every parameter. */
  overall: number;
  layers: LayerChange[];
}

/**
 * The relative change of a network's parameters since `initial` (a `net.snapshot()` taken before
 * training), per layer ||W - W0||_F / ||W0||_F and overall. A bias that starts at zero (C_b = 0) has no
 * relative change; it is reported as null but counts in the overall change.
 */
export function weightChange(net: Network, initial: Float32Array[]): WeightChange {
  const now = net.snapshot();
  if (initial.length !== now.length) throw new RangeError(`weightChange: the snapshot has ${initial.length} arrays, the network ${now.length} (a snapshot of another network?)`);
  const layers: LayerChange[] = [];
  let k = 0;
  for (const l of net.layers) {
    const w = relativeChange(initial[k], now[k]);
    k++;
    let bias: number | null = null;
    if (l.b) {
      if (sq(initial[k]) > 0) bias = relativeChange(initial[k], now[k]);
      k++;
    }
    layers.push({ layer: l.index, kind: l.kind, weights: w, bias });
  }
  return { overall: relativeChange(initial, now), layers };
}

/** ||K - K0||_F / ||K0||_F: how much a kernel (e.g. the empirical NTK) moved during training. */
export function relativeKernelChange(K0: Matrix, K: Matrix): number {
  if (K0.rows !== K.rows || K0.cols !== K.cols) throw new RangeError(`relativeKernelChange: K0 is ${K0.rows}x${K0.cols} but K is ${K.rows}x${K.cols}`);
  return relativeChange(K0.data, K.data);
}
