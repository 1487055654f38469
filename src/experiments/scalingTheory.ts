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

/** Simulated test losses of random-feature regression over feature counts N, sample sizes T and ridges. */
export interface RandomFeatureSimulation {
  Ns: number[];
  Ts: number[];
  ridges: number[];
  /** relErr[r][s][i][j]: ridge r, seed s, N = Ns[i], T = Ts[j]: test loss on noisy labels / target variance. */
  relErr: number[][][][];
  /** dataLimit[r][s][i]: the same model with infinitely many samples (T -> infinity), exactly (NaN beyond `limitsUpTo`). */
  dataLimit: number[][][];
  /** featureLimit[r][s][j]: infinitely many features (N -> infinity: regression on the latent x), exactly (NaN beyond `limitsUpTo`). */
  featureLimit: number[][][];
}

/**
 * Simulate the random-feature model: for each seed (rng.fork(`seed ${s}`)) a teacher w ~ N(0, I_M),
 * T_max samples x = Lambda^(1/2) g with labels y = w . x + sigma xi, and N_max random features with
 * F_ij ~ N(0, 1/N); the model with N features uses the first N rows of F (rescaled to variance 1/N)
 * and the first T samples. Readout for each ridge: v = (Z^T Z / T + ridge)^-1 Z^T y / T (kernel form when
 * N > T); ridge 0 is least squares (N < T), the exact solve (N = T) or the minimum-norm interpolator
 * (N > T). The test loss is exact: (beta - w)^T Lambda (beta - w) + sigma^2 with beta = F^T v, reported
 * relative to sum_I lambda_I. Also returned, per seed and ridge, exactly: the T -> infinity limit of each
 * N (population ridge on the features) and the N -> infinity limit of each T (ridge(less) regression on
 * the latent inputs themselves, since F^T F -> I), for N and T up to `limitsUpTo` (default: all; the
 * limits of the largest sizes cost as much as the grid itself).
 * `teacherAveraged: true` reports instead each loss averaged over the teacher w ~ N(0, I_M) (and the
 * label noise) exactly, for the same data and features (`teacherAveragedSimulation`).
 */
export function simulateRandomFeatureScaling(opts: {
  spectrum: ArrayLike<number>;
  Ns: number[];
  Ts: number[];
  seeds: number;
  rng: Rng;
  ridges?: number[];
  sigma?: number;
  limitsUpTo?: number;
  teacherAveraged?: boolean;
  onProgress?: OnProgress;
}): RandomFeatureSimulation {
  if (opts.teacherAveraged) return teacherAveragedSimulation(opts);
  const { lam, M, Ns, Ts, Nmax, Tmax, ridges, sigma, nL, tL, sq, total } = simulationGrid(opts);
  const s2 = sigma * sigma;
  const relErr: number[][][][] = ridges.map(() => []), dataLimit: number[][][] = ridges.map(() => []), featureLimit: number[][][] = ridges.map(() => []);
  const lossOf = (beta: Float64Array, w: Float64Array): number => {
    let e = 0;
    for (let i = 0; i < M; i++) e += lam[i] * (beta[i] - w[i]) ** 2;
    return (e + s2) / total;
  };
  let done = 0;
  const work = opts.seeds * ridges.length * (Ns.length * Ts.length + Ns.length + Ts.length);
  for (const r of opts.rng.forks("seed", opts.seeds)) {
    const w = r.fork("teacher").normals(M);
    const X = r.fork("inputs").normals(Tmax * M);
    for (let t = 0; t < Tmax; t++) for (let i = 0; i < M; i++) X[t * M + i] *= sq[i];
    const y = new Float64Array(Tmax);
    const noise = sigma > 0 ? r.fork("noise").normals(Tmax, 0, sigma) : null;
    for (let t = 0; t < Tmax; t++) { let s = 0; for (let i = 0; i < M; i++) s += X[t * M + i] * w[i]; y[t] = s + (noise ? noise[t] : 0); }
    const F = r.fork("features").normals(Nmax * M, 0, 1 / Math.sqrt(Nmax));
    const Z = la.matmul({ rows: Tmax, cols: M, data: X }, { rows: Nmax, cols: M, data: F }, { transB: true }); // Tmax x Nmax
    // latent kernel of the first tL samples (N -> infinity limit)
    const KX = tL > 0 ? la.outerGram({ rows: tL, cols: M, data: X.subarray(0, tL * M) }) : null;
    // population quantities of the first nL features: S = F Lambda F^T, b = F Lambda w (T -> infinity limit)
    const FL = new Float64Array(nL * M);
    for (let j = 0; j < nL; j++) for (let i = 0; i < M; i++) FL[j * M + i] = F[j * M + i] * lam[i];
    const S = nL > 0 ? la.matmul({ rows: nL, cols: M, data: FL }, { rows: nL, cols: M, data: F.subarray(0, nL * M) }, { transB: true }) : null;
    const bAll = nL > 0 ? la.matvec({ rows: nL, cols: M, data: FL }, w) : null;
    const latentOf = (v: Float64Array, N: number, scale: number): Float64Array => {
      const beta = new Float64Array(M);
      for (let j = 0; j < N; j++) { const c = v[j] * scale; if (c !== 0) for (let i = 0; i < M; i++) beta[i] += c * F[j * M + i]; }
      return beta;
    };
    ridges.forEach((ridge, ri) => {
      const seedErr: number[][] = [], seedData: number[] = [], seedFeat: number[] = [];
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
            v = ridge > 0 || N < T ? la.choleskySolve(G, la.matvec(la.transpose(Zm), ys)) : la.solve(Zm, Float64Array.from(ys));
          } else {
            const K = la.outerGram(Zm);                 // Z Z^T (T x T)
            for (let t = 0; t < T; t++) K.data[t * T + t] += ridge * T;
            v = la.matvec(la.transpose(Zm), la.choleskySolve(K, Float64Array.from(ys)));
          }
          row.push(lossOf(latentOf(v, N, scale), w));
          opts.onProgress?.({ done: ++done, total: work, label: "random-feature fits" });
        }
        seedErr.push(row);
        opts.onProgress?.({ done: ++done, total: work, label: "random-feature fits" });
        if (!S || !bAll || N > nL) { seedData.push(NaN); continue; }
        // T -> infinity: v = (S_N + ridge)^-1 b_N, with the features of this N (scaled)
        const SN = new Float64Array(N * N), bN = new Float64Array(N);
        for (let a2 = 0; a2 < N; a2++) {
          bN[a2] = bAll[a2] * scale;
          for (let c2 = 0; c2 < N; c2++) SN[a2 * N + c2] = S.data[a2 * nL + c2] * scale * scale;
          SN[a2 * N + a2] += ridge;
        }
        seedData.push(lossOf(latentOf(la.choleskySolve({ rows: N, cols: N, data: SN }, bN), N, scale), w));
      }
      for (const T of Ts) {
        opts.onProgress?.({ done: ++done, total: work, label: "random-feature fits" });
        if (!KX || T > tL) { seedFeat.push(NaN); continue; }
        // N -> infinity: beta = X^T (X X^T + ridge T)^-1 y on the first T samples
        const K = new Float64Array(T * T);
        for (let a2 = 0; a2 < T; a2++) for (let c2 = 0; c2 < T; c2++) K[a2 * T + c2] = KX.data[a2 * tL + c2];
        for (let t = 0; t < T; t++) K[t * T + t] += ridge * T;
        const alpha = la.choleskySolve({ rows: T, cols: T, data: K }, Float64Array.from(y.subarray(0, T)));
        const beta = la.matvec(la.transpose({ rows: T, cols: M, data: X.subarray(0, T * M) }), alpha);
        seedFeat.push(lossOf(beta, w));
      }
      relErr[ri].push(seedErr);
      dataLimit[ri].push(seedData);
      featureLimit[ri].push(seedFeat);
    });
  }
  return { Ns, Ts, ridges, relErr, dataLimit, featureLimit };
}

/** tr(A B) for n x n row-major A and B. */
function traceOfProduct(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += a[i * n + j] * b[j * n + i];
  return s;
}

/** The leading r x c block of a row-major matrix with `cols` columns, times `scale`. */
function block(data: Float64Array, cols: number, r: number, c: number, scale = 1): Matrix {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[i * c + j] = data[i * cols + j] * scale;
  return { rows: r, cols: c, data: out };
}

/** The grid both random-feature simulations share: sorted sizes, their maxima, the sizes up to which the limits are computed, and the spectrum with its square roots and trace. */
function simulationGrid(opts: { spectrum: ArrayLike<number>; Ns: number[]; Ts: number[]; ridges?: number[]; sigma?: number; limitsUpTo?: number }) {
  const lam = Float64Array.from(opts.spectrum);
  const Ns = opts.Ns.slice().sort((a, b) => a - b), Ts = opts.Ts.slice().sort((a, b) => a - b);
  const upTo = opts.limitsUpTo ?? Infinity;
  let total = 0;
  for (const l of lam) total += l;
  return {
    lam, M: lam.length, Ns, Ts, Nmax: Ns[Ns.length - 1], Tmax: Ts[Ts.length - 1],
    ridges: opts.ridges ?? [0], sigma: opts.sigma ?? 0,
    nL: Ns.filter((N) => N <= upTo).pop() ?? 0, tL: Ts.filter((T) => T <= upTo).pop() ?? 0,
    sq: Float64Array.from(lam, Math.sqrt), total,
  };
}

/**
 * `simulateRandomFeatureScaling` with every loss averaged exactly over the teacher and the label noise.
 * The loss is quadratic in the teacher w: with the readout v = W (X w + xi) (W the N x T ridge map of
 * the features Z = X F^T, scaled as there) and beta = F^T v, the error beta - w = (F^T W X - I) w +
 * F^T W xi, and E over w ~ N(0, I_M) and xi ~ N(0, sigma^2 I_T) of its Lambda-norm is
 *   tr Lambda - 2 tr(W X Lambda F^T) + tr(F Lambda F^T W (X X^T + sigma^2 I) W^T),
 * which needs only T x T, N x N and T x N products of the data and the features. What is left is the
 * scatter of the data and the features alone: the seed-to-seed spread of a simulation/theory ratio
 * falls several fold (one teacher per seed made most of it). The T -> infinity and N -> infinity
 * limits are averaged the same way. Same rng streams as the one-teacher simulation (no teacher drawn).
 */
function teacherAveragedSimulation(opts: { spectrum: ArrayLike<number>; Ns: number[]; Ts: number[]; seeds: number; rng: Rng; ridges?: number[]; sigma?: number; limitsUpTo?: number; onProgress?: OnProgress }): RandomFeatureSimulation {
  const { lam, M, Ns, Ts, Nmax, Tmax, ridges, sigma, nL, tL, sq, total } = simulationGrid(opts);
  const s2 = sigma ** 2;
  const relErr: number[][][][] = ridges.map(() => []), dataLimit: number[][][] = ridges.map(() => []), featureLimit: number[][][] = ridges.map(() => []);
  let done = 0;
  const work = opts.seeds * ridges.length * (Ns.length * Ts.length + Ns.length + Ts.length);
  const scaleCols = (A: Float64Array, rows: number, d: Float64Array): Matrix => {
    const out = new Float64Array(rows * M);
    for (let t = 0; t < rows; t++) for (let i = 0; i < M; i++) out[t * M + i] = A[t * M + i] * d[i];
    return { rows, cols: M, data: out };
  };
  for (const r of opts.rng.forks("seed", opts.seeds)) {
    const X = r.fork("inputs").normals(Tmax * M);
    for (let t = 0; t < Tmax; t++) for (let i = 0; i < M; i++) X[t * M + i] *= sq[i];
    const F = r.fork("features").normals(Nmax * M, 0, 1 / Math.sqrt(Nmax));
    const Xm: Matrix = { rows: Tmax, cols: M, data: X }, Fm: Matrix = { rows: Nmax, cols: M, data: F };
    const FL = scaleCols(F, Nmax, lam);                       // F Lambda
    const Z = la.matmul(Xm, Fm, { transB: true });            // X F^T      (Tmax x Nmax)
    const C = la.matmul(Xm, FL, { transB: true });            // X Lambda F^T
    const S = la.matmul(Fm, FL, { transB: true });            // F Lambda F^T (Nmax x Nmax)
    const KX = la.outerGram(Xm);                              // X X^T      (Tmax x Tmax)
    const Q = nL > 0 ? la.outerGram(block(FL.data, M, nL, M)) : null;                                  // F Lambda^2 F^T
    const KL = tL > 0 ? la.matmul(block(X, M, tL, M), scaleCols(X, tL, lam), { transB: true }) : null;   // X Lambda X^T
    ridges.forEach((ridge, ri) => {
      const seedErr: number[][] = [], seedData: number[] = [], seedFeat: number[] = [];
      for (const N of Ns) {
        const scale = Math.sqrt(Nmax / N);
        const Ss = block(S.data, Nmax, N, N, scale * scale);
        const row: number[] = [];
        for (const T of Ts) {
          const Zs = block(Z.data, Nmax, T, N, scale);
          // W (N x T): v = W y; least squares / ridge (N <= T), the exact solve (N = T, no ridge) or the kernel form (N > T)
          let W: Matrix;
          if (N === T && ridge === 0) W = la.solve(Zs, block(identity(T), T, T, T));
          else if (N <= T) {
            const G = la.gram(Zs);
            for (let j = 0; j < N; j++) G.data[j * N + j] += ridge * T;
            W = la.choleskySolve(G, la.transpose(Zs));
          } else {
            const H = la.outerGram(Zs);
            for (let t = 0; t < T; t++) H.data[t * T + t] += ridge * T;
            W = la.transpose(la.choleskySolve(H, Zs));
          }
          const K = block(KX.data, Tmax, T, T);
          for (let t = 0; t < T; t++) K.data[t * T + t] += s2;
          const WKWt = la.matmul(la.matmul(W, K), W, { transB: true });
          const cross = traceOfProduct(la.matmul(W, block(C.data, Nmax, T, N, scale)).data, identity(N), N);
          row.push((total - 2 * cross + traceOfProduct(Ss.data, WKWt.data, N) + s2) / total);
          opts.onProgress?.({ done: ++done, total: work, label: "random-feature fits" });
        }
        seedErr.push(row);
        opts.onProgress?.({ done: ++done, total: work, label: "random-feature fits" });
        if (!Q || N > nL) { seedData.push(NaN); continue; }
        // T -> infinity: v = (S_N + ridge)^-1 F_N Lambda w; E_w: tr Lambda - 2 tr(R^-1 Q) + tr(R^-1 S R^-1 Q)
        const R = block(Ss.data, N, N, N);
        for (let j = 0; j < N; j++) R.data[j * N + j] += ridge;
        const Qs = block(Q.data, nL, N, N, scale * scale);
        const RiQ = la.choleskySolve(R, Qs), RiS = la.choleskySolve(R, Ss);
        seedData.push((total - 2 * traceOfProduct(RiQ.data, identity(N), N) + traceOfProduct(RiS.data, RiQ.data, N) + s2) / total);
      }
      for (const T of Ts) {
        opts.onProgress?.({ done: ++done, total: work, label: "random-feature fits" });
        if (!KL || T > tL) { seedFeat.push(NaN); continue; }
        // N -> infinity: beta = X^T H^-1 (X w + xi), H = X X^T + ridge T
        const H = block(KX.data, Tmax, T, T);
        for (let t = 0; t < T; t++) H.data[t * T + t] += ridge * T;
        const L = block(KL.data, tL, T, T);
        const HiL = la.choleskySolve(H, L), HiK = la.choleskySolve(H, block(KX.data, Tmax, T, T));
        // tr(H^-1 L H^-1 (X X^T + sigma^2 I)) = tr(H^-1 L H^-1 K) + sigma^2 tr(H^-1 L H^-1)
        const HiLHi = la.transpose(la.choleskySolve(H, la.transpose(HiL)));
        seedFeat.push((total - 2 * traceOfProduct(HiL.data, identity(T), T) + traceOfProduct(HiL.data, HiK.data, T) + s2 * traceOfProduct(HiLHi.data, identity(T), T) + s2) / total);
      }
      relErr[ri].push(seedErr);
      dataLimit[ri].push(seedData);
      featureLimit[ri].push(seedFeat);
    });
  }
  return { Ns, Ts, ridges, relErr, dataLimit, featureLimit };
}

function identity(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
}

/**
 * The random-feature model at one sample size T, its loss averaged over `draws` independent feature
 * maps F for each seed's data and teacher: the model-size side of the variance-limited regime. For a
 * single F the loss differs from its N -> infinity limit by a term of order N^(-1/2) that averages to
 * zero over F; the mean difference, of order 1/N, needs many draws to be seen (Bahri et al.'s
 * "variance-limited" scaling is a statement about the average over initialisations). Returns, per
 * seed, the draw-averaged relative loss for each N and the exact N -> infinity loss of the same data.
 */
export function featureAveragedLoss(opts: { spectrum: ArrayLike<number>; Ns: number[]; T: number; seeds: number; draws: number; rng: Rng; ridge?: number; onProgress?: OnProgress }): { Ns: number[]; T: number; loss: number[][]; limit: number[] } {
  const lam = Float64Array.from(opts.spectrum), M = lam.length, T = opts.T;
  const Ns = opts.Ns.slice().sort((a, b) => a - b), Nmax = Ns[Ns.length - 1];
  const ridge = opts.ridge ?? 0;
  const sq = Float64Array.from(lam, Math.sqrt);
  let total = 0;
  for (const l of lam) total += l;
  const lossOf = (beta: Float64Array, w: Float64Array): number => {
    let e = 0;
    for (let i = 0; i < M; i++) e += lam[i] * (beta[i] - w[i]) ** 2;
    return e / total;
  };
  const loss: number[][] = [], limit: number[] = [];
  let done = 0;
  for (const r of opts.rng.forks("seed", opts.seeds)) {
    const w = r.fork("teacher").normals(M);
    const X = r.fork("inputs").normals(T * M);
    for (let t = 0; t < T; t++) for (let i = 0; i < M; i++) X[t * M + i] *= sq[i];
    const Xm: Matrix = { rows: T, cols: M, data: X };
    const y = la.matvec(Xm, w);
    const KX = la.outerGram(Xm);
    for (let t = 0; t < T; t++) KX.data[t * T + t] += ridge * T;
    limit.push(lossOf(la.matvec(la.transpose(Xm), la.choleskySolve(KX, Float64Array.from(y))), w));
    const acc = new Float64Array(Ns.length);
    for (const fr of r.fork("features").forks("draw", opts.draws)) {
      const F = fr.normals(Nmax * M, 0, 1 / Math.sqrt(Nmax));
      const Z = la.matmul(Xm, { rows: Nmax, cols: M, data: F }, { transB: true });   // T x Nmax
      Ns.forEach((N, i) => {
        const scale = Math.sqrt(Nmax / N);
        const Zs = new Float64Array(T * N);
        for (let t = 0; t < T; t++) for (let j = 0; j < N; j++) Zs[t * N + j] = Z.data[t * Nmax + j] * scale;
        const Zm: Matrix = { rows: T, cols: N, data: Zs };
        let v: Float64Array;
        if (N > T) {
          const K = la.outerGram(Zm);
          for (let t = 0; t < T; t++) K.data[t * T + t] += ridge * T;
          v = la.matvec(la.transpose(Zm), la.choleskySolve(K, Float64Array.from(y)));
        } else {
          const G = la.gram(Zm);
          for (let j = 0; j < N; j++) G.data[j * N + j] += ridge * T;
          v = la.choleskySolve(G, la.matvec(la.transpose(Zm), y));
        }
        const vs = Float64Array.from(v, (x) => x * scale);
        const beta = la.matmul({ rows: N, cols: M, data: F.subarray(0, N * M) }, { rows: N, cols: 1, data: vs }, { transA: true }).data;
        acc[i] += lossOf(beta, w) / opts.draws;
      });
      opts.onProgress?.({ done: ++done, total: opts.seeds * opts.draws, label: "feature draws" });
    }
    loss.push(Array.from(acc));
  }
  return { Ns, T, loss, limit };
}

/**
 * A learning curve on real data, to compare with the exponent of the data's spectrum (chapter 10,
 * back to chapters 04-05): the rows of `X` are a pool treated as the population (centred here); its
 * covariance Sigma has eigenvalues `eigenvalues`. For each seed a random linear teacher w ~ N(0, I_d)
 * (so the target power in each eigen-direction is proportional to its eigenvalue) and a random order
 * of the pool; ridgeless (minimum-norm) regression on the first n rows for each n; the excess test
 * error (w_hat - w)^T Sigma (w_hat - w) relative to w^T Sigma w. Returns errors[seed][i] for ns[i].
 */
export function pooledLearningCurve(opts: { X: Matrix; ns: number[]; seeds: number; rng: Rng; onProgress?: OnProgress }): { eigenvalues: Float64Array; errors: number[][] } {
  const { rows: n0, cols: d } = opts.X;
  const mean = new Float64Array(d);
  for (let i = 0; i < n0; i++) for (let k = 0; k < d; k++) mean[k] += opts.X.data[i * d + k] / n0;
  const Xc = new Float64Array(n0 * d);
  for (let i = 0; i < n0; i++) for (let k = 0; k < d; k++) Xc[i * d + k] = opts.X.data[i * d + k] - mean[k];
  const Sigma = la.gram({ rows: n0, cols: d, data: Xc });
  for (let k = 0; k < d * d; k++) Sigma.data[k] /= n0;
  const eigenvalues = Float64Array.from(la.eigvalsh(Sigma)).sort().reverse();
  const nMax = Math.max(...opts.ns);
  const errors: number[][] = [];
  let s = 0;
  for (const r of opts.rng.forks("seed", opts.seeds)) {
    const w = r.fork("teacher").normals(d);
    const order = r.fork("order").permutation(n0);
    const Xn = new Float64Array(nMax * d);
    for (let i = 0; i < nMax; i++) Xn.set(Xc.subarray(order[i] * d, (order[i] + 1) * d), i * d);
    const y = la.matvec({ rows: nMax, cols: d, data: Xn }, w);
    const K = la.outerGram({ rows: nMax, cols: d, data: Xn });
    const Sw = la.matvec(Sigma, w);
    let power = 0;
    for (let k = 0; k < d; k++) power += w[k] * Sw[k];
    const row: number[] = [];
    for (const n of opts.ns) {
      const Kn = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Kn[i * n + j] = K.data[i * nMax + j];
      const alpha = la.choleskySolve({ rows: n, cols: n, data: Kn }, Float64Array.from(y.subarray(0, n)));
      const wh = la.matvec(la.transpose({ rows: n, cols: d, data: Xn.subarray(0, n * d) }), alpha);
      const diff = Float64Array.from(wh, (v, k) => v - w[k]);
      const Sd = la.matvec(Sigma, diff);
      let e = 0;
      for (let k = 0; k < d; k++) e += diff[k] * Sd[k];
      row.push(e / power);
    }
    errors.push(row);
    opts.onProgress?.({ done: ++s, total: opts.seeds, label: "learning curves" });
  }
  return { eigenvalues, errors };
}

// ------------------------------------------------------------------------- Sharma & Kaplan

/** The runs that measure the scaling exponent against the intrinsic dimension d of the data. */
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

/** One run of the manifold-exponent study: its d, seed and width, and its losses. */
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
