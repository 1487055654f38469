/**
 * Effective data under repetition (Muennighoff et al., arXiv 2305.16264, eq. 5): U unique examples
 * seen for 1 + R epochs are worth
 *   D' = U + U R* (1 - exp(-R / R*))
 * fresh examples. Repeats are nearly as good as new while R << R*, and the worth saturates at
 * U (1 + R*) when R >> R*. The law is fitted here to one's own runs: a data law L(D) = E + B D^-beta
 * from runs on fresh data, then the one number R* that makes L(D'(U, R)) match the runs on repeated
 * data (least squares in log loss). Seeds are resampled whole for a bootstrap interval of R*.
 * Written by hand: a one-parameter fit on top of `fitPowerLawOffset`; no package fits this law.
 */
import { Rng } from "../random";
import { fitPowerLawOffset, PowerLawFit } from "./powerlaw";
import { bootstrapDraws, intervalOfDraws, resampleIndices } from "../stats/bootstrap";
import { std } from "../stats/descriptive";

/** D' = U + U R* (1 - exp(-R / R*)), with R = epochs - 1 repetitions. */
export function effectiveData(unique: number, epochs: number, rStar: number): number {
  if (!(unique > 0) || !(epochs >= 1) || !(rStar > 0)) throw new RangeError(`effectiveData: need unique > 0, epochs >= 1, rStar > 0 (got ${unique}, ${epochs}, ${rStar})`);
  const R = epochs - 1;
  return unique + unique * rStar * (1 - Math.exp(-R / rStar));
}

/** Runs on fresh data: `data` examples seen once, final test loss `loss`. */
export interface FreshRun { data: number; loss: number }
/** Runs on repeated data: `unique` examples seen for `epochs` epochs, final test loss `loss`. */
export interface RepeatedRun { unique: number; epochs: number; loss: number }

/** A fitted effective-data law. */
export interface EffectiveDataFit {
  /** The data law of fresh runs, L(D) = c + A D^-a (c = E, A = B, a = beta). */
  law: PowerLawFit;
  /** The fitted repetition scale R*. */
  rStar: number;
  /** Predicted loss of a run with `unique` examples for `epochs` epochs. */
  predict: (unique: number, epochs: number) => number;
  /** Root-mean-square residual of log loss over the repeated runs. */
  rmsLogResidual: number;
}

/** Options of `fitEffectiveData`: the search range of R* (default [0.05, 1e4], in log space). */
export interface EffectiveDataOptions { rMin?: number; rMax?: number }

/**
 * The repeated runs as distinct (unique, epochs) budgets, each run's budget index and ln(loss): runs
 * repeat a few budgets over seeds, so `sse` evaluates the law once per budget. The terms and their
 * order of summation are those of the plain loop over runs, so the fit is the same, bit for bit.
 */
interface RepeatedBudgets { unique: number[]; epochs: number[]; index: Int32Array; logLoss: Float64Array; logPred: Float64Array }

function repeatedBudgets(runs: RepeatedRun[]): RepeatedBudgets {
  const at = new Map<string, number>(), unique: number[] = [], epochs: number[] = [], index = new Int32Array(runs.length);
  runs.forEach((r, i) => {
    const key = `${r.unique} ${r.epochs}`;
    let k = at.get(key);
    if (k === undefined) { k = unique.length; at.set(key, k); unique.push(r.unique); epochs.push(r.epochs); }
    index[i] = k;
  });
  return { unique, epochs, index, logLoss: Float64Array.from(runs, (r) => Math.log(r.loss)), logPred: new Float64Array(unique.length) };
}

function sse(law: PowerLawFit, runs: RepeatedBudgets, rStar: number): number {
  for (let k = 0; k < runs.unique.length; k++) runs.logPred[k] = Math.log(law.c + law.A * effectiveData(runs.unique[k], runs.epochs[k], rStar) ** -law.a);
  let s = 0;
  for (let i = 0; i < runs.index.length; i++) s += (runs.logPred[runs.index[i]] - runs.logLoss[i]) ** 2;
  return s;
}

/** Fit L(D) to the fresh runs, then R* to the repeated runs (grid in log R*, then golden section). */
export function fitEffectiveData(fresh: FreshRun[], repeated: RepeatedRun[], opts: EffectiveDataOptions = {}): EffectiveDataFit {
  if (fresh.length < 3) throw new RangeError(`fitEffectiveData: need at least 3 fresh runs, got ${fresh.length}`);
  if (repeated.length < 1) throw new RangeError("fitEffectiveData: need at least one repeated run");
  for (const r of repeated) if (!(r.loss > 0) || !(r.unique > 0) || !(r.epochs >= 1)) throw new RangeError(`fitEffectiveData: bad repeated run ${JSON.stringify(r)}`);
  const law = fitPowerLawOffset(fresh.map((r) => r.data), fresh.map((r) => r.loss));
  const budgets = repeatedBudgets(repeated);
  const lo0 = Math.log(opts.rMin ?? 0.05), hi0 = Math.log(opts.rMax ?? 1e4);
  const grid = 120;
  let best = lo0, bestF = Infinity;
  for (let i = 0; i <= grid; i++) {
    const t = lo0 + ((hi0 - lo0) * i) / grid, f = sse(law, budgets, Math.exp(t));
    if (f < bestF) { bestF = f; best = t; }
  }
  let lo = Math.max(lo0, best - (hi0 - lo0) / grid), hi = Math.min(hi0, best + (hi0 - lo0) / grid);
  const g = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 50; it++) {
    const m1 = hi - g * (hi - lo), m2 = lo + g * (hi - lo);
    if (sse(law, budgets, Math.exp(m1)) < sse(law, budgets, Math.exp(m2))) hi = m2; else lo = m1;
  }
  const rStar = Math.exp((lo + hi) / 2);
  const predict = (unique: number, epochs: number): number => law.c + law.A * effectiveData(unique, epochs, rStar) ** -law.a;
  return { law, rStar, predict, rmsLogResidual: Math.sqrt(sse(law, budgets, rStar) / repeated.length) };
}

/** A bootstrap of the effective-data fit over seeds. */
export interface EffectiveDataBootstrap {
  fit: EffectiveDataFit;
  /** Percentile interval of R* and the sorted draws. */
  rStarCI: [number, number];
  draws: Float64Array;
  /** Percentile interval of the predicted loss of each `predictAt` point, per point. */
  predictionCI: [number, number][];
  /** Standard deviation of each point's predicted loss over the bootstrap draws. */
  predictionSe: number[];
  level: number;
}

/**
 * Fit on every seed's runs pooled, and resample whole seeds (with replacement) `B` times: seed s
 * contributes fresh[s] and repeated[s]. `predictAt` lists (unique, epochs) points whose predicted
 * loss gets an interval too (e.g. a budget held out of the fit).
 */
export function bootstrapEffectiveData(
  fresh: FreshRun[][], repeated: RepeatedRun[][],
  opts: EffectiveDataOptions & { rng: Rng; B?: number; level?: number; predictAt?: { unique: number; epochs: number }[] },
): EffectiveDataBootstrap {
  if (!(opts?.rng instanceof Rng)) throw new TypeError("bootstrapEffectiveData: pass { rng } (e.g. rng.fork(\"bootstrap\"))");
  const S = fresh.length;
  if (S < 2 || repeated.length !== S) throw new RangeError(`bootstrapEffectiveData: need the same number (>= 2) of seeds for fresh and repeated runs (${S}, ${repeated.length})`);
  const fit = fitEffectiveData(fresh.flat(), repeated.flat(), opts);
  const level = opts.level ?? 0.95, at = opts.predictAt ?? [];
  const fits = bootstrapDraws((r) => {
    const pick = resampleIndices(r, S);
    const f = fitEffectiveData(Array.from(pick).flatMap((s) => fresh[s]), Array.from(pick).flatMap((s) => repeated[s]), opts);
    return { rStar: f.rStar, preds: at.map((p) => f.predict(p.unique, p.epochs)) };
  }, { rng: opts.rng, B: opts.B ?? 400 });
  const rs = intervalOfDraws(fits.map((f) => f.rStar), { level });
  const preds = at.map((_, k) => intervalOfDraws(fits.map((f) => f.preds[k]), { level }));
  return { fit, rStarCI: rs.ci, draws: rs.draws, predictionCI: preds.map((p) => p.ci), predictionSe: preds.map((p) => p.se), level };
}

/**
 * The law's penalty of repetition: ln of the predicted loss of `unique` examples seen `epochs` times
 * over that of `epochs` x `unique` fresh examples seen once (the same number of steps). It is 0 at one
 * epoch, where D' = U, and grows as the worth D' / (e U) falls.
 */
export function repetitionPenalty(fit: EffectiveDataFit, unique: number, epochs: number): number {
  const fresh = fit.law.c + fit.law.A * (unique * epochs) ** -fit.law.a;
  return Math.log(fit.predict(unique, epochs) / fresh);
}

/** One epoch count of a held-out budget: measured and predicted penalty of repetition, and the s.e. of their difference. */
export interface HeldOutPenalty { epochs: number; measured: number; predicted: number; se: number }

/** A budget held out of the fit, per seed: losses of U unique examples for each epoch count, and of e U fresh ones. */
export interface HeldOutBudget { unique: number; epochs: number[]; repeated: number[][]; fresh: number[][] }

/**
 * Test a budget held out of the fit by its penalty of repetition, paired by seed. Seed s's run on U
 * unique examples for e epochs and its run on e U fresh ones take the same steps from the same
 * initialisation and are scored on the same test set, so ln(L_repeated / L_fresh) cancels most of
 * the seed's luck, and the fresh-data law's own misfit at D = e U (common random numbers). Measured:
 * its mean over seeds; predicted: `repetitionPenalty` of the fit on every seed. Its s.e.: whole seeds
 * resampled `B` times, the law refitted and the seeds' mean recomputed each time, so the spread of
 * (measured - predicted) counts both sides and their correlation. An s.e. from `seeds` runs: hold it
 * to `stats.zMaxForSeeds(seeds)`.
 */
export function heldOutPenalty(
  fresh: FreshRun[][], repeated: RepeatedRun[][], held: HeldOutBudget,
  opts: EffectiveDataOptions & { rng: Rng; B?: number },
): { seeds: number; points: HeldOutPenalty[] } {
  if (!(opts?.rng instanceof Rng)) throw new TypeError("heldOutPenalty: pass { rng } (e.g. rng.fork(\"held-out bootstrap\"))");
  const S = fresh.length;
  if (S < 2 || repeated.length !== S || held.repeated.length !== S || held.fresh.length !== S) throw new RangeError(`heldOutPenalty: need the same number (>= 2) of seeds everywhere (${S}, ${repeated.length}, ${held.repeated.length}, ${held.fresh.length})`);
  const logRatio = held.repeated.map((row, s) => held.epochs.map((_, k) => Math.log(row[k] / held.fresh[s][k])));
  const side = (seeds: ArrayLike<number>): { measured: number[]; predicted: number[] } => {
    const pick = Array.from(seeds);
    const f = fitEffectiveData(pick.flatMap((s) => fresh[s]), pick.flatMap((s) => repeated[s]), opts);
    return {
      measured: held.epochs.map((_, k) => pick.reduce((a, s) => a + logRatio[s][k], 0) / pick.length),
      predicted: held.epochs.map((e) => repetitionPenalty(f, held.unique, e)),
    };
  };
  const all = side(Array.from({ length: S }, (_, s) => s));
  const draws = bootstrapDraws((r) => side(resampleIndices(r, S)), { rng: opts.rng, B: opts.B ?? 400 });
  const points = held.epochs.map((epochs, k) => {
    const se = std(draws.map((x) => x.measured[k] - x.predicted[k]));
    return { epochs, measured: all.measured[k], predicted: all.predicted[k], se };
  });
  return { seeds: S, points };
}
