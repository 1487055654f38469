/**
 * Random-feature regression (Rahimi & Recht; the double-descent model of Mei & Montanari,
 * arXiv 1908.05355): features phi_j(x) = act(w_j . x / sqrt(d)) / sqrt(P) with fixed random
 * w_j ~ N(0, I_d), j = 1..P, and a linear readout fitted by ridge or ridgeless least squares.
 * With x ~ N(0, I_d) every pre-activation is N(0, 1), whatever d is.
 *
 * Ridgeless: P < n is least squares (train error > 0); P >= n interpolates (train error 0, the
 * minimum-norm readout). The test error peaks at P = n, the interpolation threshold.
 */
import type { Rng } from "../random";
import type { Matrix } from "../linalg";
import { matmul } from "../linalg";
import { Activation, activationFn } from "../activations";
import { mse } from "../stats/descriptive";
import { predict, ridgeFit } from "./linear";

/** A random-feature map phi(x) = act(W x / sqrt(d)): P features of d inputs. */
export interface RandomFeatureMap {
  /** P x d first-layer weights, entries N(0, 1). */
  W: Matrix;
  act: Activation;
  /** Features of the rows of X (n x d) using the first `P` weights (default all): n x P. */
  features(X: Matrix, P?: number): Matrix;
}

/** A random feature map with P features of inputs in d dimensions. */
export function randomFeatureMap(d: number, P: number, act: Activation, rng: Rng): RandomFeatureMap {
  const f = activationFn(act);
  const W = { rows: P, cols: d, data: rng.normals(P * d) } as Matrix;
  return {
    W,
    act,
    features(X: Matrix, p = P): Matrix {
      if (X.cols !== d) throw new RangeError(`features: expected ${d} input columns, got ${X.cols}`);
      if (p > P) throw new RangeError(`features: asked for ${p} features, the map has ${P}`);
      // one matrix product for all pre-activations (BLAS when built), then the activation in place
      const Z = matmul(X, { rows: p, cols: d, data: p === P ? W.data : W.data.slice(0, p * d) } as Matrix, { transB: true });
      const n = X.rows, out = Z.data;
      const s = 1 / Math.sqrt(d), o = 1 / Math.sqrt(p);
      for (let i = 0; i < out.length; i++) out[i] = f(out[i] * s) * o;
      return { rows: n, cols: p, data: out } as Matrix;
    },
  };
}

/** One random-feature regression: P features, the ridge, and its training and test errors. */
export interface RFResult {
  P: number;
  ridge: number;
  /** Mean squared error on the noisy training labels. */
  trainMse: number;
  /** Mean squared error against the noiseless target on the test inputs (excess risk). */
  testMse: number;
  /** Squared norm of the readout. */
  coefNorm2: number;
}

/** Fit one random-feature model and measure it. `fTest` is the noiseless test target. */
export function fitRandomFeatures(
  map: RandomFeatureMap,
  P: number,
  train: { x: Matrix; y: ArrayLike<number> },
  test: { x: Matrix; f: ArrayLike<number> },
  ridge = 0,
): RFResult {
  const Ftr = map.features(train.x, P);
  const Fte = map.features(test.x, P);
  const { coef } = ridgeFit(Ftr, train.y, ridge);
  let c2 = 0;
  for (const c of coef) c2 += c * c;
  return { P, ridge, trainMse: mse(predict(Ftr, coef), train.y), testMse: mse(predict(Fte, coef), test.f), coefNorm2: c2 };
}
