/**
 * Test error of random-features ridge regression in the proportional limit, from Mei & Montanari,
 * "The generalization error of random features regression: precise asymptotics and double descent
 * curve" (arXiv 1908.05355): their Definition 1 (ridge) and its ridgeless limit.
 *
 * Model: inputs x in d dimensions with identity covariance (MM: uniform on the sphere of radius
 * sqrt(d); Gaussian inputs have the same limit), P random features act(w_j . x / sqrt(d)), a linear
 * readout fitted by ridge regression on n noisy labels y = x.beta + sigma * noise with
 * ||beta||^2 = r2 (MM's F1^2; no nonlinear part F*, noise tau = sigma). Limit n, P, d -> infinity with
 * psi1 = P / d and psi2 = n / d fixed. Only three numbers of the activation enter, its Hermite
 * coefficients for G ~ N(0, 1): mu0 = E act(G), mu1 = E G act(G), muStar^2 = E act(G)^2 - mu0^2 - mu1^2,
 * through zeta = mu1 / muStar: the linear part of the features learns the teacher, the nonlinear part
 * acts like extra noise and an implicit ridge.
 *
 * With lambdaBar = lambda_MM / muStar^2, xi = i sqrt(psi1 psi2 lambdaBar), let nu1 = i a, nu2 = i b
 * solve MM's fixed point, which on the imaginary axis is real:
 *   a = psi1 / (s + b + zeta^2 b / (1 + zeta^2 a b)),   b = psi2 / (s + a + zeta^2 a / (1 + zeta^2 a b)),
 * s = sqrt(psi1 psi2 lambdaBar), and chi = nu1 nu2 = -a b. Then with polynomials E0, E1, E2 of chi
 * (below), bias B = E1 / E0, variance V = E2 / E0 and the excess test error is
 *   R = r2 B + sigma^2 V.
 * The ridgeless limit (lambda -> 0+) has chi in closed form:
 *   chi = -[(psi zeta^2 - zeta^2 - 1) + sqrt((psi zeta^2 - zeta^2 - 1)^2 + 4 zeta^2 psi)] / (2 zeta^2), psi = min(psi1, psi2),
 * and diverges at psi1 = psi2 (the interpolation threshold P = n).
 *
 * Conventions of the lab (models.randomFeatureMap, models.ridgeFit): features act(w.x/sqrt(d))/sqrt(P),
 * penalty ridge * ||a||^2 next to the mean squared error. MM penalise (P lambda_MM / d) ||a||^2 on
 * unnormalised features, so lambda_MM = d * ridge: `rfRisk` takes the lab's ridge and does the conversion.
 */
import type { Activation } from "../activations";
import { activationFn } from "../activations";

/** Hermite coefficients of an activation for G ~ N(0, 1) (see the module docstring). */
export interface HermiteCoefficients {
  mu0: number;
  mu1: number;
  muStar: number;
}

// E f(G) for the activations without a closed form (tanh): the trapezoid rule on [-12, 12] with 4801
// nodes. For a smooth integrand that decays like exp(-x^2/2) it converges geometrically, to about
// 1e-14 here, so no Gauss-Hermite tables are needed.
function gaussianExpectation(f: (x: number) => number): number {
  const L = 12, m = 4801, h = (2 * L) / (m - 1);
  let s = 0;
  for (let i = 0; i < m; i++) {
    const x = -L + i * h;
    s += f(x) * Math.exp(-0.5 * x * x);
  }
  return (s * h) / Math.sqrt(2 * Math.PI);
}

/**
 * mu0, mu1, muStar of an activation: closed forms for relu (1/sqrt(2 pi), 1/2, sqrt(1/4 - 1/(2 pi))),
 * erf (0, 2/sqrt(3 pi), sqrt((2/pi) asin(2/3) - 4/(3 pi))) and linear (0, 1, 0); tanh by quadrature.
 */
export function activationHermite(act: Activation): HermiteCoefficients {
  switch (act) {
    case "relu":
      return { mu0: 1 / Math.sqrt(2 * Math.PI), mu1: 0.5, muStar: Math.sqrt(0.25 - 1 / (2 * Math.PI)) };
    case "erf": {
      const mu1 = 2 / Math.sqrt(3 * Math.PI);
      return { mu0: 0, mu1, muStar: Math.sqrt((2 / Math.PI) * Math.asin(2 / 3) - mu1 * mu1) };
    }
    case "linear":
      return { mu0: 0, mu1: 1, muStar: 0 };
    default: {
      const f = activationFn(act);
      const mu0 = gaussianExpectation(f), mu1 = gaussianExpectation((x) => x * f(x));
      const second = gaussianExpectation((x) => f(x) ** 2);
      return { mu0, mu1, muStar: Math.sqrt(Math.max(second - mu0 * mu0 - mu1 * mu1, 0)) };
    }
  }
}

/** MM's risk split: the bias and variance factors and the excess test error they make. */
export interface RFRiskParts {
  /** Bias factor B (multiplies the signal r2) and variance factor V (multiplies sigma^2). */
  B: number;
  V: number;
  bias: number;
  variance: number;
  /** Excess test error r2 B + sigma^2 V (the test error against the noiseless teacher). */
  risk: number;
}

/** MM's polynomials E0, E1, E2 in chi (Definition 1). */
function riskFromChi(chi: number, z2: number, psi1: number, psi2: number): { B: number; V: number } {
  const c2 = chi * chi, c3 = c2 * chi, c4 = c3 * chi, c5 = c4 * chi;
  const z4 = z2 * z2, z6 = z4 * z2;
  const p12 = psi1 * psi2;
  const E0 = -c5 * z6 + 3 * c4 * z4 + (p12 - psi2 - psi1 + 1) * c3 * z6 - 2 * c3 * z4 - 3 * c3 * z2
    + (psi1 + psi2 - 3 * p12 + 1) * c2 * z4 + 2 * c2 * z2 + c2 + 3 * p12 * chi * z2 - p12;
  const E1 = psi2 * c3 * z4 - psi2 * c2 * z2 + p12 * chi * z2 - p12;
  const E2 = c5 * z6 - 3 * c4 * z4 + (psi1 - 1) * c3 * z6 + 2 * c3 * z4 + 3 * c3 * z2 + (-psi1 - 1) * c2 * z4 - 2 * c2 * z2 - c2;
  return { B: E1 / E0, V: E2 / E0 };
}

/**
 * MM's chi at lambdaBar > 0: the fixed point (a, b) above by damped iteration, chi = -a b.
 * The map is a contraction on the positive quadrant for lambdaBar > 0; the damping keeps small
 * lambdaBar (slow convergence near the threshold) stable.
 */
export function rfChi(psi1: number, psi2: number, lambdaBar: number, zeta: number): number {
  if (!(lambdaBar > 0)) throw new RangeError(`rfChi: lambdaBar must be > 0, got ${lambdaBar}`);
  const s = Math.sqrt(psi1 * psi2 * lambdaBar), z2 = zeta * zeta;
  let a = psi1 / (s + 1), b = psi2 / (s + 1);
  for (let it = 0; it < 200000; it++) {
    const q = 1 + z2 * a * b;
    const a1 = psi1 / (s + b + (z2 * b) / q);
    const b1 = psi2 / (s + a + (z2 * a) / q);
    const na = 0.5 * a + 0.5 * a1, nb = 0.5 * b + 0.5 * b1;
    if (Math.abs(na - a) <= 1e-15 * Math.max(1, a) && Math.abs(nb - b) <= 1e-15 * Math.max(1, b)) { a = na; b = nb; break; }
    a = na; b = nb;
  }
  return -a * b;
}

/** MM's ridgeless chi (the lambda -> 0+ limit of the fixed point, in closed form), psi = min(psi1, psi2). */
export function rfChiRidgeless(psi1: number, psi2: number, zeta: number): number {
  const psi = Math.min(psi1, psi2), z2 = zeta * zeta;
  const b = psi * z2 - z2 - 1;
  return -(b + Math.sqrt(b * b + 4 * z2 * psi)) / (2 * z2);
}

/**
 * Bias and variance factors of random-features ridge regression in MM's own variables:
 * psi1 = P/d, psi2 = n/d, lambdaBar = lambda_MM / muStar^2 (0 for the ridgeless limit), zeta = mu1/muStar.
 */
export function rfRiskFactors(psi1: number, psi2: number, lambdaBar: number, zeta: number): { B: number; V: number } {
  if (!(psi1 > 0 && psi2 > 0)) throw new RangeError(`rfRiskFactors: psi1, psi2 must be > 0, got ${psi1}, ${psi2}`);
  if (!(zeta > 0) || !Number.isFinite(zeta)) throw new RangeError(`rfRiskFactors: zeta must be positive and finite, got ${zeta}`);
  if (lambdaBar === 0 && psi1 === psi2) return { B: Infinity, V: Infinity };
  const chi = lambdaBar === 0 ? rfChiRidgeless(psi1, psi2, zeta) : rfChi(psi1, psi2, lambdaBar, zeta);
  return riskFromChi(chi, zeta * zeta, psi1, psi2);
}

/**
 * MM's asymptotic excess test error of random-features ridge(less) regression with a linear teacher,
 * in the lab's conventions (features act(w.x/sqrt(d))/sqrt(P), penalty `ridge` * ||a||^2 next to the
 * mean squared error; ridge 0 = the minimum-norm / least-squares limit): n samples, P features, input
 * dimension d, ||beta||^2 = r2, noise standard deviation sigma. Infinite at P = n when ridgeless.
 */
export function rfRisk(o: { n: number; P: number; d: number; ridge?: number; act: Activation; r2: number; sigma: number }): RFRiskParts {
  const { mu1, muStar } = activationHermite(o.act);
  if (!(muStar > 0)) throw new RangeError(`rfRisk: activation "${o.act}" has no nonlinear part (muStar = 0); use the linear theory (ridgeRisk)`);
  const ridge = o.ridge ?? 0;
  if (!(ridge >= 0)) throw new RangeError(`rfRisk: ridge must be >= 0, got ${ridge}`);
  const { B, V } = rfRiskFactors(o.P / o.d, o.n / o.d, (o.d * ridge) / (muStar * muStar), mu1 / muStar);
  const s2 = o.sigma * o.sigma;
  return { B, V, bias: o.r2 * B, variance: s2 * V, risk: o.r2 * B + s2 * V };
}
