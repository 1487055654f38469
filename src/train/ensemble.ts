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
 * This is the scaling studies' use of the batched trainer (`train.fitBatched`, batched.ts): each member
 * is the network of the spec { inputDim: its input columns, hidden: [width], activation } in the
 * standard parameterization, initialised exactly as `train.network(spec, { rng })` would, trained
 * with Adam on the squared error of its own target column, over its own steps, and frozen and
 * evaluated when it has finished; members of one width are one stacked pack. Every member follows the
 * trajectory `train.fit` gives it alone (tests/unit/train/ensemble.test.ts).
 */
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import { Activation, assertActivation } from "../activations";
import type { Schedule } from "./schedules";
import { BatchedData, BatchedMember, fitBatched } from "./batched";

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
  /** Default "relu". */
  activation?: Activation;
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
  const inDim = opts.inputDim, J = opts.outputs ?? 1;
  const act: Activation = opts.activation ?? "relu";
  if (!(Number.isInteger(inDim) && inDim > 0)) throw new RangeError(`trainEnsemble: inputDim must be a positive integer, got ${inDim}`);
  if (opts.members.length === 0) throw new RangeError("trainEnsemble: no members");
  assertActivation(act, "trainEnsemble");
  const { lr, beta1, beta2, eps } = opts.optimizer;
  opts.members.forEach((m, k) => {
    if (!(Number.isInteger(m.width) && m.width > 0)) throw new RangeError(`trainEnsemble: member ${k} width must be a positive integer, got ${m.width}`);
  });
  const table = (b: EnsembleBatch, what: string): BatchedData => {
    if (b.x.length !== b.rows * inDim) throw new RangeError(`trainEnsemble: ${what} has ${b.x.length} inputs, expected rows * inputDim = ${b.rows * inDim}`);
    if (b.y.length !== b.rows * J) throw new RangeError(`trainEnsemble: ${what} has ${b.y.length} targets, expected rows * outputs = ${b.rows * J}`);
    return { x: { rows: b.rows, cols: inDim, data: b.x }, y: { rows: b.rows, cols: J, data: b.y } };
  };
  const members: BatchedMember[] = opts.members.map((m) => {
    const [s, e] = m.inputs ?? [0, inDim];
    const tgt = m.target ?? 0;
    return { spec: { inputDim: e - s, hidden: [m.width], activation: act }, rng: m.rng, steps: m.steps, inputs: [s, e], targets: [tgt, tgt + 1] };
  });
  const T = Math.max(...opts.members.map((m) => m.steps));
  const evalSteps = Array.from(new Set((opts.evalSteps ?? []).filter((s) => s >= 0 && s <= T))).sort((p, q) => p - q);
  const run = await fitBatched({
    members, optimizer: { kind: "adam", lr, beta1, beta2, eps }, loss: "mse", schedule: opts.schedule,
    batches: (t) => table(opts.batch(t), "a batch"), test: table(opts.test, "the test set"), evalSteps,
    onProgress: opts.onProgress,
  });
  // a member's test loss at step e: its evaluation then, or its final one once it has finished
  const testAt = (k: number, e: number): number => {
    const h = run.members[k].history;
    return (h.find((r) => r.step === Math.min(e, opts.members[k].steps)) as { testLoss: number }).testLoss;
  };
  return {
    members: opts.members.map((m, k) => {
      const tail = run.members[k].stepLoss.slice(Math.floor(0.9 * m.steps));
      return {
        width: m.width, steps: m.steps, params: run.members[k].params, testLoss: testAt(k, m.steps),
        trainLoss: tail.length ? tail.reduce((a, b) => a + b, 0) / tail.length : NaN,
      };
    }),
    evalSteps,
    testLossAt: evalSteps.map((e) => opts.members.map((_, k) => testAt(k, e))),
    seconds: run.seconds,
    steps: T,
  };
}
