/**
 * A small nonlinear regression task for training networks (chapters 06, 07 and 11): Gaussian inputs
 * x ~ N(0, I_d) labelled by a random two-layer ReLU teacher (`reluNetTeacher`) of a few units, the
 * targets standardised to zero mean and unit variance with the training set's mean and standard
 * deviation (so losses of different draws are comparable: predicting 0 gives mse 1; `standardize:
 * false` keeps the teacher's own scale), plus optional label noise of standard deviation `sigma` on
 * the training targets. Returned as matrices that `train.fit` takes directly.
 */
import type { Rng } from "../random";
import type { Matrix } from "../linalg";
import { gaussianInputs, isotropicSpectrum, reluNetTeacher } from "./gaussian";

/** A regression task from a teacher network: training inputs with noisy targets, test inputs with clean ones. */
export interface TeacherTask {
  /** Training inputs (n x d) and targets (n x 1). */
  train: { x: Matrix; y: Matrix };
  /** Test inputs (nTest x d) and noiseless targets (nTest x 1), standardised like the training targets. */
  test: { x: Matrix; y: Matrix };
}

/**
 * `n` training and `nTest` test points of a standardised ReLU-teacher regression. The inputs, the
 * teacher and the noise come from the named forks "inputs", "test inputs", "teacher" and "noise" of `rng`.
 */
export function reluTeacherTask(o: { n: number; d: number; nTest?: number; teacherWidth?: number; sigma?: number; standardize?: boolean; rng: Rng }): TeacherTask {
  const { n, d } = o;
  if (!(Number.isInteger(n) && n >= 2)) throw new RangeError(`reluTeacherTask: n must be an integer >= 2, got ${n}`);
  if (!(Number.isInteger(d) && d >= 1)) throw new RangeError(`reluTeacherTask: d must be a positive integer, got ${d}`);
  const nTest = o.nTest ?? 0, sigma = o.sigma ?? 0;
  if (!(Number.isInteger(nTest) && nTest >= 0)) throw new RangeError(`reluTeacherTask: nTest must be a non-negative integer, got ${nTest}`);
  if (!(sigma >= 0)) throw new RangeError(`reluTeacherTask: sigma must be non-negative, got ${sigma}`);
  const teacher = reluNetTeacher(d, o.teacherWidth ?? 8, {}, o.rng.fork("teacher"));
  const X = gaussianInputs(n, isotropicSpectrum(d), o.rng.fork("inputs"));
  const Xt = gaussianInputs(nTest, isotropicSpectrum(d), o.rng.fork("test inputs"));
  const f = teacher.outputs(X), ft = nTest > 0 ? teacher.outputs(Xt) : new Float64Array(0);
  // the training set's own mean and (population) standard deviation: a change of units, not an estimate
  let mean = 0, sd = 1;
  if (o.standardize ?? true) {
    for (const v of f) mean += v / n;
    let v2 = 0;
    for (const v of f) v2 += (v - mean) ** 2 / n;
    sd = Math.sqrt(v2) || 1;
  }
  const noise = o.rng.fork("noise");
  const y = f.map((v) => (v - mean) / sd + (sigma > 0 ? sigma * noise.normal() : 0));
  const yt = ft.map((v) => (v - mean) / sd);
  return { train: { x: X, y: { rows: n, cols: 1, data: y } }, test: { x: Xt, y: { rows: nTest, cols: 1, data: yt } } };
}
