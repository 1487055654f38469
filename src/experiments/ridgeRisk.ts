/**
 * Chapters 00, 02, 03: Monte-Carlo excess risk of ridge and ridgeless least squares on isotropic
 * Gaussian data, the setting of Hastie, Montanari, Rosset & Tibshirani (arXiv 1903.08560).
 */
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import { gaussianInputs, linearLabels, linearTeacher } from "../data/gaussian";
import { ridgeFit, ridgePath } from "../models/linear";
import { mean, stderr, summarize } from "../stats/descriptive";

/**
 * Excess risk ||w - beta||^2 of ridge (ridgeFit's convention) or ridgeless regression: n samples in
 * p dimensions, ||beta||^2 = r2, noise sigma. One value per trial (trial t draws from
 * `rng.fork("trial t")`), so a chapter can average, take medians or error bars.
 */
export function isotropicRiskTrials(opts: { n: number; p: number; r2: number; sigma: number; ridge?: number; trials: number; rng: Rng }): Float64Array {
  const out = new Float64Array(opts.trials);
  const spec = new Float64Array(opts.p).fill(1);
  opts.rng.forks("trial", opts.trials).forEach((r, t) => {
    const teacher = linearTeacher(opts.p, { r2: opts.r2, sigma: opts.sigma }, r);
    const X = gaussianInputs(opts.n, spec, r);
    const y = linearLabels(X, teacher, r);
    const { coef } = ridgeFit(X, y, opts.ridge ?? 0);
    let e = 0;
    for (let j = 0; j < opts.p; j++) e += (coef[j] - teacher.beta[j]) ** 2;
    out[t] = e;
  });
  return out;
}

/**
 * `isotropicRiskTrials` at several penalties on the same draws (common random numbers): the same
 * teacher, inputs and noise as `isotropicRiskTrials` with the same `rng` (trial t draws from
 * `rng.fork("trial t")` in the same order), fitted once per penalty with `models.ridgePath`. Entry j
 * holds the excess risk ||w - beta||^2 at `ridges[j]` in every trial, so risks at two penalties can be
 * compared trial by trial (paired differences), with far less noise than independent draws give.
 */
export function isotropicRiskPathTrials(opts: { n: number; p: number; r2: number; sigma: number; ridges: number[]; trials: number; rng: Rng }): Float64Array[] {
  if (!opts.ridges.length) throw new RangeError("isotropicRiskPathTrials: give at least one ridge");
  const out = opts.ridges.map(() => new Float64Array(opts.trials));
  const spec = new Float64Array(opts.p).fill(1);
  opts.rng.forks("trial", opts.trials).forEach((r, t) => {
    const teacher = linearTeacher(opts.p, { r2: opts.r2, sigma: opts.sigma }, r);
    const X = gaussianInputs(opts.n, spec, r);
    const y = linearLabels(X, teacher, r);
    ridgePath(X, y, opts.ridges).forEach((coef, j) => {
      let e = 0;
      for (let i = 0; i < opts.p; i++) e += (coef[i] - teacher.beta[i]) ** 2;
      out[j][t] = e;
    });
  });
  return out;
}

/** The risk around a chosen penalty at one gamma: the same draws at `factors[j]` times that penalty. */
export interface RidgeNeighbourhood {
  gamma: number;
  /** The chosen penalty ridge(gamma) (factor 1). */
  ridge: number;
  /** The factors and the penalties they give, factors[j] * ridge. */
  factors: number[];
  ridges: number[];
  /** runs[j][t]: the excess risk at ridges[j] in trial t (the same draws for every j). */
  runs: number[][];
  /** The risk curve at each penalty: mean, standard error and median over the trials. */
  points: RiskCurvePoint[];
}

/**
 * At each gamma (p = round(gamma n)), the excess risk at the penalties factor * ridge(gamma) on the same
 * draws, point i from `rng.fork("gamma i")` like `isotropicRiskCurve`: with the factor 1 included, its
 * points are those of `isotropicRiskCurve` with the same options (up to the round-off of the solver).
 * Use `neighbourDifference` for the paired difference of two penalties.
 */
export function isotropicRiskAround(opts: {
  n: number;
  gammas: number[];
  r2: number;
  sigma: number;
  trials: number;
  ridge: (gamma: number) => number;
  factors: number[];
  rng: Rng;
}): RidgeNeighbourhood[] {
  return opts.gammas.map((gamma, i) => {
    const ridge = opts.ridge(gamma);
    const ridges = opts.factors.map((f) => f * ridge);
    const runs = isotropicRiskPathTrials({ n: opts.n, p: Math.round(gamma * opts.n), r2: opts.r2, sigma: opts.sigma, ridges, trials: opts.trials, rng: opts.rng.fork(`gamma ${i}`) });
    const points = runs.map((r) => { const s = summarize(r); return { gamma, mean: s.mean, se: s.se, median: s.median }; });
    return { gamma, ridge, factors: [...opts.factors], ridges, runs: runs.map((r) => Array.from(r)), points };
  });
}

/**
 * The paired difference risk(factor a) - risk(factor b) over the trials of one neighbourhood: its mean
 * and standard error (trial by trial, so the draws' common part cancels), and the number of trials.
 */
export function neighbourDifference(h: RidgeNeighbourhood, a: number, b: number): { mean: number; se: number; trials: number } {
  const ia = h.factors.indexOf(a), ib = h.factors.indexOf(b);
  if (ia < 0 || ib < 0) throw new RangeError(`neighbourDifference: factors ${a} and ${b} must both be among ${h.factors.join(", ")}`);
  const d = h.runs[ia].map((v, t) => v - h.runs[ib][t]);
  return { mean: mean(d), se: stderr(d), trials: d.length };
}

/** The excess risk at one aspect ratio gamma = p / n over many trials: mean, standard error and median. */
export interface RiskCurvePoint {
  gamma: number;
  /** Mean, standard error and median of the excess risk over the trials. */
  mean: number;
  se: number;
  median: number;
}

/**
 * The excess risk at each gamma = p / n (p rounded to an integer), `trials` trials each; `ridge` is a
 * fixed penalty or a function of gamma (e.g. the optimal ridge). Point i uses `rng.fork("gamma i")`.
 */
export function isotropicRiskCurve(opts: {
  n: number;
  gammas: number[];
  r2: number;
  sigma: number;
  trials: number;
  ridge?: number | ((gamma: number) => number);
  rng: Rng;
  onProgress?: OnProgress;
}): RiskCurvePoint[] {
  return opts.gammas.map((gamma, i) => {
    const ridge = typeof opts.ridge === "function" ? opts.ridge(gamma) : opts.ridge ?? 0;
    const risks = isotropicRiskTrials({ n: opts.n, p: Math.round(gamma * opts.n), r2: opts.r2, sigma: opts.sigma, ridge, trials: opts.trials, rng: opts.rng.fork(`gamma ${i}`) });
    const s = summarize(risks);
    opts.onProgress?.({ done: i + 1, total: opts.gammas.length, label: "γ" });
    return { gamma, mean: s.mean, se: s.se, median: s.median };
  });
}
