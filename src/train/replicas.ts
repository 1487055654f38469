/**
 * Several independent networks of one spec trained as ONE batched TensorFlow.js program: every layer's
 * weights are stacked into a [members, fanIn, fanOut] tensor and the forward pass is a batched matMul,
 * so S seeds cost about the per-op overhead of one (on the wasm backend a small MLP's step is mostly
 * overhead, ~20-50 us per op). Member s starts from exactly the weights `train.network(spec,
 * { rng: rng.fork("member s") })` would draw, and the members never interact: the loss is the sum of
 * the members' own losses and the optimizers (SGD, Adam, AdamW) act elementwise, so each member follows
 * the trajectory it would follow alone (up to float32 round-off).
 *
 *   const run = await train.fitReplicas(spec, { x: [X0, X1, X2], y: Y }, { members: 3, rng: rng.fork("nets"),
 *     optimizer: { kind: "adam", lr: 1e-3 }, steps: 1000, evalEvery: 20, onEval: (step, preds) => ... });
 *
 * Full batch, squared loss ("mse": mean over examples and outputs), fixed learning rate. (For many
 * one-hidden-layer networks of different widths and step budgets on minibatches, the scaling studies'
 * case, see `trainEnsemble` in ensemble.ts.)
 */
import type * as tfjs from "@tensorflow/tfjs";
import { Rng } from "../random";
import type { OnProgress } from "../progress";
import { yieldToKernel } from "../progress";
import { tfReady } from "../tf";
import type { Matrix } from "../linalg/matrix";
import { NetworkSpec, layerPlans, resolveSpec } from "./spec";
import { activationTensor, network } from "./network";
import { OptimizerSpec, createOptimizer, optimizerFamily } from "./optimizers";

/** The data of replicated training: shared inputs, or one input matrix per member, and the targets. */
export interface ReplicaData {
  /** Inputs: one matrix shared by every member, or one per member (e.g. each with its own random features). */
  x: Matrix | Matrix[];
  /** Targets (n x outputDim), shared by every member. */
  y: Matrix;
}

/** Options of `fitReplicas`: how many independent networks, and how they are trained. */
export interface ReplicaOptions {
  /** Number of independent networks. */
  members: number;
  /** Member s is drawn from rng.fork(`member ${s}`), exactly as train.network would draw it. */
  rng: Rng;
  optimizer: OptimizerSpec;
  steps: number;
  /** Call `onEval` every this many steps, and at step 0 and at the end (default: about 100 times). */
  evalEvery?: number;
  /** Predictions of every member on its training inputs: preds[s] has n * outputDim values (row-major). */
  onEval?: (step: number, preds: Float64Array[]) => void;
  onProgress?: OnProgress;
}

/** The losses of every replica at each evaluation step. */
export interface ReplicaRun {
  /** Steps at which `onEval` was called. */
  steps: number[];
  /** loss[s][t]: member s's training loss (mse) at steps[t]. */
  loss: number[][];
  /** Wall time of the training in seconds. */
  seconds: number;
}

/** Train `members` independent networks of `spec` on the same targets, batched (see the module header). */
export async function fitReplicas(spec: NetworkSpec, data: ReplicaData, opts: ReplicaOptions): Promise<ReplicaRun> {
  if (!(opts.rng instanceof Rng)) throw new TypeError("train.fitReplicas: pass { rng } (e.g. rng: rng.fork(\"nets\"))");
  const S = opts.members;
  if (!Number.isInteger(S) || S < 1) throw new RangeError(`train.fitReplicas: members must be a positive integer, got ${S}`);
  const full = resolveSpec(spec);
  const plans = layerPlans(full);
  const xs = Array.isArray(data.x) ? data.x : Array.from({ length: S }, () => data.x as Matrix);
  if (xs.length !== S) throw new RangeError(`train.fitReplicas: ${xs.length} input matrices for ${S} members`);
  const n = data.y.rows;
  for (const x of xs) {
    if (x.rows !== n || x.cols !== full.inputDim) throw new RangeError(`train.fitReplicas: inputs must be ${n} x ${full.inputDim}, got ${x.rows} x ${x.cols}`);
  }
  if (data.y.cols !== full.outputDim) throw new RangeError(`train.fitReplicas: targets must have ${full.outputDim} columns, got ${data.y.cols}`);
  const tf = await tfReady();
  // initial weights of each member, exactly as train.network draws them
  const snaps: Float32Array[][] = [];
  for (let s = 0; s < S; s++) {
    const net = await network(spec, { rng: opts.rng.fork(`member ${s}`) });
    snaps.push(net.snapshot());
    net.dispose();
  }
  const vars: tfjs.Variable[] = [];
  const scales: number[] = [];
  const family = optimizerFamily(opts.optimizer);
  let k = 0;
  const stacked = (shape: number[], idx: number): tfjs.Variable => {
    const size = shape.slice(1).reduce((a, b) => a * b, 1);
    const buf = new Float32Array(S * size);
    for (let s = 0; s < S; s++) buf.set(snaps[s][idx], s * size);
    const t = tf.tensor(buf, shape);
    const v = tf.variable(t, true);
    t.dispose();
    return v;
  };
  const layerVars = plans.map((p) => {
    const W = stacked([S, p.fanIn, p.fanOut], k++);
    vars.push(W); scales.push(p.lrScale[family]);
    let b: tfjs.Variable | null = null;
    if (p.hasBias) { b = stacked([S, 1, p.fanOut], k++); vars.push(b); scales.push(p.biasLrScale[family]); }
    return { p, W, b };
  });
  const xBuf = new Float32Array(S * n * full.inputDim);
  xs.forEach((x, s) => xBuf.set(Float32Array.from(x.data), s * n * full.inputDim));
  const X = tf.tensor3d(xBuf, [S, n, full.inputDim]);
  const Y = tf.tensor3d(Float32Array.from(data.y.data), [1, n, full.outputDim]);
  const last = layerVars.length - 1;
  const forward = (): tfjs.Tensor3D => {
    let a: tfjs.Tensor = X;
    layerVars.forEach(({ p, W, b }, i) => {
      let h: tfjs.Tensor = tf.matMul(a as tfjs.Tensor3D, W as unknown as tfjs.Tensor3D);
      if (p.multiplier !== 1) h = tf.mul(h, p.multiplier);
      if (b) h = tf.add(h, p.biasMultiplier === 1 ? b : tf.mul(b, p.biasMultiplier));
      a = i === last ? h : activationTensor(tf, full.activation, h);
    });
    return a as tfjs.Tensor3D;
  };
  // per-member mse summed over members: member s's gradient is that of its own mse
  const lossFn = (): tfjs.Scalar => tf.sum(tf.mean(tf.squaredDifference(forward(), Y), [1, 2])) as tfjs.Scalar;
  const opt = createOptimizer(tf, opts.optimizer, vars, scales);
  const every = opts.evalEvery ?? Math.max(1, Math.round(opts.steps / 100));
  const out: ReplicaRun = { steps: [], loss: Array.from({ length: S }, () => []), seconds: 0 };
  const t0 = Date.now();
  const evaluate = (step: number): void => {
    const pred = tf.tidy(() => forward());
    const all = pred.dataSync();
    pred.dispose();
    const per = n * full.outputDim;
    const preds = Array.from({ length: S }, (_, s) => Float64Array.from(all.subarray(s * per, (s + 1) * per)));
    preds.forEach((pv, s) => {
      let l = 0;
      for (let i = 0; i < per; i++) l += (pv[i] - data.y.data[i]) ** 2;
      out.loss[s].push(l / per);
    });
    out.steps.push(step);
    opts.onEval?.(step, preds);
  };
  try {
    evaluate(0);
    for (let step = 1; step <= opts.steps; step++) {
      const { grads } = tf.variableGrads(lossFn, vars);
      const g = vars.map((v) => grads[v.name]);
      opt.step(g, opts.optimizer.lr);
      for (const t of g) t.dispose();
      if (step % every === 0 || step === opts.steps) {
        evaluate(step);
        const worst = Math.max(...out.loss.map((l) => l[l.length - 1]));
        if (!Number.isFinite(worst)) throw new Error(`train.fitReplicas: the loss diverged at step ${step} (lr ${opts.optimizer.lr}); try a smaller learning rate`);
        opts.onProgress?.({ done: step, total: opts.steps, label: `${S} networks`, values: { loss: worst } });
        await yieldToKernel();
      }
    }
  } finally {
    opt.dispose();
    for (const v of vars) v.dispose();
    X.dispose();
    Y.dispose();
  }
  out.seconds = (Date.now() - t0) / 1000;
  return out;
}
