/**
 * Chapter 12's studies on Ising data: scans of independent Monte-Carlo chains across sizes and
 * temperatures (Binder cumulants and their crossings), autocorrelation times of Metropolis and Wolff
 * chains, and repetition of a fixed budget of unique configurations against fresh ones (Muennighoff
 * et al., arXiv 2305.16264), with networks built and trained by `train`.
 */
import { Rng } from "../random";
import { OnProgress, yieldToKernel } from "../progress";
import { bootstrapDraws, intervalOfDraws, resampleIndices } from "../stats/bootstrap";
// through the public train exports only (the training core's files may move)
import { network, fit } from "../train";
import type { OptimizerSpec } from "../train";
import { isingDataSet, sampleIsing, integratedAutocorrelation } from "../data/ising";

type Rows = { rows: number; cols: number; data: Float32Array };

function firstRows(m: Rows, n: number): Rows {
  return { rows: n, cols: m.cols, data: m.data.slice(0, n * m.cols) };
}

/** Where a curve falls through 1/2, by linear interpolation between the grid points around the first crossing. */
export function halfCrossing(x: ArrayLike<number>, y: ArrayLike<number>): number {
  for (let i = 0; i + 1 < x.length; i++) {
    if ((y[i] - 0.5) * (y[i + 1] - 0.5) <= 0 && y[i] !== y[i + 1]) return x[i] + ((0.5 - y[i]) * (x[i + 1] - x[i])) / (y[i + 1] - y[i]);
  }
  return NaN;
}

/** Options of `repetitionStudy`. */
export interface RepetitionOptions {
  L: number;
  /** Temperatures the configurations are drawn at (evenly over all of them). */
  temperatures: number[];
  /** Unique-data budgets U. */
  uniques: number[];
  /** Epoch counts (1 + repetitions). */
  epochs: number[];
  testSize: number;
  seeds: number;
  hidden: number[];
  batchSize: number;
  optimizer: OptimizerSpec;
  rng: Rng;
  onProgress?: OnProgress;
}

/** Final test losses, [seed][budget][epochs index], for repeated and fresh data. */
export interface RepetitionResult {
  uniques: number[];
  epochs: number[];
  repeated: number[][][];
  fresh: number[][][];
  /** The variance of the target over the test set (a loss of 1 x this is the constant predictor's). */
  targetVariance: number;
  seconds: number;
}

/**
 * Regression of the energy per site from the spins. For each seed, budget U and epoch count e, two
 * networks from the same initialisation take the same number of steps (e U / batch): one sees U unique
 * configurations e times, the other e U fresh ones once. Returns both final test losses (mean squared
 * error of the standardised target).
 */
export async function repetitionStudy(o: RepetitionOptions): Promise<RepetitionResult> {
  const t0 = Date.now();
  const maxFresh = Math.max(...o.uniques) * Math.max(...o.epochs);
  const total = o.seeds * o.uniques.length * o.epochs.length;
  let done = 0, targetVariance = 0;
  const repeated: number[][][] = [], fresh: number[][][] = [];
  for (let s = 0; s < o.seeds; s++) {
    const rs = o.rng.fork(`seed ${s}`);
    const pool = isingDataSet({ L: o.L, temperatures: o.temperatures, perTemperature: Math.ceil(maxFresh / o.temperatures.length), rng: rs.fork("pool") });
    const test = isingDataSet({ L: o.L, temperatures: o.temperatures, perTemperature: Math.ceil(o.testSize / o.temperatures.length), rng: rs.fork("test") });
    // standardise the target with the test set's mean and spread (the same for every run of this seed)
    const mu = test.energy.reduce((a, b) => a + b, 0) / test.energy.length;
    const sd = Math.sqrt(test.energy.reduce((a, b) => a + (b - mu) ** 2, 0) / test.energy.length);
    targetVariance = sd * sd;
    const target = (e: Float64Array, n: number): Rows => ({ rows: n, cols: 1, data: Float32Array.from(e.subarray(0, n), (v) => (v - mu) / sd) });
    const testSet = { x: test.x, y: target(test.energy, test.energy.length) };
    // every run of a seed starts from the same initialisation; a fresh run depends only on its data size
    const run = async (n: number, steps: number, tag: string): Promise<number> => {
      const net = await network({ inputDim: o.L * o.L, hidden: o.hidden }, { rng: rs.fork("net") });
      try {
        const res = await fit(net, { x: firstRows(pool.x, n), y: target(pool.energy, n) }, {
          optimizer: o.optimizer, loss: "mse", steps, batchSize: o.batchSize, rng: rs.fork(`batches ${tag}`), evalEvery: steps, test: testSet,
        });
        return res.history[res.history.length - 1].testLoss as number;
      } finally {
        net.dispose();
      }
    };
    const freshByD = new Map<number, number>();
    const rep: number[][] = [], fr: number[][] = [];
    for (const U of o.uniques) {
      const r1: number[] = [], f1: number[] = [];
      for (const e of o.epochs) {
        const D = e * U, steps = Math.ceil(D / o.batchSize);
        if (!freshByD.has(D)) freshByD.set(D, await run(D, steps, `fresh ${D}`));
        f1.push(freshByD.get(D) as number);
        r1.push(e === 1 ? (freshByD.get(D) as number) : await run(U, steps, `repeated ${U} x ${e}`));
        o.onProgress?.({ done: ++done, total, label: `repetition: seed ${s}, U = ${U}, ${e} epochs` });
        await yieldToKernel();
      }
      rep.push(r1); fr.push(f1);
    }
    repeated.push(rep); fresh.push(fr);
  }
  return { uniques: o.uniques.slice(), epochs: o.epochs.slice(), repeated, fresh, targetVariance, seconds: (Date.now() - t0) / 1000 };
}

/** Options of `isingScan`. */
export interface IsingScanOptions {
  sizes: number[];
  temperatures: number[];
  /** Independent chains per (L, T). */
  chains: number;
  /** Recorded sweeps per chain. */
  samples: number;
  algorithm?: "wolff" | "metropolis";
  rng: Rng;
  onProgress?: OnProgress;
}

/** Per-chain averages, [size][temperature][chain]: <|m|>, <m^2>, <m^4>, <e>. */
export interface IsingScanResult {
  sizes: number[];
  temperatures: number[];
  absM: number[][][];
  m2: number[][][];
  m4: number[][][];
  energy: number[][][];
  seconds: number;
}

/**
 * Independent chains at every (L, T): each chain's own averages, so that standard errors and
 * bootstraps can treat chains as independent draws.
 */
export async function isingScan(o: IsingScanOptions): Promise<IsingScanResult> {
  const t0 = Date.now(), total = o.sizes.length * o.temperatures.length;
  let done = 0;
  const out: IsingScanResult = { sizes: o.sizes.slice(), temperatures: o.temperatures.slice(), absM: [], m2: [], m4: [], energy: [], seconds: 0 };
  for (const L of o.sizes) {
    const a: number[][] = [], b: number[][] = [], c: number[][] = [], d: number[][] = [];
    o.temperatures.forEach((T, ti) => {
      const ra: number[] = [], rb: number[] = [], rc: number[] = [], rd: number[] = [];
      for (let k = 0; k < o.chains; k++) {
        const s = sampleIsing({ L, T, samples: o.samples, algorithm: o.algorithm, rng: o.rng.fork(`L ${L} T ${ti} chain ${k}`) });
        let sa = 0, sb = 0, sc = 0, sd = 0;
        for (let i = 0; i < s.magnetization.length; i++) { const m = s.magnetization[i]; sa += Math.abs(m); sb += m * m; sc += m ** 4; sd += s.energy[i]; }
        const n = s.magnetization.length;
        ra.push(sa / n); rb.push(sb / n); rc.push(sc / n); rd.push(sd / n);
      }
      a.push(ra); b.push(rb); c.push(rc); d.push(rd);
      o.onProgress?.({ done: ++done, total, label: `Ising L = ${L}, T = ${T.toFixed(3)}` });
    });
    out.absM.push(a); out.m2.push(b); out.m4.push(c); out.energy.push(d);
    await yieldToKernel();
  }
  out.seconds = (Date.now() - t0) / 1000;
  return out;
}

/** Binder cumulant 1 - <m^4> / (3 <m^2>^2) at each temperature of one size, from the chains listed in `pick` (all by default). */
export function binderCurve(scan: IsingScanResult, sizeIndex: number, pick?: number[]): number[] {
  return scan.temperatures.map((_, ti) => {
    const m2 = scan.m2[sizeIndex][ti], m4 = scan.m4[sizeIndex][ti];
    const idx = pick ?? m2.map((_, k) => k);
    const a = idx.reduce((s, k) => s + m2[k], 0) / idx.length, b = idx.reduce((s, k) => s + m4[k], 0) / idx.length;
    return 1 - b / (3 * a * a);
  });
}

/**
 * Where the Binder cumulants of two sizes cross (linear interpolation of their difference between the
 * grid temperatures around its first sign change), and its bootstrap over
 * chains (each resample draws chains with replacement at every (L, T)).
 */
export function binderCrossing(scan: IsingScanResult, i: number, j: number, opts: { rng: Rng; B?: number }): { crossing: number; se: number; draws: number[] } {
  const cross = (ua: number[], ub: number[]): number => halfCrossing(scan.temperatures, ua.map((u, k) => u - ub[k] + 0.5));
  const crossing = cross(binderCurve(scan, i), binderCurve(scan, j));
  const C = scan.m2[i][0].length;
  const pick = (r: Rng): number[] => Array.from(resampleIndices(r, C));
  const all = bootstrapDraws((r) => cross(binderCurve(scan, i, pick(r)), binderCurve(scan, j, pick(r))), { rng: opts.rng, B: opts.B ?? 400 });
  const draws = all.filter(Number.isFinite);
  return { crossing, se: intervalOfDraws(draws).se, draws };
}

/** Integrated autocorrelation times of m^2 and e (in sweeps) of Metropolis and Wolff chains at one temperature. */
export interface AutocorrelationRow { L: number; algorithm: "wolff" | "metropolis"; tauM2: number; tauM2Se: number; tauE: number; tauESe: number; secondsPerSweep: number }

/** One long chain per (L, algorithm) at temperature T; `samples` sweeps recorded (Metropolis: `metropolisFactor` times more). */
export async function autocorrelationTimes(o: { sizes: number[]; T: number; samples: number; metropolisFactor?: number; rng: Rng; onProgress?: OnProgress }): Promise<AutocorrelationRow[]> {
  const rows: AutocorrelationRow[] = [];
  let done = 0;
  for (const L of o.sizes) {
    for (const algorithm of ["metropolis", "wolff"] as const) {
      const t0 = Date.now(), samples = algorithm === "metropolis" ? o.samples * (o.metropolisFactor ?? 1) : o.samples;
      const s = sampleIsing({ L, T: o.T, samples, algorithm, thermalize: 1000, rng: o.rng.fork(`${algorithm} L ${L}`) });
      const m2 = integratedAutocorrelation(s.magnetization.map((m) => m * m)), e = integratedAutocorrelation(s.energy);
      rows.push({ L, algorithm, tauM2: m2.tau, tauM2Se: m2.se, tauE: e.tau, tauESe: e.se, secondsPerSweep: (Date.now() - t0) / 1000 / (samples + 1000) });
      o.onProgress?.({ done: ++done, total: 2 * o.sizes.length, label: `autocorrelation ${algorithm} L = ${L}` });
      await yieldToKernel();
    }
  }
  return rows;
}

