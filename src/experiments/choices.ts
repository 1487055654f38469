/**
 * Chapter 11: the choices inside a model.
 *   criticality      pre-activation statistics across initialisations for several network specs
 *   layerTrend       a bootstrap over initialisations of any statistic of the per-layer moments
 *                    (the per-layer variance factor, the slope of the kurtosis with depth)
 *   batchSizeStudy   steps and examples to reach a target loss against the batch size (learning rate
 *                    tuned per batch), and the gradient noise scale along a large-batch run
 *   fitStepsExamples (S / S_min - 1)(E / E_min - 1) = 1 fitted to (batch, steps) points
 *   lrTransfer       final loss against learning rate and width, standard parameterization and muP
 *   bestLr           the loss-minimising learning rate of a sweep, with a bootstrap over seeds
 *   transferSlope    how that learning rate moves with width (log-log slope, bootstrap over seeds)
 *   linearNoiseScales  B_simple and the Hessian-weighted B_noise of a linear least-squares model, exactly
 *   linearSgdLosses  many independent minibatch-SGD runs of a linear least-squares model (plain JS): the
 *                    training loss at chosen steps, to compare with the exact expected loss (theory.sgdExpectedLoss)
 *   layerNtkTraces   each layer's share of a network's learning-rate-weighted NTK (its step in function
 *                    space per unit learning rate), averaged over initialisations, per width
 */
import type * as tfjs from "@tensorflow/tfjs";
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import { yieldToKernel } from "../progress";
import type { Matrix } from "../linalg/matrix";
import type { TeacherTask } from "../data/teacherTask";
import { network, Network, toTensor, activationDerivativeTensor } from "../train/network";
import { NetworkSpec, Parameterization } from "../train/spec";
import { fit } from "../train/fit";
import { gradientNoise } from "../train/gradientNoise";
import { layerStatistics, LayerStatistics, Estimate } from "../train/layerStats";
import { bootstrap, resampleIndices } from "../stats/bootstrap";
import { mean } from "../stats/descriptive";
import { leastSquaresLine } from "../fit/line";

// ---------------------------------------------------------------- criticality

/** m points on the sphere |x|^2 = d (the norm every input of `criticality` shares). */
export function sphereInputs(m: number, d: number, rng: Rng): Matrix {
  const data = rng.normals(m * d);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += data[i * d + j] ** 2;
    const f = Math.sqrt(d / s);
    for (let j = 0; j < d; j++) data[i * d + j] *= f;
  }
  return { rows: m, cols: d, data };
}

/** One initialisation of a deep network and the statistics of its pre-activations layer by layer. */
export interface CriticalityCase {
  label: string;
  spec: NetworkSpec;
  stats: LayerStatistics;
}

/**
 * `train.layerStatistics` for each labelled spec, `inits` initialisations each (rng fork per label),
 * on `inputs` points of norm^2 = inputDim shared by all cases (`rng.fork("inputs")`).
 */
export async function criticality(o: { cases: { label: string; spec: NetworkSpec; inits?: number }[]; inits: number; inputs: number; rng: Rng; onProgress?: OnProgress }): Promise<CriticalityCase[]> {
  const out: CriticalityCase[] = [];
  const total = o.cases.reduce((s, c) => s + (c.inits ?? o.inits), 0);
  let done = 0;
  for (const c of o.cases) {
    const X = sphereInputs(o.inputs, c.spec.inputDim, o.rng.fork("inputs"));
    const before = done;
    const stats = await layerStatistics({ spec: c.spec, inits: c.inits ?? o.inits, inputs: X, rng: o.rng.fork(c.label),
      onProgress: (p) => o.onProgress?.({ done: before + p.done, total, label: c.label }) });
    done += c.inits ?? o.inits;
    out.push({ label: c.label, spec: c.spec, stats });
  }
  return out;
}

/**
 * The inverse-variance weighted mean of independent estimates of one quantity, with its standard
 * error 1/sqrt(sum 1/se^2): e.g. one ratio measured at several widths. Pooling shows an error common
 * to all of them (a wrong constant in a formula) that each estimate alone is too noisy to show.
 */
export function pooledEstimate(estimates: readonly Estimate[]): Estimate {
  if (estimates.length === 0) throw new RangeError("pooledEstimate: no estimates");
  let w = 0, wx = 0;
  for (const e of estimates) {
    if (!(e.se > 0) || !Number.isFinite(e.se) || !Number.isFinite(e.value)) throw new RangeError(`pooledEstimate: each estimate needs a finite value and a positive standard error, got ${e.value} ± ${e.se}`);
    w += 1 / (e.se * e.se);
    wx += e.value / (e.se * e.se);
  }
  return { value: wx / w, se: 1 / Math.sqrt(w) };
}

/**
 * A statistic of the per-layer moments (G_l = mean square, F_l = mean fourth power, each averaged
 * over initialisations) with its bootstrap over initialisations: `statistic(G, F)` is evaluated on
 * the data and on B resamples of the initialisations (rng forks `boot b`).
 */
export function layerTrend(stats: LayerStatistics, statistic: (G: number[], F: number[]) => number, opts: { rng: Rng; B?: number }): Estimate & { ci: [number, number] } {
  const { meanSquare: ms, meanFourth: m4 } = stats.perInit;
  const R = ms.length, L = ms[0].length, B = opts.B ?? 400;
  const moments = (idx: ArrayLike<number>): [number[], number[]] => {
    const G = new Array(L).fill(0), F = new Array(L).fill(0);
    for (let i = 0; i < idx.length; i++) for (let l = 0; l < L; l++) { G[l] += ms[idx[i]][l]; F[l] += m4[idx[i]][l]; }
    return [G.map((v) => v / idx.length), F.map((v) => v / idx.length)];
  };
  const value = statistic(...moments(Int32Array.from({ length: R }, (_, i) => i)));
  const boot = bootstrap((r) => statistic(...moments(resampleIndices(r, R))), { rng: opts.rng, B });
  return { value, se: boot.se, ci: boot.ci };
}

// ---------------------------------------------------------------- a regression task for the training studies

// ---------------------------------------------------------------- batch size

/** One training run at a batch size and learning rate: the steps it took to reach each target loss. */
export interface BatchRun {
  batch: number;
  lr: number;
  /** Steps to reach each target training loss (Infinity if not within the budget, or diverged). */
  steps: number[];
}

/** Steps to reach target losses against the batch size (best learning rate per batch), with the gradient-noise scales. */
export interface BatchSizeStudy {
  /** Target training losses, decreasing. */
  targets: number[];
  batchSizes: number[];
  /** best[s][b][t]: seed s, batch size b, target t: the fewest steps over the learning rates (and that rate). */
  best: { lr: number; steps: number }[][][];
  runs: BatchRun[][][];
  /** Gradient noise along a full-batch run at the best full-batch learning rate (seed 0): per evaluation. */
  noise: { step: number; loss: number; bSimple: number }[];
  seconds: number;
}

/**
 * For each seed and batch size B: train the student (`spec`, `rng.fork(\`seed ${s}\`)`) with plain SGD,
 * minibatches drawn without replacement each epoch, evaluating the training loss on the whole training
 * set every `evalEvery(B)` steps, until it is at most the last (lowest) target; record when it first
 * reached each target, and keep the fewest steps per target over the learning rates. The learning rates
 * `lrs` are tried from large to small: runs that diverge are cheap, a run is cut at 1.5x the best so
 * far (a slower one cannot be the best), and the search stops once `patience` finished runs in a row
 * have not improved on the best (the steps are unimodal in the learning rate). Then the gradient noise
 * scale B_simple along a full-batch run (seed 0) at the best full-batch learning rate for the lowest target.
 */
export async function batchSizeStudy(o: {
  task: TeacherTask; spec: NetworkSpec; batchSizes: number[]; lrs: number[]; patience?: number; seeds: number; targets: number[];
  maxSteps: number; evalEvery: (batch: number) => number; rng: Rng; onProgress?: OnProgress;
}): Promise<BatchSizeStudy> {
  const t0 = Date.now();
  const n = o.task.train.x.rows;
  const targets = o.targets.slice().sort((a, b) => b - a), last = targets[targets.length - 1];
  const best: { lr: number; steps: number }[][][] = [], runs: BatchRun[][][] = [];
  const total = o.seeds * o.batchSizes.length;
  let done = 0;
  for (let s = 0; s < o.seeds; s++) {
    const rs = o.rng.fork(`seed ${s}`);
    const bestS: { lr: number; steps: number }[][] = [], runsS: BatchRun[][] = [];
    for (const B of o.batchSizes) {
      const lrs = o.lrs.slice().sort((a, b) => b - a);
      const top = targets.map(() => ({ lr: NaN, steps: Infinity }));
      const all: BatchRun[] = [];
      let stale = 0;
      for (const lr of lrs) {
        if (stale >= (o.patience ?? 2)) break;
        const lastBest = top[top.length - 1].steps;
        const budget = Number.isFinite(lastBest) ? Math.min(o.maxSteps, Math.ceil(1.5 * lastBest)) : o.maxSteps;
        const net = await network(o.spec, { rng: rs.fork("net") });
        try {
          const run = await fit(net, o.task.train, {
            optimizer: { kind: "sgd", lr }, loss: "mse", steps: budget, batchSize: Math.min(B, n), rng: rs.fork(`batches ${B}`),
            evalEvery: o.evalEvery(B), stopWhen: (rec) => rec.trainLoss <= last, onDivergence: "stop", maxLoss: 1e6,
          });
          const steps = targets.map((t) => run.history.find((h) => h.trainLoss <= t)?.step ?? Infinity);
          all.push({ batch: B, lr, steps });
          const before = top[top.length - 1].steps;
          steps.forEach((v, k) => { if (v < top[k].steps) top[k] = { lr, steps: v }; });
          if (run.stopped !== "diverged") stale = top[top.length - 1].steps < before ? 0 : stale + 1;
        } finally {
          net.dispose();
        }
      }
      bestS.push(top);
      runsS.push(all);
      o.onProgress?.({ done: ++done, total, label: `seed ${s}, batch ${B}` });
      await yieldToKernel();
    }
    best.push(bestS);
    runs.push(runsS);
  }
  // the noise scale along a full-batch run of seed 0 at its best learning rate
  const full = best[0][best[0].length - 1][targets.length - 1];
  const noise: BatchSizeStudy["noise"] = [];
  const net = await network(o.spec, { rng: o.rng.fork("seed 0").fork("net") });
  try {
    const steps = Number.isFinite(full.steps) ? full.steps : o.maxSteps;
    await fit(net, o.task.train, {
      optimizer: { kind: "sgd", lr: full.lr }, loss: "mse", steps, evalEvery: 1,
      metrics: { bSimple: (nn) => gradientNoise(nn, o.task.train).bSimple },
      onEval: (h) => { const r = h[h.length - 1]; noise.push({ step: r.step, loss: r.trainLoss, bSimple: r.bSimple as number }); },
    });
  } finally {
    net.dispose();
  }
  return { targets, batchSizes: o.batchSizes.slice(), best, runs, noise, seconds: (Date.now() - t0) / 1000 };
}

/** The fit (S/S_min - 1)(E/E_min - 1) = 1 of steps against examples (McCandlish et al.), and its critical batch. */
export interface StepsExamplesFit {
  /** S_min: steps at infinite batch. */
  sMin: number;
  /** E_min: examples at batch -> 0. */
  eMin: number;
  /** B_crit = E_min / S_min. */
  bCrit: number;
}

/**
 * Fit S(B) = S_min + E_min / B, which is (S / S_min - 1)(E / E_min - 1) = 1 with E = S B, by least
 * squares on the relative residuals (each point weighted by 1 / S^2, so every batch size counts alike).
 */
export function fitStepsExamples(batch: ArrayLike<number>, steps: ArrayLike<number>): StepsExamplesFit {
  let a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
  for (let i = 0; i < batch.length; i++) {
    if (!Number.isFinite(steps[i])) continue;
    const w = 1 / steps[i] ** 2, u = 1 / batch[i];
    a11 += w; a12 += w * u; a22 += w * u * u; b1 += w * steps[i]; b2 += w * steps[i] * u;
  }
  const det = a11 * a22 - a12 * a12;
  const sMin = (b1 * a22 - b2 * a12) / det, eMin = (a11 * b2 - a12 * b1) / det;
  return { sMin, eMin, bCrit: eMin / sMin };
}

// ---------------------------------------------------------------- learning-rate transfer

/** Final losses over widths and learning rates for each parameterization: whether the best learning rate transfers across widths. */
export interface LrTransferStudy {
  widths: number[];
  lrs: number[];
  parameterizations: Parameterization[];
  baseWidth: number;
  steps: number;
  /** loss[p][w][l][s]: final training loss (mean over the last evaluations; Infinity when diverged). */
  loss: number[][][][];
  seconds: number;
}

/**
 * Train `hidden.length` hidden layers of each width with full-batch SGD at each learning rate, under
 * each parameterization (muP relative to `baseWidth`, where it equals the standard one), `seeds`
 * initialisations (`rng.fork(\`seed ${s}\`)`, shared by the widths' forks), and record the training
 * loss averaged over the last `tail` evaluations.
 */
export async function lrTransfer(o: {
  task: TeacherTask; depth: number; widths: number[]; lrs: number[]; parameterizations: Parameterization[]; baseWidth: number;
  steps: number; seeds: number; tail?: number; rng: Rng; onProgress?: OnProgress;
}): Promise<LrTransferStudy> {
  const t0 = Date.now();
  const d = o.task.train.x.cols, tail = o.tail ?? 5;
  const total = o.parameterizations.length * o.widths.length * o.lrs.length * o.seeds;
  let done = 0;
  const loss: number[][][][] = [];
  for (const p of o.parameterizations) {
    const byW: number[][][] = [];
    for (const w of o.widths) {
      const spec: NetworkSpec = { inputDim: d, hidden: new Array(o.depth).fill(w), parameterization: p, ...(p === "mup" ? { baseWidth: o.baseWidth } : {}) };
      const byLr: number[][] = [];
      for (const lr of o.lrs) {
        const bySeed: number[] = [];
        for (let s = 0; s < o.seeds; s++) {
          const net = await network(spec, { rng: o.rng.fork(`seed ${s}`).fork(`width ${w}`) });
          try {
            const run = await fit(net, o.task.train, { optimizer: { kind: "sgd", lr }, loss: "mse", steps: o.steps, evalEvery: Math.max(1, Math.floor(o.steps / 20)), onDivergence: "stop", maxLoss: 1e4 });
            const h = run.history.slice(-tail).map((r) => r.trainLoss);
            bySeed.push(run.stopped === "diverged" ? Infinity : mean(h));
          } finally {
            net.dispose();
          }
          o.onProgress?.({ done: ++done, total, label: `${p}, width ${w}` });
        }
        byLr.push(bySeed);
        await yieldToKernel();
      }
      byW.push(byLr);
    }
    loss.push(byW);
  }
  return { widths: o.widths.slice(), lrs: o.lrs.slice(), parameterizations: o.parameterizations.slice(), baseWidth: o.baseWidth, steps: o.steps, loss, seconds: (Date.now() - t0) / 1000 };
}

/** The log2 learning rate minimising the seed-averaged log loss over `seeds` (see `bestLr`). */
function lossVertex(x: number[], loss: number[][], seeds: ArrayLike<number>, worst: number): number {
  const y = loss.map((row) => {
    let m = 0;
    for (let i = 0; i < seeds.length; i++) m += Math.log(Number.isFinite(row[seeds[i]]) ? row[seeds[i]] : worst);
    return m / seeds.length;
  });
  let k = 0;
  for (let i = 1; i < y.length; i++) if (y[i] < y[k]) k = i;
  if (k === 0 || k === y.length - 1) return x[k];
  // parabola through (x[k-1], y[k-1]), (x[k], y[k]), (x[k+1], y[k+1])
  const x0 = x[k - 1], x1 = x[k], x2 = x[k + 1], y0 = y[k - 1], y1 = y[k], y2 = y[k + 1];
  const den = (x0 - x1) * (x0 - x2) * (x1 - x2);
  const a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / den;
  const b = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / den;
  const v = a > 0 ? -b / (2 * a) : x1;
  return Math.min(Math.max(v, x0), x2);
}

/**
 * The learning rate that minimises a sweep's loss (`loss[l][s]`: learning rate l, seed s): the vertex
 * of a parabola through the seed-averaged log loss at the best grid point and its two neighbours,
 * in log2(lr) (a diverged run counts as ten times the worst finite loss). Bootstrap over seeds (rng
 * forks `boot b`) for its standard error and 95% interval, in log2 units.
 */
export function bestLr(lrs: number[], loss: number[][], opts: { rng: Rng; B?: number }): { log2Lr: number; se: number; ci: [number, number] } {
  const S = loss[0].length, B = opts.B ?? 400;
  const x = lrs.map(Math.log2);
  const worst = 10 * Math.max(...loss.flat().filter(Number.isFinite));
  const est = lossVertex(x, loss, Int32Array.from({ length: S }, (_, i) => i), worst);
  const boot = bootstrap((r) => lossVertex(x, loss, resampleIndices(r, S), worst), { rng: opts.rng, B });
  return { log2Lr: est, se: boot.se, ci: boot.ci };
}

/**
 * How the best learning rate moves with width under parameterization `p` of a transfer study: the
 * least-squares slope of log2(best lr) against log2(width), with a bootstrap that resamples the seeds
 * (the same resample for every width, since seed s shares its forks across widths).
 */
export function transferSlope(study: LrTransferStudy, p: number, opts: { rng: Rng; B?: number }): { slope: number; se: number; ci: [number, number]; log2Lr: number[] } {
  const S = study.loss[p][0][0].length, B = opts.B ?? 400;
  const x = study.lrs.map(Math.log2), lw = study.widths.map(Math.log2);
  const worst = 10 * Math.max(...study.loss[p].flat(2).filter(Number.isFinite));
  const at = (seeds: ArrayLike<number>): number[] => study.loss[p].map((byLr) => lossVertex(x, byLr, seeds, worst));
  const all = at(Int32Array.from({ length: S }, (_, i) => i));
  const slopeOf = (ys: ArrayLike<number>) => leastSquaresLine(lw, ys, "transferSlope").slope;
  const boot = bootstrap((r) => slopeOf(at(resampleIndices(r, S))), { rng: opts.rng, B });
  return { slope: slopeOf(all), se: boot.se, ci: boot.ci, log2Lr: all };
}

/**
 * The two gradient noise scales of McCandlish et al. for a linear least-squares model f = x.w with
 * the "mse" loss, exactly: B_simple = tr(Sigma) / |G|^2 and B_noise = tr(H Sigma) / (G^T H G), with
 * H = (2/n) X^T X the Hessian, g_i = 2 x_i (x_i.w - y_i) and Sigma their covariance over the n examples.
 */
export function linearNoiseScales(x: Matrix, y: ArrayLike<number>, w: ArrayLike<number>): { bSimple: number; bNoise: number } {
  const n = x.rows, d = x.cols;
  const H = new Float64Array(d * d), G = new Float64Array(d), e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let j = 0; j < d; j++) f += x.data[i * d + j] * w[j];
    e[i] = f - y[i];
    for (let j = 0; j < d; j++) {
      const xj = x.data[i * d + j];
      G[j] += (2 * xj * e[i]) / n;
      for (let k = 0; k < d; k++) H[j * d + k] += (2 * xj * x.data[i * d + k]) / n;
    }
  }
  const quad = (v: ArrayLike<number>): number => {
    let s = 0;
    for (let j = 0; j < d; j++) { let t = 0; for (let k = 0; k < d; k++) t += H[j * d + k] * v[k]; s += v[j] * t; }
    return s;
  };
  let mH = 0, m2 = 0;
  const g = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) g[j] = 2 * x.data[i * d + j] * e[i];
    mH += quad(g) / n;
    for (let j = 0; j < d; j++) m2 += (g[j] * g[j]) / n;
  }
  const GG = G.reduce((s2, v) => s2 + v * v, 0), GHG = quad(G);
  return { bSimple: (m2 - GG) / GG, bNoise: (mH - GHG) / GHG };
}

/**
 * `seeds` independent runs of plain minibatch SGD on the linear model f = x.w from w = 0, with the "mse"
 * loss L = mean (x.w - y)^2 over the training set (x, y) (gradient 2 x (x.w - y) per example), batches of
 * `batch` drawn without replacement within each epoch (a fresh permutation per epoch, as `train.fit`
 * draws them), learning rate `lr`. Returns loss[s][k], the training loss of run s after `steps[k]`
 * steps (run s uses `rng.fork(\`run ${s}\`)`). Plain JS and exact in float64: a linear model needs no
 * tensors, so thousands of runs take seconds, enough to measure the expected loss of SGD.
 */
export function linearSgdLosses(o: { x: Matrix; y: ArrayLike<number>; batch: number; lr: number; steps: number[]; seeds: number; rng: Rng }): number[][] {
  const n = o.x.rows, d = o.x.cols, B = Math.min(o.batch, n);
  // plain copies: a notebook's arrays may sit behind a slow proxy
  const X = Float64Array.from(o.x.data), Y = Float64Array.from(o.y);
  if (o.y.length !== n) throw new RangeError(`linearSgdLosses: ${n} inputs but ${o.y.length} targets`);
  if (!(Number.isInteger(B) && B >= 1)) throw new RangeError(`linearSgdLosses: batch must be a positive integer, got ${o.batch}`);
  const want = o.steps.slice().sort((a, b) => a - b), last = want[want.length - 1] ?? 0;
  const lossOf = (w: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      let f = 0;
      for (let j = 0; j < d; j++) f += X[i * d + j] * w[j];
      s += (f - Y[i]) ** 2;
    }
    return s / n;
  };
  const out: number[][] = [];
  for (let s = 0; s < o.seeds; s++) {
    const rs = o.rng.fork(`run ${s}`);
    const w = new Float64Array(d), g = new Float64Array(d);
    const at = new Map<number, number>();
    let perm = rs.permutation(n), pos = 0, k = 0;
    for (let t = 0; t <= last; t++) {
      while (k < want.length && want[k] === t) { at.set(t, lossOf(w)); k++; }
      if (t === last) break;
      if (pos + B > n) { perm = rs.permutation(n); pos = 0; }
      g.fill(0);
      for (let b = 0; b < B; b++) {
        const i = perm[pos + b];
        let f = 0;
        for (let j = 0; j < d; j++) f += X[i * d + j] * w[j];
        const r = (2 * (f - Y[i])) / B;
        for (let j = 0; j < d; j++) g[j] += r * X[i * d + j];
      }
      pos += B;
      for (let j = 0; j < d; j++) w[j] -= o.lr * g[j];
    }
    out.push(o.steps.map((t) => at.get(t) as number));
  }
  return out;
}

/**
 * Each layer's part of one network's learning-rate-weighted NTK, averaged over the inputs' diagonal:
 * for layer l, mean over x of s_l m_l^2 |delta^l(x)|^2 |a^(l-1)(x)|^2 + s_b m_b^2 |delta^l(x)|^2, with s the
 * layer's SGD learning-rate scale (the terms of `train.empiricalNtk`; output 0). It is the first-order
 * change of f(x) per unit learning rate that a gradient step on layer l makes, in function space: under
 * muP it stays of order one at every width for every layer, which is why the best learning rate transfers.
 */
export function layerNtkDiagonal(net: Network, X: Matrix): number[] {
  const tf = net.tf;
  return tf.tidy(() => {
    const x = toTensor(tf, X, "layerNtkDiagonal");
    const { pre, post } = net.trace(x);
    const n = x.shape[0], L = net.layers.length;
    const sel = new Float32Array(n * net.spec.outputDim);
    for (let i = 0; i < n; i++) sel[i * net.spec.outputDim] = 1;
    let delta: tfjs.Tensor2D = tf.tensor2d(sel, [n, net.spec.outputDim]);
    const out = new Array<number>(L).fill(0);
    for (let l = L - 1; l >= 0; l--) {
      const layer = net.layers[l];
      const dd = tf.sum(tf.square(delta), 1), aa = tf.sum(tf.square(post[l]), 1);
      let t = tf.mul(tf.mul(dd, aa), layer.lrScale.sgd * layer.multiplier ** 2);
      if (layer.b) t = tf.add(t, tf.mul(dd, layer.biasLrScale.sgd * layer.biasMultiplier ** 2));
      out[l] = (tf.mean(t).dataSync() as Float32Array)[0];
      if (l === 0) break;
      const back = tf.mul(tf.matMul(delta, layer.W, false, true), layer.multiplier);
      delta = tf.mul(back, activationDerivativeTensor(tf, net.spec.activation, pre[l - 1])) as tfjs.Tensor2D;
    }
    return out;
  });
}

/** Each layer's learning-rate-weighted NTK diagonal (`layerNtkDiagonal`) over initialisations, per parameterization and width. */
export interface LayerNtkStudy {
  widths: number[];
  parameterizations: Parameterization[];
  /** perInit[p][w][i][l]: parameterization p, width w, initialisation i, layer l. */
  perInit: number[][][][];
  /** The mean over initialisations with its standard error, [p][w][l]. */
  mean: Estimate[][][];
}

/**
 * `layerNtkDiagonal` on the training inputs of `task` for networks of `depth` hidden layers of each
 * width (the specs of `lrTransfer`: muP relative to `baseWidth`), `inits` initialisations each (the
 * same rng forks as `lrTransfer`'s seeds: \`seed ${i}\` then \`width ${w}\`).
 */
export async function layerNtkTraces(o: { task: TeacherTask; depth: number; widths: number[]; parameterizations: Parameterization[]; baseWidth: number; inits: number; rng: Rng }): Promise<LayerNtkStudy> {
  const d = o.task.train.x.cols;
  const perInit: number[][][][] = [], meanOut: Estimate[][][] = [];
  for (const p of o.parameterizations) {
    const byW: number[][][] = [], mByW: Estimate[][] = [];
    for (const w of o.widths) {
      const spec: NetworkSpec = { inputDim: d, hidden: new Array(o.depth).fill(w), parameterization: p, ...(p === "mup" ? { baseWidth: o.baseWidth } : {}) };
      const rows: number[][] = [];
      for (let i = 0; i < o.inits; i++) {
        const net = await network(spec, { rng: o.rng.fork(`seed ${i}`).fork(`width ${w}`) });
        try { rows.push(layerNtkDiagonal(net, o.task.train.x)); } finally { net.dispose(); }
      }
      await yieldToKernel();
      byW.push(rows);
      mByW.push(rows[0].map((_, l) => {
        const v = rows.map((r) => r[l]), m = mean(v);
        const sd = Math.sqrt(v.reduce((s2, x) => s2 + (x - m) ** 2, 0) / (v.length - 1));
        return { value: m, se: sd / Math.sqrt(v.length) };
      }));
    }
    perInit.push(byW);
    meanOut.push(mByW);
  }
  return { widths: o.widths.slice(), parameterizations: o.parameterizations.slice(), perInit, mean: meanOut };
}
