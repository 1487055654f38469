/**
 * Chapter 01: the bias-variance decomposition of least-squares polynomial regression, measured term
 * by term over many independent training sets.
 */
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import { legendreFeatures, predict, ridgeFit } from "../models/linear";
import { mean as mean_, mse } from "../stats/descriptive";

/** The bias-variance decomposition of a polynomial fit of one degree, over many training sets. */
export interface BiasVariancePoint {
  degree: number;
  /** Mean over x of (E_D[f_hat(x)] - f(x))^2 (unbiased estimate over the trials; can dip slightly below 0). */
  bias2: number;
  /** Mean over x of Var_D[f_hat(x)]. */
  variance: number;
  /** Mean test error against the noiseless target (= bias2 + variance). */
  testMse: number;
  /** Mean training error on the noisy labels. */
  trainMse: number;
  /**
   * Per training set (same order at every degree, so degrees can be compared pair by pair): the
   * test error of its fit against the noiseless target (mean over the grid; their mean is testMse)
   * and its training error. Near k + 1 = n a few nearly singular designs dominate the mean: use
   * medians or log-means (stats.logMean) there.
   */
  testRuns: number[];
  trainRuns: number[];
  /**
   * Per training set (same order): the mean squared label noise (1/n)‖ε‖² that set was drawn with,
   * the same at every degree. Its expectation is exactly σ², so it is a control variate for the
   * training error: trainRuns[t] − (1 − (k+1)/n)·noiseRuns[t] keeps the training error's mean offset
   * from σ²(1 − (k+1)/n) and loses most of its noise-to-noise scatter.
   */
  noiseRuns: number[];
}

/**
 * Bias-variance decomposition of least-squares polynomial regression (Legendre features of each
 * degree) over `trials` independent training sets of n points of f(x) + sigma * noise, x ~ U[-1, 1],
 * evaluated on an even grid of `gridSize` points. Training set t is drawn from `rng.fork("trial t")`,
 * and the same sets serve every degree (common random numbers make the curve smooth).
 */
export function biasVarianceCurve(opts: {
  target: (x: number) => number;
  n: number;
  sigma: number;
  degrees: number[];
  trials: number;
  rng: Rng;
  ridge?: number;
  gridSize?: number;
  onProgress?: OnProgress;
}): BiasVariancePoint[] {
  const m = opts.gridSize ?? 200;
  const gx = Float64Array.from({ length: m }, (_, i) => -1 + (2 * i) / (m - 1));
  const gf = Float64Array.from(gx, opts.target);
  const sets = opts.rng.forks("trial", opts.trials).map((r) => {
    const x = r.uniforms(opts.n, -1, 1);
    const eps = Float64Array.from(x, () => opts.sigma * r.normal());
    const y = Float64Array.from(x, (v, i) => opts.target(v) + eps[i]);
    return { x, y, noise: mse(eps, new Float64Array(opts.n)) };
  });
  const noiseRuns = sets.map((s) => s.noise);
  return opts.degrees.map((degree, di) => {
    const Phi = legendreFeatures(gx, degree);
    const mean = new Float64Array(m), sq = new Float64Array(m);
    const testRuns: number[] = [], trainRuns: number[] = [];
    for (const s of sets) {
      const F = legendreFeatures(s.x, degree);
      const { coef } = ridgeFit(F, s.y, opts.ridge ?? 0);
      trainRuns.push(mse(predict(F, coef), s.y));
      const pred = predict(Phi, coef);
      testRuns.push(mse(pred, gf));
      for (let i = 0; i < m; i++) {
        mean[i] += pred[i];
        sq[i] += pred[i] * pred[i];
      }
    }
    // unbiased estimates: the squared error of the mean fit contains Var/T, which is removed
    const T = sets.length;
    let bias2 = 0, variance = 0;
    for (let i = 0; i < m; i++) {
      const mu = mean[i] / T;
      const v = T > 1 ? (sq[i] - T * mu * mu) / (T - 1) : 0;
      bias2 += (mu - gf[i]) ** 2 - v / T;
      variance += v;
    }
    bias2 /= m;
    variance /= m;
    opts.onProgress?.({ done: di + 1, total: opts.degrees.length, label: "polynomial degrees" });
    return { degree, bias2, variance, testMse: bias2 + variance, trainMse: mean_(trainRuns), testRuns, trainRuns, noiseRuns };
  });
}
