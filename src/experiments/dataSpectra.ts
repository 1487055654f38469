/**
 * Chapter 05: the statistics of data spectra: gap ratios of random-matrix ensembles as references (from
 * many independent matrices, for standard errors), spectra of disjoint subsets of a data set (how the
 * spectrum and its statistics change with the number of samples), independent Gaussian sample spectra
 * (against the deterministic equivalent), and the spiked model's top eigenvalue (the BBP transition).
 */
import * as la from "../linalg";
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import { covarianceSpectrum, gaussianWithFactor, whiteData } from "../data/correlated";
import { goeMatrix, poissonLevels } from "../data/randomMatrices";
import { gapRatios } from "../theory/gapRatio";
import { mean } from "../stats/descriptive";

/** Gap ratios of one reference ensemble: the pooled ratios (for histograms) and each matrix's mean ratio. */
export interface GapRatioSample {
  /** All ratios, pooled. */
  ratios: Float64Array;
  /** Mean ratio of each independent matrix (or level sequence): their mean and standard error are the estimate. */
  means: number[];
}

/**
 * Gap ratios of the reference ensembles, from many independent matrices so that the mean ratio has an
 * honest standard error (ratios within one spectrum are correlated): `goeCount` GOE matrices of size
 * `goeSize`, `wishartCount` white Wishart sample covariances (wishartN samples of dimension wishartD),
 * both trimmed by `trim` at each end, and `poissonCount` sequences of `poissonLevels` uncorrelated levels.
 * Draws from rng.fork("goe" | "wishart" | "poisson").fork("matrix i").
 */
export function gapRatioEnsembles(o: {
  goeSize: number; goeCount: number; wishartCount: number; wishartN: number; wishartD: number; poissonLevels: number; poissonCount: number; trim: number; rng: Rng;
}): { goe: GapRatioSample; wishart: GapRatioSample; poisson: GapRatioSample } {
  const collect = (name: string, count: number, levels: (r: Rng) => ArrayLike<number>, trim: number): GapRatioSample => {
    const pooled: number[] = [], means: number[] = [];
    for (const r of o.rng.fork(name).forks("matrix", count)) {
      const g = gapRatios(levels(r), { trim });
      for (const v of g) pooled.push(v);
      means.push(mean(g));
    }
    return { ratios: Float64Array.from(pooled), means };
  };
  return {
    goe: collect("goe", o.goeCount, (r) => la.eigvalsh(goeMatrix(o.goeSize, r)), o.trim),
    wishart: collect("wishart", o.wishartCount, (r) => covarianceSpectrum(whiteData(o.wishartN, o.wishartD, r), { center: false }), o.trim),
    poisson: collect("poisson", o.poissonCount, (r) => poissonLevels(o.poissonLevels, r), 0),
  };
}

/**
 * Spectra of disjoint subsets of the rows of X: for each M in `ms`, the covariance spectra (descending,
 * centred within each subset) of rows [kM, (k+1)M) for k = 0 .. min(maxSubsets, floor(rows / M)) - 1.
 * The subsets share no rows, so their spectra are independent samples of size M (given that the rows
 * of X are themselves a random sample, e.g. data.mnist's random subset): statistics over them have
 * honest standard errors, unlike nested prefixes compared with their superset.
 */
export function disjointSubsetSpectra(X: la.Matrix, ms: number[], maxSubsets: number): { M: number; spectra: Float64Array[] }[] {
  return ms.map((m) => {
    const count = Math.min(maxSubsets, Math.floor(X.rows / m));
    if (count < 1) throw new RangeError(`disjointSubsetSpectra: M = ${m} exceeds the ${X.rows} rows of X`);
    const spectra = Array.from({ length: count }, (_, k) => covarianceSpectrum({ rows: m, cols: X.cols, data: X.data.subarray(k * m * X.cols, (k + 1) * m * X.cols) }));
    return { M: m, spectra };
  });
}

/**
 * Independent sample-covariance spectra (descending, not centred) of n samples x = F z of a Gaussian with
 * covariance F F^T, one per seed (rng.forks("seed", seeds)).
 */
export function gaussianSampleSpectra(o: { factor: la.Matrix; n: number; seeds: number; rng: Rng }): Float64Array[] {
  return o.rng.forks("seed", o.seeds).map((r) => covarianceSpectrum(gaussianWithFactor(o.n, o.factor, r), { center: false }));
}

/**
 * The spiked covariance model of Baik, Ben Arous & Peche: n samples in dimension p with population
 * covariance I + (s - 1) e_1 e_1^T, for each spike s in `spikes` and each seed. Per seed one standard
 * normal n x p matrix Z is drawn (rng.forks("seed", seeds)) and shared by all spikes (its first column
 * scaled by sqrt s), so the curves over s are smooth; seeds are independent. Returns, per spike and
 * seed, the top eigenvalue of the sample covariance X^T X / n and the squared overlap of its
 * eigenvector with e_1.
 */
export function spikedTopEigenvalues(o: { n: number; p: number; spikes: number[]; seeds: number; rng: Rng; onProgress?: OnProgress }): { spike: number; top: number[]; overlap: number[] }[] {
  const out = o.spikes.map((s) => ({ spike: s, top: [] as number[], overlap: [] as number[] }));
  const p = o.p;
  o.rng.forks("seed", o.seeds).forEach((r, k) => {
    const G = la.gram(whiteData(o.n, p, r)); // Z^T Z
    o.spikes.forEach((s, i) => {
      const f = Math.sqrt(s);
      const S = new Float64Array(G.data.length);
      for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) S[a * p + b] = (G.data[a * p + b] * (a === 0 ? f : 1) * (b === 0 ? f : 1)) / o.n;
      const E = la.eigh({ rows: p, cols: p, data: S });
      out[i].top.push(E.values[p - 1]);
      out[i].overlap.push(E.vectors.data[p - 1] ** 2); // row 0 of the last eigenvector column
    });
    o.onProgress?.({ done: k + 1, total: o.seeds, label: "spiked samples" });
  });
  return out;
}

/**
 * The top eigenvalue of `trials` independent white real Wishart sample covariances X^T X / n (X: n x p,
 * standard normal entries; one rng.forks("trial", trials) stream each). In Johnstone's (2001) units,
 * (l - wishartEdge(n, p).center) / wishartEdge(n, p).scale, it is approximately Tracy-Widom (beta = 1):
 * mean about -1.21, standard deviation about 1.27.
 */
export function wishartTopEigenvalues(o: { n: number; p: number; trials: number; rng: Rng }): number[] {
  if (!(Number.isInteger(o.trials) && o.trials >= 1)) throw new RangeError(`wishartTopEigenvalues: trials must be a positive integer, got ${o.trials}`);
  return o.rng.forks("trial", o.trials).map((r) => {
    const ev = la.eigvalsh(la.gram(whiteData(o.n, o.p, r)));
    return ev[o.p - 1] / o.n;
  });
}
