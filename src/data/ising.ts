/**
 * The two-dimensional Ising model on an L x L torus (coupling J = 1, no field, k_B = 1): exact
 * averages of small lattices by enumeration, Onsager's closed forms, and Monte-Carlo samplers
 * (Metropolis single-spin flips and Wolff's cluster flips, Wolff 1989, Phys. Rev. Lett. 62, 361).
 *
 * Convention: E = -sum_i s_i (s_right(i) + s_down(i)), so every site has four neighbour bonds. On the
 * 2 x 2 torus the right and left neighbours are the same site, so each pair is coupled twice; the
 * samplers walk the four neighbours of a site (repeats included), which is the same energy function.
 * m = (1/N) sum_i s_i with N = L^2; energies and magnetizations are reported per site.
 *
 * Written by hand: the samplers are a few typed-array loops, and no npm package offers a seeded,
 * checked Ising sampler (the lab's `Rng` drives every draw).
 */
import { Rng } from "../random";
import type { OnProgress } from "../progress";

/** Onsager's critical temperature of the square-lattice Ising model, 2 / ln(1 + sqrt 2). */
export const isingCriticalTemperature = 2 / Math.log(1 + Math.SQRT2);

/** Onsager-Yang spontaneous magnetization per site, (1 - sinh(2/T)^-4)^(1/8) below T_c, 0 above. */
export function onsagerMagnetization(T: number): number {
  if (!(T > 0)) throw new RangeError(`onsagerMagnetization: T must be positive, got ${T}`);
  if (T >= isingCriticalTemperature) return 0;
  return (1 - Math.sinh(2 / T) ** -4) ** (1 / 8);
}

function checkL(L: number, who: string, min = 2): void {
  if (!Number.isInteger(L) || L < min) throw new RangeError(`${who}: L must be an integer >= ${min}, got ${L}`);
}

/** Neighbour table of the L x L torus: nbr[4 i + k] for k = right, left, down, up. */
export function torusNeighbours(L: number): Int32Array {
  checkL(L, "torusNeighbours");
  const N = L * L, nbr = new Int32Array(4 * N);
  for (let r = 0; r < L; r++) {
    for (let c = 0; c < L; c++) {
      const i = r * L + c;
      nbr[4 * i] = r * L + ((c + 1) % L);
      nbr[4 * i + 1] = r * L + ((c + L - 1) % L);
      nbr[4 * i + 2] = ((r + 1) % L) * L + c;
      nbr[4 * i + 3] = ((r + L - 1) % L) * L + c;
    }
  }
  return nbr;
}

/** Total energy E = -sum_i s_i (s_right + s_down) of a configuration of +-1 spins. */
export function isingEnergy(spins: ArrayLike<number>, L: number): number {
  checkL(L, "isingEnergy");
  if (spins.length !== L * L) throw new RangeError(`isingEnergy: expected ${L * L} spins, got ${spins.length}`);
  let E = 0;
  for (let r = 0; r < L; r++) {
    for (let c = 0; c < L; c++) {
      const s = spins[r * L + c];
      E -= s * (spins[r * L + ((c + 1) % L)] + spins[((r + 1) % L) * L + c]);
    }
  }
  return E;
}

/** Density of states of a small torus: how many of the 2^N configurations have total energy E and magnetization M. */
export interface IsingStates {
  L: number;
  /** Distinct (E, M) pairs (totals, not per site) and their number of configurations. */
  energy: Float64Array;
  magnetization: Float64Array;
  count: Float64Array;
}

/** Enumerate every configuration of an L x L torus (L <= 4: 65,536 states at L = 4) into its (E, M) histogram. */
export function isingStates(L: number): IsingStates {
  checkL(L, "isingStates");
  if (L > 4) throw new RangeError(`isingStates: enumeration is limited to L <= 4 (2^${L * L} states asked)`);
  const N = L * L, spins = new Int8Array(N), hist = new Map<string, number>();
  for (let code = 0; code < 2 ** N; code++) {
    let M = 0;
    for (let i = 0; i < N; i++) { spins[i] = (code >> i) & 1 ? 1 : -1; M += spins[i]; }
    const key = `${isingEnergy(spins, L)},${M}`;
    hist.set(key, (hist.get(key) ?? 0) + 1);
  }
  const keys = [...hist.keys()];
  const energy = new Float64Array(keys.length), magnetization = new Float64Array(keys.length), count = new Float64Array(keys.length);
  keys.forEach((k, j) => { const [e, m] = k.split(",").map(Number); energy[j] = e; magnetization[j] = m; count[j] = hist.get(k) as number; });
  return { L, energy, magnetization, count };
}

/** Thermal averages per site at one temperature. */
export interface IsingAverages {
  T: number;
  /** <E>/N. */
  energy: number;
  /** <|m|>. */
  absMagnetization: number;
  /** <m^2> and <m^4>. */
  m2: number;
  m4: number;
  /** Specific heat per site, (<E^2> - <E>^2) / (N T^2). */
  specificHeat: number;
  /** Binder cumulant 1 - <m^4> / (3 <m^2>^2). */
  binder: number;
}

/** Exact Boltzmann averages at temperature T from an enumerated density of states. */
export function exactIsingAverages(states: IsingStates, T: number): IsingAverages {
  if (!(T > 0)) throw new RangeError(`exactIsingAverages: T must be positive, got ${T}`);
  const N = states.L * states.L;
  // shift by the ground-state energy so the weights cannot overflow
  let Emin = Infinity;
  for (const e of states.energy) Emin = Math.min(Emin, e);
  let Z = 0, sE = 0, sE2 = 0, sAbs = 0, sM2 = 0, sM4 = 0;
  for (let j = 0; j < states.count.length; j++) {
    const w = states.count[j] * Math.exp(-(states.energy[j] - Emin) / T);
    const e = states.energy[j], m = states.magnetization[j] / N;
    Z += w; sE += w * e; sE2 += w * e * e; sAbs += w * Math.abs(m); sM2 += w * m * m; sM4 += w * m ** 4;
  }
  const E = sE / Z, m2 = sM2 / Z, m4 = sM4 / Z;
  return { T, energy: E / N, absMagnetization: sAbs / Z, m2, m4, specificHeat: (sE2 / Z - E * E) / (N * T * T), binder: 1 - m4 / (3 * m2 * m2) };
}

/** A Markov chain on the spins of an L x L torus at temperature T, updated in place. */
export class IsingChain {
  readonly L: number;
  readonly N: number;
  readonly T: number;
  /** The current configuration (+1 / -1). */
  readonly spins: Int8Array;
  private readonly nbr: Int32Array;
  private readonly rng: Rng;
  private readonly pAdd: number;
  /** exp(-2 dE') for the Metropolis acceptance, indexed by s_i * (sum of neighbours) / 2 + 2. */
  private readonly accept: Float64Array;
  private readonly stack: Int32Array;
  private readonly inCluster: Uint8Array;
  /** The sites of the cluster being flipped, in the order they joined. */
  private readonly cluster: Int32Array;

  /** Start from all spins up (`start: "ordered"`, default) or random spins (`"random"`). */
  constructor(opts: { L: number; T: number; rng: Rng; start?: "ordered" | "random" }) {
    checkL(opts.L, "IsingChain");
    if (!(opts.T > 0)) throw new RangeError(`IsingChain: T must be positive, got ${opts.T}`);
    if (!(opts.rng instanceof Rng)) throw new TypeError("IsingChain: pass { rng } (e.g. rng.fork(\"chain\"))");
    this.L = opts.L;
    this.N = opts.L * opts.L;
    this.T = opts.T;
    this.rng = opts.rng;
    this.nbr = torusNeighbours(opts.L);
    this.spins = new Int8Array(this.N).fill(1);
    if (opts.start === "random") for (let i = 0; i < this.N; i++) this.spins[i] = this.rng.uniform() < 0.5 ? 1 : -1;
    this.pAdd = 1 - Math.exp(-2 / opts.T);
    this.accept = new Float64Array(5);
    for (let k = 0; k < 5; k++) this.accept[k] = Math.min(1, Math.exp((-2 * 2 * (k - 2)) / opts.T));
    this.stack = new Int32Array(this.N * 4 + 1);
    this.inCluster = new Uint8Array(this.N);
    this.cluster = new Int32Array(this.N);
  }

  /** One Metropolis sweep: N single-spin flip attempts at random sites. */
  metropolisSweep(): void {
    const { spins, nbr, rng, accept, N } = this;
    for (let t = 0; t < N; t++) {
      const i = rng.nextUint32() % N;
      const h = spins[nbr[4 * i]] + spins[nbr[4 * i + 1]] + spins[nbr[4 * i + 2]] + spins[nbr[4 * i + 3]];
      const k = (spins[i] * h) / 2 + 2; // dE = 2 s_i h = 4 (k - 2)
      if (k <= 2 || rng.uniform() < accept[k]) spins[i] = -spins[i];
    }
  }

  /** Grow one Wolff cluster from a random site and flip it; returns its size. */
  wolffFlip(): number {
    const { spins, nbr, rng, pAdd, stack, inCluster, cluster } = this;
    const seed = rng.nextUint32() % this.N;
    const s0 = spins[seed];
    let top = 0, size = 0;
    stack[top++] = seed;
    inCluster[seed] = 1;
    while (top > 0) {
      const i = stack[--top];
      spins[i] = -s0;
      cluster[size++] = i;
      for (let k = 0; k < 4; k++) {
        const j = nbr[4 * i + k];
        // each of the four bonds is tried once (on the 2 x 2 torus a pair shares two bonds)
        if (spins[j] === s0 && !inCluster[j] && rng.uniform() < pAdd) { inCluster[j] = 1; stack[top++] = j; }
      }
    }
    // clear the marks from the list of the cluster's sites (cheaper than walking the cluster again)
    for (let c = 0; c < size; c++) inCluster[cluster[c]] = 0;
    return size;
  }

  /**
   * A fixed number of Wolff flips (`flips`), by default about one sweep's worth of work: N divided by
   * the mean cluster size measured so far (`calibrateWolff`). The number must not depend on the
   * clusters of this very sweep: stopping when N spins have flipped would favour states whose
   * clusters are small, and bias every average (a stopping-time bias).
   */
  wolffSweep(flips = this.wolffFlipsPerSweep): void {
    for (let k = 0; k < flips; k++) this.wolffFlip();
  }

  /** Flips per `wolffSweep` (1 until `calibrateWolff` runs). */
  wolffFlipsPerSweep = 1;

  /** Run `flips` Wolff flips and set `wolffFlipsPerSweep` to N over their mean cluster size (at least 1). */
  calibrateWolff(flips = 200): number {
    let total = 0;
    for (let k = 0; k < flips; k++) total += this.wolffFlip();
    this.wolffFlipsPerSweep = Math.max(1, Math.round((this.N * flips) / total));
    return this.wolffFlipsPerSweep;
  }

  /** Total energy and total magnetization of the current configuration. */
  measure(): { E: number; M: number } {
    let M = 0;
    for (let i = 0; i < this.N; i++) M += this.spins[i];
    return { E: isingEnergy(this.spins, this.L), M };
  }
}

/** Options of `sampleIsing`. */
export interface IsingSampleOptions {
  L: number;
  T: number;
  /** Number of recorded samples. */
  samples: number;
  /** "wolff" (default) or "metropolis". */
  algorithm?: "wolff" | "metropolis";
  /** Sweeps discarded first (default 200). */
  thermalize?: number;
  /** Sweeps between recorded samples (default 1). */
  every?: number;
  /** Keep every recorded configuration (n x N, +-1 as Int8). Default false. */
  keepConfigurations?: boolean;
  rng: Rng;
}

/** A recorded chain: per-site energy and magnetization of every sample, and optionally the configurations. */
export interface IsingSamples {
  L: number;
  T: number;
  algorithm: "wolff" | "metropolis";
  energy: Float64Array;
  magnetization: Float64Array;
  configurations: Int8Array | null;
  /** Wolff only: the cluster flips that make one recorded sweep. */
  flipsPerSweep: number | null;
}

/** Run one chain (from an ordered start) and record `samples` measurements, `every` sweeps apart. */
export function sampleIsing(opts: IsingSampleOptions): IsingSamples {
  const algorithm = opts.algorithm ?? "wolff";
  if (algorithm !== "wolff" && algorithm !== "metropolis") throw new RangeError(`sampleIsing: algorithm must be "wolff" or "metropolis", got ${JSON.stringify(algorithm)}`);
  if (!Number.isInteger(opts.samples) || opts.samples < 1) throw new RangeError(`sampleIsing: samples must be a positive integer, got ${opts.samples}`);
  const every = opts.every ?? 1, thermalize = opts.thermalize ?? 200;
  if (!Number.isInteger(every) || every < 1) throw new RangeError(`sampleIsing: every must be a positive integer, got ${every}`);
  const chain = new IsingChain({ L: opts.L, T: opts.T, rng: opts.rng });
  if (algorithm === "wolff") chain.calibrateWolff();
  const sweep = algorithm === "wolff" ? () => chain.wolffSweep() : () => chain.metropolisSweep();
  for (let t = 0; t < thermalize; t++) sweep();
  if (algorithm === "wolff") chain.calibrateWolff(); // again, now that the chain is in equilibrium
  const N = chain.N, energy = new Float64Array(opts.samples), magnetization = new Float64Array(opts.samples);
  const configurations = opts.keepConfigurations ? new Int8Array(opts.samples * N) : null;
  for (let s = 0; s < opts.samples; s++) {
    for (let t = 0; t < every; t++) sweep();
    const { E, M } = chain.measure();
    energy[s] = E / N;
    magnetization[s] = M / N;
    if (configurations) configurations.set(chain.spins, s * N);
  }
  return { L: opts.L, T: opts.T, algorithm, energy, magnetization, configurations, flipsPerSweep: algorithm === "wolff" ? chain.wolffFlipsPerSweep : null };
}

/** Averages of a recorded chain, each with its standard error from batch means (`batches` batches). */
export interface IsingEstimates {
  energy: { mean: number; se: number };
  absMagnetization: { mean: number; se: number };
  specificHeat: { mean: number; se: number };
  binder: { mean: number; se: number };
}

/**
 * Estimates of <e>, <|m|>, the specific heat and the Binder cumulant from one chain. The value is the
 * whole-chain estimate; its standard error is the spread of the same estimator over `batches`
 * consecutive batches divided by sqrt(batches) (batches longer than the autocorrelation time are
 * nearly independent).
 */
export function isingEstimates(s: IsingSamples, batches = 20): IsingEstimates {
  const n = s.energy.length, size = Math.floor(n / batches), N = s.L * s.L;
  if (!Number.isInteger(batches) || batches < 2 || size < 2) throw new RangeError(`isingEstimates: need at least 2 batches of 2 samples (${n} samples, ${batches} batches)`);
  const est = (from: number, to: number) => {
    let e = 0, e2 = 0, a = 0, m2 = 0, m4 = 0;
    for (let i = from; i < to; i++) {
      const x = s.energy[i], m = s.magnetization[i];
      e += x; e2 += x * x; a += Math.abs(m); m2 += m * m; m4 += m ** 4;
    }
    const k = to - from;
    e /= k; e2 /= k; a /= k; m2 /= k; m4 /= k;
    return [e, a, (N * (e2 - e * e)) / (s.T * s.T), 1 - m4 / (3 * m2 * m2)];
  };
  const all = est(0, n), parts = Array.from({ length: batches }, (_, b) => est(b * size, (b + 1) * size));
  const se = (j: number) => {
    const mu = parts.reduce((t, p) => t + p[j], 0) / batches;
    return Math.sqrt(parts.reduce((t, p) => t + (p[j] - mu) ** 2, 0) / (batches - 1) / batches);
  };
  const pair = (j: number) => ({ mean: all[j], se: se(j) });
  return { energy: pair(0), absMagnetization: pair(1), specificHeat: pair(2), binder: pair(3) };
}

/**
 * Integrated autocorrelation time tau_int = 1/2 + sum_{t>=1} rho(t) of a time series, with Sokal's
 * automatic window (the smallest W with W >= c tau_int(W), c = 5), and its standard error
 * tau sqrt(2 (2W + 1) / n) (Madras & Sokal 1988). In units of the series' spacing.
 */
export function integratedAutocorrelation(xs: ArrayLike<number>, c = 5): { tau: number; se: number; window: number } {
  const n = xs.length;
  if (n < 10) throw new RangeError(`integratedAutocorrelation: need at least 10 values, got ${n}`);
  let mu = 0;
  for (let i = 0; i < n; i++) mu += xs[i];
  mu /= n;
  let c0 = 0;
  for (let i = 0; i < n; i++) c0 += (xs[i] - mu) ** 2;
  c0 /= n;
  if (!(c0 > 0)) return { tau: 0.5, se: 0, window: 0 };
  let tau = 0.5, W = 0;
  for (let t = 1; t < n / 2; t++) {
    let ct = 0;
    for (let i = 0; i + t < n; i++) ct += (xs[i] - mu) * (xs[i + t] - mu);
    tau += ct / n / c0;
    W = t;
    if (t >= c * tau) break;
  }
  return { tau, se: tau * Math.sqrt((2 * (2 * W + 1)) / n), window: W };
}

/** Configurations and their labels for learning: an n x N matrix of spins (float32) and their temperatures. */
export interface IsingDataSet {
  L: number;
  x: { rows: number; cols: number; data: Float32Array };
  temperature: Float64Array;
  /** Per-site energy and magnetization of each configuration. */
  energy: Float64Array;
  magnetization: Float64Array;
}

/**
 * Configurations at each temperature of `temperatures`, `perTemperature` of each, from independent
 * Wolff chains (fork `T i` of `rng`, `chains` chains per temperature, `every` sweeps apart), shuffled
 * into one data set. The spins are the inputs (+-1).
 */
export function isingDataSet(opts: { L: number; temperatures: number[]; perTemperature: number; rng: Rng; every?: number; chains?: number; onProgress?: OnProgress }): IsingDataSet {
  const { L, temperatures, perTemperature } = opts;
  checkL(L, "isingDataSet");
  if (!temperatures.length) throw new RangeError("isingDataSet: give at least one temperature");
  const chains = opts.chains ?? 4, per = Math.ceil(perTemperature / chains), N = L * L;
  const n = temperatures.length * perTemperature;
  const x = new Float32Array(n * N), temperature = new Float64Array(n), energy = new Float64Array(n), magnetization = new Float64Array(n);
  let row = 0;
  temperatures.forEach((T, ti) => {
    let taken = 0;
    for (let c = 0; c < chains && taken < perTemperature; c++) {
      const s = sampleIsing({ L, T, samples: Math.min(per, perTemperature - taken), every: opts.every ?? 2, thermalize: 100, keepConfigurations: true, rng: opts.rng.fork(`T ${ti} chain ${c}`) });
      const cfg = s.configurations as Int8Array;
      for (let k = 0; k < s.energy.length; k++, row++, taken++) {
        for (let i = 0; i < N; i++) x[row * N + i] = cfg[k * N + i];
        temperature[row] = T; energy[row] = s.energy[k]; magnetization[row] = s.magnetization[k];
      }
    }
    opts.onProgress?.({ done: ti + 1, total: temperatures.length, label: `Ising configurations, T = ${T.toFixed(3)}` });
  });
  // shuffle rows so that any prefix is a fair sample of every temperature
  const perm = opts.rng.fork("shuffle").permutation(n);
  const xs = new Float32Array(n * N), ts = new Float64Array(n), es = new Float64Array(n), ms = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const p = perm[r];
    xs.set(x.subarray(p * N, (p + 1) * N), r * N);
    ts[r] = temperature[p]; es[r] = energy[p]; ms[r] = magnetization[p];
  }
  return { L, x: { rows: n, cols: N, data: xs }, temperature: ts, energy: es, magnetization: ms };
}
