/**
 * Random-feature regression (Rahimi & Recht; the double-descent model of Mei & Montanari,
 * arXiv 1908.05355): features phi_j(x) = act(w_j . x / sqrt(d)) / sqrt(P) with fixed random
 * w_j ~ N(0, I_d), j = 1..P, and a linear readout fitted by ridge or ridgeless least squares.
 * With x ~ N(0, I_d) every pre-activation is N(0, 1), whatever d is.
 *
 * Ridgeless: P < n is least squares (train error > 0); P >= n interpolates (train error 0, the
 * minimum-norm readout). The test error peaks at P = n, the interpolation threshold.
 */
import { erf } from "../special";
import type { Rng } from "../random";
import type { Matrix } from "../linalg";
import { meanSquaredError as mse, predict, ridgeFit, ridgePath } from "./linear";

export type FeatureActivation = "relu" | "erf" | "tanh";

export function featureActivation(name: FeatureActivation): (z: number) => number {
  switch (name) {
    case "relu": return (z) => (z > 0 ? z : 0);
    case "tanh": return Math.tanh;
    case "erf": return erf;
    default: throw new RangeError(`unknown activation '${String(name)}' (relu, erf, tanh)`);
  }
}

export interface RandomFeatureMap {
  /** P x d first-layer weights, entries N(0, 1). */
  W: Matrix;
  act: FeatureActivation;
  /** Features of the rows of X (n x d) using the first `P` weights (default all): n x P. */
  features(X: Matrix, P?: number): Matrix;
}

/** A random feature map with P features of inputs in d dimensions. */
export function randomFeatureMap(d: number, P: number, act: FeatureActivation, rng: Rng): RandomFeatureMap {
  const W = { rows: P, cols: d, data: rng.normals(P * d) } as Matrix;
  const f = featureActivation(act);
  return {
    W,
    act,
    features(X: Matrix, p = P): Matrix {
      if (X.cols !== d) throw new RangeError(`features: expected ${d} input columns, got ${X.cols}`);
      if (p > P) throw new RangeError(`features: asked for ${p} features, the map has ${P}`);
      const n = X.rows;
      const out = new Float64Array(n * p);
      const s = 1 / Math.sqrt(d), o = 1 / Math.sqrt(p);
      for (let i = 0; i < n; i++) {
        const xo = i * d;
        for (let j = 0; j < p; j++) {
          const wo = j * d;
          let z = 0;
          for (let k = 0; k < d; k++) z += W.data[wo + k] * X.data[xo + k];
          out[i * p + j] = f(z * s) * o;
        }
      }
      return { rows: n, cols: p, data: out } as Matrix;
    },
  };
}

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
  train: { X: Matrix; y: ArrayLike<number> },
  test: { X: Matrix; f: ArrayLike<number> },
  ridge = 0,
): RFResult {
  const Ftr = map.features(train.X, P);
  const Fte = map.features(test.X, P);
  const { coef } = ridgeFit(Ftr, train.y, ridge);
  let c2 = 0;
  for (const c of coef) c2 += c * c;
  return { P, ridge, trainMse: mse(predict(Ftr, coef), train.y), testMse: mse(predict(Fte, coef), test.f), coefNorm2: c2 };
}

export interface RFCurve {
  ridge: number;
  P: number[];
  /** Per P: mean, median and standard error over seeds of the test error, mean train error. */
  testMean: number[];
  testMedian: number[];
  testStderr: number[];
  trainMean: number[];
}

/**
 * Test and train error of random-feature regression against the number of features P, averaged over
 * `seeds` independent draws of data, teacher noise and features. `data(rng)` returns a training set
 * and a test set with noiseless targets. Features are nested (model P uses the first P of the
 * largest map), so neighbouring P share randomness and the curve is smooth. Async only so that a
 * notebook's live progress display updates between seeds: `const curves = await models.rfSweep({...})`.
 */
export async function rfSweep(opts: {
  Ps: number[];
  ridges: number[];
  seeds: number;
  act: FeatureActivation;
  rng: Rng;
  data: (rng: Rng) => { train: { X: Matrix; y: ArrayLike<number> }; test: { X: Matrix; f: ArrayLike<number> } };
  onProgress?: (done: number, total: number) => void;
}): Promise<RFCurve[]> {
  const Pmax = Math.max(...opts.Ps);
  const runs: RFResult[][][] = opts.ridges.map(() => opts.Ps.map(() => []));
  const total = opts.seeds * opts.Ps.length;
  let done = 0;
  for (let s = 0; s < opts.seeds; s++) {
    const r = opts.rng.fork();
    const { train, test } = opts.data(r.fork());
    const d = train.X.cols;
    const map = randomFeatureMap(d, Pmax, opts.act, r.fork());
    opts.Ps.forEach((P, pi) => {
      const Ftr = map.features(train.X, P);
      const Fte = map.features(test.X, P);
      const coefs = ridgePath(Ftr, train.y, opts.ridges);
      opts.ridges.forEach((ridge, ri) => {
        const coef = coefs[ri];
        let c2 = 0;
        for (const c of coef) c2 += c * c;
        runs[ri][pi].push({ P, ridge, trainMse: mse(predict(Ftr, coef), train.y), testMse: mse(predict(Fte, coef), test.f), coefNorm2: c2 });
      });
      opts.onProgress?.(++done, total);
    });
    await new Promise((resolve) => setImmediate(resolve)); // let a kernel flush live progress between seeds
  }
  return opts.ridges.map((ridge, ri) => {
    const stats = runs[ri].map((rs) => {
      const t = rs.map((x) => x.testMse).sort((a, b) => a - b);
      const mean = t.reduce((a, b) => a + b, 0) / t.length;
      const sd = Math.sqrt(t.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, t.length - 1));
      const med = t.length % 2 ? t[(t.length - 1) / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
      return { mean, med, se: sd / Math.sqrt(t.length), train: rs.reduce((a, x) => a + x.trainMse, 0) / rs.length };
    });
    return {
      ridge,
      P: opts.Ps.slice(),
      testMean: stats.map((s) => s.mean),
      testMedian: stats.map((s) => s.med),
      testStderr: stats.map((s) => s.se),
      trainMean: stats.map((s) => s.train),
    };
  });
}
