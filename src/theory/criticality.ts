/**
 * Signal propagation at initialisation, exact at finite width for ReLU (Roberts, Yaida & Hanin,
 * arXiv 2106.10165, ch. 4-5, in our own derivation). A network h^1 = W^1 x, h^(l+1) = W^(l+1) relu(h^l)
 * with i.i.d. W^l_ij ~ N(0, C_W / n_(l-1)) and no biases. Given layer l, each unit of h^(l+1) is Gaussian
 * with variance Q_l = (C_W / n_l) sum_j relu(h^l_j)^2. Since h^l_j is symmetric, E relu^2 = E h^2 / 2,
 * and for a Gaussian h of variance Q, E relu^4 = 3 Q^2 / 2, so Var(relu^2 | Q) = 5 Q^2 / 4. Then
 *   E Q_l = (C_W / 2) E Q_(l-1)                        (the variance per layer multiplies by C_W / 2),
 *   1 + Var Q_l / (E Q_l)^2 = (1 + 5 / n_l) (1 + Var Q_(l-1) / (E Q_(l-1))^2),
 * and a Gaussian scale mixture has excess kurtosis 3 Var Q / (E Q)^2. Hence, for the pre-activation of
 * layer l (layer 1 is exactly Gaussian): kappa_l = 3 [ prod_(j<l) (1 + 5 / n_j) - 1 ] ~ 15 (l - 1) / n,
 * whatever C_W: finite-width fluctuations grow like depth / width. Only C_W = 2 keeps the variance.
 */

export { criticalCw } from "../activations";

/** The factor by which the mean squared pre-activation of a ReLU network changes per layer: C_W / 2. */
export function reluVarianceFactor(cw: number): number {
  if (!(cw > 0)) throw new RangeError(`reluVarianceFactor: C_W must be positive, got ${cw}`);
  return cw / 2;
}

/**
 * Excess kurtosis, across initialisations, of one pre-activation of layer `layer` (1-based) of a
 * bias-free Gaussian-initialised ReLU network whose hidden layers have widths `widths` (layer l's
 * input comes from widths[l - 2]); exact at any width (see the note above).
 */
export function reluKurtosis(layer: number, widths: number[]): number {
  if (!(Number.isInteger(layer) && layer >= 1)) throw new RangeError(`reluKurtosis: layer must be a positive integer, got ${layer}`);
  if (layer - 1 > widths.length) throw new RangeError(`reluKurtosis: layer ${layer} needs ${layer - 1} hidden widths, got ${widths.length}`);
  let prod = 1;
  for (let j = 0; j < layer - 1; j++) prod *= 1 + 5 / widths[j];
  return 3 * (prod - 1);
}

/**
 * Excess kurtosis of one coordinate of a uniformly random direction in R^n scaled to a fixed length:
 * -6 / (n + 2). It is the kurtosis of the first pre-activation under orthogonal initialisation
 * (h = O x with O Haar-orthogonal), where a Gaussian initialisation gives exactly 0.
 */
export function sphereCoordinateKurtosis(n: number): number {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`sphereCoordinateKurtosis: n must be a positive integer, got ${n}`);
  return -6 / (n + 2);
}
