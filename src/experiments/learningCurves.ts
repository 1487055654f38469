/**
 * Chapter 04: learning curves measured by simulation, to set against theory.learningCurve: ridge(less)
 * regression on Gaussian data with a power-law spectrum, and Laplace-kernel regression on MNIST.
 */
import * as la from "../linalg";
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import { binaryTargets, mnist } from "../data/mnist";
import { kernelRidgeFit, kernelRidgePredict, kernelSpectrum, laplaceKernel, medianDistance, rbfKernel, squaredDistances } from "../models/kernels";
import { mse } from "../stats/descriptive";

type Matrix = la.Matrix;

/**
 * Simulated learning curves of ridge(less) linear regression with Gaussian inputs
 * x ~ N(0, diag(spectrum)) and a random isotropic teacher w ~ N(0, I) (so the target power in mode k
 * is spectrum_k w_k^2): the kernel-regression view with kernel K(x, x') = x . x'. For each seed
 * (`rng.fork("seed s")`) one standard-normal design Z of max(ns) rows and one teacher are drawn and
 * shared by all the spectra (x = sqrt(spectrum) z: the normals, the dominant cost at large d, are drawn
 * once; the curves of different spectra are then correlated, each is still a valid simulation). The
 * nested prefixes of n rows are fitted in the n x n kernel form
 *   alpha = (X X^T + n ridge I)^-1 y,  w_hat = X^T alpha,  E_g = sum_k spectrum_k (w_k - w_hat_k)^2,
 * with `ridge` the per-sample lambda (the library's convention: theory.learningCurve with the same
 * `ridge` predicts these curves), reported relative to the mean target variance sum_k spectrum_k, so
 * the seed average estimates the theory with targetPower = spectrum / sum(spectrum). Returns
 * errors[spectrum][seed][i] for ns[i].
 */
export function simulateLinearLearningCurves(opts: {
  spectra: ArrayLike<number>[];
  ns: number[];
  seeds: number;
  rng: Rng;
  /** Per-sample ridge lambda: alpha = (X X^T + n lambda I)^-1 y (default 0: ridgeless). */
  ridge?: number;
  onProgress?: OnProgress;
}): number[][][] {
  const { spectra, ns } = opts;
  const d = spectra[0].length;
  for (const sp of spectra) if (sp.length !== d) throw new RangeError("simulateLinearLearningCurves: all spectra must have the same length");
  const nMax = Math.max(...ns);
  const out: number[][][] = spectra.map(() => []);
  const X = new Float64Array(nMax * d);
  opts.rng.forks("seed", opts.seeds).forEach((r, s) => {
    const Z = r.fork("design").normals(nMax * d);
    const w = r.fork("teacher").normals(d);
    spectra.forEach((spectrum, which) => {
      const sq = Float64Array.from(spectrum, Math.sqrt);
      let power = 0;
      for (let k = 0; k < d; k++) power += spectrum[k];
      for (let i = 0; i < nMax; i++) for (let k = 0; k < d; k++) X[i * d + k] = Z[i * d + k] * sq[k];
      const y = new Float64Array(nMax);
      for (let i = 0; i < nMax; i++) { let t = 0; for (let k = 0; k < d; k++) t += X[i * d + k] * w[k]; y[i] = t; }
      const K = la.outerGram({ rows: nMax, cols: d, data: X });
      const row: number[] = [];
      for (const n of ns) {
        const Kn = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Kn[i * n + j] = K.data[i * nMax + j];
        if (opts.ridge) for (let i = 0; i < n; i++) Kn[i * n + i] += opts.ridge * n;
        const alpha = la.choleskySolve({ rows: n, cols: n, data: Kn }, y.slice(0, n));
        const res = Float64Array.from(w);
        for (let i = 0; i < n; i++) { const a = alpha[i]; for (let k = 0; k < d; k++) res[k] -= a * X[i * d + k]; }
        let e = 0;
        for (let k = 0; k < d; k++) e += spectrum[k] * res[k] * res[k];
        row.push(e / power);
      }
      out[which].push(row);
    });
    opts.onProgress?.({ done: s + 1, total: opts.seeds, label: `d = ${d}, seeds` });
  });
  return out;
}

/** The learning curve of one kernel on MNIST: test mse and classification error against the training size, per seed. */
export interface MnistKernelCurve {
  /** mse[seed][i] and classError[seed][i] at ns[i]. */
  mse: number[][];
  classError: number[][];
  /** The lengthscale used for each seed. */
  lengthscale: number[];
}

/**
 * Learning curve of kernel ridge(less) regression on MNIST: target +1 / -1 (even / odd digit), for
 * each seed (`rng.fork("seed s")`) a random training pool of max(ns) digits (nested prefixes of size n)
 * and a disjoint test set, lengthscale = median pairwise distance of the training images unless given.
 * Returns the test mean squared error and the classification error (sign of the prediction).
 */
export function mnistKernelCurve(o: {
  ns: number[];
  nTest: number;
  seeds: number;
  rng: Rng;
  lengthscale?: number;
  kernel?: "laplace" | "rbf";
  side?: number;
  /** Per-sample ridge lambda: alpha = (K + n lambda I)^-1 y (default 0: ridgeless). */
  ridge?: number;
  onProgress?: OnProgress;
}): MnistKernelCurve {
  const nMax = Math.max(...o.ns);
  const out: MnistKernelCurve = { mse: [], classError: [], lengthscale: [] };
  const kern = (A: Matrix, B: Matrix, l: number): Matrix => (o.kernel === "rbf" ? rbfKernel(A, B, l) : laplaceKernel(A, B, l));
  let done = 0;
  for (const r of o.rng.forks("seed", o.seeds)) {
    const { train, test } = mnist({ nTrain: nMax, nTest: o.nTest, rng: r, side: o.side });
    const ytr = binaryTargets(train), yte = binaryTargets(test);
    const l = o.lengthscale ?? medianDistance(train.x);
    out.lengthscale.push(l);
    const m1: number[] = [], c1: number[] = [];
    for (const n of o.ns) {
      const Xn: Matrix = { rows: n, cols: train.d, data: train.x.data.subarray(0, n * train.d) };
      const model = kernelRidgeFit(kern(Xn, Xn, l), ytr.subarray(0, n), o.ridge ?? 0);
      const pred = kernelRidgePredict(kern(test.x, Xn, l), model).data;
      m1.push(mse(pred, yte));
      let wrong = 0;
      for (let i = 0; i < yte.length; i++) if (Math.sign(pred[i]) !== yte[i]) wrong++;
      c1.push(wrong / yte.length);
      o.onProgress?.({ done: ++done, total: o.seeds * o.ns.length, label: "kernel regressions" });
    }
    out.mse.push(m1);
    out.classError.push(c1);
  }
  return out;
}

/** One kernel of an MNIST study: Laplace exp(-|x - z| / l) or RBF exp(-|x - z|^2 / (2 l^2)), l = scale x the median distance. */
export interface MnistKernelVariant {
  kernel: "laplace" | "rbf";
  scale: number;
  /** Training-set sizes for this kernel (a subset of the study's ns; default all). */
  ns?: number[];
}

/** Learning curves of kernels on MNIST over several seeds, with the bandwidths they used. */
export interface MnistKernelStudy {
  ns: number[];
  /** The median pairwise distance of each seed's training pool. */
  median: number[];
  /** Per variant: its ns and the test MSE and classification error, mse[seed][i] at ns[i]. */
  variants: { kernel: "laplace" | "rbf"; scale: number; ns: number[]; mse: number[][]; classError: number[][] }[];
  /**
   * When `spectrumN` is given: per seed, the first variant's kernel spectrum (descending) and the target
   * power per mode (models.kernelSpectrum) on the first spectrumN points of the training pool, so that
   * theory.learningCurve can predict the curve of the same seed.
   */
  spectrum?: { N: number; eigenvalues: number[][]; targetPower: number[][] };
}

/**
 * Kernel ridgeless regression on MNIST for several kernels on the same data, sharing the expensive part:
 * for each seed (`rng.fork("seed s")`, the same subsets as mnistKernelCurve) one training pool of
 * max(ns) digits (nested prefixes of size n) and a disjoint test set of nTest digits, target +1 / -1
 * (even / odd), the squared distances computed once and every kernel obtained from them elementwise.
 * With `spectrumN`, also the first variant's kernel spectrum and target power on the first spectrumN
 * points of the pool (for the prediction of the learning curve from the spectrum).
 */
export function mnistKernelStudy(o: {
  ns: number[];
  nTest: number;
  seeds: number;
  rng: Rng;
  variants: MnistKernelVariant[];
  spectrumN?: number;
  side?: number;
  onProgress?: OnProgress;
}): MnistKernelStudy {
  const nMax = Math.max(...o.ns);
  const out: MnistKernelStudy = {
    ns: o.ns.slice(), median: [],
    variants: o.variants.map((v) => ({ kernel: v.kernel, scale: v.scale, ns: (v.ns ?? o.ns).slice(), mse: [], classError: [] })),
  };
  if (o.spectrumN) out.spectrum = { N: o.spectrumN, eigenvalues: [], targetPower: [] };
  const total = o.seeds * (o.variants.reduce((s, v) => s + (v.ns ?? o.ns).length, 0) + (o.spectrumN ? 1 : 0));
  let done = 0;
  for (const r of o.rng.forks("seed", o.seeds)) {
    const { train, test } = mnist({ nTrain: nMax, nTest: o.nTest, rng: r, side: o.side });
    const ytr = binaryTargets(train), yte = binaryTargets(test);
    const med = medianDistance(train.x);
    out.median.push(med);
    const D = squaredDistances(train.x, train.x), Dt = squaredDistances(test.x, train.x);
    const kernelOf = (v: MnistKernelVariant, d2: number): number => {
      const l = v.scale * med;
      return v.kernel === "rbf" ? Math.exp(-d2 / (2 * l * l)) : Math.exp(-Math.sqrt(d2) / l);
    };
    o.variants.forEach((v, vi) => {
      const m1: number[] = [], c1: number[] = [];
      for (const n of out.variants[vi].ns) {
        const Kn = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Kn[i * n + j] = kernelOf(v, D.data[i * nMax + j]);
        const Kt = new Float64Array(o.nTest * n);
        for (let i = 0; i < o.nTest; i++) for (let j = 0; j < n; j++) Kt[i * n + j] = kernelOf(v, Dt.data[i * nMax + j]);
        const model = kernelRidgeFit({ rows: n, cols: n, data: Kn }, ytr.subarray(0, n), 0);
        const pred = kernelRidgePredict({ rows: o.nTest, cols: n, data: Kt }, model).data;
        m1.push(mse(pred, yte));
        let wrong = 0;
        for (let i = 0; i < yte.length; i++) if (Math.sign(pred[i]) !== yte[i]) wrong++;
        c1.push(wrong / yte.length);
        o.onProgress?.({ done: ++done, total, label: "kernel regressions" });
      }
      out.variants[vi].mse.push(m1);
      out.variants[vi].classError.push(c1);
    });
    if (o.spectrumN && out.spectrum) {
      const N = o.spectrumN, v = o.variants[0];
      if (N > nMax) throw new RangeError(`mnistKernelStudy: spectrumN = ${N} exceeds the pool of ${nMax} digits`);
      const KN = new Float64Array(N * N);
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) KN[i * N + j] = kernelOf(v, D.data[i * nMax + j]);
      const sp = kernelSpectrum({ rows: N, cols: N, data: KN }, ytr.subarray(0, N));
      out.spectrum.eigenvalues.push(Array.from(sp.eigenvalues));
      out.spectrum.targetPower.push(Array.from(sp.targetPower));
      o.onProgress?.({ done: ++done, total, label: "kernel spectrum" });
    }
  }
  return out;
}
