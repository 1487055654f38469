/**
 * Chapter 12's study of limited precision: networks trained in float on Ising configurations (the
 * energy per site from the spins, as in the repetition study), then quantized after training to b bits
 * (per tensor and per channel, round-to-nearest, and with subtractive dither as a control), compared
 * with the noise model's prediction (1/2) sum_i H_ii step_i^2 / 12 through `train.rangeWeightedTrace`;
 * quantization-aware training at the lowest widths; and networks of several widths N at a fixed
 * memory budget bits x weights. Built on `train` (network, fit, quantize); plain data out, for `cached`.
 */
import { Rng } from "../random";
import { OnProgress, yieldToKernel } from "../progress";
// through the public train exports only (the training core's files may move)
import { network, fit, quantizeNetwork, rangeWeightedTrace, lossGradient, fitQuantized, lossWith, hessianVectorProduct, weightCount, parameterRanges } from "../train";
import type { Granularity, Network, OptimizerSpec, Schedule } from "../train";
import { isingDataSet } from "../data/ising";
import type { Activation } from "../activations";

type Rows = { rows: number; cols: number; data: Float32Array };
type Data = { x: Rows; y: Rows };

/** Energy-per-site regression on L x L Ising configurations: training and test sets, target standardised by the test set. */
export function isingEnergyTask(o: { L: number; temperatures: number[]; train: number; test: number; rng: Rng }): { train: Data; test: Data } {
  const per = (n: number) => Math.ceil(n / o.temperatures.length);
  const tr = isingDataSet({ L: o.L, temperatures: o.temperatures, perTemperature: per(o.train), rng: o.rng.fork("train") });
  const te = isingDataSet({ L: o.L, temperatures: o.temperatures, perTemperature: per(o.test), rng: o.rng.fork("test") });
  const mu = te.energy.reduce((a, b) => a + b, 0) / te.energy.length;
  const sd = Math.sqrt(te.energy.reduce((a, b) => a + (b - mu) ** 2, 0) / te.energy.length);
  const take = (s: typeof tr, n: number): Data => ({
    x: { rows: n, cols: s.x.cols, data: s.x.data.slice(0, n * s.x.cols) },
    y: { rows: n, cols: 1, data: Float32Array.from(s.energy.subarray(0, n), (v) => (v - mu) / sd) },
  });
  return { train: take(tr, o.train), test: take(te, o.test) };
}

/** Options of `quantizationStudy`. */
export interface QuantizationStudyOptions {
  L: number;
  temperatures: number[];
  train: number;
  test: number;
  /** Hidden widths of the float network and its activation (default tanh: smooth, so the Hessian has no kinks to miss). */
  hidden: number[];
  activation?: Activation;
  /** Independently initialised networks (the seeds). */
  networks: number;
  /** Float training: full-batch steps, optimiser, schedule. */
  steps: number;
  optimizer: OptimizerSpec;
  schedule?: Schedule;
  bits: number[];
  granularities: Granularity[];
  /** Hutchinson probes per network and granularity. */
  probes: number;
  /** Subtractive-dither draws per network, granularity and bit width. */
  dithers: number;
  /** Quantization-aware training: the widths, its steps and optimiser (from the trained float weights). */
  qatBits: number[];
  qatSteps: number;
  qatOptimizer: OptimizerSpec;
  rng: Rng;
  onProgress?: OnProgress;
}

/** One network at one granularity and bit width. */
export interface QuantizationCell {
  bits: number;
  /** Training-loss increase of round-to-nearest, and the test loss with quantized weights. */
  deltaTrain: number;
  testLoss: number;
  /** The first-order term g . delta and the exact quadratic term (1/2) delta^T H delta of this rounding. */
  firstOrder: number;
  quadratic: number;
  /** Mean training-loss increase over the dither draws. */
  deltaDither: number;
}

/** One network's results. */
export interface QuantizedNetworkRun {
  floatTrain: number;
  floatTest: number;
  /** sqrt(sum_i g_i^2 r_i^2), per granularity: the scale of the first-order term (times step / (sqrt(12) r)). */
  gradientScale: Record<string, number>;
  /** Hutchinson's sum_i H_ii r_i^2 per granularity: its mean, s.e. and probes. */
  trace: Record<string, { value: number; se: number; probes: number[] }>;
  cells: Record<string, QuantizationCell[]>;
  /** Quantization-aware training per entry of qatBits (per-channel when granularities has it, else per tensor). */
  qat: { bits: number; granularity: Granularity; ptqTest: number; qatTest: number; ptqTrain: number; qatTrain: number }[];
}

/** What `quantizationStudy` returns (plain data). */
export interface QuantizationStudyResult {
  bits: number[];
  granularities: Granularity[];
  weights: number;
  runs: QuantizedNetworkRun[];
  seconds: number;
}

function sub(a: Float32Array[], b: Float32Array[]): Float64Array {
  const n = a.reduce((s, x) => s + x.length, 0);
  const out = new Float64Array(n);
  let o = 0;
  a.forEach((x, i) => { for (let j = 0; j < x.length; j++) out[o++] = x[j] - b[i][j]; });
  return out;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Trains `networks` float networks on the Ising energy task and quantizes each one after training at
 * every bit width and granularity: the measured loss increase, its first-order and exact quadratic
 * terms, the dithered control and Hutchinson's range-weighted trace for the noise prediction; then
 * quantization-aware training at `qatBits` from the same float weights against post-training rounding.
 */
export async function quantizationStudy(o: QuantizationStudyOptions): Promise<QuantizationStudyResult> {
  const t0 = Date.now();
  const task = isingEnergyTask({ L: o.L, temperatures: o.temperatures, train: o.train, test: o.test, rng: o.rng.fork("data") });
  const runs: QuantizedNetworkRun[] = [];
  let weights = 0;
  for (let k = 0; k < o.networks; k++) {
    const rk = o.rng.fork(`network ${k}`);
    const net = await network({ inputDim: o.L * o.L, hidden: o.hidden, activation: o.activation ?? "tanh" }, { rng: rk.fork("init") });
    try {
      weights = weightCount(net);
      await fit(net, task.train, { optimizer: o.optimizer, schedule: o.schedule, loss: "mse", steps: o.steps, evalEvery: o.steps });
      const w0 = net.snapshot();
      const floatTrain = lossWith(net, null, task.train), floatTest = lossWith(net, null, task.test);
      const g = lossGradient(net, task.train).gradient;
      const run: QuantizedNetworkRun = { floatTrain, floatTest, gradientScale: {}, trace: {}, cells: {}, qat: [] };
      for (const gran of o.granularities) {
        const t = rangeWeightedTrace(net, task.train, { granularity: gran, probes: o.probes, rng: rk.fork(`probes ${gran}`) });
        run.trace[gran] = { value: t.value, se: t.se, probes: t.probes };
        const ranges = parameterRanges(net, gran);
        run.gradientScale[gran] = Math.sqrt(g.reduce((s, gi, i) => s + gi * gi * ranges[i] * ranges[i], 0));
        run.cells[gran] = o.bits.map((bits) => {
          const q = quantizeNetwork(net, { bits, granularity: gran });
          const delta = sub(q.values, w0);
          const hd = hessianVectorProduct(net, task.train, delta);
          let dith = 0;
          for (let d = 0; d < o.dithers; d++) {
            const qd = quantizeNetwork(net, { bits, granularity: gran, dither: rk.fork(`dither ${gran} ${bits} ${d}`) });
            dith += lossWith(net, qd.values, task.train) - floatTrain;
          }
          return {
            bits, deltaTrain: lossWith(net, q.values, task.train) - floatTrain, testLoss: lossWith(net, q.values, task.test),
            firstOrder: dot(g, delta), quadratic: 0.5 * dot(delta, hd), deltaDither: o.dithers > 0 ? dith / o.dithers : NaN,
          };
        });
        o.onProgress?.({ done: k * (o.granularities.length + 1) + o.granularities.indexOf(gran) + 1, total: o.networks * (o.granularities.length + 1), label: `network ${k}: ${gran} quantization` });
        await yieldToKernel();
      }
      const qgran: Granularity = o.granularities.includes("channel") ? "channel" : "tensor";
      for (const bits of o.qatBits) {
        const ptq = quantizeNetwork(net, { bits, granularity: qgran });
        const ptqTest = lossWith(net, ptq.values, task.test), ptqTrain = lossWith(net, ptq.values, task.train);
        await fitQuantized(net, task.train, { bits, granularity: qgran, optimizer: o.qatOptimizer, steps: o.qatSteps, schedule: o.schedule });
        const qq = quantizeNetwork(net, { bits, granularity: qgran });
        run.qat.push({ bits, granularity: qgran, ptqTest, ptqTrain, qatTest: lossWith(net, qq.values, task.test), qatTrain: lossWith(net, qq.values, task.train) });
        net.restore(w0);
      }
      runs.push(run);
      o.onProgress?.({ done: (k + 1) * (o.granularities.length + 1), total: o.networks * (o.granularities.length + 1), label: `network ${k}: quantization-aware training` });
      await yieldToKernel();
    } finally {
      net.dispose();
    }
  }
  return { bits: o.bits.slice(), granularities: o.granularities.slice(), weights, runs, seconds: (Date.now() - t0) / 1000 };
}

/** Options of `memoryBudgetStudy`: (bits, hidden width) pairs trained and quantized on the same task. */
export interface MemoryBudgetOptions {
  L: number;
  temperatures: number[];
  train: number;
  test: number;
  /** The pairs compared; bits x weights is the memory of each. */
  configs: { bits: number; width: number }[];
  activation?: Activation;
  seeds: number;
  steps: number;
  optimizer: OptimizerSpec;
  schedule?: Schedule;
  qatSteps: number;
  qatOptimizer: OptimizerSpec;
  granularity: Granularity;
  rng: Rng;
  onProgress?: OnProgress;
}

/** Test losses per config and seed: float, post-training quantized, quantization-aware trained. */
export interface MemoryBudgetResult {
  configs: { bits: number; width: number; weights: number; memoryBits: number }[];
  /** [config][seed] */
  floatTest: number[][];
  ptqTest: number[][];
  qatTest: number[][];
  seconds: number;
}

/**
 * For each (bits, width) pair and seed: a one-hidden-layer network of that width trained in float,
 * quantized after training and, from the same float weights, trained quantization-aware; the test
 * losses of all three. Memory = bits x weights.
 */
export async function memoryBudgetStudy(o: MemoryBudgetOptions): Promise<MemoryBudgetResult> {
  const t0 = Date.now();
  const task = isingEnergyTask({ L: o.L, temperatures: o.temperatures, train: o.train, test: o.test, rng: o.rng.fork("data") });
  const configs: MemoryBudgetResult["configs"] = [];
  const floatTest: number[][] = [], ptqTest: number[][] = [], qatTest: number[][] = [];
  let done = 0;
  for (const c of o.configs) {
    const f: number[] = [], p: number[] = [], q: number[] = [];
    let info = { bits: c.bits, width: c.width, weights: 0, memoryBits: 0 };
    for (let s = 0; s < o.seeds; s++) {
      const rs = o.rng.fork(`width ${c.width} seed ${s}`);
      const net: Network = await network({ inputDim: o.L * o.L, hidden: [c.width], activation: o.activation ?? "tanh" }, { rng: rs.fork("init") });
      try {
        await fit(net, task.train, { optimizer: o.optimizer, schedule: o.schedule, loss: "mse", steps: o.steps, evalEvery: o.steps });
        f.push(lossWith(net, null, task.test));
        const ptq = quantizeNetwork(net, { bits: c.bits, granularity: o.granularity });
        info = { bits: c.bits, width: c.width, weights: weightCount(net), memoryBits: ptq.memoryBits };
        p.push(lossWith(net, ptq.values, task.test));
        await fitQuantized(net, task.train, { bits: c.bits, granularity: o.granularity, optimizer: o.qatOptimizer, steps: o.qatSteps, schedule: o.schedule });
        q.push(lossWith(net, quantizeNetwork(net, { bits: c.bits, granularity: o.granularity }).values, task.test));
      } finally {
        net.dispose();
      }
      o.onProgress?.({ done: ++done, total: o.configs.length * o.seeds, label: `memory budget: ${c.bits} bits, N = ${c.width}` });
      await yieldToKernel();
    }
    configs.push(info); floatTest.push(f); ptqTest.push(p); qatTest.push(q);
  }
  return { configs, floatTest, ptqTest, qatTest, seconds: (Date.now() - t0) / 1000 };
}
