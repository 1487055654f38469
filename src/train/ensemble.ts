/**
 * Many small one-hidden-layer networks trained at once, as one batched tensor program: the engine of
 * the scaling studies (chapters 09 and 10), which need hundreds of runs across model sizes and data
 * budgets. Members may differ in width, inputs and number of steps, and train on minibatches. (For
 * several seeds of one network of any depth, full batch, see `fitReplicas` in replicas.ts.)
 *
 *   const res = await train.trainEnsemble({
 *     inputDim: 16, outputs: 1,
 *     members: widths.map((w) => ({ width: w, steps: 2000, rng: rng.fork(`width ${w}`) })),
 *     optimizer: { lr: 3e-3 }, schedule: { kind: "cosine", final: 0.1 },
 *     batch: (t) => task.batch(t), test: task.test,
 *   });
 *   res.members[k].testLoss;   // member k's test loss after its own `steps` updates
 *
 * Why not `train.fit` once per network: a step of a small network is about 50 TensorFlow.js ops of
 * 20-50 us each whatever their size, so a thousand runs of a few thousand steps each would take hours
 * one at a time. Packed side by side, every member is a block of one wide network: the hidden units
 * of member k are a slice of the hidden layer, its first-layer weights read only its own input columns
 * (a fixed mask), and its readout sums only its own units into output k. The loss is the SUM over
 * members of each member's own mean squared error, so the gradient with respect to member k's weights
 * is exactly the gradient of k's own loss, and Adam acts element by element: every member follows the
 * same trajectory it would follow alone (tests/unit/train/ensemble.test.ts checks this against
 * `train.fit`). Members may have different widths, inputs (e.g. data of different seeds side by side)
 * and numbers of steps: each has its own learning-rate schedule over its own steps and is frozen
 * (learning rate 0) afterwards, when its test loss is recorded.
 *
 * Each member is the network of the spec { inputDim: its input columns, hidden: [width], activation }
 * in the standard parameterization, initialised exactly as `train.network(spec, { rng })` would
 * (same named forks of `rng`, same variances). The forward and backward passes are written out by
 * hand (a one-hidden-layer network has a three-line gradient), with fewer ops than the autodiff
 * tape records; Adam is the lab's formula (`train.createOptimizer`) with a per-unit learning rate and
 * its bias corrections folded into that rate.
 */
import type * as tfjs from "@tensorflow/tfjs";
import { tfReady } from "../tf";
import { Rng } from "../random";
import type { OnProgress } from "../progress";
import { yieldToKernel } from "../progress";
import { layerPlans } from "./spec";
import { gaussianWeights } from "./init";
import { Schedule, scheduleFactor, validateSchedule } from "./schedules";

/** One network of the ensemble. */
export interface EnsembleMember {
  /** Hidden width. */
  width: number;
  /** Updates this member gets (its schedule spans them); afterwards it is frozen and evaluated. */
  steps: number;
  /** Its weights come from this generator, as train.network(spec, { rng }) draws them. */
  rng: Rng;
  /** Input columns [start, end) that feed it (default: all). */
  inputs?: [number, number];
  /** The target column it fits (default 0). */
  target?: number;
}

/** A minibatch: rows x `inputDim` inputs and rows x `outputs` targets, row-major. */
export interface EnsembleBatch {
  x: Float32Array;
  y: Float32Array;
  rows: number;
}

/** Options of `trainEnsemble`: the members (width, steps, seed), the optimiser, the schedule and the data. */
export interface EnsembleOptions {
  inputDim: number;
  /** Number of target columns (default 1). */
  outputs?: number;
  members: EnsembleMember[];
  /** "relu" (default) or "tanh". */
  activation?: "relu" | "tanh";
  /** Adam (default betas 0.9, 0.999, eps 1e-8). */
  optimizer: { lr: number; beta1?: number; beta2?: number; eps?: number };
  /** Per-member schedule over its own steps (default constant). */
  schedule?: Schedule;
  /** The minibatch of step t (0-based); every member sees the same rows (its own columns of them). */
  batch: (t: number) => EnsembleBatch;
  /** Test set: each member's test loss is recorded when it finishes. */
  test: EnsembleBatch;
  /** Also record every member's test loss at these steps (e.g. for learning curves). */
  evalSteps?: number[];
  onProgress?: OnProgress;
}

/** One member of an ensemble: its width, steps, parameter count and losses. */
export interface EnsembleMemberResult {
  width: number;
  steps: number;
  /** Trainable parameters of this member (its own network, as train.parameterCount counts them). */
  params: number;
  /** Mean squared test error after its `steps` updates. */
  testLoss: number;
  /** Mean of the minibatch training loss over its last 10% of steps. */
  trainLoss: number;
}

/** The final (and, on request, intermediate) losses of every member of an ensemble. */
export interface EnsembleResult {
  members: EnsembleMemberResult[];
  /** testLossAt[i][k]: member k's test loss at evalSteps[i] (when evalSteps was given). */
  evalSteps: number[];
  testLossAt: number[][];
  seconds: number;
  /** Updates done (the largest member's steps). */
  steps: number;
}

/** Train every member on the same stream of minibatches (see the file's note). */
export async function trainEnsemble(opts: EnsembleOptions): Promise<EnsembleResult> {
  const tf = await tfReady();
  const inDim = opts.inputDim, J = opts.outputs ?? 1, K = opts.members.length;
  const act = opts.activation ?? "relu";
  if (!(Number.isInteger(inDim) && inDim > 0)) throw new RangeError(`trainEnsemble: inputDim must be a positive integer, got ${inDim}`);
  if (K === 0) throw new RangeError("trainEnsemble: no members");
  if (act !== "relu" && act !== "tanh") throw new RangeError(`trainEnsemble: activation must be "relu" or "tanh", got ${JSON.stringify(act)}`);
  if (opts.schedule) validateSchedule(opts.schedule);
  const { lr } = opts.optimizer;
  const beta1 = opts.optimizer.beta1 ?? 0.9, beta2 = opts.optimizer.beta2 ?? 0.999, eps = opts.optimizer.eps ?? 1e-8;
  if (!(lr > 0)) throw new RangeError(`trainEnsemble: lr must be positive, got ${lr}`);

  // Layout: members sorted by steps, longest first, so that the members still training always form a
  // prefix: member k (in that order) owns hidden units [offset[k], offset[k] + width_k) and output k,
  // and when the shortest active members finish, every tensor is cut down to the remaining prefix.
  opts.members.forEach((m, k) => {
    if (!(Number.isInteger(m.width) && m.width > 0)) throw new RangeError(`trainEnsemble: member ${k} width must be a positive integer, got ${m.width}`);
    if (!(Number.isInteger(m.steps) && m.steps >= 0)) throw new RangeError(`trainEnsemble: member ${k} steps must be a non-negative integer, got ${m.steps}`);
    if (!(m.rng instanceof Rng)) throw new TypeError(`trainEnsemble: member ${k} needs an rng`);
    const [s, e] = m.inputs ?? [0, inDim];
    if (!(0 <= s && s < e && e <= inDim)) throw new RangeError(`trainEnsemble: member ${k} inputs [${s}, ${e}) outside [0, ${inDim})`);
    const tgt = m.target ?? 0;
    if (!(Number.isInteger(tgt) && tgt >= 0 && tgt < J)) throw new RangeError(`trainEnsemble: member ${k} target ${tgt} outside [0, ${J})`);
  });
  const order = opts.members.map((_, k) => k).sort((p, q) => opts.members[q].steps - opts.members[p].steps || p - q);
  const members = order.map((k) => opts.members[k]);
  const offset: number[] = [];
  let H = 0;
  for (const m of members) { offset.push(H); H += m.width; }
  const T = members[0].steps;

  // initial weights, exactly as train.network draws them (W1 rows = input columns + a bias row)
  const W1 = new Float32Array((inDim + 1) * H), mask = new Float32Array((inDim + 1) * H);
  const a = new Float32Array(H), b2 = new Float32Array(K), targetIdx = new Int32Array(K);
  const params: number[] = [];
  members.forEach((m, k) => {
    const [s, e] = m.inputs ?? [0, inDim];
    const d = e - s, w = m.width;
    const [p1, p2] = layerPlans({ inputDim: d, hidden: [w], activation: act });
    const r1 = m.rng.fork(`layer ${p1.index}`), r2 = m.rng.fork(`layer ${p2.index}`);
    const w1 = gaussianWeights(d, w, p1.initStd, r1.fork("W"));
    const bb1 = p1.hasBias ? gaussianWeights(1, w, p1.biasInitStd, r1.fork("b")) : new Float32Array(w);
    const w2 = gaussianWeights(w, 1, p2.initStd, r2.fork("W"));
    const bb2 = p2.hasBias ? gaussianWeights(1, 1, p2.biasInitStd, r2.fork("b")) : new Float32Array(1);
    for (let i = 0; i < d; i++) for (let j = 0; j < w; j++) {
      W1[(s + i) * H + offset[k] + j] = w1[i * w + j];
      mask[(s + i) * H + offset[k] + j] = 1;
    }
    for (let j = 0; j < w; j++) {
      W1[inDim * H + offset[k] + j] = bb1[j];
      mask[inDim * H + offset[k] + j] = 1;
      a[offset[k] + j] = w2[j];
    }
    b2[k] = bb2[0];
    targetIdx[k] = m.target ?? 0;
    params.push(d * w + w + w + 1);
  });

  // state: parameters, Adam moments and the fixed layout tensors, all cut to the active prefix
  let Hact = H, Kact = K;
  let P: tfjs.Variable[] = [tf.variable(tf.tensor2d(W1, [inDim + 1, H])), tf.variable(tf.tensor1d(a)), tf.variable(tf.tensor1d(b2))];
  let mom = P.map((v) => tf.variable(tf.zerosLike(v)));
  let vel = P.map((v) => tf.variable(tf.zerosLike(v)));
  const S = new Float32Array(H * K);
  members.forEach((m, k) => { for (let j = 0; j < m.width; j++) S[(offset[k] + j) * K + k] = 1; });
  let tMask = tf.tensor2d(mask, [inDim + 1, H]), tS = tf.tensor2d(S, [H, K]), tIdx = tf.tensor1d(targetIdx, "int32");
  const shrink = (h: number, k: number): void => {
    const cutVar = (v: tfjs.Variable, width: number, rows?: number): tfjs.Variable => {
      const next = tf.tidy((): tfjs.Tensor => (rows === undefined ? tf.slice(v, [0], [width]) : tf.slice(v, [0, 0], [rows, width])));
      const nv = tf.variable(next);
      next.dispose();
      v.dispose();
      return nv;
    };
    P = [cutVar(P[0], h, inDim + 1), cutVar(P[1], h), cutVar(P[2], k)];
    mom = [cutVar(mom[0], h, inDim + 1), cutVar(mom[1], h), cutVar(mom[2], k)];
    vel = [cutVar(vel[0], h, inDim + 1), cutVar(vel[1], h), cutVar(vel[2], k)];
    const m2 = tf.slice(tMask, [0, 0], [inDim + 1, h]), s2 = tf.slice(tS, [0, 0], [h, k]), i2 = tf.slice(tIdx, [0], [k]);
    tMask.dispose(); tS.dispose(); tIdx.dispose();
    tMask = m2; tS = s2; tIdx = i2;
    Hact = h; Kact = k;
  };

  const withOnes = (bt: EnsembleBatch): tfjs.Tensor2D => {
    if (bt.x.length !== bt.rows * inDim) throw new RangeError(`trainEnsemble: a batch has ${bt.x.length} inputs, expected rows * inputDim = ${bt.rows * inDim}`);
    if (bt.y.length !== bt.rows * J) throw new RangeError(`trainEnsemble: a batch has ${bt.y.length} targets, expected rows * outputs = ${bt.rows * J}`);
    return tf.tidy(() => tf.concat([tf.tensor2d(bt.x, [bt.rows, inDim]), tf.ones([bt.rows, 1])], 1) as tfjs.Tensor2D);
  };
  const forward = (X1: tfjs.Tensor2D): { pre: tfjs.Tensor2D; h: tfjs.Tensor2D; out: tfjs.Tensor2D } => {
    const pre = tf.matMul(X1, P[0] as tfjs.Tensor2D) as tfjs.Tensor2D;
    const h = (act === "relu" ? tf.relu(pre) : tf.tanh(pre)) as tfjs.Tensor2D;
    // each member's readout sums its own block of units: a product with the H x K membership matrix S
    // (a segment sum would do O(H) work instead of O(H K), but tfjs's wasm segment sum is far slower)
    const out = tf.add(tf.matMul(tf.mul(h, P[1]) as tfjs.Tensor2D, tS), P[2]) as tfjs.Tensor2D;
    return { pre, h, out };
  };
  const memberTargets = (Y: tfjs.Tensor2D): tfjs.Tensor2D => (J === 1 ? tf.tile(Y, [1, Kact]) : tf.gather(Y, tIdx, 1)) as tfjs.Tensor2D;
  const perMemberLoss = (X1: tfjs.Tensor2D, Y: tfjs.Tensor2D): Float32Array =>
    tf.tidy(() => tf.mean(tf.square(tf.sub(forward(X1).out, memberTargets(Y))), 0).dataSync() as Float32Array);

  const testX = withOnes(opts.test);
  const testY = tf.tensor2d(opts.test.y, [opts.test.rows, J]);
  const testLoss = new Float64Array(K).fill(NaN);
  const trainSum = new Float64Array(K), trainCount = new Float64Array(K);
  const evalSteps = Array.from(new Set((opts.evalSteps ?? []).filter((s) => s >= 0 && s <= T))).sort((p, q) => p - q);
  const testLossAt: number[][] = [];
  // record the test loss of members finishing at step t (and of everyone at an eval step), then drop the finished
  const record = (t: number): void => {
    let k2 = Kact;
    while (k2 > 0 && members[k2 - 1].steps <= t) k2--;
    const wanted = evalSteps.includes(t);
    if (k2 === Kact && !wanted) return;
    const l = perMemberLoss(testX, testY);
    for (let k = k2; k < Kact; k++) testLoss[k] = l[k];
    if (wanted) testLossAt.push(Array.from({ length: K }, (_, k) => (k < Kact ? l[k] : testLoss[k])));
    if (k2 < Kact && k2 > 0) shrink(offset[k2 - 1] + members[k2 - 1].width, k2);
    else if (k2 === 0) Kact = 0;
  };
  const lrH = new Float32Array(H), lrK = new Float32Array(K);
  const t0 = Date.now();
  try {
    record(0);
    for (let t = 0; t < T && Kact > 0; t++) {
      // Adam's bias corrections folded into the rates: c1 m / (sqrt(c2 v) + eps) = (c1/sqrt c2) m / (sqrt v + eps/sqrt c2)
      const c1 = 1 / (1 - beta1 ** (t + 1)), rc2 = Math.sqrt(1 / (1 - beta2 ** (t + 1)));
      for (let k = 0; k < Kact; k++) {
        const m = members[k];
        const rate = (lr * scheduleFactor(opts.schedule, t, m.steps) * c1) / rc2;
        lrK[k] = rate;
        lrH.fill(rate, offset[k], offset[k] + m.width);
      }
      const epsT = eps / rc2;
      const bt = opts.batch(t);
      const X1 = withOnes(bt);
      const tail = members.slice(0, Kact).some((m) => t >= Math.floor(0.9 * m.steps));
      const stepLoss = tf.tidy((): tfjs.Tensor | undefined => {
        const Y = tf.tensor2d(bt.y, [bt.rows, J]);
        const { pre, h, out } = forward(X1);
        const r = tf.sub(out, memberTargets(Y));
        const dOut = tf.mul(r, 2 / bt.rows) as tfjs.Tensor2D;                    // d(sum_k mean_b r^2)/d out
        const gB2 = tf.sum(dOut, 0);
        const dHa = tf.matMul(dOut, tS, false, true);                             // B x H: each unit gets its member's dOut
        const gA = tf.sum(tf.mul(dHa, h), 0);
        const dh = tf.mul(dHa, P[1]);
        const dPre = (act === "relu" ? tf.mul(dh, tf.step(pre, 0)) : tf.mul(dh, tf.sub(1, tf.square(h)))) as tfjs.Tensor2D;
        const gW1 = tf.mul(tf.matMul(X1, dPre, true, false), tMask);
        const grads = [gW1, gA, gB2];
        const rH = tf.tensor1d(lrH.subarray(0, Hact)), rates = [rH, rH, tf.tensor1d(lrK.subarray(0, Kact))];
        for (let i = 0; i < 3; i++) {
          const g = grads[i];
          mom[i].assign(tf.add(tf.mul(mom[i], beta1), tf.mul(g, 1 - beta1)));
          vel[i].assign(tf.add(tf.mul(vel[i], beta2), tf.mul(tf.square(g), 1 - beta2)));
          P[i].assign(tf.sub(P[i], tf.mul(tf.div(mom[i], tf.add(tf.sqrt(vel[i]), epsT)), rates[i])));
        }
        return tail ? tf.mean(tf.square(r), 0) : undefined;
      });
      X1.dispose();
      // training loss of the last 10% of each member's steps (read back only then: it forces a sync)
      if (stepLoss) {
        const l = stepLoss.dataSync();
        for (let k = 0; k < Kact; k++) if (t >= Math.floor(0.9 * members[k].steps)) { trainSum[k] += l[k]; trainCount[k]++; }
        stepLoss.dispose();
      }
      record(t + 1);
      if ((t + 1) % 100 === 0 || t + 1 === T) {
        opts.onProgress?.({ done: t + 1, total: T, label: `training ${K} networks at once` });
        await yieldToKernel();
      }
    }
  } finally {
    [...P, ...mom, ...vel, tMask, tS, tIdx, testX, testY].forEach((x) => x.dispose());
  }
  // back to the caller's order
  const rank = new Array<number>(K);
  order.forEach((k, i) => { rank[k] = i; });
  return {
    members: opts.members.map((m, k) => {
      const i = rank[k];
      return { width: m.width, steps: m.steps, params: params[i], testLoss: testLoss[i], trainLoss: trainCount[i] ? trainSum[i] / trainCount[i] : NaN };
    }),
    evalSteps: evalSteps.slice(0, testLossAt.length),
    testLossAt: testLossAt.map((row) => opts.members.map((_, k) => row[rank[k]])),
    seconds: (Date.now() - t0) / 1000,
    steps: T,
  };
}
