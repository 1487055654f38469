/**
 * Gradient descent on a linear teacher-student task, averaged over the Marchenko-Pastur law
 * (Levi, Beck & Bar-Sinai, arXiv 2310.16441, in our notation). Inputs x ~ N(0, I_d), n training
 * examples, lambda = d / n; the student error D = S - T starts in a random direction with
 * E|D0|^2 = L0 (the test loss at initialisation).
 * With the "mse" loss L = (1/n) |X D|^2 and learning rate eta, gradient descent multiplies each
 * eigencomponent of D along the sample covariance X^T X / n (eigenvalue l) by (1 - 2 eta l) per step, so
 *   test loss   E (x.D)^2  = L0 [ integral rho(l) (1 - 2 eta l)^(2t) dl + max(0, 1 - 1/lambda) ],
 *   train loss  (1/n)|X D|^2 = L0   integral rho(l) l (1 - 2 eta l)^(2t) dl,
 * with rho the Marchenko-Pastur density of ratio lambda (the atom at l = 0, for lambda > 1, never
 * learns). At late times both decay as (1 - 2 eta l-)^(2t), l- = (1 - sqrt lambda)^2, and
 * train / test -> l-: the test loss reaches any threshold later than the train loss by about
 * ln(1 / l-) / (-2 ln(1 - 2 eta l-)) steps, a delay that diverges as lambda -> 1.
 *
 * Accuracy at tolerance epsilon (a sample is right when its squared error is below epsilon): with a
 * Gaussian error of variance L, P(e^2 < epsilon) = erf(sqrt(epsilon / (2 L))) (one output).
 */
import { erf } from "../special";
import { normalQuantile } from "../stats/normal";
import { mpEdges } from "./marchenkoPastur";

/** Training and test losses of gradient descent on the linear grokking model, in closed form, at the given steps. */
export interface LinearGdCurves {
  steps: number[];
  trainLoss: Float64Array;
  testLoss: Float64Array;
  /** erf(sqrt(epsilon / 2L)) of each loss, when epsilon is given. */
  trainAcc?: Float64Array;
  testAcc?: Float64Array;
}

/** P(e^2 < epsilon) for e ~ N(0, loss): the tolerance accuracy of a Gaussian error with that mean square. */
export function gaussianToleranceAccuracy(loss: number, epsilon: number): number {
  if (!(epsilon > 0)) throw new RangeError(`gaussianToleranceAccuracy: epsilon must be positive, got ${epsilon}`);
  if (!(loss > 0)) return 1;
  return erf(Math.sqrt(epsilon / (2 * loss)));
}

/**
 * The loss at which `gaussianToleranceAccuracy` equals `accuracy`: erf(sqrt(epsilon / 2L)) = a gives
 * L = epsilon / (2 u^2) with erf(u) = a, i.e. u = Phi^-1((1 + a) / 2) / sqrt 2.
 */
export function lossAtAccuracy(accuracy: number, epsilon: number): number {
  if (!(accuracy > 0 && accuracy < 1)) throw new RangeError(`lossAtAccuracy: accuracy must be in (0, 1), got ${accuracy}`);
  const z = normalQuantile((1 + accuracy) / 2);
  return epsilon / (z * z);
}

/**
 * Large-d train and test losses (and accuracies) of full-batch gradient descent with learning rate
 * `lr` on the "mse" loss, at the given steps, for lambda = d / n and initial test loss `initLoss`
 * (E|D0|^2, per output). `points` sets the quadrature (midpoints in the angle
 * l = l- + (l+ - l-)(1 - cos theta) / 2, which absorbs the square-root edges).
 */
export function linearGdTheory(opts: { lambda: number; lr: number; steps: number[]; initLoss: number; epsilon?: number; points?: number }): LinearGdCurves {
  const { lambda, lr, steps, initLoss } = opts;
  if (!(lambda > 0)) throw new RangeError(`linearGdTheory: lambda must be positive, got ${lambda}`);
  if (!(lr > 0)) throw new RangeError(`linearGdTheory: lr must be positive, got ${lr}`);
  const [lo, hi] = mpEdges({ q: lambda });
  if (!(2 * lr * hi < 2)) throw new RangeError(`linearGdTheory: lr = ${lr} is unstable (2 lr l+ = ${(2 * lr * hi).toFixed(3)} >= 2)`);
  const M = opts.points ?? 2000;
  const ls = new Float64Array(M), ws = new Float64Array(M);
  const half = (hi - lo) / 2;
  for (let j = 0; j < M; j++) {
    const th = (Math.PI * (j + 0.5)) / M;
    const l = lo + half * (1 - Math.cos(th));
    // rho(l) dl = sqrt((hi - l)(l - lo)) / (2 pi lambda l) * half sin(th) dth, and sqrt((hi-l)(l-lo)) = half sin(th)
    ls[j] = l;
    ws[j] = (half * Math.sin(th)) ** 2 / (2 * Math.PI * lambda * l) * (Math.PI / M);
  }
  const atom = Math.max(0, 1 - 1 / lambda);
  const trainLoss = new Float64Array(steps.length), testLoss = new Float64Array(steps.length);
  steps.forEach((t, i) => {
    let te = 0, tr = 0;
    for (let j = 0; j < M; j++) {
      const f = (1 - 2 * lr * ls[j]) ** (2 * t) * ws[j];
      te += f;
      tr += f * ls[j];
    }
    testLoss[i] = initLoss * (te + atom);
    trainLoss[i] = initLoss * tr;
  });
  const out: LinearGdCurves = { steps: steps.slice(), trainLoss, testLoss };
  if (opts.epsilon !== undefined) {
    const eps = opts.epsilon;
    out.trainAcc = trainLoss.map((l) => gaussianToleranceAccuracy(l, eps));
    out.testAcc = testLoss.map((l) => gaussianToleranceAccuracy(l, eps));
  }
  return out;
}
