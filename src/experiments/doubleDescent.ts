/**
 * Chapter 02: double descent of random-feature regression, in the number of features (model-wise)
 * and in the number of samples (sample-wise).
 */
import type { Rng } from "../random";
import type { Matrix } from "../linalg";
import type { Activation } from "../activations";
import type { OnProgress } from "../progress";
import { yieldToKernel } from "../progress";
import { predict, ridgePath } from "../models/linear";
import { fitRandomFeatures, randomFeatureMap } from "../models/randomFeatures";
import { mse, perPoint } from "../stats/descriptive";

/** A training set with noisy labels and a test set with the noiseless target. */
export interface TeacherSplit {
  train: { X: Matrix; y: ArrayLike<number> };
  test: { X: Matrix; f: ArrayLike<number> };
}

export interface RFCurve {
  ridge: number;
  P: number[];
  /** Per P, over seeds: mean, median and standard error of the test error, mean train error. */
  testMean: number[];
  testMedian: number[];
  testStderr: number[];
  trainMean: number[];
  /** testRuns[seed][i]: the test error of every seed at P[i] (for medians, log-means, bootstraps). */
  testRuns: number[][];
}

/**
 * Test and train error of random-feature regression against the number of features P, over `seeds`
 * independent draws of data, teacher noise and features (seed s uses `rng.fork("seed s")`, its data
 * `data(rng.fork("seed s").fork("data"))`). Features are nested (model P uses the first P of the
 * largest map), so neighbouring P share randomness and the curve is smooth. Every ridge in `ridges`
 * is fitted on the same features.
 */
export async function rfSweep(opts: {
  Ps: number[];
  ridges: number[];
  seeds: number;
  act: Activation;
  rng: Rng;
  data: (rng: Rng) => TeacherSplit;
  onProgress?: OnProgress;
}): Promise<RFCurve[]> {
  const Pmax = Math.max(...opts.Ps);
  const test: number[][][] = opts.ridges.map(() => []);
  const train: number[][][] = opts.ridges.map(() => []);
  const total = opts.seeds * opts.Ps.length;
  let done = 0;
  for (const r of opts.rng.forks("seed", opts.seeds)) {
    const { train: tr, test: te } = opts.data(r.fork("data"));
    const map = randomFeatureMap(tr.X.cols, Pmax, opts.act, r.fork("features"));
    opts.ridges.forEach((_, ri) => { test[ri].push([]); train[ri].push([]); });
    for (const P of opts.Ps) {
      const Ftr = map.features(tr.X, P), Fte = map.features(te.X, P);
      ridgePath(Ftr, tr.y, opts.ridges).forEach((coef, ri) => {
        train[ri][train[ri].length - 1].push(mse(predict(Ftr, coef), tr.y));
        test[ri][test[ri].length - 1].push(mse(predict(Fte, coef), te.f));
      });
      opts.onProgress?.({ done: ++done, total, label: "random-feature sweep" });
    }
    await yieldToKernel();
  }
  return opts.ridges.map((ridge, ri) => {
    const t = perPoint(test[ri]), tr = perPoint(train[ri]);
    return { ridge, P: opts.Ps.slice(), testMean: t.mean, testMedian: t.median, testStderr: t.se, trainMean: tr.mean, testRuns: test[ri] };
  });
}

/**
 * Sample-wise double descent: a fixed number P of random features, more and more training samples
 * (nested prefixes of one pool per repetition). Returns test[ridge index][n index], averaged over `reps`
 * repetitions (repetition s uses `rng.fork("rep s")`).
 */
export async function sampleWiseSweep(opts: {
  P: number;
  ns: number[];
  ridges: number[];
  reps: number;
  act: Activation;
  data: (n: number, rng: Rng) => TeacherSplit;
  rng: Rng;
  onProgress?: OnProgress;
}): Promise<number[][]> {
  const test = opts.ridges.map(() => opts.ns.map(() => 0));
  const nMax = Math.max(...opts.ns);
  let s = 0;
  for (const r of opts.rng.forks("rep", opts.reps)) {
    const { train: pool, test: testSet } = opts.data(nMax, r.fork("data"));
    const d = pool.X.cols;
    const map = randomFeatureMap(d, opts.P, opts.act, r.fork("features"));
    opts.ns.forEach((m, i) => {
      const train = { X: { rows: m, cols: d, data: pool.X.data.subarray(0, m * d) }, y: Array.prototype.slice.call(pool.y, 0, m) as number[] };
      opts.ridges.forEach((lam, j) => { test[j][i] += fitRandomFeatures(map, opts.P, train, testSet, lam).testMse / opts.reps; });
    });
    opts.onProgress?.({ done: ++s, total: opts.reps, label: "sample-wise sweep" });
    await yieldToKernel();
  }
  return test;
}
