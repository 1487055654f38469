/**
 * Chapter 12, section 5: what a symmetry is worth in examples. A target on clouds of k points in 3-D
 * that is invariant under rotations, translations and permutations of the points (a sum of a pair
 * potential, data/pointClouds.ts) is learned by three models over a range of training-set sizes n:
 *
 * - "plain": an MLP on the 3k coordinates;
 * - "augmented": the same MLP, every minibatch row replaced by a fresh random rotation and
 *   permutation of its cloud (the group acts on the inputs; the target is unchanged);
 * - "invariant": Deep Sets on the k(k-1)/2 pairwise distances (train/deepSets.ts).
 *
 * All members (models x sizes x seeds) of the two MLP models train as one `train.fitBatched` program
 * and all Deep Sets as one `train.fitDeepSetsBatched` program; every member sees its own training set
 * (the first n clouds of its seed's pool, so a seed's sizes are nested) through its own minibatch
 * order, takes the same number of steps and is scored on one shared test set.
 */
import { Rng } from "../random";
import { bootstrapDraws, intervalOfDraws, resampleIndices } from "../stats/bootstrap";
import type { OnProgress } from "../progress";
import { fitBatched, fitDeepSetsBatched } from "../train";
import type { BatchedMember, Table } from "../train";
import { pointCloudTask, randomSymmetry } from "../data/pointClouds";

/** The three models of the study. */
export type SymmetryModel = "plain" | "augmented" | "invariant";
/** The three models, in the order the chapter shows them. */
export const symmetryModels: SymmetryModel[] = ["plain", "augmented", "invariant"];

/** Options of `symmetryStudy`. */
export interface SymmetryStudyOptions {
  /** Points per cloud. */
  k: number;
  /** Training-set sizes of each model (they may differ: the invariant model needs fewer). */
  sizes: Record<SymmetryModel, number[]>;
  seeds: number;
  testSize: number;
  /** Hidden widths of the MLP (plain and augmented). */
  mlpHidden: number[];
  /** Widths of the Deep Sets: phi's hidden layer, its embedding, rho's hidden layer. */
  deepSets: { width: number; embed: number; rhoWidth: number };
  steps: number;
  batchSize: number;
  /** Adam's learning rate (cosine decay to 1% over the steps). */
  lr: number;
  /** The pair potential (default data.pairPotential). */
  phi?: (r: number) => number;
  rng: Rng;
  onProgress?: OnProgress;
}

/** One model's learning curves: test and training losses (mean squared error of the standardised target) [seed][size]. */
export interface SymmetryCurves {
  sizes: number[];
  test: number[][];
  /** Plain and invariant: on the whole training set at the end; augmented: the mean minibatch loss of the last 5% of steps (on transformed clouds). */
  train: number[][];
  params: number;
}

/** What `symmetryStudy` returns. */
export interface SymmetryStudyResult {
  k: number;
  seeds: number;
  curves: Record<SymmetryModel, SymmetryCurves>;
  seconds: { mlp: number; invariant: number };
}

const rowsOf = (m: { cols: number; data: Float32Array }, n: number): Table => ({ rows: n, cols: m.cols, data: m.data.subarray(0, n * m.cols) });

/** Train the three models at every size and seed (see the module header). */
export async function symmetryStudy(o: SymmetryStudyOptions): Promise<SymmetryStudyResult> {
  const { k, seeds, batchSize: B } = o;
  const test = pointCloudTask({ k, n: o.testSize, rng: o.rng.fork("test"), phi: o.phi });
  const scale = { mean: test.mean, std: test.std };
  const maxN = Math.max(...symmetryModels.flatMap((m) => o.sizes[m]));
  const pools = Array.from({ length: seeds }, (_, s) => pointCloudTask({ k, n: maxN, rng: o.rng.fork(`pool ${s}`), scale, phi: o.phi }));

  // the MLPs: members plain then augmented, size-major; member j fits target column j
  const mlp: { model: "plain" | "augmented"; n: number; seed: number }[] = [];
  for (const model of ["plain", "augmented"] as const) for (const n of o.sizes[model]) for (let s = 0; s < seeds; s++) mlp.push({ model, n, seed: s });
  const S = mlp.length, d = 3 * k;
  const streams = mlp.map((m, j) => ({ rng: o.rng.fork(`mlp stream ${j}`), order: new Int32Array(0) as Int32Array<ArrayBufferLike>, pos: 0 }));
  const xs = mlp.map(() => ({ rows: B, cols: d, data: new Float32Array(B * d) }));
  const y = { rows: B, cols: S, data: new Float32Array(B * S) };
  const batches = (): { x: Table[]; y: Table } => {
    mlp.forEach((m, j) => {
      const st = streams[j], pool = pools[m.seed];
      for (let i = 0; i < B; i++) {
        if (st.pos === st.order.length) { st.order = st.rng.permutation(m.n); st.pos = 0; }
        const r = st.order[st.pos++];
        const cloud = pool.coordinates.data.subarray(r * d, (r + 1) * d);
        if (m.model === "augmented") randomSymmetry(cloud, k, st.rng, xs[j].data, i * d);
        else xs[j].data.set(cloud, i * d);
        y.data[i * S + j] = pool.target.data[r];
      }
    });
    return { x: xs, y };
  };
  const testY = { rows: o.testSize, cols: S, data: new Float32Array(o.testSize * S) };
  for (let i = 0; i < o.testSize; i++) testY.data.fill(test.target.data[i], i * S, (i + 1) * S);
  const members: BatchedMember[] = mlp.map((m, j) => ({ spec: { inputDim: d, hidden: o.mlpHidden }, rng: o.rng.fork(`mlp init ${m.seed}`), steps: o.steps, targets: [j, j + 1] }));
  const mlpRun = S === 0 ? { members: [], seconds: 0 } : await fitBatched({
    members, optimizer: { kind: "adam", lr: o.lr }, schedule: { kind: "cosine", final: 0.01 }, batches,
    test: { x: rowsOf(test.coordinates, o.testSize), y: testY }, evalSteps: [], onProgress: o.onProgress,
  });

  // Deep Sets read standardised distances (mean and spread of the test set's), so that phi's first-layer
  // ReLU kinks, drawn around 0, fall across the data rather than at its edge
  const ds = { elementDim: 1, ...o.deepSets };
  const dist = test.distances.data, mu = dist.reduce((a, b) => a + b, 0) / dist.length;
  const sd = Math.sqrt(dist.reduce((a, b) => a + (b - mu) ** 2, 0) / dist.length);
  const standard = (m: Table): Table => ({ rows: m.rows, cols: m.cols, data: Float32Array.from(m.data, (v) => (v - mu) / sd) });
  const inv = o.sizes.invariant.flatMap((n) => Array.from({ length: seeds }, (_, s) => ({ n, seed: s })));
  const dsRun = inv.length === 0 ? { members: [], seconds: 0 } : await fitDeepSetsBatched({
    spec: ds, steps: o.steps, batchSize: B, optimizer: { kind: "adam", lr: o.lr }, schedule: { kind: "cosine", final: 0.01 },
    members: inv.map((m) => ({ rng: o.rng.fork(`deep sets ${m.seed} n ${m.n}`), x: standard(rowsOf(pools[m.seed].distances, m.n)), y: pools[m.seed].target.data.subarray(0, m.n) })),
    test: { x: standard(test.distances), y: test.target.data }, onProgress: o.onProgress,
  });

  const grid = (sizes: number[], value: (i: number, s: number) => number): number[][] =>
    Array.from({ length: seeds }, (_, s) => sizes.map((_, i) => value(i, s)));
  const mlpCurves = (model: "plain" | "augmented"): SymmetryCurves => {
    const at = (i: number, s: number) => mlp.findIndex((m) => m.model === model && m.n === o.sizes[model][i] && m.seed === s);
    const lastLosses = (j: number) => { const l = mlpRun.members[j].stepLoss; const tail = l.slice(Math.floor(0.95 * l.length)); return tail.reduce((a, b) => a + b, 0) / tail.length; };
    return {
      sizes: o.sizes[model], test: grid(o.sizes[model], (i, s) => mlpRun.members[at(i, s)].history.at(-1)!.testLoss!),
      train: grid(o.sizes[model], (i, s) => lastLosses(at(i, s))), params: mlpRun.members[0]?.params ?? 0,
    };
  };
  const invAt = (i: number, s: number) => i * seeds + s;
  return {
    k, seeds,
    curves: {
      plain: mlpCurves("plain"), augmented: mlpCurves("augmented"),
      invariant: { sizes: o.sizes.invariant, test: grid(o.sizes.invariant, (i, s) => dsRun.members[invAt(i, s)].testLoss), train: grid(o.sizes.invariant, (i, s) => dsRun.members[invAt(i, s)].trainLoss), params: dsRun.members[0]?.params ?? 0 },
    },
    seconds: { mlp: mlpRun.seconds, invariant: dsRun.seconds },
  };
}

/**
 * Where a learning curve falls through `level`: the n at which log(loss) crosses log(level), by
 * linear interpolation in log n between the two grid points around the first crossing from above.
 * NaN when the curve does not cross the level inside the grid.
 */
export function sizeAtLoss(sizes: ArrayLike<number>, losses: ArrayLike<number>, level: number): number {
  if (sizes.length !== losses.length) throw new RangeError(`sizeAtLoss: ${sizes.length} sizes for ${losses.length} losses`);
  if (!(level > 0)) throw new RangeError(`sizeAtLoss: level must be positive, got ${level}`);
  const L = Math.log(level);
  for (let i = 0; i + 1 < sizes.length; i++) {
    const a = Math.log(losses[i]), b = Math.log(losses[i + 1]);
    if (a >= L && b < L) return Math.exp(Math.log(sizes[i]) + ((a - L) / (a - b)) * (Math.log(sizes[i + 1]) - Math.log(sizes[i])));
  }
  return NaN;
}

/**
 * The geometric mean over seeds of a [seed][size] table of losses, per size: the mean of log losses,
 * which a learning curve is read in, and which one seed stuck at a bad minimum (at the smallest n a
 * run's loss can be ten times its neighbours') moves far less than the arithmetic mean.
 */
export function seedMean(table: number[][]): number[] {
  return table[0].map((_, i) => Math.exp(table.reduce((t, row) => t + Math.log(row[i]), 0) / table.length));
}

/** A learning curve's power law y = A n^-a fitted to its seed geometric means over sizes [from, to], with the exponent's bootstrap over seeds. */
export function curveExponent(curve: { sizes: number[]; test: number[][] }, from: number, to: number, opts: { rng: Rng; B?: number }): { a: number; A: number; se: number; sizes: number[]; draws: number[] } {
  const idx = curve.sizes.map((n, i) => (n >= from && n <= to ? i : -1)).filter((i) => i >= 0);
  if (idx.length < 2) throw new RangeError(`curveExponent: fewer than two sizes in [${from}, ${to}]`);
  const xs = idx.map((i) => Math.log(curve.sizes[i]));
  const slope = (rows: number[][]): { a: number; A: number } => {
    const ys = idx.map((i) => Math.log(seedMean(rows)[i]));
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length, my = ys.reduce((a, b) => a + b, 0) / ys.length;
    let sxy = 0, sxx = 0;
    xs.forEach((x, j) => { sxy += (x - mx) * (ys[j] - my); sxx += (x - mx) ** 2; });
    return { a: -sxy / sxx, A: Math.exp(my + (sxy / sxx) * mx) };
  };
  // resample whole seeds, drawing in turn from opts.rng (the stream this function has always used)
  const S = curve.test.length;
  const draws = bootstrapDraws((r) => slope(Array.from(resampleIndices(r, S), (s) => curve.test[s])).a, { rng: opts.rng, B: opts.B ?? 1000, streams: "sequential" });
  return { ...slope(curve.test), se: draws.some(Number.isFinite) ? intervalOfDraws(draws).se : NaN, sizes: idx.map((i) => curve.sizes[i]), draws };
}

/** How many examples a model's advantage is worth: n_base / n_model at one test loss, with its bootstrap over seeds. */
export interface SampleWorth {
  level: number;
  /** n at which each seed-mean curve crosses the level. */
  nBase: number;
  nModel: number;
  ratio: number;
  /** Standard error of ln(ratio) (the standard deviation of the bootstrap draws). */
  lnSe: number;
  /** Percentile interval of the ratio. */
  ci: [number, number];
  /** Resamples in which a curve did not cross the level (left out of lnSe and ci). */
  failed: number;
}

/**
 * The ratio n_base(L) / n_model(L) of training-set sizes at which two seed-mean learning curves reach
 * the same test loss L (`sizeAtLoss` on each). Its uncertainty: resample whole seeds (the same
 * resampled seeds for both curves, which share their seeds' data), B times.
 */
export function sampleWorth(base: { sizes: number[]; test: number[][] }, model: { sizes: number[]; test: number[][] }, level: number, opts: { rng: Rng; B?: number; level?: number }): SampleWorth {
  const S = base.test.length;
  if (model.test.length !== S || S < 2) throw new RangeError(`sampleWorth: both curves need the same number (>= 2) of seeds, got ${S} and ${model.test.length}`);
  const ratioOf = (pick: number[]): { nb: number; nm: number } => ({
    nb: sizeAtLoss(base.sizes, seedMean(pick.map((s) => base.test[s])), level),
    nm: sizeAtLoss(model.sizes, seedMean(pick.map((s) => model.test[s])), level),
  });
  const all = ratioOf(Array.from({ length: S }, (_, s) => s));
  // ln(n_base / n_model) on resampled seeds (drawn in turn from opts.rng); a resample on which a curve
  // does not cross the level gives NaN, which intervalOfDraws leaves out and counts
  const draws = bootstrapDraws((r) => {
    const p = ratioOf(Array.from(resampleIndices(r, S)));
    return Math.log(p.nb / p.nm);
  }, { rng: opts.rng, B: opts.B ?? 1000, streams: "sequential" });
  // a level that one curve never reaches has no finite draw: its worth is undefined (NaN), not an error
  if (!draws.some(Number.isFinite)) return { level, nBase: all.nb, nModel: all.nm, ratio: all.nb / all.nm, lnSe: NaN, ci: [NaN, NaN], failed: draws.length };
  const ln = intervalOfDraws(draws, { level: opts.level ?? 0.95 });
  return { level, nBase: all.nb, nModel: all.nm, ratio: all.nb / all.nm, lnSe: ln.se, ci: [Math.exp(ln.ci[0]), Math.exp(ln.ci[1])], failed: ln.dropped };
}
