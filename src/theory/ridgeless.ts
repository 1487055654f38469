/**
 * Risk of least squares, ridgeless (min-norm) and ridge regression for isotropic Gaussian data,
 * from Hastie, Montanari, Rosset & Tibshirani, "Surprises in high-dimensional ridgeless least squares
 * interpolation" (arXiv 1903.08560).
 *
 * Setting: x ~ N(0, I_p), y = x.beta + sigma * noise, ||beta||^2 = r2, n samples, gamma = p / n.
 * Excess risk R = E_x[(x.(betaHat - beta))^2] = ||betaHat - beta||^2, split into bias and variance.
 *
 * Limits n, p -> infinity with p/n -> gamma:
 *   gamma < 1 (least squares):   B = 0,                V = sigma^2 gamma / (1 - gamma)
 *   gamma > 1 (min-norm interp): B = r2 (1 - 1/gamma), V = sigma^2 / (gamma - 1)
 * Ridge with penalty lambda (betaHat = (X^T X / n + lambda I)^-1 X^T y / n), with m the Stieltjes
 * transform of the Marchenko-Pastur law of ratio gamma evaluated at -lambda:
 *   B = r2 * lambda^2 * m'(-lambda),  V = sigma^2 * gamma * (m(-lambda) - lambda * m'(-lambda)),
 * minimised at lambda* = sigma^2 * gamma / r2.
 * Every function takes the noise as its standard deviation `sigma`, like the models and experiments.
 */

/** The isotropic setting: signal ||beta||^2 = r2 and noise standard deviation sigma. */
export interface IsotropicSetting {
  r2: number;
  sigma: number;
}

function setting(fn: string, o: IsotropicSetting): { r2: number; s2: number } {
  if (!o || !(o.r2 >= 0) || !(o.sigma >= 0)) throw new RangeError(`${fn}: give { r2 >= 0, sigma >= 0 } (sigma is the noise standard deviation), got ${JSON.stringify(o)}`);
  return { r2: o.r2, s2: o.sigma * o.sigma };
}

/** The excess risk of a ridge(less) estimator split into bias and variance. */
export interface RiskParts {
  bias: number;
  variance: number;
  /** bias + variance (excess risk over the noise floor sigma^2). */
  risk: number;
}

function parts(bias: number, variance: number): RiskParts {
  return { bias, variance, risk: bias + variance };
}

/** HMRT asymptotic excess risk of ridgeless least squares at gamma = p/n (Infinity at gamma = 1). */
export function ridgelessRisk(gamma: number, o: IsotropicSetting): RiskParts {
  if (!(gamma > 0)) throw new RangeError(`ridgelessRisk: gamma must be > 0, got ${gamma}`);
  const { r2, s2: sigma2 } = setting("ridgelessRisk", o);
  if (gamma < 1) return parts(0, (sigma2 * gamma) / (1 - gamma));
  if (gamma > 1) return parts(r2 * (1 - 1 / gamma), sigma2 / (gamma - 1));
  return parts(r2 === 0 ? 0 : 0, Infinity);
}

/**
 * The exact finite-n expectation for Gaussian designs (same model, beta uniformly random on the
 * sphere of radius sqrt(r2)): E tr((X^T X)^-1) = p/(n-p-1) for p < n-1, and
 * E tr((X X^T)^-1) = n/(p-n-1), E ||P_perp beta||^2 = r2 (1 - n/p) for p > n+1.
 * It tends to `ridgelessRisk` and shows how large the finite-size correction is at a given n.
 */
export function ridgelessRiskFinite(n: number, p: number, o: IsotropicSetting): RiskParts {
  const { r2, s2: sigma2 } = setting("ridgelessRiskFinite", o);
  if (p < n - 1) return parts(0, (sigma2 * p) / (n - p - 1));
  if (p > n + 1) return parts(r2 * (1 - n / p), (sigma2 * n) / (p - n - 1));
  return parts(p > n ? r2 * (1 - n / p) : 0, Infinity);
}

/** Stieltjes transform m(z) = int dmu(s)/(s - z) of the Marchenko-Pastur law (ratio gamma, variance 1) at z = -lambda < 0. */
export function mpStieltjesNeg(gamma: number, lambda: number): number {
  if (!(lambda > 0)) throw new RangeError(`mpStieltjesNeg: lambda must be > 0, got ${lambda}`);
  const z = -lambda;
  const b = 1 - gamma - z;
  // root of gamma z m^2 - (1 - gamma - z) m + 1 = 0 that is positive for z < 0
  const disc = Math.sqrt(b * b - 4 * gamma * z);
  // (b - disc) / (2 gamma z): numerically stable form 2 / (b + disc)
  return 2 / (b + disc);
}

/** Derivative m'(z) at z = -lambda, from differentiating the quadratic that m satisfies. */
export function mpStieltjesNegDerivative(gamma: number, lambda: number): number {
  const z = -lambda;
  const m = mpStieltjesNeg(gamma, lambda);
  return (gamma * m * m + m) / (1 - gamma - z - 2 * gamma * z * m);
}

/** HMRT asymptotic excess risk of isotropic ridge regression with penalty lambda > 0. */
export function ridgeRisk(gamma: number, lambda: number, o: IsotropicSetting): RiskParts {
  if (lambda === 0) return ridgelessRisk(gamma, o);
  const { r2, s2: sigma2 } = setting("ridgeRisk", o);
  const m = mpStieltjesNeg(gamma, lambda);
  const dm = mpStieltjesNegDerivative(gamma, lambda);
  return parts(r2 * lambda * lambda * dm, sigma2 * gamma * (m - lambda * dm));
}

/** The optimal ridge penalty for isotropic data, lambda* = sigma^2 gamma / r2. */
export function optimalRidge(gamma: number, o: IsotropicSetting): number {
  const { r2, s2: sigma2 } = setting("optimalRidge", o);
  return (sigma2 * gamma) / r2;
}
