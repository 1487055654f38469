/**
 * Chapter 08: delayed generalization (grokking).
 *   linearGrokking        gradient descent on the linear teacher-student task (Levi, Beck & Bar-Sinai,
 *                         arXiv 2310.16441), exactly, for several sample sizes and seeds
 *   linearGrokkingByFit   one such run through the lab's training loop (to check the exact dynamics)
 *   modularGrokking       an MLP on modular addition with AdamW (Power et al., arXiv 2201.02177)
 *   jumpOverDirections    the jump step expected on one run's own spectrum (its error direction averaged)
 *   mpJumpGap             the d -> infinity jump time against sampled finite-d spectra, extrapolated in 1/d
 *   crossingStep          when a recorded curve first reaches a level
 */
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import { yieldToKernel } from "../progress";
import type { Matrix } from "../linalg/matrix";
import { eigh, eigvalsh, gram } from "../linalg";
import { weightedLine, LineFit } from "../fit/line";
import { linearGdTheory } from "../theory/linearGrokking";
import { mean, stderr } from "../stats/descriptive";
import { linearTeacherStudent, toleranceAccuracy, TeacherStudentTask } from "../data/teacherStudent";
import { modularAddition } from "../data/modular";
import { network } from "../train/network";
import { fit, EvalRecord } from "../train/fit";

/**
 * The first x at which ys reaches `level` (ys[i] >= level), interpolated linearly between the two
 * recorded points around the crossing; Infinity if it never does.
 */
export function crossingStep(xs: ArrayLike<number>, ys: ArrayLike<number>, level: number): number {
  for (let i = 0; i < ys.length; i++) {
    if (ys[i] >= level) {
      if (i === 0) return xs[0];
      const f = (level - ys[i - 1]) / (ys[i] - ys[i - 1]);
      return xs[i - 1] + f * (xs[i] - xs[i - 1]);
    }
  }
  return Infinity;
}

/** Steps 0..max: every step up to `dense`, then geometrically spaced (ratio `ratio`). */
export function evalSteps(max: number, dense = 50, ratio = 1.03): number[] {
  const out: number[] = [];
  for (let t = 0; t <= Math.min(dense, max); t++) out.push(t);
  let t = dense;
  while (t < max) {
    t = Math.min(max, Math.max(t + 1, Math.round(t * ratio)));
    out.push(t);
  }
  return out;
}

/** One gradient-descent run of the linear grokking model: training and test losses and accuracies against steps. */
export interface LinearGrokkingRun {
  nTrain: number;
  lambda: number;
  steps: number[];
  trainLoss: number[];
  /** Population test loss E (x.D)^2 = |D|^2 (exact for Gaussian inputs). */
  testLoss: number[];
  trainAcc: number[];
  /** On the sampled test set. */
  testAcc: number[];
  /** |D0|^2 per output: the test loss at initialisation. */
  initLoss: number;
  /** Steps at which train and test accuracy first reach `level` (interpolated). */
  trainStep: number;
  testStep: number;
  /** Eigenvalues (ascending) of the run's sample covariance X^T X / n: its own spectrum, for `jumpOverDirections`. */
  eigenvalues: number[];
}

/** The student a linear network starts from (its weights at initialisation), dIn x dOut. */
async function studentInit(task: TeacherStudentTask, cw: number, rng: Rng): Promise<Float64Array> {
  const net = await network({ inputDim: task.dIn, hidden: [], outputDim: task.dOut, bias: false, cw }, { rng });
  const w = Float64Array.from(net.snapshot()[0]);
  net.dispose();
  return w;
}

/**
 * Full-batch gradient descent with learning rate `lr` on the "mse" loss of a linear student
 * (initialised as `train.network` initialises a bias-free linear layer with weight scale `cw`), computed
 * exactly in the eigenbasis of the sample covariance: each component of the error D along an
 * eigenvector of X^T X / n (eigenvalue l) is multiplied by (1 - 2 lr l) per step. Accuracies use the
 * tolerance `epsilon` on the per-sample squared error; `level` marks the jump.
 */
export async function linearGrokkingRun(o: { dIn: number; nTrain: number; nTest: number; lr: number; steps: number[]; epsilon: number; level?: number; cw?: number; rng: Rng }): Promise<LinearGrokkingRun> {
  const task = linearTeacherStudent({ dIn: o.dIn, nTrain: o.nTrain, nTest: o.nTest, rng: o.rng.fork("task") });
  const d = task.dIn, k = task.dOut, n = o.nTrain;
  const s0 = await studentInit(task, o.cw ?? 1, o.rng.fork("student"));
  const cov = gram(task.train.x);
  for (let i = 0; i < cov.data.length; i++) cov.data[i] /= n;
  const { values: ev, vectors: V } = eigh(cov);
  // c0 = V^T D0 (d x k), and the data in the eigenbasis: X V (n x d), Xtest V
  const c0 = new Float64Array(d * k);
  for (let j = 0; j < d; j++) for (let c = 0; c < k; c++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += V.data[i * d + j] * (s0[i * k + c] - task.teacher.data[i * k + c]);
    c0[j * k + c] = s;
  }
  const project = (x: Matrix): Float64Array => {
    const out = new Float64Array(x.rows * d);
    for (let r = 0; r < x.rows; r++) for (let i = 0; i < d; i++) {
      const v = x.data[r * d + i];
      if (v === 0) continue;
      for (let j = 0; j < d; j++) out[r * d + j] += v * V.data[i * d + j];
    }
    return out;
  };
  const XV = project(task.train.x), TV = project(task.test.x);
  const errors = (P: Float64Array, rows: number, c: Float64Array): Float64Array => {
    const e = new Float64Array(rows * k);
    for (let r = 0; r < rows; r++) for (let cc = 0; cc < k; cc++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += P[r * d + j] * c[j * k + cc];
      e[r * k + cc] = s;
    }
    return e;
  };
  const zero = (len: number): Float64Array => new Float64Array(len);
  const out: LinearGrokkingRun = { nTrain: n, lambda: d / n, steps: o.steps.slice(), trainLoss: [], testLoss: [], trainAcc: [], testAcc: [], initLoss: 0, trainStep: Infinity, testStep: Infinity, eigenvalues: Array.from(ev) };
  let d0 = 0;
  for (let i = 0; i < c0.length; i++) d0 += c0[i] * c0[i];
  out.initLoss = d0 / k;
  const c = new Float64Array(d * k);
  for (const t of o.steps) {
    let pop = 0;
    for (let j = 0; j < d; j++) {
      const f = (1 - 2 * o.lr * ev[j]) ** t;
      for (let cc = 0; cc < k; cc++) { c[j * k + cc] = f * c0[j * k + cc]; pop += c[j * k + cc] ** 2; }
    }
    const eTr = errors(XV, n, c), eTe = errors(TV, o.nTest, c);
    let tr = 0;
    for (let i = 0; i < eTr.length; i++) tr += eTr[i] * eTr[i];
    out.trainLoss.push(tr / eTr.length);
    out.testLoss.push(pop / k);
    out.trainAcc.push(toleranceAccuracy(eTr, zero(eTr.length), k, o.epsilon));
    out.testAcc.push(toleranceAccuracy(eTe, zero(eTe.length), k, o.epsilon));
  }
  const level = o.level ?? 0.5;
  out.trainStep = crossingStep(out.steps, out.trainAcc, level);
  out.testStep = crossingStep(out.steps, out.testAcc, level);
  return out;
}

/**
 * The step at which sum_k w_k l_k^p (1 - 2 lr l_k)^(2t) (p = 0: the test loss, p = 1: the train loss of
 * an error with components w_k = c_k^2 along eigenvalues l_k) first falls to `level`: found by bisection
 * over integer steps (the loss decreases monotonically for a stable lr), then interpolated linearly
 * between the two steps around the crossing, as `crossingStep` does on a curve recorded at every step.
 * Infinity if not reached by `maxSteps`.
 */
export function spectralLossCrossing(eigenvalues: ArrayLike<number>, weights: ArrayLike<number>, lr: number, level: number, maxSteps: number, curve: "train" | "test" = "test"): number {
  const d = eigenvalues.length;
  const logf = new Float64Array(d), w = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    const l = Math.max(0, eigenvalues[k]);   // round-off can leave a zero eigenvalue slightly negative
    logf[k] = 2 * Math.log(Math.abs(1 - 2 * lr * l));
    w[k] = curve === "train" ? weights[k] * l : weights[k];
  }
  const loss = (t: number): number => {
    let s = 0;
    for (let k = 0; k < d; k++) s += w[k] * Math.exp(t * logf[k]);
    return s;
  };
  if (loss(0) <= level) return 0;
  if (loss(maxSteps) > level) return Infinity;
  let lo = 0, hi = maxSteps;   // loss(lo) > level >= loss(hi)
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (loss(mid) > level) lo = mid; else hi = mid;
  }
  const a = loss(lo), b = loss(hi);
  return lo + (a - level) / (a - b);
}

/**
 * The mean jump step of a run with this spectrum and initial loss, over uniformly random directions of
 * its initial error (|D0|^2 = initLoss fixed): `directions` draws of c = sqrt(initLoss) g / |g|,
 * g ~ N(0, I_d), each crossed with `spectralLossCrossing`. This is the per-run theory that removes the
 * scatter of the run's spectrum; the scatter of its own direction stays (one run is one draw of it).
 * Averaging the crossing step (not crossing the averaged loss) matters: at late times the loss rests on
 * the few slowest directions, and the mean crossing step lies below the crossing of the mean loss.
 */
export function jumpOverDirections(o: { eigenvalues: ArrayLike<number>; lr: number; initLoss: number; lossLevel: number; maxSteps: number; directions: number; curve?: "train" | "test"; rng: Rng }): { mean: number; se: number } {
  const d = o.eigenvalues.length, steps: number[] = [];
  for (let s = 0; s < o.directions; s++) {
    const g = o.rng.normals(d);
    let norm = 0;
    for (let k = 0; k < d; k++) norm += g[k] * g[k];
    const w = g.map((v) => (o.initLoss * v * v) / norm);
    steps.push(spectralLossCrossing(o.eigenvalues, w, o.lr, o.lossLevel, o.maxSteps, o.curve));
  }
  return { mean: mean(steps), se: stderr(steps) };
}

/** Where the jump-time theory on one sampled spectrum sits relative to the d -> infinity theory, at one lambda. */
export interface MpJumpGap {
  lambda: number;
  /** The d -> infinity jump step (`theory.linearGdTheory`, the Marchenko-Pastur law). */
  theoryStep: number;
  dims: number[];
  /** gaps[i][s] = (jump step on spectrum s at dimension dims[i]) / theoryStep - 1. */
  gaps: number[][];
  /** Mean and standard error of gaps[i] over the spectra. */
  mean: number[];
  se: number[];
  /** Weighted line gap = intercept + slope / d through the means: the intercept is the gap as d -> infinity. */
  limit: LineFit;
}

/**
 * Tests the d -> infinity theory of the jump time without the scatter of gradient-descent runs: for each
 * lambda and each d in `dims`, `spectra` Gaussian sample covariances (d x d, n = round(d / lambda)) are
 * drawn; on each, the loss averaged exactly over the error's direction (weights initLoss / d)
 * falls to `lossLevel` from `initLoss` at some step (`spectralLossCrossing`), compared with
 * `theory.linearGdTheory`'s step. The mean gap over spectra is then extrapolated to 1/d -> 0 by a
 * weighted line (the leading finite-size correction to the average of a smooth spectral statistic of a
 * real Wishart matrix is of order 1/d). Draws come from rng.fork(`lambda ${lambda}`).fork(`d ${d}`).fork(`spectrum ${s}`).
 */
export function mpJumpGap(o: { lambdas: number[]; dims: number[]; spectra: number; lr: number; initLoss: number; lossLevel: number; maxSteps: number; curve?: "train" | "test"; points?: number; rng: Rng }): MpJumpGap[] {
  if (o.dims.length < 2) throw new RangeError("mpJumpGap: need at least two dimensions to extrapolate in 1/d");
  if (!(o.spectra >= 2)) throw new RangeError(`mpJumpGap: need at least two spectra per dimension, got ${o.spectra}`);
  const steps = Array.from({ length: o.maxSteps + 1 }, (_, t) => t);
  return o.lambdas.map((lambda) => {
    const th = linearGdTheory({ lambda, lr: o.lr, steps, initLoss: o.initLoss, points: o.points ?? 800 });
    const theoryStep = crossingStep(steps, Array.from(o.curve === "train" ? th.trainLoss : th.testLoss, (v) => -v), -o.lossLevel);
    if (!Number.isFinite(theoryStep)) throw new RangeError(`mpJumpGap: at lambda = ${lambda} the theory does not reach the level within ${o.maxSteps} steps`);
    const gaps = o.dims.map((d) => {
      const n = Math.round(d / lambda), rng = o.rng.fork(`lambda ${lambda}`).fork(`d ${d}`);
      const w = new Float64Array(d).fill(o.initLoss / d);
      return Array.from({ length: o.spectra }, (_, s) => {
        const cov = gram({ rows: n, cols: d, data: rng.fork(`spectrum ${s}`).normals(n * d) });
        for (let i = 0; i < cov.data.length; i++) cov.data[i] /= n;
        return spectralLossCrossing(eigvalsh(cov), w, o.lr, o.lossLevel, o.maxSteps, o.curve) / theoryStep - 1;
      });
    });
    const m = gaps.map((g) => mean(g)), se = gaps.map((g) => stderr(g));
    return { lambda, theoryStep, dims: o.dims.slice(), gaps, mean: m, se, limit: weightedLine(o.dims.map((d) => 1 / d), m, se) };
  });
}

/** Linear grokking runs over training sizes and weight decays, with the settings they share. */
export interface LinearGrokkingStudy {
  dIn: number;
  lr: number;
  epsilon: number;
  level: number;
  nTrains: number[];
  /** runs[i][s]: sample size nTrains[i], seed s. */
  runs: LinearGrokkingRun[][];
}

/** `linearGrokkingRun` for every sample size and `seeds` seeds (rng forks `n ${n}` / `seed ${s}`). */
export async function linearGrokking(o: { dIn: number; nTrains: number[]; seeds: number; nTest: number; lr: number; maxSteps: number; epsilon: number; level?: number; rng: Rng; onProgress?: OnProgress }): Promise<LinearGrokkingStudy> {
  const steps = evalSteps(o.maxSteps);
  const runs: LinearGrokkingRun[][] = [];
  const total = o.nTrains.length * o.seeds;
  let done = 0;
  for (const n of o.nTrains) {
    const row: LinearGrokkingRun[] = [];
    for (let s = 0; s < o.seeds; s++) {
      row.push(await linearGrokkingRun({ dIn: o.dIn, nTrain: n, nTest: o.nTest, lr: o.lr, steps, epsilon: o.epsilon, level: o.level, rng: o.rng.fork(`n ${n}`).fork(`seed ${s}`) }));
      o.onProgress?.({ done: ++done, total, label: `n = ${n}` });
      await yieldToKernel();
    }
    runs.push(row);
  }
  return { dIn: o.dIn, lr: o.lr, epsilon: o.epsilon, level: o.level ?? 0.5, nTrains: o.nTrains.slice(), runs };
}

/**
 * The same task, student and learning rate as `linearGrokkingRun` with the same `rng`, trained by the
 * lab's loop (`train.fit`, full-batch SGD, float32) for `steps` steps; returns the losses at the end and
 * the final weights, to compare with the exact dynamics.
 */
export async function linearGrokkingByFit(o: { dIn: number; nTrain: number; nTest: number; lr: number; steps: number; cw?: number; rng: Rng }): Promise<{ trainLoss: number; weights: number[] }> {
  const task = linearTeacherStudent({ dIn: o.dIn, nTrain: o.nTrain, nTest: o.nTest, rng: o.rng.fork("task") });
  const net = await network({ inputDim: task.dIn, hidden: [], outputDim: task.dOut, bias: false, cw: o.cw ?? 1 }, { rng: o.rng.fork("student") });
  try {
    const run = await fit(net, task.train, { optimizer: { kind: "sgd", lr: o.lr }, loss: "mse", steps: o.steps, evalEvery: o.steps });
    return { trainLoss: run.history[run.history.length - 1].trainLoss, weights: Array.from(net.snapshot()[0]) };
  } finally {
    net.dispose();
  }
}

/** One network trained on modular addition: its evaluation history and the steps at which it fit and generalised. */
export interface ModularGrokkingRun {
  p: number;
  trainFraction: number;
  history: EvalRecord[];
  /** First-layer weights of operand a (p x width: row a is residue a's learned vector), at initialisation and at the end. */
  embeddingInit: Matrix;
  embeddingFinal: Matrix;
  seconds: number;
}

/**
 * An MLP (ReLU, standard parameterization) on modular addition: inputs [e_a, e_b], softmax
 * cross-entropy over the p sums, full batch, AdamW with decoupled weight decay, evaluated every
 * `evalEvery` steps on the training pairs and the held-out pairs. The split comes from
 * `rng.fork("split")`, the network from `rng.fork("net")`.
 */
export async function modularGrokking(o: { p: number; trainFraction: number; hidden: number[]; lr: number; weightDecay: number; beta2?: number; steps: number; evalEvery: number; rng: Rng; onProgress?: OnProgress }): Promise<ModularGrokkingRun> {
  const task = modularAddition({ p: o.p, trainFraction: o.trainFraction, rng: o.rng.fork("split") });
  const net = await network({ inputDim: 2 * o.p, hidden: o.hidden, outputDim: o.p }, { rng: o.rng.fork("net") });
  const width = o.hidden[0];
  const embedding = (): Matrix => {
    const w = net.layers[0].W.dataSync();
    return { rows: o.p, cols: width, data: Float64Array.from(w.subarray(0, o.p * width)) };
  };
  try {
    const embeddingInit = embedding();
    const run = await fit(net, task.train, {
      optimizer: { kind: "adamw", lr: o.lr, weightDecay: o.weightDecay, beta2: o.beta2 ?? 0.98 }, loss: "softmax-ce",
      steps: o.steps, evalEvery: o.evalEvery, test: task.test, onProgress: o.onProgress,
    });
    return { p: o.p, trainFraction: task.trainFraction, history: run.history, embeddingInit, embeddingFinal: embedding(), seconds: run.seconds };
  } finally {
    net.dispose();
  }
}
