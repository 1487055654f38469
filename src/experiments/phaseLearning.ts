/**
 * Chapter 12's phase classifier (Carrasquilla & Melko 2017, Nature Physics 13, 431; arXiv 1605.01735)
 * and the estimators that read a critical temperature from it.
 *
 * A network is trained on 2-D Ising configurations from temperature windows far below and far above
 * T_c, labelled ordered / disordered, and then applied across T. Such a classifier reduces, to a good
 * approximation, to a threshold on |m|: it calls a configuration ordered when |m| > theta_L, with a
 * threshold theta_L set by where the two training windows' likelihoods balance. Its 50% point is then
 * the temperature at which the median of |m| equals theta_L. Finite-size scaling says |m| L^(beta/nu)
 * has an L-independent distribution at t L^(1/nu) (t = T - T_c), so only a threshold held at a fixed
 * value of the scaling variable, theta_L = c L^(-beta/nu), gives 50% points of the form
 * T*(L) = T_c + a L^(-1/nu) + ...; a threshold learned from fixed windows drifts with L in another way,
 * and the raw crossings extrapolated in 1/L miss T_c. The functions here measure both.
 */
import { Rng } from "../random";
import { OnProgress, yieldToKernel } from "../progress";
// through the public train exports only (the training core's files may move)
import { network, fit, fitSeparate, accuracyTensor, toTensor } from "../train";
import type { Network } from "../train";
import type { OptimizerSpec } from "../train";
import { weightedLine } from "../fit/line";
import { bootstrapDraws, intervalOfDraws } from "../stats/bootstrap";
import { isingCriticalTemperature, isingDataSet } from "../data/ising";
import type { IsingDataSet } from "../data/ising";
import * as isingPool from "../data/isingPool";
import { halfCrossing } from "./physics";

type Rows = { rows: number; cols: number; data: Float32Array };

/** The 2-D Ising model's exponents that finite-size scaling of the phase classifier uses (Onsager; Yang). */
export const isingExponents = {
  /** Correlation-length exponent: the shift of a size-L crossing goes like L^(-1/nu). */
  nu: 1,
  /** Order-parameter exponent over nu: |m| ~ L^(-beta/nu) at T_c. */
  betaOverNu: 1 / 8,
};

/** The data set and its mirror image s -> -s (the Hamiltonian has the up/down symmetry exactly). */
export function withSpinFlips(d: IsingDataSet): IsingDataSet {
  const n = d.x.rows, N = d.x.cols, x = new Float32Array(2 * n * N);
  x.set(d.x.data);
  for (let i = 0; i < n * N; i++) x[n * N + i] = -d.x.data[i];
  const twice = (a: Float64Array, sign: number) => { const o = new Float64Array(2 * n); o.set(a); for (let i = 0; i < n; i++) o[n + i] = sign * a[i]; return o; };
  return { L: d.L, x: { rows: 2 * n, cols: N, data: x }, temperature: twice(d.temperature, 1), energy: twice(d.energy, 1), magnetization: twice(d.magnetization, -1) };
}

/** One-hot labels: column 0 ordered (T < Tc), column 1 disordered. */
export function phaseLabels(temperature: ArrayLike<number>, Tc = isingCriticalTemperature): Rows {
  const n = temperature.length, y = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) y[2 * i + (temperature[i] < Tc ? 0 : 1)] = 1;
  return { rows: n, cols: 2, data: y };
}

function orderedProbability(logits: { data: ArrayLike<number> }, n: number): Float64Array {
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) p[i] = 1 / (1 + Math.exp(logits.data[2 * i + 1] - logits.data[2 * i]));
  return p;
}

function firstRows(m: Rows, n: number): Rows {
  return { rows: n, cols: m.cols, data: m.data.slice(0, n * m.cols) };
}

/** Mean of `values` over the rows at each temperature of `temps` (rows matched by exact temperature). */
export function meanByTemperature(values: ArrayLike<number>, temperature: ArrayLike<number>, temps: number[]): number[] {
  return temps.map((T) => {
    let s = 0, k = 0;
    for (let i = 0; i < values.length; i++) if (temperature[i] === T) { s += values[i]; k++; }
    if (k === 0) throw new RangeError(`meanByTemperature: no rows at T = ${T}`);
    return s / k;
  });
}

/** Fraction of rows with value above `threshold`, at each temperature of `temps`. */
export function fractionAbove(values: ArrayLike<number>, temperature: ArrayLike<number>, temps: number[], threshold: number): number[] {
  return meanByTemperature(Array.from(values, (v) => (v > threshold ? 1 : 0)), temperature, temps);
}

/**
 * One-feature logistic regression P(y = 1 | x) = 1 / (1 + exp(-(w x + b))) by Newton's method (a ridge
 * of 1e-6 keeps separable data finite); the decision threshold is x = -b / w.
 */
export function logisticThreshold(x: ArrayLike<number>, y: ArrayLike<number>, iterations = 100): { weight: number; bias: number; threshold: number } {
  if (x.length !== y.length || x.length < 2) throw new RangeError("logisticThreshold: x and y must have the same length, at least 2");
  let w = 0, b = 0;
  const ridge = 1e-6 * x.length;
  for (let it = 0; it < iterations; it++) {
    let g0 = ridge * w, g1 = 0, h00 = ridge, h01 = 0, h11 = 1e-12;
    for (let i = 0; i < x.length; i++) {
      const p = 1 / (1 + Math.exp(-(w * x[i] + b))), r = p - y[i], v = p * (1 - p);
      g0 += r * x[i]; g1 += r; h00 += v * x[i] * x[i]; h01 += v * x[i]; h11 += v;
    }
    const det = h00 * h11 - h01 * h01;
    const dw = (h11 * g0 - h01 * g1) / det, db = (h00 * g1 - h01 * g0) / det;
    w -= dw; b -= db;
    if (Math.abs(dw) < 1e-10 * (1 + Math.abs(w)) && Math.abs(db) < 1e-10 * (1 + Math.abs(b))) break;
  }
  return { weight: w, bias: b, threshold: -b / w };
}

/**
 * The threshold t for which the rule "x > t" agrees with the given yes/no decisions on the most rows
 * (t halfway between two neighbouring sorted values), and that agreement rate: how well a classifier's
 * decisions are described by a threshold on one feature.
 */
export function agreementThreshold(x: ArrayLike<number>, decisions: ArrayLike<boolean>): { threshold: number; agreement: number } {
  const n = x.length;
  if (decisions.length !== n || n < 1) throw new RangeError("agreementThreshold: x and decisions must have the same positive length");
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  // threshold below every value: the rule says yes everywhere
  let agree = 0;
  for (let i = 0; i < n; i++) if (decisions[i]) agree++;
  let best = agree, at = -1;
  for (let r = 0; r < n; r++) {
    agree += decisions[idx[r]] ? -1 : 1; // row idx[r] now falls below the threshold
    if (agree > best && (r + 1 === n || x[idx[r + 1]] > x[idx[r]])) { best = agree; at = r; }
  }
  const threshold = at < 0 ? x[idx[0]] - 1 : at + 1 === n ? x[idx[n - 1]] + 1 : (x[idx[at]] + x[idx[at + 1]]) / 2;
  return { threshold, agreement: best / n };
}

/**
 * Where the fraction of configurations with |m| L^(beta/nu) above `c` falls through 1/2: the 50% point of
 * a classifier whose threshold sits at a fixed value of the finite-size scaling variable.
 */
export function scaledThresholdCrossing(absM: ArrayLike<number>, temperature: ArrayLike<number>, temps: number[], L: number, c: number, betaOverNu = isingExponents.betaOverNu): number {
  return halfCrossing(temps, fractionAbove(absM, temperature, temps, c * L ** -betaOverNu));
}

/**
 * Weighted fit of size-L estimates to T(L) = T_inf + a L^(-power) (power = 1/nu): the limit T_inf with
 * its standard error (from the points' standard errors), the slope a, and the fit's chi^2.
 */
export function extrapolateInSize(sizes: number[], values: number[], se: number[], power = 1 / isingExponents.nu): { limit: number; limitSe: number; slope: number; slopeSe: number; chi2: number; dof: number } {
  const f = weightedLine(sizes.map((L) => L ** -power), values, se);
  return { limit: f.intercept, limitSe: f.interceptSe, slope: f.slope, slopeSe: f.slopeSe, chi2: f.chi2, dof: f.dof };
}

/**
 * The 50% point of P(|m| > threshold) and its standard error from a bootstrap over configurations
 * (resampled with replacement within each temperature; the configurations should be nearly
 * independent draws, e.g. Wolff samples several sweeps apart).
 */
export function bootstrapThresholdCrossing(absM: ArrayLike<number>, temperature: ArrayLike<number>, temps: number[], threshold: number, opts: { rng: Rng; B?: number }): { crossing: number; se: number } {
  const rows = temps.map((T) => { const r: number[] = []; for (let i = 0; i < absM.length; i++) if (temperature[i] === T) r.push(absM[i] > threshold ? 1 : 0); return r; });
  const crossing = halfCrossing(temps, rows.map((r) => r.reduce((a, b) => a + b, 0) / r.length));
  // each resample redraws every temperature's configurations in turn from opts.rng (its stream as before);
  // a resample whose curve does not cross 1/2 is left out (intervalOfDraws counts it)
  const draws = bootstrapDraws((r) => halfCrossing(temps, rows.map((row) => { let s = 0; for (let k = 0; k < row.length; k++) s += row[r.int(row.length)]; return s / row.length; })),
    { rng: opts.rng, B: opts.B ?? 200, streams: "sequential" });
  if (draws.filter(Number.isFinite).length < 2) return { crossing, se: NaN };
  return { crossing, se: intervalOfDraws(draws).se };
}

/** Options of `learnIsingPhase`. */
export interface PhaseLearningOptions {
  sizes: number[];
  /** Training temperatures, labelled ordered (T < T_c) or disordered: keep them away from T_c. */
  trainTemperatures: number[];
  perTemperature: number;
  /** Temperatures at which the trained network is applied to fresh configurations. */
  scanTemperatures: number[];
  scanPerTemperature: number;
  /**
   * Wolff sweeps between recorded scan configurations (default 4: about three times the integrated
   * autocorrelation time of m^2 that chapter 12 measures at T_c, 1.5 sweeps at L = 32, so that the
   * configurations are nearly independent and a bootstrap over them is fair).
   */
  scanEvery?: number;
  seeds: number;
  hidden: number[];
  steps: number;
  batchSize: number;
  optimizer: OptimizerSpec;
  /** Train on every configuration and its mirror image s -> -s (default true). */
  spinFlips?: boolean;
  rng: Rng;
  onProgress?: OnProgress;
}

/** One trained classifier (one size, one seed) and what it says about its scan configurations. */
export interface PhaseRun {
  L: number;
  seed: number;
  trainAccuracy: number;
  /** Per scan configuration: temperature, |m|, the network's P(ordered). */
  temperature: Float64Array;
  absM: Float64Array;
  probability: Float64Array;
  /** Mean |P(s) - P(-s)| over the scan: how far the network is from the up/down symmetry. */
  flipAsymmetry: number;
  /** The one-feature baseline: a logistic regression on |m| fitted to the same training set; its |m| threshold. */
  baselineThreshold: number;
}

/** runs[size][seed]. */
export interface PhaseLearningResult { sizes: number[]; scanTemperatures: number[]; runs: PhaseRun[][]; seconds: number }

/**
 * For each lattice size and seed: Wolff configurations at the training temperatures (with their mirror
 * images unless `spinFlips: false`), a network trained to tell the phases apart (softmax cross-entropy),
 * and its P(ordered) on fresh configurations at every scan temperature. The same training set also fits
 * the one-feature baseline (logistic regression on |m|).
 */
export async function learnIsingPhase(o: PhaseLearningOptions): Promise<PhaseLearningResult> {
  const t0 = Date.now(), total = o.sizes.length * o.seeds;
  let done = 0;
  const runs: PhaseRun[][] = [];
  // every size's and seed's data first, on every core: its training set and its scan
  const requests = o.sizes.flatMap((L) => Array.from({ length: o.seeds }, (_, s) => {
    const rs = o.rng.fork(`L ${L} seed ${s}`);
    return [
      { L, temperatures: o.trainTemperatures, perTemperature: o.perTemperature, rngPath: rs.fork("train").path },
      { L, temperatures: o.scanTemperatures, perTemperature: o.scanPerTemperature, every: o.scanEvery ?? 4, rngPath: rs.fork("scan").path },
    ];
  }).flat());
  const sets = await isingPool.dataSets(requests, { onProgress: o.onProgress, label: "Ising configurations for the phase classifiers" });
  for (const [li, L] of o.sizes.entries()) {
    // each seed's training set (with mirror images), its scan, and its generator
    const seeds = Array.from({ length: o.seeds }, (_, s) => {
      const rs = o.rng.fork(`L ${L} seed ${s}`), at = 2 * (li * o.seeds + s);
      const raw = sets[at], scan = sets[at + 1];
      const tr = o.spinFlips === false ? raw : withSpinFlips(raw);
      return { s, rs, raw, tr, scan, labels: phaseLabels(tr.temperature) };
    });
    const spec = { inputDim: L * L, hidden: o.hidden, outputDim: 2 };
    // one classifier per seed, each as train.fit would train it alone, batched where they can share steps
    const trained = await fitSeparate({
      members: seeds.map((d) => ({ spec, rng: d.rs.fork("net"), steps: o.steps, train: { x: d.tr.x, y: d.labels }, batchRng: d.rs.fork("batches") })),
      optimizer: o.optimizer, loss: "softmax-ce", batchSize: Math.min(o.batchSize, seeds[0].tr.x.rows), keepWeights: true,
    });
    const row: PhaseRun[] = [];
    for (const d of seeds) {
      const net = await network(spec, { rng: d.rs.fork("net") });
      try {
        net.restore(trained[d.s].weights as Float32Array[]);
        const m = d.scan.x.rows, p = orderedProbability(net.predict(d.scan.x), m);
        const pFlip = orderedProbability(net.predict({ rows: m, cols: d.scan.x.cols, data: d.scan.x.data.map((v) => -v) }), m);
        let asym = 0;
        for (let i = 0; i < m; i++) asym += Math.abs(p[i] - pFlip[i]);
        const base = logisticThreshold(Array.from(d.raw.magnetization, Math.abs), Array.from(d.raw.temperature, (T) => (T < isingCriticalTemperature ? 1 : 0)));
        row.push({
          L, seed: d.s, trainAccuracy: trainAccuracy(net, d.tr.x, d.labels), temperature: d.scan.temperature,
          absM: d.scan.magnetization.map(Math.abs), probability: p, flipAsymmetry: asym / m, baselineThreshold: base.threshold,
        });
      } finally {
        net.dispose();
      }
      o.onProgress?.({ done: ++done, total, label: `phase classifier L = ${L}, seed ${d.s}` });
      await yieldToKernel();
    }
    runs.push(row);
  }
  return { sizes: o.sizes.slice(), scanTemperatures: o.scanTemperatures.slice(), runs, seconds: (Date.now() - t0) / 1000 };
}

/** A trained classifier's accuracy on its training set, computed as train.fit computes `trainAcc`. */
function trainAccuracy(net: Network, x: Rows, y: Rows): number {
  const tf = net.tf;
  return tf.tidy(() => accuracyTensor(tf, net.forward(toTensor(tf, x)), toTensor(tf, y)).dataSync()[0]);
}

/** What one run's decisions say: the network's 50% point, its |m| threshold, and the 50% point that threshold predicts. */
export interface PhaseReading {
  /** 50% point of the network's mean P(ordered). */
  crossing: number;
  /** 50% point of the fraction called ordered (P > 1/2). */
  decisionCrossing: number;
  /** The |m| threshold that best reproduces its decisions, and the agreement rate. */
  threshold: number;
  agreement: number;
  /** 50% point of P(|m| > threshold) on the same configurations. */
  thresholdCrossing: number;
  /** 50% point of the baseline's P(|m| > its logistic threshold). */
  baselineCrossing: number;
}

/** Read one run: crossings of the network, of its |m|-threshold description and of the baseline. */
export function readPhaseRun(run: PhaseRun, temps: number[]): PhaseReading {
  const decided = Array.from(run.probability, (p) => p > 0.5);
  const a = agreementThreshold(run.absM, decided);
  return {
    crossing: halfCrossing(temps, meanByTemperature(run.probability, run.temperature, temps)),
    decisionCrossing: halfCrossing(temps, meanByTemperature(decided.map(Number), run.temperature, temps)),
    threshold: a.threshold, agreement: a.agreement,
    thresholdCrossing: halfCrossing(temps, fractionAbove(run.absM, run.temperature, temps, a.threshold)),
    baselineCrossing: halfCrossing(temps, fractionAbove(run.absM, run.temperature, temps, run.baselineThreshold)),
  };
}

/** Options of `phaseLearningCurve`. */
export interface PhaseCurveOptions {
  L: number;
  trainTemperatures: number[];
  /** Training-set sizes n (configurations before their mirror images are added). */
  ns: number[];
  testPerTemperature: number;
  seeds: number;
  hidden: number[];
  /** Passes over each training set (steps = epochs * n / batch, at least `minSteps`). */
  epochs: number;
  minSteps: number;
  batchSize: number;
  optimizer: OptimizerSpec;
  spinFlips?: boolean;
  rng: Rng;
  onProgress?: OnProgress;
}

/** Test error of the phase classifier, testError[seed][n index]. */
export interface PhaseCurveResult { ns: number[]; testError: number[][]; testSize: number; seconds: number }

/**
 * The phase task's learning curve: per seed one pool of configurations at the training temperatures
 * (its first n rows, with their mirror images, train a network for each n) and a fresh test set at the
 * same temperatures; the test error is the fraction of test configurations put in the wrong phase.
 */
export async function phaseLearningCurve(o: PhaseCurveOptions): Promise<PhaseCurveResult> {
  const t0 = Date.now(), nMax = Math.max(...o.ns), total = o.seeds * o.ns.length;
  let done = 0, testSize = 0;
  const testError: number[][] = [];
  for (let s = 0; s < o.seeds; s++) {
    const rs = o.rng.fork(`seed ${s}`);
    const pool = isingDataSet({ L: o.L, temperatures: o.trainTemperatures, perTemperature: Math.ceil(nMax / o.trainTemperatures.length), rng: rs.fork("pool") });
    const test = isingDataSet({ L: o.L, temperatures: o.trainTemperatures, perTemperature: o.testPerTemperature, rng: rs.fork("test") });
    testSize = test.x.rows;
    const errs: number[] = [];
    for (const n of o.ns) {
      const first: IsingDataSet = { L: o.L, x: firstRows(pool.x, n), temperature: pool.temperature.slice(0, n), energy: pool.energy.slice(0, n), magnetization: pool.magnetization.slice(0, n) };
      const tr = o.spinFlips === false ? first : withSpinFlips(first);
      const net = await network({ inputDim: o.L * o.L, hidden: o.hidden, outputDim: 2 }, { rng: rs.fork(`net ${n}`) });
      try {
        const batch = Math.min(o.batchSize, tr.x.rows);
        await fit(net, { x: tr.x, y: phaseLabels(tr.temperature) }, {
          optimizer: o.optimizer, loss: "softmax-ce", steps: Math.max(o.minSteps, Math.ceil((o.epochs * tr.x.rows) / batch)), batchSize: batch, rng: rs.fork(`batches ${n}`), evalEvery: 1e9,
        });
        const p = orderedProbability(net.predict(test.x), test.x.rows);
        let wrong = 0;
        for (let i = 0; i < p.length; i++) if ((p[i] > 0.5) !== (test.temperature[i] < isingCriticalTemperature)) wrong++;
        errs.push(wrong / p.length);
      } finally {
        net.dispose();
      }
      o.onProgress?.({ done: ++done, total, label: `phase learning curve, seed ${s}, n = ${n}` });
      await yieldToKernel();
    }
    testError.push(errs);
  }
  return { ns: o.ns.slice(), testError, testSize, seconds: (Date.now() - t0) / 1000 };
}
