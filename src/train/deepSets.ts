/**
 * Deep Sets (Zaheer et al., arXiv 1703.06114): a network on a *set* of elements,
 *
 *   f({e_1, ..., e_P}) = rho( sum_p phi(e_p) ),
 *
 * with phi (elements -> an embedding) and rho (embedding -> output) small ReLU networks. The sum makes
 * f invariant under any reordering of the elements by construction, not by learning. Fed the P =
 * k(k-1)/2 pairwise distances of a cloud of k points (data/pointClouds.ts), it is invariant under
 * rotations, reflections and translations (the distances are) and under permutations of the points
 * (they permute the pairs): the invariant model of chapter 12, section 5.
 *
 *   phi: e (elementDim) -> relu(. W1 + b1) (width) -> relu(. W2 + b2) (embed)
 *   rho: sum over elements (embed) -> relu(. V1 + c1) (rhoWidth) -> . V2 + c2 (1 output)
 *
 * `fitDeepSetsBatched` trains many independent Deep Sets (seeds, training-set sizes) as one program,
 * their weights stacked along a leading axis as `train.fitBatched` stacks MLPs; each member has its own
 * training set and minibatch stream, and the loss is the sum of the members' own mean squared errors,
 * so each member's gradient is that of its own loss. Gradients come from TensorFlow.js' tape (the
 * architecture is not a chain of dense layers, so `backpropLayers` does not apply); the update is the
 * lab's optimizer (`createOptimizer`, one learning rate per member).
 */
import type * as tfjs from "@tensorflow/tfjs";
import { tfReady } from "../tf";
import { Rng } from "../random";
import type { OnProgress } from "../progress";
import { yieldToKernel } from "../progress";
import { OptimizerSpec, createOptimizer } from "./optimizers";
import { Schedule, scheduleFactor, validateSchedule } from "./schedules";

/** The sizes of a Deep Sets network. */
export interface DeepSetsSpec {
  /** Numbers per element (1 for a distance). */
  elementDim: number;
  /** Hidden width of phi. */
  width: number;
  /** Width of the embedding phi outputs (summed over elements). */
  embed: number;
  /** Hidden width of rho. */
  rhoWidth: number;
}

/** Weights of one Deep Sets network, row-major, in the order W1, b1, W2, b2, V1, c1, V2, c2. */
export type DeepSetsWeights = Float32Array[];

/** Shapes of the eight weight arrays of a spec (weights [fanIn, fanOut], biases [1, fanOut]). */
export function deepSetsShapes(s: DeepSetsSpec): [number, number][] {
  return [[s.elementDim, s.width], [1, s.width], [s.width, s.embed], [1, s.embed], [s.embed, s.rhoWidth], [1, s.rhoWidth], [s.rhoWidth, 1], [1, 1]];
}

/** Trainable parameters of a spec. */
export function deepSetsParameterCount(s: DeepSetsSpec): number {
  return deepSetsShapes(s).reduce((t, [a, b]) => t + a * b, 0);
}

function checkSpec(s: DeepSetsSpec): void {
  for (const key of ["elementDim", "width", "embed", "rhoWidth"] as const) {
    if (!Number.isInteger(s?.[key]) || s[key] < 1) throw new RangeError(`deepSets: spec.${key} must be a positive integer, got ${s?.[key]}`);
  }
}

/**
 * Initial weights for a set of `elements` elements, drawn from `rng`. He-normal weights (variance
 * 2 / fan-in; rho's first layer also divided by the number of summed elements, so its input starts at
 * unit scale). phi's first biases are N(0, 1), not 0: with scalar elements every first-layer unit is a
 * ReLU kink at e = -b/w, and zero biases would put all the kinks at e = 0 instead of across the data.
 */
export function deepSetsInit(spec: DeepSetsSpec, elements: number, rng: Rng): DeepSetsWeights {
  checkSpec(spec);
  if (!Number.isInteger(elements) || elements < 1) throw new RangeError(`deepSets: elements must be a positive integer, got ${elements}`);
  const [w1, b1, w2, b2, v1, c1, v2, c2] = deepSetsShapes(spec);
  const gauss = (shape: [number, number], std: number, tag: string): Float32Array => Float32Array.from(rng.fork(tag).normals(shape[0] * shape[1], 0, std));
  return [
    gauss(w1, Math.sqrt(2 / spec.elementDim), "W1"), gauss(b1, 1, "b1"),
    gauss(w2, Math.sqrt(2 / spec.width), "W2"), new Float32Array(b2[1]),
    gauss(v1, Math.sqrt(2 / (spec.embed * elements)), "V1"), new Float32Array(c1[1]),
    gauss(v2, Math.sqrt(1 / spec.rhoWidth), "V2"), new Float32Array(c2[1]),
  ];
}

/**
 * The stacked forward pass: x [S or 1, n, P * elementDim] (P elements per row), weights stacked
 * [S, fanIn, fanOut]; returns [S, n, 1]. Call inside tf.tidy.
 */
function forward(tf: typeof tfjs, w: tfjs.Tensor[], x: tfjs.Tensor, spec: DeepSetsSpec, P: number): tfjs.Tensor {
  const S = Math.max(x.shape[0] as number, w[0].shape[0] as number), n = x.shape[1] as number;
  const e = tf.reshape(x, [x.shape[0] as number, n * P, spec.elementDim]) as tfjs.Tensor3D;
  const h1 = tf.relu(tf.add(tf.matMul(e, w[0] as tfjs.Tensor3D), w[1])) as tfjs.Tensor3D;
  const h2 = tf.relu(tf.add(tf.matMul(h1, w[2] as tfjs.Tensor3D), w[3]));
  const pooled = tf.sum(tf.reshape(h2, [S, n, P, spec.embed]), 2) as tfjs.Tensor3D;
  const g = tf.relu(tf.add(tf.matMul(pooled, w[4] as tfjs.Tensor3D), w[5])) as tfjs.Tensor3D;
  return tf.add(tf.matMul(g, w[6] as tfjs.Tensor3D), w[7]);
}

/** Outputs of one network on n sets (x: n rows of P * elementDim numbers): Float32Array of n. */
export async function deepSetsPredict(spec: DeepSetsSpec, weights: DeepSetsWeights, x: { rows: number; cols: number; data: ArrayLike<number> }): Promise<Float32Array> {
  checkSpec(spec);
  const tf = await tfReady();
  if (x.cols % spec.elementDim !== 0) throw new RangeError(`deepSetsPredict: ${x.cols} columns are not whole elements of ${spec.elementDim}`);
  const P = x.cols / spec.elementDim;
  return tf.tidy(() => {
    const w = weights.map((a, i) => tf.tensor3d(a, [1, ...deepSetsShapes(spec)[i]]));
    const xt = tf.tensor3d(Float32Array.from(x.data), [1, x.rows, x.cols]);
    return forward(tf, w, xt, spec, P).dataSync() as Float32Array;
  });
}

/** One member of a batched Deep Sets run: its initialisation, its own training set, its minibatch order. */
export interface DeepSetsMember {
  rng: Rng;
  /** n x (P * elementDim) inputs, n targets. */
  x: { rows: number; cols: number; data: ArrayLike<number> };
  y: ArrayLike<number>;
}

/** Options of `fitDeepSetsBatched`. */
export interface DeepSetsBatchedOptions {
  spec: DeepSetsSpec;
  members: DeepSetsMember[];
  /** Updates for every member (the schedule spans them). */
  steps: number;
  /**
   * Rows per minibatch. Each member cycles through its own training set in a random order drawn from
   * its rng (a new order at each wrap-around), so a set smaller than a batch appears in it with some
   * rows twice.
   */
  batchSize: number;
  optimizer: OptimizerSpec;
  schedule?: Schedule;
  /** One test set for every member. */
  test: { x: { rows: number; cols: number; data: ArrayLike<number> }; y: ArrayLike<number> };
  onProgress?: OnProgress;
}

/** What one member did: losses at the end (mean squared error) and its trained weights. */
export interface DeepSetsMemberRun {
  testLoss: number;
  /** On its whole training set. */
  trainLoss: number;
  params: number;
  weights: DeepSetsWeights;
}

/** Train every member (see the module header). */
export async function fitDeepSetsBatched(o: DeepSetsBatchedOptions): Promise<{ members: DeepSetsMemberRun[]; seconds: number }> {
  checkSpec(o.spec);
  const S = o.members.length, B = o.batchSize, spec = o.spec;
  if (S === 0) throw new RangeError("fitDeepSetsBatched: no members");
  if (!Number.isInteger(B) || B < 1) throw new RangeError(`fitDeepSetsBatched: batchSize must be a positive integer, got ${B}`);
  if (!Number.isInteger(o.steps) || o.steps < 0) throw new RangeError(`fitDeepSetsBatched: steps must be a non-negative integer, got ${o.steps}`);
  if (o.schedule) validateSchedule(o.schedule);
  const cols = o.test.x.cols;
  if (cols % spec.elementDim !== 0) throw new RangeError(`fitDeepSetsBatched: ${cols} columns are not whole elements of ${spec.elementDim}`);
  const P = cols / spec.elementDim;
  o.members.forEach((m, s) => {
    if (m.x.cols !== cols || m.x.rows !== m.y.length || m.x.rows < 1) throw new RangeError(`fitDeepSetsBatched: member ${s} has ${m.x.rows} x ${m.x.cols} inputs and ${m.y.length} targets; every member needs rows >= 1 of ${cols} columns`);
  });
  const tf = await tfReady();
  const t0 = Date.now();
  const shapes = deepSetsShapes(spec);
  const inits = o.members.map((m) => deepSetsInit(spec, P, m.rng.fork("init")));
  const vars = shapes.map(([a, b], i) => {
    const buf = new Float32Array(S * a * b);
    inits.forEach((w, s) => buf.set(w[i], s * a * b));
    return tf.variable(tf.tensor3d(buf, [S, a, b]), true);
  });
  const opt = createOptimizer(tf, o.optimizer, vars);
  // each member's minibatch stream: its own order through its own rows
  const streams = o.members.map((m) => ({ rng: m.rng.fork("minibatches"), order: new Int32Array(0) as Int32Array<ArrayBufferLike>, pos: 0 }));
  const xb = new Float32Array(S * B * cols), yb = new Float32Array(S * B);
  try {
    for (let t = 0; t < o.steps; t++) {
      o.members.forEach((m, s) => {
        const st = streams[s], n = m.x.rows;
        for (let i = 0; i < B; i++) {
          if (st.pos === st.order.length) { st.order = st.rng.permutation(n); st.pos = 0; }
          const r = st.order[st.pos++];
          for (let j = 0; j < cols; j++) xb[(s * B + i) * cols + j] = m.x.data[r * cols + j];
          yb[s * B + i] = m.y[r];
        }
      });
      const lr = o.members.map(() => o.optimizer.lr * scheduleFactor(o.schedule, t, o.steps));
      tf.tidy(() => {
        const x = tf.tensor3d(xb, [S, B, cols]), y = tf.tensor3d(yb, [S, B, 1]);
        const { value, grads } = tf.variableGrads(() => tf.mul(tf.sum(tf.square(tf.sub(forward(tf, vars, x, spec, P), y))), 1 / B) as tfjs.Scalar, vars);
        if (!Number.isFinite(value.dataSync()[0])) throw new Error(`fitDeepSetsBatched: the loss became ${value.dataSync()[0]} at step ${t}; try a smaller learning rate`);
        opt.step(vars.map((v) => grads[v.name]), lr);
      });
      if ((t + 1) % 100 === 0 || t + 1 === o.steps) {
        o.onProgress?.({ done: t + 1, total: o.steps, label: `training ${S} Deep Sets at once` });
        await yieldToKernel();
      }
    }
    const weights = o.members.map((_, s) => vars.map((v, i) => Float32Array.from((v.dataSync() as Float32Array).subarray(s * shapes[i][0] * shapes[i][1], (s + 1) * shapes[i][0] * shapes[i][1]))));
    const mseOf = (pred: Float32Array, y: ArrayLike<number>): number => { let e = 0; for (let i = 0; i < y.length; i++) e += (pred[i] - y[i]) ** 2; return e / y.length; };
    const members: DeepSetsMemberRun[] = [];
    for (let s = 0; s < S; s++) {
      const m = o.members[s];
      members.push({
        testLoss: mseOf(await deepSetsPredict(spec, weights[s], o.test.x), o.test.y),
        trainLoss: mseOf(await deepSetsPredict(spec, weights[s], m.x), m.y),
        params: deepSetsParameterCount(spec), weights: weights[s],
      });
    }
    return { members, seconds: (Date.now() - t0) / 1000 };
  } finally {
    opt.dispose();
    vars.forEach((v) => v.dispose());
  }
}
