/**
 * Gradient descent on a kernel model in closed form: what a network in the lazy regime does.
 *
 * A linear model f(x) = f0(x) + phi(x) . w trained by full-batch gradient descent with learning rate
 * eta on the half-mse loss L = (1/2n) sum_i (f(x_i) - y_i)^2, from w = 0, moves its training residual
 * r = f(X) - y as r_t = (I - eta K / n)^t r_0, where K = phi(X) phi(X)^T is its kernel (for a network
 * linearised around its initialisation, K is the NTK). The change of its predictions elsewhere is
 *   f_t(x) - f0(x) = K(x, X) K^-1 (I - (I - eta K / n)^t) (y - f0(X)),
 * which tends to kernel regression on the residual targets y - f0(X) as t grows. Both are computed from
 * the eigendecomposition of K, so any step t costs the same.
 */
import * as la from "../linalg";
import type { Matrix } from "../linalg/matrix";

/** Gradient descent on a kernel model, in closed form: training and test losses at the requested steps. */
export interface KernelGdPath {
  /** The steps asked for. */
  steps: number[];
  /** Half-mse training loss (1/2n) |r_t|^2 at each step. */
  loss: number[];
  /** f_t(x) - f0(x) at the rows of the cross kernel, at the last step (empty without `cross`). */
  change: Float64Array;
  /** The training residual r_t at the last step. */
  residual: Float64Array;
}

/**
 * The closed-form gradient-descent path of a kernel model: `K` the n x n kernel of the training
 * inputs, `residual0` = f0(X) - y the initial training residual, `cross` (m x n) the kernel between
 * other inputs and the training inputs. `lr` is the learning rate for the half-mse loss.
 */
export function kernelGradientDescent(K: Matrix, residual0: ArrayLike<number>, opts: { lr: number; steps: number[]; cross?: Matrix }): KernelGdPath {
  const n = K.rows;
  if (K.cols !== n) throw new RangeError(`kernelGradientDescent: K must be square, got ${K.rows}x${K.cols}`);
  if (residual0.length !== n) throw new RangeError(`kernelGradientDescent: K is ${n}x${n} but the residual has ${residual0.length} entries`);
  if (!(opts.lr > 0)) throw new RangeError(`kernelGradientDescent: lr must be positive, got ${opts.lr}`);
  if (opts.steps.length === 0 || opts.steps.some((t) => !(Number.isInteger(t) && t >= 0))) throw new RangeError("kernelGradientDescent: steps must be non-negative integers");
  if (opts.cross && opts.cross.cols !== n) throw new RangeError(`kernelGradientDescent: cross must have ${n} columns, got ${opts.cross.cols}`);
  const e = la.eigh(K);
  const U = e.vectors.data, mu = e.values;
  // coordinates of r0 in the eigenbasis
  const c = new Float64Array(n);
  for (let k = 0; k < n; k++) { let s = 0; for (let i = 0; i < n; i++) s += U[i * n + k] * residual0[i]; c[k] = s; }
  const a = Float64Array.from(mu, (m) => (opts.lr * m) / n);
  const loss = opts.steps.map((t) => {
    let s = 0;
    for (let k = 0; k < n; k++) s += c[k] * c[k] * (1 - a[k]) ** (2 * t);
    return s / (2 * n);
  });
  const T = opts.steps[opts.steps.length - 1];
  const residual = new Float64Array(n);
  // coefficient of each mode in K^-1 (I - (I - a)^T) (-r0): for a -> 0 it tends to T lr / n (no 0/0)
  const g = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const decay = (1 - a[k]) ** T;
    for (let i = 0; i < n; i++) residual[i] += U[i * n + k] * c[k] * decay;
    const gain = Math.abs(a[k]) < 1e-12 ? (opts.lr * T) / n : (1 - decay) / mu[k];
    g[k] = -c[k] * gain;
  }
  let change: Float64Array = new Float64Array(0);
  if (opts.cross) {
    // alpha = U g (dual coefficients); change = cross alpha
    const alpha = new Float64Array(n);
    for (let i = 0; i < n; i++) { let s = 0; for (let k = 0; k < n; k++) s += U[i * n + k] * g[k]; alpha[i] = s; }
    change = la.matvec(opts.cross, alpha);
  }
  return { steps: opts.steps.slice(), loss, change, residual };
}
