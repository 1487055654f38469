/**
 * Chapter 01: an MLP memorises shuffled labels (Zhang et al., arXiv 1611.03530). The same network and
 * optimizer on MNIST digits with a fraction of the training labels shuffled.
 */
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import type { MnistSet } from "../data/mnist";
import { corruptLabels, oneHot } from "../data/labels";
import { network } from "../train/network";
import { EvalRecord, fit } from "../train/fit";

/**
 * Train an MLP (ReLU, standard parameterization, Adam, softmax cross-entropy, minibatches) on `train`
 * with a fraction of its labels shuffled (`rng.fork("labels")`), evaluating train and test accuracy
 * every epoch. The network comes from `rng.fork("net")`, the batches from `rng.fork("batches")`.
 */
export async function memorizationRun(o: {
  train: MnistSet;
  test: MnistSet;
  fraction: number;
  hidden: number[];
  lr: number;
  epochs: number;
  batchSize: number;
  rng: Rng;
  onEval?: (history: EvalRecord[]) => void;
  onProgress?: OnProgress;
}): Promise<EvalRecord[]> {
  const { labels } = corruptLabels(o.train.labels, o.fraction, o.rng.fork("labels"));
  const net = await network({ inputDim: o.train.d, hidden: o.hidden, outputDim: 10 }, { rng: o.rng.fork("net") });
  try {
    const run = await fit(net, { x: o.train.x, y: oneHot(labels, 10) }, {
      optimizer: { kind: "adam", lr: o.lr }, loss: "softmax-ce", epochs: o.epochs, batchSize: o.batchSize,
      rng: o.rng.fork("batches"), evalEvery: "epoch", test: { x: o.test.x, y: o.test.oneHot },
      onEval: o.onEval, onProgress: o.onProgress,
    });
    return run.history;
  } finally {
    net.dispose();
  }
}

/** The first epoch at which `key` reaches `target` (Infinity if never). */
export function epochsToReach(history: EvalRecord[], key: "trainAcc" | "testAcc", target: number): number {
  const r = history.find((h) => (h[key] ?? -Infinity) >= target);
  return r ? r.epoch : Infinity;
}
