/**
 * The one training loop of the lab.
 *
 *   const run = await train.fit(net, { x: X, y: Y }, {
 *     optimizer: { kind: "sgd", lr: 0.1, momentum: 0.9 }, loss: "mse", steps: 2000,
 *     batchSize: 64, rng: rng.fork("batches"), test: { x: Xt, y: Yt }, evalEvery: 50,
 *     onProgress: view.progress,
 *   });
 *   show(train.historyFrame(run));           // one row per evaluation, a danfojs DataFrame
 *
 * Full batch when `batchSize` is absent (or >= n). Every `evalEvery` steps (and at the start and the
 * end) the whole training set, the test set and any extra `metrics` are evaluated into the history;
 * the loss of every step is kept in `stepLoss`. A NaN or infinite loss stops the run with a message
 * that names the step and the learning rate and suggests a smaller one (`onDivergence: "stop"`
 * returns the run so far instead of throwing, for experiments that map where training diverges).
 * The result is plain data, so it can be cached.
 *
 * Speed: each step computes its gradients by backpropagation written out per layer (backprop.ts)
 * rather than through tf.variableGrads' tape, and the optimizer updates variables in place with one
 * native call each where it can (optimizers.ts); `trainingStep` is that step on its own (the bench
 * times it next to numpy). `gradient: "tape"` uses tf.variableGrads instead (same numbers to round-off).
 */
import type * as tfjs from "@tensorflow/tfjs";
import { Rng } from "../random";
import type { OnProgress } from "../progress";
import { yieldToKernel } from "../progress";
import { MatrixLike, Network, toTensor } from "./network";
import { Optimizer, OptimizerSpec, createOptimizer, optimizerFamily } from "./optimizers";
import { Schedule, scheduleFactor, validateSchedule } from "./schedules";
import { LossName, accuracyTensor, lossForTape, lossTensor, validateLoss } from "./losses";
import { backprop } from "./backprop";

/** Inputs x (n x inputDim) and targets y (n x outputDim). */
export interface DataSet {
  x: MatrixLike;
  y: MatrixLike;
}

/** One evaluation: the step, the learning rate then, and every measured quantity. */
export interface EvalRecord {
  step: number;
  /** Passes over the training set so far (step * batchSize / n). */
  epoch: number;
  lr: number;
  /** Seconds since the start of training. */
  seconds: number;
  trainLoss: number;
  testLoss?: number;
  /** Classification accuracy (softmax-ce loss only). */
  trainAcc?: number;
  testAcc?: number;
  /** Extra metrics by name. */
  [metric: string]: number | undefined;
}

/** What a metric callback can use: the network, the step, and the data as tensors. */
export interface MetricContext {
  step: number;
  x: tfjs.Tensor2D;
  y: tfjs.Tensor2D;
  testX: tfjs.Tensor2D | null;
  testY: tfjs.Tensor2D | null;
  loss: LossName;
}

/** Options of `train.fit`: optimiser, loss, schedule, batches, evaluation and stopping rules. */
export interface FitOptions {
  optimizer: OptimizerSpec;
  /** Default "mse". */
  loss?: LossName;
  /** Number of updates; or give `epochs`. */
  steps?: number;
  epochs?: number;
  /** Minibatch size (default: the whole training set). */
  batchSize?: number;
  /** Shuffles the minibatches (required with a batchSize below n). */
  rng?: Rng;
  /** Learning-rate schedule (default constant). */
  schedule?: Schedule;
  /** Evaluate every this many steps, or every epoch (default: about 100 evaluations per run). */
  evalEvery?: number | "epoch";
  test?: DataSet;
  /** Extra quantities recorded at every evaluation, e.g. { sharpness: (net, ctx) => ... }. */
  metrics?: Record<string, (net: Network, ctx: MetricContext) => number>;
  /** Stop after an evaluation for which this returns true. */
  stopWhen?: (rec: EvalRecord) => boolean;
  /** "throw" (default): a NaN/Inf loss throws a TrainingDiverged error; "stop": end the run and report it. */
  onDivergence?: "throw" | "stop";
  /** Treat a finite loss above this as divergence too (default Infinity). */
  maxLoss?: number;
  onProgress?: OnProgress;
  /** Called after every evaluation with the history so far (e.g. to redraw a live figure). */
  onEval?: (history: EvalRecord[]) => void;
  /** How gradients are computed: "backprop" (default, by hand per layer) or "tape" (tf.variableGrads). */
  gradient?: "backprop" | "tape";
}

/** Where a training run diverged: the step and its loss. */
export interface Divergence {
  step: number;
  loss: number;
  lr: number;
  message: string;
}

/** What `train.fit` returns: the evaluation history, the loss at every step and whether the run diverged. */
export interface FitResult {
  history: EvalRecord[];
  /** The (minibatch) training loss before each update: stepLoss[t] is the loss at step t. */
  stepLoss: number[];
  /** Updates done. */
  steps: number;
  seconds: number;
  /** Why the run ended. */
  stopped: "steps" | "stopWhen" | "diverged";
  diverged: Divergence | null;
}

/** Thrown when the training loss becomes NaN or infinite (or exceeds maxLoss). */
export class TrainingDiverged extends Error {
  readonly step: number;
  readonly lr: number;
  readonly loss: number;
  constructor(d: Divergence) {
    super(d.message);
    this.name = "TrainingDiverged";
    this.step = d.step;
    this.lr = d.lr;
    this.loss = d.loss;
  }
}

function divergenceMessage(step: number, loss: number, lr: number, lastFinite: { step: number; loss: number } | null, maxLoss: number): string {
  const what = Number.isNaN(loss) ? "became NaN" : !Number.isFinite(loss) ? "became infinite" : `reached ${loss.toExponential(2)} (above maxLoss ${maxLoss})`;
  const before = lastFinite ? `; it was ${lastFinite.loss.toExponential(2)} at step ${lastFinite.step}` : "";
  return `training diverged at step ${step}: the loss ${what} (learning rate ${Number(lr.toPrecision(4))}${before}). ` +
    `Try a smaller learning rate, e.g. ${Number((lr / 2).toPrecision(3))}, or a learning-rate warm-up.`;
}

function numRows(tf: typeof tfjs, m: MatrixLike): number {
  return m instanceof tf.Tensor ? m.shape[0] : (m as { rows: number }).rows;
}

/** One training update, as `fit` runs it (see `trainingStep`). */
export interface TrainingStep {
  /**
   * One update at learning rate `lr` on the rows `rows` of the training set (all of it when null);
   * returns the loss before the update. No update is made when that loss is NaN, infinite or above `maxLoss`.
   */
  step(lr: number, rows?: tfjs.Tensor1D | null): number;
  /** The optimizer (its state and step count). */
  readonly optimizer: Optimizer;
  /** Free the optimizer's state (the network and data are the caller's). */
  dispose(): void;
}

/**
 * The update `fit` makes at every step, on its own: forward pass, loss, gradients (backpropagation
 * by hand, or the tape with `gradient: "tape"`) and the optimizer's update with each layer's
 * learning-rate scale. `x` and `y` are the whole training set as tensors.
 */
export function trainingStep(net: Network, x: tfjs.Tensor2D, y: tfjs.Tensor2D, opts: { optimizer: OptimizerSpec; loss?: LossName; maxLoss?: number; gradient?: "backprop" | "tape" }): TrainingStep {
  const tf = net.tf;
  const loss = opts.loss ?? "mse";
  validateLoss(loss);
  const maxLoss = opts.maxLoss ?? Infinity;
  const family = optimizerFamily(opts.optimizer);
  const scales = net.layers.flatMap((l) => (l.b ? [l.lrScale[family], l.biasLrScale[family]] : [l.lrScale[family]]));
  const vars = net.variables();
  const optimizer = createOptimizer(tf, opts.optimizer, vars, scales);
  // the tape differentiates the network; the loss's own gradient comes from lossDerivatives on both paths
  const tapeLoss = opts.gradient === "tape" ? lossForTape(tf, loss) : null;
  return {
    optimizer,
    step(lr: number, rows?: tfjs.Tensor1D | null): number {
      return tf.tidy(() => {
        const xb = rows ? tf.gather(x, rows) : x, yb = rows ? tf.gather(y, rows) : y;
        let value: tfjs.Scalar, grads: tfjs.Tensor[];
        if (tapeLoss) {
          const r = tf.variableGrads(() => tapeLoss(net.forward(xb), yb), vars);
          value = r.value;
          grads = vars.map((w) => r.grads[w.name]);
        } else {
          const r = backprop(net, xb, yb, loss);
          value = r.loss;
          grads = r.grads;
        }
        const lv = value.dataSync()[0];
        if (Number.isFinite(lv) && lv <= maxLoss) optimizer.step(grads, lr);
        return lv;
      });
    },
    dispose() { optimizer.dispose(); },
  };
}

/** Train `net` in place; returns its history (plain data). */
export async function fit(net: Network, train: DataSet, opts: FitOptions): Promise<FitResult> {
  const tf = net.tf;
  const loss = opts.loss ?? "mse";
  validateLoss(loss);
  if (opts.schedule) validateSchedule(opts.schedule);
  if (!train || !train.x || !train.y) throw new TypeError("train.fit: the training data must be { x, y }");
  const n = numRows(tf, train.x);
  if (numRows(tf, train.y) !== n) throw new RangeError(`train.fit: x has ${n} rows but y has ${numRows(tf, train.y)}`);
  const batch = Math.min(opts.batchSize ?? n, n);
  if (!(Number.isInteger(batch) && batch >= 1)) throw new RangeError(`train.fit: batchSize must be a positive integer, got ${opts.batchSize}`);
  if (batch < n && !(opts.rng instanceof Rng)) throw new TypeError("train.fit: minibatches need an rng to shuffle with (e.g. rng: rng.fork(\"batches\"))");
  const stepsPerEpoch = Math.ceil(n / batch);
  if ((opts.steps === undefined) === (opts.epochs === undefined)) throw new RangeError("train.fit: give exactly one of steps and epochs");
  const total = opts.steps ?? (opts.epochs as number) * stepsPerEpoch;
  if (!(Number.isInteger(total) && total >= 0)) throw new RangeError(`train.fit: steps must be a non-negative integer, got ${total}`);
  const every = opts.evalEvery === "epoch" ? stepsPerEpoch : opts.evalEvery ?? Math.max(1, Math.round(total / 100));
  if (!(Number.isInteger(every) && every >= 1)) throw new RangeError(`train.fit: evalEvery must be a positive integer or "epoch", got ${opts.evalEvery}`);
  const maxLoss = opts.maxLoss ?? Infinity;
  if (opts.gradient !== undefined && opts.gradient !== "backprop" && opts.gradient !== "tape") throw new RangeError(`train.fit: gradient must be "backprop" or "tape", got ${JSON.stringify(opts.gradient)}`);

  const X = toTensor(tf, train.x, "train.fit x"), Y = toTensor(tf, train.y, "train.fit y");
  if (X.shape[1] !== net.spec.inputDim) throw new RangeError(`train.fit: x has ${X.shape[1]} columns, the network expects ${net.spec.inputDim}`);
  if (Y.shape[1] !== net.spec.outputDim) throw new RangeError(`train.fit: y has ${Y.shape[1]} columns, the network has ${net.spec.outputDim} outputs`);
  const TX = opts.test ? toTensor(tf, opts.test.x, "train.fit test x") : null;
  const TY = opts.test ? toTensor(tf, opts.test.y, "train.fit test y") : null;
  const owned = [X, Y, TX, TY].filter((t, i) => t && !([train.x, train.y, opts.test?.x, opts.test?.y][i] instanceof tf.Tensor)) as tfjs.Tensor[];
  const updater = trainingStep(net, X, Y, { optimizer: opts.optimizer, loss, maxLoss, gradient: opts.gradient });

  const history: EvalRecord[] = [];
  const stepLoss: number[] = [];
  const t0 = Date.now();
  const classify = loss === "softmax-ce";
  const lrAt = (t: number): number => opts.optimizer.lr * scheduleFactor(opts.schedule, t, total);
  const evaluate = (step: number): EvalRecord => {
    const rec: EvalRecord = { step, epoch: (step * batch) / n, lr: lrAt(Math.min(step, Math.max(total - 1, 0))), seconds: (Date.now() - t0) / 1000, trainLoss: NaN };
    tf.tidy(() => {
      const f = net.forward(X);
      rec.trainLoss = lossTensor(tf, loss, f, Y).dataSync()[0];
      if (classify) rec.trainAcc = accuracyTensor(tf, f, Y).dataSync()[0];
      if (TX && TY) {
        const ft = net.forward(TX);
        rec.testLoss = lossTensor(tf, loss, ft, TY).dataSync()[0];
        if (classify) rec.testAcc = accuracyTensor(tf, ft, TY).dataSync()[0];
      }
    });
    for (const [name, m] of Object.entries(opts.metrics ?? {})) rec[name] = m(net, { step, x: X, y: Y, testX: TX, testY: TY, loss });
    history.push(rec);
    opts.onEval?.(history);
    return rec;
  };

  let stopped: FitResult["stopped"] = "steps";
  let diverged: Divergence | null = null;
  let lastFinite: { step: number; loss: number } | null = null;
  let order: Int32Array | null = null;
  try {
    let rec = evaluate(0);
    if (opts.stopWhen?.(rec)) stopped = "stopWhen";
    for (let t = 0; t < total && stopped === "steps"; t++) {
      const lr = lrAt(t);
      let idx: tfjs.Tensor1D | null = null;
      if (batch < n) {
        const pos = (t % stepsPerEpoch) * batch;
        if (pos === 0) order = (opts.rng as Rng).permutation(n);
        idx = tf.tensor1d((order as Int32Array).subarray(pos, Math.min(n, pos + batch)), "int32");
      }
      const value = updater.step(lr, idx);
      idx?.dispose();
      stepLoss.push(value);
      if (!Number.isFinite(value) || value > maxLoss) {
        diverged = { step: t, loss: value, lr, message: divergenceMessage(t, value, lr, lastFinite, maxLoss) };
        stopped = "diverged";
        break;
      }
      lastFinite = { step: t, loss: value };
      if ((t + 1) % every === 0 || t + 1 === total) {
        rec = evaluate(t + 1);
        opts.onProgress?.({ done: t + 1, total, label: "training", values: { loss: rec.trainLoss, ...(rec.testLoss !== undefined ? { "test loss": rec.testLoss } : {}) } });
        if (opts.stopWhen?.(rec)) stopped = "stopWhen";
        await yieldToKernel(); // let live displays update between evaluations
      }
    }
  } finally {
    updater.dispose();
    owned.forEach((t) => t.dispose());
  }
  const result: FitResult = { history, stepLoss, steps: stepLoss.length - (diverged ? 1 : 0), seconds: (Date.now() - t0) / 1000, stopped, diverged };
  if (diverged && (opts.onDivergence ?? "throw") === "throw") throw new TrainingDiverged(diverged);
  return result;
}
