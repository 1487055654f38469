/**
 * Several seeds of one network trained as ONE batched TensorFlow.js program: the common case of the
 * batched trainer (`train.fitBatched`, batched.ts), with one network per seed. Member s starts from
 * exactly the weights `train.network(spec, { rng: rng.fork("member s") })` would draw and follows the
 * trajectory it would follow alone (up to float32 round-off), for about the per-op cost of one.
 *
 *   const run = await train.fitReplicas(spec, { x: [X0, X1, X2], y: Y }, { members: 3, rng: rng.fork("nets"),
 *     optimizer: { kind: "adam", lr: 1e-3 }, steps: 1000, evalEvery: 20, onEval: (step, preds) => ... });
 *
 * Full batch, squared loss ("mse": mean over examples and outputs), fixed learning rate. (Anything
 * more: different specs, step budgets, schedules, minibatches, see `train.fitBatched`.)
 */
import { Rng } from "../random";
import type { OnProgress } from "../progress";
import type { Matrix } from "../linalg/matrix";
import { NetworkSpec, resolveSpec } from "./spec";
import type { OptimizerSpec } from "./optimizers";
import { fitBatched } from "./batched";

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
  const xs = Array.isArray(data.x) ? data.x : Array.from({ length: S }, () => data.x as Matrix);
  if (xs.length !== S) throw new RangeError(`train.fitReplicas: ${xs.length} input matrices for ${S} members`);
  const n = data.y.rows;
  for (const x of xs) {
    if (x.rows !== n || x.cols !== full.inputDim) throw new RangeError(`train.fitReplicas: inputs must be ${n} x ${full.inputDim}, got ${x.rows} x ${x.cols}`);
  }
  if (data.y.cols !== full.outputDim) throw new RangeError(`train.fitReplicas: targets must have ${full.outputDim} columns, got ${data.y.cols}`);
  const onEval = opts.onEval;
  const run = await fitBatched({
    members: Array.from({ length: S }, (_, s) => ({ spec, rng: opts.rng.fork(`member ${s}`), steps: opts.steps })),
    optimizer: opts.optimizer, loss: "mse",
    train: { x: Array.isArray(data.x) ? data.x : data.x, y: data.y },
    evalEvery: opts.evalEvery ?? Math.max(1, Math.round(opts.steps / 100)),
    onEval: onEval ? (step, evals) => onEval(step, evals.map((e) => Float64Array.from(e.predictions as Float32Array))) : undefined,
    onProgress: opts.onProgress,
  });
  return {
    steps: run.members[0].history.map((h) => h.step),
    loss: run.members.map((m) => m.history.map((h) => h.trainLoss as number)),
    seconds: run.seconds,
  };
}
