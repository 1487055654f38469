/**
 * Teacher-student data on a low-dimensional manifold (chapters 09 and 10): inputs that fill a
 * d-dimensional subspace of R^inputDim, labelled by a fixed random smooth network of the d latent
 * coordinates, plus optional label noise. Sharma & Kaplan (arXiv 2004.10802) argue that a network
 * with N parameters fitting such a target resolves the d-dimensional data manifold into pieces of size
 * ~ N^(-1/d), so a piecewise-linear (ReLU) student's squared error falls as N^(-4/d) (chapter 10); the
 * same task, with its loss still falling over a wide range of sizes and data, is the scaling study
 * of chapter 09.
 *
 * Latent coordinates z are i.i.d. uniform on [-sqrt 3, sqrt 3] (unit variance) or standard normal;
 * inputs x = U z with U an inputDim x d matrix with orthonormal columns (a random d-dimensional
 * subspace); the teacher is f(z) = v . tanh(W2 tanh(W1 z + b1) + b2) (any depth) with Gaussian weights
 * of variance cw / fan_in, scaled so that f has unit variance over the data; labels y = f(z) + sigma xi.
 */
import type { Rng } from "../random";
import { matmul } from "../linalg";

/** Options of `manifoldTask`: the intrinsic dimension d of the data, the input dimension, the teacher and the label noise. */
export interface ManifoldTaskOptions {
  /** Intrinsic dimension d of the data manifold. */
  d: number;
  /** Dimension of the inputs the student sees (>= d). */
  inputDim: number;
  /** Teacher hidden widths (default [64, 64]). */
  hidden?: number[];
  /** Teacher weight variance scale C_W (default 2: a fairly wiggly tanh network). */
  cw?: number;
  /** Teacher bias standard deviation (default 0.5). */
  biasStd?: number;
  /** Label-noise standard deviation (default 0). */
  sigma?: number;
  /** Distribution of the latent coordinates (default "uniform"). */
  latent?: "uniform" | "gaussian";
}

/** A sample of a manifold task: inputs, noisy labels and the teacher's clean outputs (float32, ready for TensorFlow.js). */
export interface ManifoldSample {
  /** n x inputDim inputs, row-major. */
  x: Float32Array;
  /** Noisy labels and clean teacher outputs. */
  y: Float32Array;
  f: Float32Array;
  rows: number;
}

/** A regression task on a d-dimensional manifold embedded in inputDim dimensions, with a fixed teacher: draw samples from it. */
export interface ManifoldTask {
  d: number;
  inputDim: number;
  sigma: number;
  /** inputDim x d embedding with orthonormal columns, row-major. */
  embedding: Float64Array;
  /** Teacher output at latent points z (n x d, row-major). */
  teacher(z: Float64Array, n: number): Float64Array;
  /** n fresh samples drawn from `rng`. */
  sample(n: number, rng: Rng): ManifoldSample;
}

/** A random teacher-student task on a d-dimensional linear manifold (see the file's note). */
export function manifoldTask(opts: ManifoldTaskOptions, rng: Rng): ManifoldTask {
  const { d, inputDim } = opts;
  if (!(Number.isInteger(d) && d >= 1)) throw new RangeError(`manifoldTask: d must be a positive integer, got ${d}`);
  if (!(Number.isInteger(inputDim) && inputDim >= d)) throw new RangeError(`manifoldTask: inputDim must be an integer >= d = ${d}, got ${inputDim}`);
  const hidden = opts.hidden ?? [64, 64];
  const cw = opts.cw ?? 2, bstd = opts.biasStd ?? 0.5, sigma = opts.sigma ?? 0;
  const latent = opts.latent ?? "uniform";

  // embedding: Gram-Schmidt on a Gaussian inputDim x d matrix (columns orthonormal)
  const er = rng.fork("embedding");
  const U = new Float64Array(inputDim * d);
  for (let j = 0; j < d; j++) {
    const col = er.normals(inputDim);
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let i = 0; i < inputDim; i++) dot += col[i] * U[i * d + p];
      for (let i = 0; i < inputDim; i++) col[i] -= dot * U[i * d + p];
    }
    const nrm = Math.hypot(...col);
    for (let i = 0; i < inputDim; i++) U[i * d + j] = col[i] / nrm;
  }

  // teacher layers
  const tr = rng.fork("teacher");
  const dims = [d, ...hidden];
  const Ws: Float64Array[] = [], bs: Float64Array[] = [];
  for (let l = 0; l < hidden.length; l++) {
    Ws.push(tr.fork(`W${l + 1}`).normals(dims[l] * dims[l + 1], 0, Math.sqrt(cw / dims[l])));
    bs.push(tr.fork(`b${l + 1}`).normals(dims[l + 1], 0, bstd));
  }
  const v = tr.fork("readout").normals(dims[dims.length - 1], 0, 1 / Math.sqrt(dims[dims.length - 1]));
  let scale = 1, shift = 0;
  // layer products on the float64 BLAS path (OpenBLAS when built): a data stream of 10^5-10^6 samples
  // goes through the teacher in well under a second
  const raw = (z: Float64Array, n: number): Float64Array => {
    let a = z, width = d;
    for (let l = 0; l < hidden.length; l++) {
      const w2 = dims[l + 1], b = bs[l];
      const out = matmul({ rows: n, cols: width, data: a }, { rows: width, cols: w2, data: Ws[l] }).data;
      for (let i = 0; i < n; i++) for (let j = 0; j < w2; j++) out[i * w2 + j] = Math.tanh(out[i * w2 + j] + b[j]);
      a = out; width = w2;
    }
    return matmul({ rows: n, cols: width, data: a }, { rows: width, cols: 1, data: v }).data;
  };
  const drawLatent = (n: number, r: Rng): Float64Array =>
    latent === "gaussian" ? r.normals(n * d) : r.uniforms(n * d, -Math.sqrt(3), Math.sqrt(3));
  // normalise the teacher to zero mean and unit variance over the data distribution
  {
    const nCal = 8192;
    const f = raw(drawLatent(nCal, rng.fork("calibration")), nCal);
    const m = f.reduce((s, x) => s + x, 0) / nCal;
    const vr = f.reduce((s, x) => s + (x - m) ** 2, 0) / (nCal - 1);
    shift = m; scale = 1 / Math.sqrt(vr);
  }
  const teacher = (z: Float64Array, n: number): Float64Array => {
    const f = raw(z, n);
    for (let i = 0; i < n; i++) f[i] = (f[i] - shift) * scale;
    return f;
  };
  return {
    d, inputDim, sigma, embedding: U, teacher,
    sample(n: number, r: Rng): ManifoldSample {
      const z = drawLatent(n, r.fork("latent"));
      const f = teacher(z, n);
      const x = Float32Array.from(matmul({ rows: n, cols: d, data: z }, { rows: inputDim, cols: d, data: U }, { transB: true }).data);
      const y = new Float32Array(n), f32 = Float32Array.from(f);
      const noise = sigma > 0 ? r.fork("noise").normals(n, 0, sigma) : null;
      for (let i = 0; i < n; i++) y[i] = f[i] + (noise ? noise[i] : 0);
      return { x, y, f: f32, rows: n };
    },
  };
}
