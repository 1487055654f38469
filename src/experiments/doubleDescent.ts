/**
 * Chapter 02: double descent of random-feature regression, in the number of features (model-wise)
 * and in the number of samples (sample-wise), and in training time (epoch-wise, a linear model with
 * directions at two scales trained by gradient descent).
 */
import type { Rng } from "../random";
import type { Matrix } from "../linalg";
import { matmul } from "../linalg";
import type { Activation } from "../activations";
import type { OnProgress } from "../progress";
import { yieldToKernel } from "../progress";
import { gradientDescentPath, predict, ridgePath } from "../models/linear";
import { gaussianInputs, linearExcessRisk, linearLabels, linearRegressionSet, linearTeacher } from "../data/gaussian";
import { randomFeatureMap } from "../models/randomFeatures";
import { mse, perPoint } from "../stats/descriptive";

/** A training set with noisy labels and a test set with the noiseless target. */
export interface TeacherSplit {
  train: { x: Matrix; y: ArrayLike<number> };
  test: { x: Matrix; f: ArrayLike<number> };
}

/** One penalty's random-feature test and train errors against P, over seeds (`rfSweep`). */
export interface RFCurve {
  ridge: number;
  P: number[];
  /** Per P, over seeds: mean, median and standard error of the test error, mean train error. */
  testMean: number[];
  testMedian: number[];
  testStderr: number[];
  trainMean: number[];
  /**
   * testRuns[seed][i]: the test error of every seed at P[i]. Near the interpolation threshold the mean
   * over seeds is set by the worst seed (the ridgeless error at P = n has infinite expectation): use
   * these for medians, log-means (stats.logMean) and paired comparisons between P's.
   */
  testRuns: number[][];
  /** trainRuns[seed][i]: the training error of every seed at P[i]. */
  trainRuns: number[][];
}

/** Mean squared difference between column `c` of M and the vector t. */
function columnMse(M: Matrix, c: number, t: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < M.rows; i++) s += (M.data[i * M.cols + c] - t[i]) ** 2;
  return s / M.rows;
}

/** The first `p` columns of an n x P feature matrix (features act(.)/sqrt(P)), renormalised to 1/sqrt(p). */
function leadingFeatures(F: Matrix, p: number): Matrix {
  const n = F.rows, P = F.cols;
  if (p === P) return F;
  const out = new Float64Array(n * p), scale = Math.sqrt(P / p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) out[i * p + j] = F.data[i * P + j] * scale;
  return { rows: n, cols: p, data: out } as Matrix;
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
    const map = randomFeatureMap(tr.x.cols, Pmax, opts.act, r.fork("features"));
    opts.ridges.forEach((_, ri) => { test[ri].push([]); train[ri].push([]); });
    // features are nested: compute all Pmax of them once, and use the first P (renormalised) for model P
    const FtrAll = map.features(tr.x), FteAll = map.features(te.x);
    for (const P of opts.Ps) {
      const Ftr = leadingFeatures(FtrAll, P), Fte = leadingFeatures(FteAll, P);
      // all penalties' predictions at once: one matrix product per set (BLAS) instead of a loop per penalty
      const coefs = ridgePath(Ftr, tr.y, opts.ridges);
      const C = { rows: P, cols: coefs.length, data: new Float64Array(P * coefs.length) } as Matrix;
      coefs.forEach((c, ri) => { for (let j = 0; j < P; j++) C.data[j * coefs.length + ri] = c[j]; });
      const predTr = matmul(Ftr, C), predTe = matmul(Fte, C);
      coefs.forEach((_, ri) => {
        train[ri][train[ri].length - 1].push(columnMse(predTr, ri, tr.y));
        test[ri][test[ri].length - 1].push(columnMse(predTe, ri, te.f));
      });
      opts.onProgress?.({ done: ++done, total, label: "random-feature sweep" });
    }
    await yieldToKernel();
  }
  return opts.ridges.map((ridge, ri) => {
    const t = perPoint(test[ri]), tr = perPoint(train[ri]);
    return { ridge, P: opts.Ps.slice(), testMean: t.mean, testMedian: t.median, testStderr: t.se, trainMean: tr.mean, testRuns: test[ri], trainRuns: train[ri] };
  });
}

/** One penalty's test error against the number of samples at fixed P, over repetitions (`sampleWiseSweep`). */
export interface SampleWiseCurve {
  ridge: number;
  n: number[];
  /** Per n, over repetitions: mean, median and standard error of the test error. */
  testMean: number[];
  testMedian: number[];
  testStderr: number[];
  /** testRuns[rep][i]: the test error of every repetition at n[i] (heavy-tailed at n = P: use medians, log-means). */
  testRuns: number[][];
}

/**
 * Sample-wise double descent: a fixed number P of random features, more and more training samples
 * (nested prefixes of one pool per repetition). One curve per ridge, over `reps` repetitions
 * (repetition s uses `rng.fork("rep s")`: its data `data(nMax, rng.fork("rep s").fork("data"))`, its
 * features `rng.fork("rep s").fork("features")`).
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
}): Promise<SampleWiseCurve[]> {
  const runs: number[][][] = opts.ridges.map(() => []);
  const nMax = Math.max(...opts.ns);
  let s = 0;
  for (const r of opts.rng.forks("rep", opts.reps)) {
    const { train: pool, test: testSet } = opts.data(nMax, r.fork("data"));
    const map = randomFeatureMap(pool.x.cols, opts.P, opts.act, r.fork("features"));
    const Fpool = map.features(pool.x), Fte = map.features(testSet.x);
    const rows = opts.ridges.map(() => [] as number[]);
    for (const m of opts.ns) {
      const F = { rows: m, cols: opts.P, data: Fpool.data.subarray(0, m * opts.P) } as Matrix;
      const y = Array.prototype.slice.call(pool.y, 0, m) as number[];
      ridgePath(F, y, opts.ridges).forEach((coef, j) => rows[j].push(mse(predict(Fte, coef), testSet.f)));
    }
    rows.forEach((row, j) => runs[j].push(row));
    opts.onProgress?.({ done: ++s, total: opts.reps, label: "sample-wise sweep" });
    await yieldToKernel();
  }
  return opts.ridges.map((ridge, j) => {
    const t = perPoint(runs[j]);
    return { ridge, n: opts.ns.slice(), testMean: t.mean, testMedian: t.median, testStderr: t.se, testRuns: runs[j] };
  });
}

/** A block of input directions with a common variance, carrying `signal` = variance * ||beta_block||^2 of the teacher. */
export interface FeatureBlock {
  dim: number;
  variance: number;
  signal: number;
}

/** The risk of gradient descent against training steps, over trials (`epochWiseCurve`). */
export interface EpochWiseCurve {
  /** Gradient-descent steps (full batch: one step = one epoch); may end with Infinity (the converged fit). */
  steps: number[];
  /** Per step, over trials: mean, standard error and median of the excess test risk, mean training error. */
  testMean: number[];
  testStderr: number[];
  testMedian: number[];
  trainMean: number[];
  /** testRuns[trial][k]: the excess risk of each trial at steps[k] (for paired comparisons between times). */
  testRuns: number[][];
}

/**
 * Epoch-wise double descent of a linear model whose inputs have directions at several scales
 * (Heckel & Yilmaz, arXiv 2007.10099; Nakkiran et al., arXiv 1912.02292): x ~ N(0, diag), block b has
 * `dim` directions of variance `variance`; the teacher y = x . beta + sigma * noise puts `signal` of
 * E f^2 in each block (a uniformly random direction inside it). Full-batch gradient descent from 0 on
 * the half mean squared error with step `lr`, computed exactly at every step in `steps`
 * (models.gradientDescentPath); the excess test risk is sum_j var_j (w_j - beta_j)^2 and the training
 * error is the mean squared error on the noisy labels. Trial t uses `rng.fork("trial t")` (teacher,
 * inputs and noise by name).
 */
export async function epochWiseCurve(opts: {
  n: number;
  blocks: FeatureBlock[];
  sigma: number;
  lr: number;
  steps: number[];
  trials: number;
  rng: Rng;
  onProgress?: OnProgress;
}): Promise<EpochWiseCurve> {
  const spectrum: number[] = [];
  for (const b of opts.blocks) for (let i = 0; i < b.dim; i++) spectrum.push(b.variance);
  const p = spectrum.length;
  const test: number[][] = [], train: number[][] = [];
  let done = 0;
  for (const r of opts.rng.forks("trial", opts.trials)) {
    const beta = new Float64Array(p);
    const tr = r.fork("teacher");
    let o = 0;
    for (const b of opts.blocks) {
      const v = tr.normals(b.dim);
      let norm2 = 0;
      for (const x of v) norm2 += x * x;
      const f = Math.sqrt(b.signal / b.variance / norm2);
      for (let i = 0; i < b.dim; i++) beta[o + i] = v[i] * f;
      o += b.dim;
    }
    const X = gaussianInputs(opts.n, spectrum, r.fork("inputs"));
    const y = linearLabels(X, { beta, sigma: opts.sigma }, r.fork("noise"));
    const path = gradientDescentPath(X, y, { lr: opts.lr });
    const te: number[] = [], trn: number[] = [];
    for (const t of opts.steps) {
      const w = path.at(t);
      te.push(linearExcessRisk(w, beta, spectrum));
      trn.push(mse(predict(X, w), y));
    }
    test.push(te);
    train.push(trn);
    if (++done % 10 === 0 || done === opts.trials) {
      opts.onProgress?.({ done, total: opts.trials, label: "gradient-descent runs" });
      await yieldToKernel();
    }
  }
  const t = perPoint(test);
  return { steps: opts.steps.slice(), testMean: t.mean, testStderr: t.se, testMedian: t.median, trainMean: perPoint(train).mean, testRuns: test };
}

/** One simulated point of `rfTowardLimit`. */
export interface LimitPoint {
  d: number;
  n: number;
  P: number;
  /** The lab's ridge (= lambdaMM / d). */
  ridge: number;
  /** Mean, standard error and median of the test error over the seeds. */
  mean: number;
  se: number;
  median: number;
  seeds: number;
}

/**
 * Random-features regression at growing size with the ratios of Mei & Montanari's limit held fixed:
 * for each input dimension d in `ds`, n = psi2 d samples of an isotropic Gaussian linear teacher
 * (||beta||^2 = r2, noise sigma), and for each requested point P = psi1 d features with MM's penalty
 * lambdaMM, i.e. the lab's ridge lambdaMM / d (theory.rfRisk's conversion). Returns result[point][d].
 * Dimension d uses `rng.fork("d <d>")` for every point (shared data and nested features), `seeds(d)`
 * independent draws, test error against the noiseless teacher on `nTest` fresh inputs.
 */
export async function rfTowardLimit(opts: {
  ds: number[];
  psi2: number;
  points: { psi1: number; lambdaMM: number }[];
  seeds: (d: number) => number;
  act: Activation;
  r2: number;
  sigma: number;
  nTest: number;
  rng: Rng;
  onProgress?: OnProgress;
}): Promise<LimitPoint[][]> {
  const out: LimitPoint[][] = opts.points.map(() => []);
  let done = 0;
  for (const d of opts.ds) {
    const n = Math.round(opts.psi2 * d);
    const r = opts.rng.fork(`d ${d}`);
    const data = (s: Rng): TeacherSplit => {
      const t = linearTeacher(d, { r2: opts.r2, sigma: opts.sigma }, s.fork("teacher"));
      const spec = new Float64Array(d).fill(1);
      const tr = linearRegressionSet(n, spec, t, s.fork("train")), te = linearRegressionSet(opts.nTest, spec, t, s.fork("test"));
      return { train: { x: tr.x, y: tr.y }, test: { x: te.x, f: te.f } };
    };
    // one sweep per distinct penalty; points with the same penalty share it
    const lambdas = Array.from(new Set(opts.points.map((p) => p.lambdaMM)));
    for (const lam of lambdas) {
      const idx = opts.points.map((p, i) => (p.lambdaMM === lam ? i : -1)).filter((i) => i >= 0);
      const Ps = idx.map((i) => Math.round(opts.points[i].psi1 * d));
      const [curve] = await rfSweep({ Ps, ridges: [lam / d], seeds: opts.seeds(d), act: opts.act, rng: r, data });
      idx.forEach((i, j) => out[i].push({ d, n, P: Ps[j], ridge: lam / d, mean: curve.testMean[j], se: curve.testStderr[j], median: curve.testMedian[j], seeds: opts.seeds(d) }));
    }
    opts.onProgress?.({ done: ++done, total: opts.ds.length, label: "dimensions" });
  }
  return out;
}
