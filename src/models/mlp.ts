/**
 * Small multilayer perceptrons in TensorFlow.js for classification (softmax cross-entropy) and
 * regression (mean squared error), trained by a plain minibatch loop inside one function (tslab runs
 * top-level loops slowly), with seeded initialisation and shuffling, a per-epoch history and a callback
 * for live progress.
 */
import type * as tfjs from "@tensorflow/tfjs";
import { tfReady } from "../tf";
import type { Rng } from "../random";

export type Task = "classification" | "regression";

export interface MlpSpec {
  inputDim: number;
  hidden: number[];
  outputDim: number;
  task: Task;
  activation?: "relu" | "tanh";
  /** Seed of the initialisation; take it from `rng.intSeed()`. */
  seed: number;
}

export interface Mlp {
  spec: MlpSpec;
  model: tfjs.Sequential;
  tf: typeof tfjs;
}

/** Build an MLP with Glorot-uniform (tanh) or He-normal (relu) initialisation seeded by `spec.seed`. */
export async function buildMlp(spec: MlpSpec): Promise<Mlp> {
  const tf = await tfReady();
  const act = spec.activation ?? "relu";
  const model = tf.sequential();
  let seed = spec.seed;
  const init = () => (act === "relu" ? tf.initializers.heNormal({ seed: seed++ }) : tf.initializers.glorotUniform({ seed: seed++ }));
  spec.hidden.forEach((h, i) => {
    model.add(tf.layers.dense({
      units: h,
      activation: act,
      kernelInitializer: init(),
      biasInitializer: "zeros",
      ...(i === 0 ? { inputShape: [spec.inputDim] } : {}),
    }));
  });
  model.add(tf.layers.dense({
    units: spec.outputDim,
    kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }),
    ...(spec.hidden.length === 0 ? { inputShape: [spec.inputDim] } : {}),
  }));
  return { spec, model, tf };
}

/** A data set in float32: x is n x inputDim, y is n x outputDim (one-hot for classification). */
export interface TensorSet {
  x: Float32Array;
  y: Float32Array;
  n: number;
}

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  testLoss: number;
  testAcc: number;
  /** Seconds since training started. */
  seconds: number;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer?: "adam" | "sgd";
  /** Shuffling of the minibatches. */
  rng: Rng;
  /** Stop once the training accuracy reaches this value (classification) or the training loss falls below `stopAtTrainLoss`. */
  stopAtTrainAcc?: number;
  stopAtTrainLoss?: number;
  /** Evaluate every this many epochs (default 1); the last epoch is always evaluated. */
  evalEvery?: number;
  /** Called after each evaluation, e.g. to update a live plot. */
  onEpoch?: (rec: EpochRecord, history: EpochRecord[]) => void;
}

/** Loss and accuracy (NaN for regression) of the network on a data set. */
export function evaluate(net: Mlp, set: TensorSet): { loss: number; acc: number } {
  const { tf, model, spec } = net;
  return tf.tidy(() => {
    const x = tf.tensor2d(set.x, [set.n, spec.inputDim]);
    const y = tf.tensor2d(set.y, [set.n, spec.outputDim]);
    const out = model.predict(x) as tfjs.Tensor2D;
    if (spec.task === "classification") {
      const loss = tf.losses.softmaxCrossEntropy(y, out).dataSync()[0];
      const acc = tf.mean(tf.cast(tf.equal(tf.argMax(out, 1), tf.argMax(y, 1)), "float32")).dataSync()[0];
      return { loss, acc };
    }
    return { loss: tf.losses.meanSquaredError(y, out).dataSync()[0], acc: NaN };
  });
}

/** Train with minibatch Adam or SGD; returns the history of evaluations. */
export async function trainMlp(net: Mlp, train: TensorSet, test: TensorSet | null, opts: TrainOptions): Promise<EpochRecord[]> {
  const { tf, model, spec } = net;
  const optimizer = (opts.optimizer ?? "adam") === "adam" ? tf.train.adam(opts.lr) : tf.train.sgd(opts.lr);
  const X = tf.tensor2d(train.x, [train.n, spec.inputDim]);
  const Y = tf.tensor2d(train.y, [train.n, spec.outputDim]);
  const history: EpochRecord[] = [];
  const start = Date.now();
  const every = opts.evalEvery ?? 1;
  try {
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      const perm = opts.rng.permutation(train.n);
      for (let b = 0; b < train.n; b += opts.batchSize) {
        const idx = tf.tensor1d(perm.subarray(b, Math.min(train.n, b + opts.batchSize)), "int32");
        optimizer.minimize(() => {
          const xb = tf.gather(X, idx);
          const yb = tf.gather(Y, idx);
          const out = model.apply(xb) as tfjs.Tensor2D;
          return (spec.task === "classification" ? tf.losses.softmaxCrossEntropy(yb, out) : tf.losses.meanSquaredError(yb, out)) as tfjs.Scalar;
        });
        idx.dispose();
      }
      if (epoch % every === 0 || epoch === opts.epochs) {
        const tr = evaluate(net, train);
        const te = test ? evaluate(net, test) : { loss: NaN, acc: NaN };
        const rec: EpochRecord = { epoch, trainLoss: tr.loss, trainAcc: tr.acc, testLoss: te.loss, testAcc: te.acc, seconds: (Date.now() - start) / 1000 };
        history.push(rec);
        opts.onEpoch?.(rec, history);
        if (opts.stopAtTrainAcc !== undefined && tr.acc >= opts.stopAtTrainAcc) break;
        if (opts.stopAtTrainLoss !== undefined && tr.loss <= opts.stopAtTrainLoss) break;
        await new Promise((r) => setImmediate(r)); // let the kernel flush live displays
      }
    }
  } finally {
    X.dispose();
    Y.dispose();
    optimizer.dispose();
  }
  return history;
}

/** The first epoch at which `key` reaches `target` (Infinity if never). */
export function epochsToReach(history: EpochRecord[], key: "trainAcc" | "testAcc", target: number): number {
  const r = history.find((h) => h[key] >= target);
  return r ? r.epoch : Infinity;
}
