/**
 * Learning curves of kernel ridge(less) regression from the kernel's eigen-spectrum (Bordelon,
 * Canatar & Pehlevan, arXiv 2002.02561; Canatar, Bordelon & Pehlevan, Nat. Commun. 2021; the same
 * result follows from Spigler, Geiger & Wyart, arXiv 1905.10843, and Simon et al.'s "eigenlearning").
 *
 * Setting: Mercer decomposition K(x, x') = sum_k eta_k phi_k(x) phi_k(x') with phi_k orthonormal under
 * the data distribution; target f*(x) = sum_k c_k phi_k(x); labels y = f*(x) + noise of variance
 * sigma^2; n training points.
 *
 * Ridge convention (the library's one convention, shared with models.ridgeFit, models.ridgePath,
 * models.kernelRidgeFit, experiments.simulateLinearLearningCurves and theory.ridgeRisk): `ridge` is the
 * per-sample penalty lambda of min_f (1/n) sum_i (y_i - f(x_i))^2 + lambda |f|_K^2, i.e. the predictor
 * k(x)^T (K + n lambda I)^-1 y with K the n x n kernel matrix; 0 = interpolation (ridgeless). (A ridge
 * written as (K + lambda I) elsewhere is n times this one.)
 *
 * In the large-n limit (with the n / d ratio of the relevant modes fixed), the predictor learns mode k
 * by the fraction
 *   L_k = n eta_k / (n eta_k + kappa),
 * where the effective regulariser kappa >= n lambda solves
 *   kappa = n lambda + kappa * sum_k eta_k / (n eta_k + kappa)   <=>   n lambda / kappa + sum_k eta_k / (n eta_k + kappa) = 1,
 * and the test error (excess over the noise) is
 *   E_g = 1/(1 - gamma) * [ sum_k (1 - L_k)^2 c_k^2 + gamma sigma^2 ],   gamma = sum_k n eta_k^2 / (n eta_k + kappa)^2.
 * For lambda = 0 a solution exists only while n < (number of modes with eta_k > 0).
 */

export interface LearningCurveInput {
  /** Kernel eigenvalues eta_k (> 0). */
  eigenvalues: ArrayLike<number>;
  /** Squared target coefficients c_k^2 in the same eigenbasis (target power per mode). */
  targetPower: ArrayLike<number>;
  /** Per-sample ridge lambda: the predictor is k(x)^T (K + n lambda I)^-1 y (default 0: ridgeless). */
  ridge?: number;
  /** Label-noise standard deviation sigma (default 0). */
  sigma?: number;
}

/** The theory's learning curve at one training size n: the self-consistent kappa, gamma and the error's parts. */
export interface LearningCurvePoint {
  n: number;
  kappa: number;
  gamma: number;
  /** Predicted generalisation error E_g (excess test MSE, noise floor excluded). */
  error: number;
}

/**
 * Solve n ridge / kappa + sum eta_k / (n eta_k + kappa) = 1 for kappa (bisection on log kappa), with
 * `ridge` the per-sample lambda of (K + n lambda I) (the library's convention, see the module header).
 */
export function solveKappa(eigenvalues: ArrayLike<number>, n: number, ridge = 0): number {
  if (!(n > 0)) throw new RangeError(`solveKappa: n must be > 0, got ${n}`);
  if (ridge < 0) throw new RangeError(`solveKappa: ridge must be >= 0, got ${ridge}`);
  const eta = eigenvalues;
  let positive = 0, trace = 0;
  for (let k = 0; k < eta.length; k++) if (eta[k] > 0) { positive++; trace += eta[k]; }
  if (ridge === 0 && positive <= n) {
    throw new RangeError(`solveKappa: ridgeless regression needs more positive eigenvalues (${positive}) than samples (${n})`);
  }
  const lambda = n * ridge; // the ridge of the n x n system (K + lambda I)
  const g = (kappa: number): number => {
    let s = lambda / kappa;
    for (let k = 0; k < eta.length; k++) if (eta[k] > 0) s += eta[k] / (n * eta[k] + kappa);
    return s - 1;
  };
  // g decreases in kappa. Bracket: kappa in [tiny, lambda + trace] (g(lambda + trace) <= 0).
  let hi = lambda + trace;
  let lo = hi;
  for (let i = 0; i < 400 && g(lo) < 0; i++) lo /= 4;
  if (g(lo) < 0) return lo; // kappa is below double precision of the spectrum scale
  for (let it = 0; it < 200; it++) {
    const mid = Math.sqrt(lo * hi);
    if (g(mid) > 0) lo = mid; else hi = mid;
    if (hi / lo - 1 < 1e-13) break;
  }
  return Math.sqrt(lo * hi);
}

/** Predicted test error at one sample size (`input.ridge`: the per-sample lambda of (K + n lambda I)). */
export function learningCurvePoint(input: LearningCurveInput, n: number): LearningCurvePoint {
  const eta = input.eigenvalues, c2 = input.targetPower;
  if (eta.length !== c2.length) throw new RangeError(`learningCurve: ${eta.length} eigenvalues but ${c2.length} target coefficients`);
  const noise = (input.sigma ?? 0) ** 2;
  const kappa = solveKappa(eta, n, input.ridge ?? 0);
  let gamma = 0, bias = 0;
  for (let k = 0; k < eta.length; k++) {
    const den = n * eta[k] + kappa;
    gamma += (n * eta[k] * eta[k]) / (den * den);
    bias += ((kappa / den) ** 2) * c2[k];
  }
  return { n, kappa, gamma, error: (bias + gamma * noise) / (1 - gamma) };
}

/** Predicted test error for each n. */
export function learningCurve(input: LearningCurveInput, ns: ArrayLike<number>): LearningCurvePoint[] {
  return Array.from(ns, (n) => learningCurvePoint(input, n));
}

/**
 * Mode-by-mode learnability n eta_k / (n eta_k + kappa) at sample size n (spectral bias: large eta
 * first); `ridge` is the per-sample lambda of (K + n lambda I).
 */
export function learnability(eigenvalues: ArrayLike<number>, n: number, ridge = 0): Float64Array {
  const kappa = solveKappa(eigenvalues, n, ridge);
  return Float64Array.from(eigenvalues, (e) => (n * e) / (n * e + kappa));
}
