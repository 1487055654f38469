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
import { fitSeparate } from "../train";
import type { OptimizerSpec } from "../train";
import { sampleIsing, integratedAutocorrelation } from "../data/ising";
import * as isingPool from "../data/isingPool";

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
  /** Seeds whose runs train together as one batched program (default 8; memory grows with it). */
  seedsPerPack?: number;
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
 *
 * Every run is the run `train.fit` would make alone (its initialisation `seed s / net`, its minibatches
 * shuffled by `seed s / batches <tag>`), but the runs of `seedsPerPack` seeds train together with
 * `train.fitSeparate` (one batched program; a run whose data the batch does not divide trains alone):
 * a step of a 64-wide network is mostly TensorFlow.js overhead, and one run at a time took about twice as
 * long in chapter 12. Batched and lone runs agree up to float32 round-off (tests/unit/physics/physicsExperiments.test.ts).
 */
export async function repetitionStudy(o: RepetitionOptions): Promise<RepetitionResult> {
  const t0 = Date.now();
  const maxFresh = Math.max(...o.uniques) * Math.max(...o.epochs);
  const total = o.seeds * o.uniques.length * o.epochs.length;
  const perPack = Math.max(1, Math.floor(o.seedsPerPack ?? 8));
  let done = 0, targetVariance = 0;
  const repeated: number[][][] = [], fresh: number[][][] = [];
  for (let s0 = 0; s0 < o.seeds; s0 += perPack) {
    const seeds = Array.from({ length: Math.min(perPack, o.seeds - s0) }, (_, i) => s0 + i);
    // the seeds' pools and test sets, on every core
    const sets = await isingPool.dataSets(seeds.flatMap((s) => [
      { L: o.L, temperatures: o.temperatures, perTemperature: Math.ceil(maxFresh / o.temperatures.length), rngPath: o.rng.fork(`seed ${s}`).fork("pool").path },
      { L: o.L, temperatures: o.temperatures, perTemperature: Math.ceil(o.testSize / o.temperatures.length), rngPath: o.rng.fork(`seed ${s}`).fork("test").path },
    ]));
    const plans = seeds.map((s, i) => {
      const rs = o.rng.fork(`seed ${s}`);
      const pool = sets[2 * i], test = sets[2 * i + 1];
      // standardise the target with the test set's mean and spread (the same for every run of this seed)
      const mu = test.energy.reduce((a, b) => a + b, 0) / test.energy.length;
      const sd = Math.sqrt(test.energy.reduce((a, b) => a + (b - mu) ** 2, 0) / test.energy.length);
      targetVariance = sd * sd;
      // its runs: a fresh run per data size D = eU, a repeated run per (U, e > 1)
      const runs: RepetitionRun[] = [];
      const freshTags = new Set<number>();
      for (const U of o.uniques) for (const e of o.epochs) {
        const D = e * U;
        if (!freshTags.has(D)) { freshTags.add(D); runs.push({ key: `fresh ${D}`, n: D, steps: Math.ceil(D / o.batchSize) }); }
        if (e > 1) runs.push({ key: `repeated ${U} x ${e}`, n: U, steps: Math.ceil(D / o.batchSize) });
      }
      return { rs, pool, test, mu, sd, runs, loss: new Map<string, number>() };
    });
    // every run of the chunk: batched where it can share a step (train.fitSeparate), else alone
    const jobs = plans.flatMap((p) => {
      const y = Float32Array.from(p.pool.energy, (v) => (v - p.mu) / p.sd), d = o.L * o.L;
      const test = { x: p.test.x, y: { rows: p.test.energy.length, cols: 1, data: Float32Array.from(p.test.energy, (v) => (v - p.mu) / p.sd) } };
      return p.runs.map((r) => ({ plan: p, run: r, member: {
        spec: { inputDim: d, hidden: o.hidden }, rng: p.rs.fork("net"), steps: r.steps, batchRng: p.rs.fork(`batches ${r.key}`), test,
        train: { x: { rows: r.n, cols: d, data: p.pool.x.data.subarray(0, r.n * d) }, y: { rows: r.n, cols: 1, data: y.subarray(0, r.n) } },
      } }));
    });
    const trained = await fitSeparate({
      members: jobs.map((j) => j.member), optimizer: o.optimizer, loss: "mse", batchSize: o.batchSize,
      onProgress: o.onProgress && ((p) => o.onProgress?.({ ...p, label: `repetition: seeds ${seeds[0]}-${seeds[seeds.length - 1]}, ${jobs.length} networks` })),
    });
    jobs.forEach((j, k) => j.plan.loss.set(j.run.key, trained[k].testLoss as number));
    for (const p of plans) {
      repeated.push(o.uniques.map((U) => o.epochs.map((e) => p.loss.get(e === 1 ? `fresh ${U}` : `repeated ${U} x ${e}`) as number)));
      fresh.push(o.uniques.map((U) => o.epochs.map((e) => p.loss.get(`fresh ${e * U}`) as number)));
      done += o.uniques.length * o.epochs.length;
    }
    o.onProgress?.({ done, total, label: `repetition: seeds 0-${seeds[seeds.length - 1]} of ${o.seeds}` });
    await yieldToKernel();
  }
  return { uniques: o.uniques.slice(), epochs: o.epochs.slice(), repeated, fresh, targetVariance, seconds: (Date.now() - t0) / 1000 };
}

/** One training run of `repetitionStudy`: its key (which also names its minibatch stream), rows of the pool it reads, steps. */
interface RepetitionRun { key: string; n: number; steps: number }

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
  const t0 = Date.now();
  const out: IsingScanResult = { sizes: o.sizes.slice(), temperatures: o.temperatures.slice(), absM: [], m2: [], m4: [], energy: [], seconds: 0 };
  // every chain at once, on every core (isingPool: the chains sampleIsing would run here, in worker threads)
  const requests = o.sizes.flatMap((L) => o.temperatures.flatMap((T, ti) => Array.from({ length: o.chains }, (_, k) => ({
    L, T, samples: o.samples, algorithm: o.algorithm, rngPath: o.rng.fork(`L ${L} T ${ti} chain ${k}`).path,
  }))));
  const means = await isingPool.chainMeans(requests, { onProgress: o.onProgress, label: `Ising chains (${o.sizes.length} sizes x ${o.temperatures.length} temperatures x ${o.chains})` });
  let at = 0;
  for (let si = 0; si < o.sizes.length; si++) {
    const a: number[][] = [], b: number[][] = [], c: number[][] = [], d: number[][] = [];
    for (let ti = 0; ti < o.temperatures.length; ti++) {
      const chains = means.slice(at, at + o.chains);
      at += o.chains;
      a.push(chains.map((m) => m.absM)); b.push(chains.map((m) => m.m2)); c.push(chains.map((m) => m.m4)); d.push(chains.map((m) => m.energy));
    }
    out.absM.push(a); out.m2.push(b); out.m4.push(c); out.energy.push(d);
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

