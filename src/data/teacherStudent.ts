/**
 * The linear teacher-student task of Levi, Beck & Bar-Sinai (arXiv 2310.16441), in which a linear
 * model "groks": inputs x ~ N(0, I_dIn), a random linear teacher T (dIn x dOut, entries N(0, 1/dIn),
 * so each output has variance about 1), targets y = T^T x, nTrain training and nTest test examples.
 * A prediction counts as correct when its per-sample squared error, averaged over the outputs, is
 * below a tolerance epsilon (`toleranceAccuracy`): an accuracy made from a regression loss.
 *
 *   const task = data.linearTeacherStudent({ dIn: 100, nTrain: 200, nTest: 2000, rng: rng.fork("task") });
 */
import type { Matrix } from "../linalg/matrix";
import type { Rng } from "../random";

/** A linear teacher-student task with dIn inputs and dOut outputs: the teacher's weights and the training and test sets. */
export interface TeacherStudentTask {
  dIn: number;
  dOut: number;
  /** dIn x dOut teacher weights. */
  teacher: Matrix;
  train: { x: Matrix; y: Matrix };
  test: { x: Matrix; y: Matrix };
}

function positive(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`linearTeacherStudent: ${what} must be a positive integer, got ${v}`);
}

function inputs(n: number, d: number, rng: Rng): Matrix {
  return { rows: n, cols: d, data: rng.normals(n * d) };
}

function outputs(x: Matrix, t: Matrix): Matrix {
  const n = x.rows, d = x.cols, k = t.cols;
  const y = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = x.data[i * d + j];
      if (v === 0) continue;
      for (let c = 0; c < k; c++) y[i * k + c] += v * t.data[j * k + c];
    }
  }
  return { rows: n, cols: k, data: y };
}

/**
 * Draw a teacher (`rng.fork("teacher")`), training inputs (`"train"`) and test inputs (`"test"`).
 * Noiseless targets: the only randomness that matters for generalization is which inputs were seen.
 */
export function linearTeacherStudent(opts: { dIn: number; dOut?: number; nTrain: number; nTest: number; rng: Rng }): TeacherStudentTask {
  const dOut = opts.dOut ?? 1;
  positive(opts.dIn, "dIn");
  positive(dOut, "dOut");
  positive(opts.nTrain, "nTrain");
  positive(opts.nTest, "nTest");
  if (!opts.rng) throw new TypeError("linearTeacherStudent: pass { rng } (e.g. rng.fork(\"task\"))");
  const teacher: Matrix = { rows: opts.dIn, cols: dOut, data: opts.rng.fork("teacher").normals(opts.dIn * dOut, 0, 1 / Math.sqrt(opts.dIn)) };
  const xTrain = inputs(opts.nTrain, opts.dIn, opts.rng.fork("train"));
  const xTest = inputs(opts.nTest, opts.dIn, opts.rng.fork("test"));
  return { dIn: opts.dIn, dOut, teacher, train: { x: xTrain, y: outputs(xTrain, teacher) }, test: { x: xTest, y: outputs(xTest, teacher) } };
}

/**
 * The fraction of rows whose squared error, averaged over the `cols` outputs, is below `epsilon`:
 * Levi et al.'s accuracy for a regression task. `pred` and `target` are row-major with `cols` columns.
 */
export function toleranceAccuracy(pred: ArrayLike<number>, target: ArrayLike<number>, cols: number, epsilon: number): number {
  if (pred.length !== target.length || pred.length % cols !== 0) throw new RangeError(`toleranceAccuracy: ${pred.length} predictions, ${target.length} targets, ${cols} columns`);
  if (!(epsilon > 0)) throw new RangeError(`toleranceAccuracy: epsilon must be positive, got ${epsilon}`);
  const n = pred.length / cols;
  let ok = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += (pred[i * cols + c] - target[i * cols + c]) ** 2;
    if (s / cols < epsilon) ok++;
  }
  return ok / Math.max(1, n);
}
