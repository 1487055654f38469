/**
 * Chapters 00, 02, 03: Monte-Carlo excess risk of ridge and ridgeless least squares on isotropic
 * Gaussian data, the setting of Hastie, Montanari, Rosset & Tibshirani (arXiv 1903.08560).
 */
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import { gaussianInputs, linearLabels, linearTeacher } from "../data/gaussian";
import { ridgeFit } from "../models/linear";
import { summarize } from "../stats/descriptive";

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
