/**
 * Chapter 03: min-norm interpolation with a few strong directions ("spikes", where the teacher lives)
 * and a bath of many weak ones, at any bath size (Bartlett, Long, Lugosi & Tsigler, arXiv 1906.11300).
 */
import * as la from "../linalg";
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import { yieldToKernel } from "../progress";
import { gaussianInputs, linearExcessRisk, linearLabels, spikesBathSpectrum } from "../data/gaussian";
import { wishartGram } from "../data/randomMatrices";
import { predict, psdSolve, ridgeFit } from "../models/linear";
import { mse, summarize } from "../stats/descriptive";

type Matrix = la.Matrix;

/** The excess risk of the minimum-norm interpolator on a spikes-plus-bath design, split into spike and bath parts. */
export interface SpikesBathResult {
  /** Excess risk (w - beta)^T Sigma (w - beta), and its parts from the spikes and from the bath. */
  excessRisk: number;
  spikeRisk: number;
  bathRisk: number;
  /** Training mean squared error (0 up to round-off once the model interpolates, k + bathDim >= n). */
  trainMse: number;
}

/**
 * Min-norm interpolation w = X^T (X X^T)^-1 y for x with `spikes.length` strong directions (variances
 * `spikes`, where the teacher lives: y = x_spikes . beta + sigma*noise) plus an isotropic bath of
 * `bathDim` directions of variance `bathVar` (no teacher weight there).
 *
 * Only n x n matrices are formed: X X^T = Xs Xs^T + bathVar * W with W ~ Wishart(bathDim, I_n) drawn
 * exactly (Bartlett), and the bath part of the risk is bathVar * ||w_bath||^2 =
 * bathVar * alpha^T (bathVar W) alpha. So the cost does not grow with bathDim. For bathDim < n the
 * bath Gram is built from an explicit n x bathDim design instead, and for k + bathDim < n the fit is
 * ordinary least squares (no interpolation). Draws by name: the spike inputs from `rng.fork("spikes")`,
 * the label noise from `rng.fork("noise")`, the bath from `rng.fork("bath")`, so calls with the same
 * rng and different bath sizes share their spike inputs and noise (common random numbers).
 */
export function minNormSpikesBath(opts: {
  n: number;
  spikes: ArrayLike<number>;
  beta: ArrayLike<number>;
  bathDim: number;
  bathVar: number;
  sigma: number;
  rng: Rng;
}): SpikesBathResult {
  const { n, bathDim, bathVar, sigma, rng } = opts;
  const k = opts.spikes.length;
  if (opts.beta.length !== k) throw new RangeError("minNormSpikesBath: beta must have one entry per spike");
  const Xs = gaussianInputs(n, opts.spikes, rng.fork("spikes"));
  const f = predict(Xs, opts.beta);
  const noise = rng.fork("noise");
  const y = Float64Array.from(f, (v) => v + sigma * noise.normal());
  const bath = rng.fork("bath");
  if (k + bathDim < n) {
    // underparameterised: explicit least squares on the full design
    const Xb = gaussianInputs(n, new Float64Array(bathDim).fill(bathVar), bath);
    const X = la.zeros(n, k + bathDim);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) X.data[i * (k + bathDim) + j] = Xs.data[i * k + j];
      for (let j = 0; j < bathDim; j++) X.data[i * (k + bathDim) + k + j] = Xb.data[i * bathDim + j];
    }
    const { coef } = ridgeFit(X, y, 0);
    let sr = 0, br = 0;
    for (let j = 0; j < k; j++) sr += opts.spikes[j] * (coef[j] - opts.beta[j]) ** 2;
    for (let j = 0; j < bathDim; j++) br += bathVar * coef[k + j] ** 2;
    return { excessRisk: sr + br, spikeRisk: sr, bathRisk: br, trainMse: mse(predict(X, coef), y) };
  }
  let Kb: Matrix;
  if (bathDim >= n) {
    Kb = wishartGram(n, bathDim, bath);
    for (let i = 0; i < Kb.data.length; i++) Kb.data[i] *= bathVar;
  } else {
    const Xb = gaussianInputs(n, new Float64Array(bathDim).fill(bathVar), bath);
    Kb = la.matmul(Xb, Xb, { transB: true });
  }
  const K = la.matmul(Xs, Xs, { transB: true });
  for (let i = 0; i < K.data.length; i++) K.data[i] += Kb.data[i];
  const alpha = psdSolve(K, y, 0);
  // spike weights w_s = Xs^T alpha
  const ws = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) ws[j] += Xs.data[i * k + j] * alpha[i];
  let sr = 0;
  for (let j = 0; j < k; j++) sr += opts.spikes[j] * (ws[j] - opts.beta[j]) ** 2;
  // ||w_bath||^2 = alpha^T Kb alpha; train predictions K alpha
  const Kba = la.matvec(Kb, alpha), Ka = la.matvec(K, alpha);
  let q = 0, tr = 0;
  for (let i = 0; i < n; i++) { q += alpha[i] * Kba[i]; tr += (Ka[i] - y[i]) ** 2; }
  return { excessRisk: sr + bathVar * q, spikeRisk: sr, bathRisk: bathVar * q, trainMse: tr / n };
}

/** The excess risk at one bath size, over many trials. */
export interface BathSweepPoint {
  /** Bath size. */
  D: number;
  /** Mean and standard error of the excess risk over the trials. */
  mean: number;
  se: number;
  /** Largest training MSE over the trials. */
  train: number;
  /** The excess risk of every trial (trial t is the same draw of spike inputs and noise at every D). */
  runs: number[];
}

/**
 * Excess risk against the bath size: for each D, `trials` interpolations with the design
 * `design(D)` (spikes, teacher, bath size and variance). Trial t uses `rng.fork("trial t")` at every D:
 * the same spike inputs and label noise at every bath size (common random numbers), so the curve is
 * smooth and bath sizes can be compared trial by trial.
 */
export async function spikesBathSweep(opts: {
  n: number;
  sigma: number;
  dims: number[];
  trials: number;
  design: (D: number) => { spikes: number[]; beta: number[]; bathDim: number; bathVar: number };
  rng: Rng;
  label?: string;
  onProgress?: OnProgress;
}): Promise<BathSweepPoint[]> {
  const out: BathSweepPoint[] = [];
  const trialRngs = opts.rng.forks("trial", opts.trials);
  for (const D of opts.dims) {
    const s = opts.design(D);
    const runs = trialRngs.map((r) => minNormSpikesBath({ n: opts.n, sigma: opts.sigma, rng: r, ...s }));
    const e = summarize(runs.map((x) => x.excessRisk));
    out.push({ D, mean: e.mean, se: e.se, train: Math.max(...runs.map((x) => x.trainMse)), runs: runs.map((x) => x.excessRisk) });
    opts.onProgress?.({ done: out.length, total: opts.dims.length, label: opts.label ?? "bath sizes" });
    await yieldToKernel();
  }
  return out;
}

/**
 * The Wishart shortcut against the explicit n x (k + D) design at one bath size: mean excess risk
 * and its standard error from `reps` draws of each (independent draws, `rng.fork("explicit")` and
 * `rng.fork("wishart")`).
 */
export function explicitVersusWishart(opts: { n: number; spikes: number[]; beta: number[]; D: number; bathVar: number; sigma: number; reps: number; rng: Rng }): {
  explicit: { mean: number; se: number }; wishart: { mean: number; se: number };
} {
  const k = opts.spikes.length;
  const spec = spikesBathSpectrum(k, 1, opts.D, opts.bathVar);
  for (let j = 0; j < k; j++) spec[j] = opts.spikes[j];
  const b = new Float64Array(k + opts.D);
  b.set(opts.beta);
  const slow = opts.rng.fork("explicit").forks("rep", opts.reps).map((r) => {
    const X = gaussianInputs(opts.n, spec, r);
    const y = linearLabels(X, { beta: b, sigma: opts.sigma }, r);
    return linearExcessRisk(ridgeFit(X, y, 0).coef, b, spec);
  });
  const fast = opts.rng.fork("wishart").forks("rep", opts.reps).map((r) =>
    minNormSpikesBath({ n: opts.n, spikes: opts.spikes, beta: opts.beta, bathDim: opts.D, bathVar: opts.bathVar, sigma: opts.sigma, rng: r }).excessRisk);
  const s1 = summarize(slow), s2 = summarize(fast);
  return { explicit: { mean: s1.mean, se: s1.se }, wishart: { mean: s2.mean, se: s2.se } };
}

/**
 * Excess risk of min-norm interpolation (least squares when the dimension is below n) with an explicit
 * n x d Gaussian design of covariance diag(spectrum), teacher `beta` (zeros: labels of pure noise) and
 * noise sigma: one value (w - beta)^T Sigma (w - beta) per trial, trial t from `rng.fork("trial t")`.
 * The cost grows with d (n d normals and an n x n Gram matrix of d terms per trial), so use it for any
 * spectrum that is not spikes + bath (for those, `minNormSpikesBath` needs only n x n matrices).
 */
export function minNormRiskTrials(opts: { n: number; spectrum: ArrayLike<number>; beta?: ArrayLike<number>; sigma: number; trials: number; rng: Rng }): Float64Array {
  const d = opts.spectrum.length;
  const beta = opts.beta ?? new Float64Array(d);
  if (beta.length !== d) throw new RangeError(`minNormRiskTrials: beta has ${beta.length} entries, the spectrum ${d}`);
  return Float64Array.from(opts.rng.forks("trial", opts.trials), (r) => {
    const X = gaussianInputs(opts.n, opts.spectrum, r.fork("inputs"));
    const y = linearLabels(X, { beta: Float64Array.from(beta), sigma: opts.sigma }, r.fork("noise"));
    return linearExcessRisk(ridgeFit(X, y, 0).coef, beta, opts.spectrum);
  });
}
