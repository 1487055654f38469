/**
 * Chapter 10: the simulations behind "why power laws".
 *
 * - `simulateRandomFeatureScaling`: Maloney, Roberts & Sully's random-feature model (closed form in
 *   theory/randomFeatureScaling.ts) simulated on a grid of feature counts N and sample sizes T,
 *   ridge or ridgeless: the four regimes of Bahri et al. (arXiv 2102.06701) in one experiment.
 * - `manifoldExponentStudy`: Sharma & Kaplan's (arXiv 2004.10802) data-manifold experiment: ReLU
 *   students of many widths fit teachers on d-dimensional manifolds, trained to convergence on
 *   plenty of data, for several d at once (one `train.trainEnsemble` program).
 */
import * as la from "../linalg";
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import { manifoldTask, ManifoldTaskOptions } from "../data/manifold";
import { trainEnsemble, EnsembleMember } from "../train/ensemble";
import type { Schedule } from "../train/schedules";
import { parameterCount } from "../train/spec";

type Matrix = la.Matrix;

export interface RandomFeatureSimulation {
  Ns: number[];
  Ts: number[];
  /** relErr[s][i][j]: seed s, N = Ns[i], T = Ts[j]: test loss against noisy labels / target variance. */
  relErr: number[][][];
}

/**
 * Simulate the random-feature model: for each seed (rng.fork(`seed ${s}`)) a teacher w ~ N(0, I_M),
 * T_max samples x = Lambda^(1/2) g with labels y = w . x + sigma xi, and N_max random features with
 * F_ij ~ N(0, 1/N); the model with N features uses the first N rows of F (rescaled to variance 1/N)
 * and the first T samples. Readout: ridge (v = (Z^T Z / T + ridge)^-1 Z^T y / T, in kernel form when
 * N > T) or, with ridge 0, least squares (N < T) / minimum norm (N > T). The test loss is exact:
 * (beta - w)^T Lambda (beta - w) + sigma^2 with beta = F^T v, reported relative to sum_I lambda_I.
 */
export function simulateRandomFeatureScaling(opts: {
  spectrum: ArrayLike<number>;
  Ns: number[];
  Ts: number[];
  seeds: number;
  rng: Rng;
  ridge?: number;
  sigma?: number;
  onProgress?: OnProgress;
}): RandomFeatureSimulation {
  const lam = Float64Array.from(opts.spectrum), M = lam.length;
  const Ns = opts.Ns.slice().sort((a, b) => a - b), Ts = opts.Ts.slice().sort((a, b) => a - b);
  const Nmax = Ns[Ns.length - 1], Tmax = Ts[Ts.length - 1];
  const ridge = opts.ridge ?? 0, sigma = opts.sigma ?? 0;
  const sq = Float64Array.from(lam, Math.sqrt);
  let total = 0;
  for (const l of lam) total += l;
  const relErr: number[][][] = [];
  let done = 0;
  for (const r of opts.rng.forks("seed", opts.seeds)) {
    const w = r.fork("teacher").normals(M);
    const X = r.fork("inputs").normals(Tmax * M);
    for (let t = 0; t < Tmax; t++) for (let i = 0; i < M; i++) X[t * M + i] *= sq[i];
    const y = new Float64Array(Tmax);
    const noise = sigma > 0 ? r.fork("noise").normals(Tmax, 0, sigma) : null;
    for (let t = 0; t < Tmax; t++) { let s = 0; for (let i = 0; i < M; i++) s += X[t * M + i] * w[i]; y[t] = s + (noise ? noise[t] : 0); }
    const F = r.fork("features").normals(Nmax * M, 0, 1 / Math.sqrt(Nmax));
    const Z = la.matmul({ rows: Tmax, cols: M, data: X }, { rows: Nmax, cols: M, data: F }, { transB: true }); // Tmax x Nmax
    const seedErr: number[][] = [];
    for (const N of Ns) {
      const scale = Math.sqrt(Nmax / N);
      const row: number[] = [];
      for (const T of Ts) {
        const Zs = new Float64Array(T * N);
        for (let t = 0; t < T; t++) for (let j = 0; j < N; j++) Zs[t * N + j] = Z.data[t * Nmax + j] * scale;
        const Zm: Matrix = { rows: T, cols: N, data: Zs };
        const ys = y.subarray(0, T);
        let v: Float64Array;
        if (N <= T) {
          const G = la.gram(Zm);                      // Z^T Z (N x N)
          for (let j = 0; j < N; j++) G.data[j * N + j] += ridge * T;
          const b = la.matvec(la.transpose(Zm), ys);
          v = ridge > 0 || N < T ? la.choleskySolve(G, b) : la.solve(Zm, Float64Array.from(ys));
        } else {
          const K = la.outerGram(Zm);                 // Z Z^T (T x T)
          for (let t = 0; t < T; t++) K.data[t * T + t] += ridge * T;
          const alpha = la.choleskySolve(K, Float64Array.from(ys));
          v = la.matvec(la.transpose(Zm), alpha);
        }
        // beta = F_N^T v (latent weights); loss = (beta - w)^T Lambda (beta - w) + sigma^2
        const beta = new Float64Array(M);
        for (let j = 0; j < N; j++) { const c = v[j] * scale; if (c !== 0) for (let i = 0; i < M; i++) beta[i] += c * F[j * M + i]; }
        let e = 0;
        for (let i = 0; i < M; i++) e += lam[i] * (beta[i] - w[i]) ** 2;
        row.push((e + sigma * sigma) / total);
        opts.onProgress?.({ done: ++done, total: opts.seeds * Ns.length * Ts.length, label: "random-feature fits" });
      }
      seedErr.push(row);
    }
    relErr.push(seedErr);
  }
  return { Ns, Ts, relErr };
}

// ------------------------------------------------------------------------- Sharma & Kaplan

export interface ManifoldExponentConfig {
  /** Intrinsic dimensions to compare. */
  dims: number[];
  /** The task besides d (input dimension, teacher, noise). */
  task: Omit<ManifoldTaskOptions, "d">;
  /** Student widths. */
  widths: number[];
  /** Training set size per d (fixed data: students are trained to convergence on it). */
  nTrain: number;
  /** Adam steps, minibatch size, learning rate and schedule (default cosine to 1%). */
  steps: number;
  batch: number;
  lr: number;
  schedule?: Schedule;
  /** Independent repetitions (teacher, data and initialisation per seed). */
  seeds: number;
  testSize?: number;
}

export interface ManifoldExponentRecord {
  d: number;
  seed: number;
  width: number;
  /** Trainable parameters. */
  N: number;
  /** Test MSE against the clean teacher, and the final training loss. */
  testLoss: number;
  trainLoss: number;
}

/**
 * Students of every width, for every intrinsic dimension d and seed, trained side by side in one
 * ensemble: the inputs of the different (d, seed) tasks sit in separate column blocks of one input
 * matrix and each student reads only its own block. Each (d, seed) has its own teacher
 * (rng.fork(`d ${d} seed ${s}`).fork("task")), a fixed training set of nTrain points (minibatches
 * drawn from it), and a test set; every student gets the same number of steps.
 */
export async function manifoldExponentStudy(cfg: ManifoldExponentConfig, opts: { rng: Rng; onProgress?: OnProgress }): Promise<ManifoldExponentRecord[]> {
  const D = cfg.task.inputDim, nTest = cfg.testSize ?? 2048;
  const blocks: { d: number; seed: number; train: { x: Float32Array; y: Float32Array }; test: { x: Float32Array; f: Float32Array }; batches: Rng }[] = [];
  for (const d of cfg.dims) for (let s = 0; s < cfg.seeds; s++) {
    const r = opts.rng.fork(`d ${d} seed ${s}`);
    const task = manifoldTask({ ...cfg.task, d }, r.fork("task"));
    const tr = task.sample(cfg.nTrain, r.fork("train")), te = task.sample(nTest, r.fork("test"));
    blocks.push({ d, seed: s, train: tr, test: te, batches: r.fork("batches") });
  }
  const B = blocks.length, width = B * D;
  const members: EnsembleMember[] = [];
  const meta: { d: number; seed: number; width: number }[] = [];
  blocks.forEach((b, k) => {
    for (const w of cfg.widths) {
      members.push({ width: w, steps: cfg.steps, rng: opts.rng.fork(`d ${b.d} seed ${b.seed}`).fork(`width ${w}`), inputs: [k * D, (k + 1) * D], target: k });
      meta.push({ d: b.d, seed: b.seed, width: w });
    }
  });
  // test set: block k's test inputs in columns [kD, (k+1)D), its clean targets in column k
  const testX = new Float32Array(nTest * width), testY = new Float32Array(nTest * B);
  blocks.forEach((b, k) => {
    for (let i = 0; i < nTest; i++) {
      testX.set(b.test.x.subarray(i * D, (i + 1) * D), i * width + k * D);
      testY[i * B + k] = b.test.f[i];
    }
  });
  const bx = new Float32Array(cfg.batch * width), by = new Float32Array(cfg.batch * B);
  const res = await trainEnsemble({
    inputDim: width, outputs: B, members, optimizer: { lr: cfg.lr }, schedule: cfg.schedule ?? { kind: "cosine", warmup: 20, final: 0.01 },
    batch: (t) => {
      blocks.forEach((b, k) => {
        const rr = b.batches.fork(`step ${t}`);
        for (let i = 0; i < cfg.batch; i++) {
          const j = rr.int(cfg.nTrain);
          bx.set(b.train.x.subarray(j * D, (j + 1) * D), i * width + k * D);
          by[i * B + k] = b.train.y[j];
        }
      });
      return { x: bx, y: by, rows: cfg.batch };
    },
    test: { x: testX, y: testY, rows: nTest },
    onProgress: opts.onProgress,
  });
  return res.members.map((m, k) => ({ ...meta[k], N: parameterCount({ inputDim: D, hidden: [meta[k].width] }), testLoss: m.testLoss, trainLoss: m.trainLoss }));
}
