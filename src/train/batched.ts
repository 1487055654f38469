/**
 * Many independent networks trained as ONE batched TensorFlow.js program: the lab's batched trainer.
 *
 *   const run = await train.fitBatched({
 *     members: seeds.map((s) => ({ spec: { inputDim: 16, hidden: [64, 64] }, rng: rng.fork(`net ${s}`), steps: 2000 })),
 *     optimizer: { kind: "adam", lr: 1e-3 }, schedule: { kind: "cosine", final: 0.1 },
 *     train: { x: X, y: Y }, batchSize: 64, rng: rng.fork("batches"), test: { x: Xt, y: Yt },
 *   });
 *   run.members[k].history;   // member k's evaluations (step, lr, trainLoss, testLoss), as train.fit records them
 *
 * Why: a step of a small network is a few dozen TensorFlow.js ops of 20-50 us each whatever their
 * size (wasm backend), so hundreds of runs one at a time take hours. Here members with the same spec
 * form a pack whose weights are stacked along a leading axis ([S, fanIn, fanOut] per layer), and a
 * step of the pack is the step of one network with batched products: `layerStep` and
 * `backpropLayers` (backprop.ts), the same code `train.fit` runs, on stacked tensors. The loss of a
 * pack is the sum of its members' own losses, so each member's gradient is that of its own loss; the
 * optimizer (`createOptimizer`, the one implementation) acts element by element with one learning
 * rate per member. So every member follows the trajectory `train.fit` gives it alone, up to float32
 * round-off (tests/unit/train/batched.test.ts checks SGD and Adam, full and mini-batch, two depths).
 *
 * Members may differ in spec (any depth and widths; each distinct spec is one pack), in the columns
 * of the data they read and fit (`inputs`, `targets`), in their training inputs (the training set's `x` as one
 * matrix per member) and in their step budgets: each follows the schedule over its own steps, and
 * when it has finished, it is evaluated and cut out of its pack (members are kept longest-first, so
 * the ones still training are always a leading block of the stack).
 *
 * Data: a fixed training set `train` (full batch, or minibatches of `batchSize` shuffled with `rng`
 * exactly as train.fit shuffles them), or a stream `batches(t)` giving the minibatch of step t.
 * Every member sees the same rows; `batches` is called once per step, in order.
 */
import type * as tfjs from "@tensorflow/tfjs";
import { tfReady } from "../tf";
import { Rng } from "../random";
import type { OnProgress } from "../progress";
import { yieldToKernel } from "../progress";
import { FullSpec, LayerPlan, NetworkSpec, layerPlans, parameterCount, resolveSpec } from "./spec";
import { layerStep, network } from "./network";
import { Optimizer, OptimizerSpec, createOptimizer, optimizerFamily } from "./optimizers";
import { Schedule, scheduleFactor, validateSchedule } from "./schedules";
import { LossName, lossDerivatives, validateLoss } from "./losses";
import { LayerParams, backpropLayers } from "./backprop";

/** A row-major table of numbers (a lab Matrix, or float32 data). */
export interface Table {
  rows: number;
  cols: number;
  data: ArrayLike<number>;
}

/** One network of a batched run. */
export interface BatchedMember {
  spec: NetworkSpec;
  /** Its weights come from this generator, exactly as train.network(spec, { rng }) draws them. */
  rng: Rng;
  /** Updates this member gets; its schedule spans them. */
  steps: number;
  /** Columns [start, end) of the inputs that feed it (default: all; their number must be spec.inputDim). */
  inputs?: [number, number];
  /** Columns [start, end) of the targets it fits (default: all; their number must be the spec's outputDim). */
  targets?: [number, number];
}

/** Training or test data: inputs shared by every member or one matrix per member, and targets. */
export interface BatchedData {
  x: Table | Table[];
  y: Table;
}

/** Options of `fitBatched`: the members, the optimizer and loss they share, and the data they train and are evaluated on. */
export interface BatchedOptions {
  members: BatchedMember[];
  /** One optimizer for all (each member gets its own state and learning rate). */
  optimizer: OptimizerSpec;
  /** Default "mse". */
  loss?: LossName;
  /** Per member, over its own steps (default constant). */
  schedule?: Schedule;
  /** A fixed training set; or give `batches`. */
  train?: BatchedData;
  /** Minibatch size on `train` (default: full batch). */
  batchSize?: number;
  /** Shuffles the minibatches of `train`, as train.fit does (required with a batchSize below n). */
  rng?: Rng;
  /** A stream instead of `train`: the minibatch of step t (0-based). */
  batches?: (t: number) => BatchedData;
  test?: BatchedData;
  /** Evaluate every this many steps (and at step 0 and at each member's end); default about 100 times a run. */
  evalEvery?: number;
  /** Or evaluate exactly at these steps (and at each member's end). */
  evalSteps?: number[];
  /** Called at each evaluation with the members evaluated then (`predictions`: on the training inputs, with `train`). */
  onEval?: (step: number, evals: MemberEval[]) => void;
  /** Return each member's trained weights (`BatchedMemberRun.weights`), e.g. to predict with them afterwards. */
  keepWeights?: boolean;
  onProgress?: OnProgress;
}

/** One evaluation of one member. */
export interface BatchedRecord {
  step: number;
  /** Its learning rate then. */
  lr: number;
  /** Loss on the whole training set (with `train`). */
  trainLoss?: number;
  testLoss?: number;
}

/** One member's evaluation as `onEval` receives it: its record, its index and (when asked for) its test predictions. */
export interface MemberEval extends BatchedRecord {
  member: number;
  /** Outputs on the training inputs, row-major (with `train` and an `onEval`). */
  predictions?: Float32Array;
}

/** What one member of a batched run did: its step count, parameter count, the loss at every step and its evaluations. */
export interface BatchedMemberRun {
  steps: number;
  /** Trainable parameters (as train.parameterCount counts them). */
  params: number;
  /** The (minibatch) training loss before each update: stepLoss[t] is the loss at step t. */
  stepLoss: number[];
  history: BatchedRecord[];
  /**
   * With `keepWeights`: the trained parameters in `Network.snapshot()`'s layout (each layer's weights,
   * then its bias), so `(await network(spec, { rng })).restore(weights)` rebuilds the trained network.
   */
  weights?: Float32Array[];
}

/** What `fitBatched` returns: one record per member (in the order given), the steps of the longest member and the wall time. */
export interface BatchedRun {
  members: BatchedMemberRun[];
  /** Updates of the longest member. */
  steps: number;
  seconds: number;
}

/** The members of one spec, stacked; `order` lists them longest-first, the first `active` still train. */
interface Pack {
  spec: FullSpec;
  plans: LayerPlan[];
  order: number[];
  active: number;
  vars: tfjs.Variable[];
  layers: LayerParams[];
  opt: Optimizer;
  /** Stacked fixed data, cut with the pack: [S or 1, n, cols]. */
  trainX: tfjs.Tensor | null;
  trainY: tfjs.Tensor | null;
  testX: tfjs.Tensor | null;
  testY: tfjs.Tensor | null;
}

const float32 = (d: ArrayLike<number>): Float32Array => (d instanceof Float32Array ? d : Float32Array.from(d));

/**
 * Column block [c0, c1) of each member's table, stacked as [S, rows, c1 - c0]; [1, rows, cols] when
 * every member reads the same block of the same table (the products broadcast it).
 */
function stackColumns(tf: typeof tfjs, picks: { table: Table; cols: [number, number] }[], rows?: ArrayLike<number>): tfjs.Tensor {
  const first = picks[0];
  const shared = picks.every((p) => p.table === first.table && p.cols[0] === first.cols[0] && p.cols[1] === first.cols[1]);
  const use = shared ? [first] : picks;
  const n = rows ? rows.length : first.table.rows, d = first.cols[1] - first.cols[0];
  if (shared && !rows && d === first.table.cols) return tf.tensor3d(float32(first.table.data), [1, n, d]);
  const buf = new Float32Array(use.length * n * d);
  use.forEach((p, s) => {
    const { data, cols } = p.table;
    for (let i = 0; i < n; i++) {
      const r = rows ? rows[i] : i, o = (s * n + i) * d;
      for (let j = 0; j < d; j++) buf[o + j] = data[r * cols + p.cols[0] + j];
    }
  });
  return tf.tensor3d(buf, [use.length, n, d]);
}

/** Checks the options; returns the members' resolved specs and column ranges. */
function validate(opts: BatchedOptions, first: BatchedData): { specs: FullSpec[]; inputs: [number, number][]; targets: [number, number][] } {
  const where = "train.fitBatched";
  if (!opts || !Array.isArray(opts.members) || opts.members.length === 0) throw new RangeError(`${where}: no members`);
  validateLoss(opts.loss ?? "mse");
  if (opts.schedule) validateSchedule(opts.schedule);
  const xs = (d: BatchedData, what: string): Table[] => {
    const list = Array.isArray(d.x) ? d.x : [d.x];
    if (Array.isArray(d.x) && d.x.length !== opts.members.length) throw new RangeError(`${where}: ${what} has ${d.x.length} input matrices for ${opts.members.length} members`);
    for (const t of [...list, d.y]) if (t.data.length !== t.rows * t.cols) throw new RangeError(`${where}: ${what} has a matrix with ${t.data.length} values, expected rows * cols = ${t.rows * t.cols}`);
    for (const t of list) if (t.rows !== d.y.rows) throw new RangeError(`${where}: ${what} has ${t.rows} input rows but ${d.y.rows} target rows`);
    return list;
  };
  const inCols = xs(first, "the training data")[0].cols, outCols = first.y.cols;
  if (opts.test) xs(opts.test, "the test set");
  const specs: FullSpec[] = [], inputs: [number, number][] = [], targets: [number, number][] = [];
  opts.members.forEach((m, k) => {
    if (!(m.rng instanceof Rng)) throw new TypeError(`${where}: member ${k} needs an rng`);
    if (!(Number.isInteger(m.steps) && m.steps >= 0)) throw new RangeError(`${where}: member ${k} steps must be a non-negative integer, got ${m.steps}`);
    const spec = resolveSpec(m.spec);
    const inp = m.inputs ?? [0, inCols], tgt = m.targets ?? [0, outCols];
    if (!(0 <= inp[0] && inp[0] < inp[1] && inp[1] <= inCols)) throw new RangeError(`${where}: member ${k} inputs [${inp[0]}, ${inp[1]}) outside [0, ${inCols})`);
    if (!(0 <= tgt[0] && tgt[0] < tgt[1] && tgt[1] <= outCols)) throw new RangeError(`${where}: member ${k} targets [${tgt[0]}, ${tgt[1]}) outside [0, ${outCols})`);
    if (inp[1] - inp[0] !== spec.inputDim) throw new RangeError(`${where}: member ${k} reads ${inp[1] - inp[0]} input columns, its spec has inputDim ${spec.inputDim}`);
    if (tgt[1] - tgt[0] !== spec.outputDim) throw new RangeError(`${where}: member ${k} fits ${tgt[1] - tgt[0]} target columns, its spec has outputDim ${spec.outputDim}`);
    specs.push(spec); inputs.push(inp); targets.push(tgt);
  });
  return { specs, inputs, targets };
}

/** Stacks the initial weights of `order`'s members (exactly as train.network draws them) into one pack. */
async function buildPack(tf: typeof tfjs, opts: BatchedOptions, spec: FullSpec, order: number[]): Promise<Pack> {
  const snaps: Float32Array[][] = [];
  for (const k of order) {
    const net = await network(opts.members[k].spec, { rng: opts.members[k].rng });
    snaps.push(net.snapshot());
    net.dispose();
  }
  const plans = layerPlans(spec);
  const family = optimizerFamily(opts.optimizer);
  const S = order.length;
  const vars: tfjs.Variable[] = [], scales: number[] = [], layers: LayerParams[] = [];
  let idx = 0;
  const stacked = (shape: number[]): tfjs.Variable => {
    const size = shape.slice(1).reduce((a, b) => a * b, 1), buf = new Float32Array(S * size), i = idx++;
    snaps.forEach((sn, s) => buf.set(sn[i], s * size));
    const t = tf.tensor(buf, shape), v = tf.variable(t, true);
    t.dispose();
    vars.push(v);
    return v;
  };
  for (const p of plans) {
    const W = stacked([S, p.fanIn, p.fanOut]);
    scales.push(p.lrScale[family]);
    let b: tfjs.Variable | null = null;
    if (p.hasBias) { b = stacked([S, 1, p.fanOut]); scales.push(p.biasLrScale[family]); }
    layers.push({ plan: p, W, b });
  }
  const opt = createOptimizer(tf, opts.optimizer, vars, scales);
  return { spec, plans, order, active: S, vars, layers, opt, trainX: null, trainY: null, testX: null, testY: null };
}

/** The pack's stacked inputs and targets from `data` for its first `count` members (optionally some rows only). */
function packData(tf: typeof tfjs, cols: { inputs: [number, number][]; targets: [number, number][] }, pack: Pack, data: BatchedData, count: number, rows?: ArrayLike<number>): { x: tfjs.Tensor; y: tfjs.Tensor } {
  const ids = pack.order.slice(0, count);
  const xOf = (k: number): Table => (Array.isArray(data.x) ? data.x[k] : data.x);
  return {
    x: stackColumns(tf, ids.map((k) => ({ table: xOf(k), cols: cols.inputs[k] })), rows),
    y: stackColumns(tf, ids.map((k) => ({ table: data.y, cols: cols.targets[k] })), rows),
  };
}

/** Keeps the first `count` members of a pack (the others have finished): cuts weights, optimizer state and data. */
function shrinkPack(tf: typeof tfjs, pack: Pack, count: number): void {
  const cut = (t: tfjs.Tensor): tfjs.Tensor => tf.slice(t, 0, [count]);
  const next = pack.vars.map((v) => { const c = cut(v), nv = tf.variable(c, true); c.dispose(); return nv; });
  pack.opt.keepLeading(next);
  pack.vars.forEach((v) => v.dispose());
  pack.vars = next;
  let i = 0;
  pack.layers = pack.layers.map((l) => ({ plan: l.plan, W: next[i++], b: l.b ? next[i++] : null }));
  for (const key of ["trainX", "trainY", "testX", "testY"] as const) {
    const t = pack[key];
    if (t && t.shape[0] > 1) { pack[key] = cut(t); t.dispose(); }
  }
  pack.active = count;
}

/** The stacked forward pass of a pack's active members. */
function packForward(tf: typeof tfjs, pack: Pack, x: tfjs.Tensor): tfjs.Tensor {
  let a = x;
  const last = pack.layers.length - 1;
  pack.layers.forEach((l, i) => { a = layerStep(tf, l.plan, a, l.W, l.b, i === last ? null : pack.spec.activation).post; });
  return a;
}

/** Train every member (see the module header). */
export async function fitBatched(opts: BatchedOptions): Promise<BatchedRun> {
  if (!opts || !Array.isArray(opts.members) || opts.members.length === 0) throw new RangeError("train.fitBatched: no members");
  if (!opts.train === !opts.batches) throw new TypeError("train.fitBatched: give exactly one of train (a fixed training set) and batches (a stream)");
  // a stream's first minibatch is asked for once, here: it also tells the data's columns
  let firstBatch: BatchedData | null = opts.batches ? opts.batches(0) : null;
  const cols = validate(opts, opts.train ?? (firstBatch as BatchedData));
  const tf = await tfReady();
  const loss = opts.loss ?? "mse";
  const members = opts.members;
  const T = Math.max(...members.map((m) => m.steps));
  const n = opts.train ? opts.train.y.rows : 0;
  const batch = opts.train ? Math.min(opts.batchSize ?? n, n) : 0;
  if (opts.train && !(Number.isInteger(batch) && batch >= 1)) throw new RangeError(`train.fitBatched: batchSize must be a positive integer, got ${opts.batchSize}`);
  if (opts.train && batch < n && !(opts.rng instanceof Rng)) throw new TypeError("train.fitBatched: minibatches need an rng to shuffle with (e.g. rng: rng.fork(\"batches\"))");
  const every = opts.evalEvery ?? Math.max(1, Math.round(T / 100));
  if (!(Number.isInteger(every) && every >= 1)) throw new RangeError(`train.fitBatched: evalEvery must be a positive integer, got ${opts.evalEvery}`);
  const evalAt = opts.evalSteps ? new Set(opts.evalSteps) : null;
  const due = (t: number, k: number): boolean => t <= members[k].steps && (t === members[k].steps || (evalAt ? evalAt.has(t) : t % every === 0));
  const lrOf = (t: number, k: number): number => opts.optimizer.lr * scheduleFactor(opts.schedule, Math.min(t, Math.max(members[k].steps - 1, 0)), members[k].steps);

  // packs: one per distinct spec, members longest-first
  const groups = new Map<string, number[]>();
  cols.specs.forEach((s, k) => { const key = JSON.stringify(s); groups.set(key, [...(groups.get(key) ?? []), k]); });
  const packs: Pack[] = [];
  const runs: BatchedMemberRun[] = members.map((m, k) => ({ steps: m.steps, params: parameterCount(m.spec), stepLoss: [], history: [] }));
  const t0 = Date.now();
  try {
    for (const ids of groups.values()) {
      const order = ids.slice().sort((p, q) => members[q].steps - members[p].steps || p - q);
      const pack = await buildPack(tf, opts, cols.specs[order[0]], order);
      packs.push(pack);
      if (opts.train) ({ x: pack.trainX, y: pack.trainY } = packData(tf, cols, pack, opts.train, order.length));
      if (opts.test) ({ x: pack.testX, y: pack.testY } = packData(tf, cols, pack, opts.test, order.length));
    }
    let order: Int32Array | null = null;
    const stepsPerEpoch = batch ? Math.ceil(n / batch) : 1;
    for (let t = 0; ; t++) {
      const evals = evaluate(tf, packs, t, due, lrOf, loss, !!opts.onEval);
      evals.forEach((e) => { const { member, predictions, ...rec } = e; void predictions; runs[member].history.push(rec); });
      if (evals.length && opts.onEval) opts.onEval(t, evals);
      for (const p of packs) {
        let keep = p.active;
        while (keep > 0 && members[p.order[keep - 1]].steps <= t) keep--;
        if (opts.keepWeights && keep < p.active) saveWeights(p, keep, runs);
        if (keep === 0) p.active = 0;
        else if (keep < p.active) shrinkPack(tf, p, keep);
      }
      if (t >= T) break;
      // this step's rows: a stream's minibatch, a shuffled minibatch of the fixed set (as train.fit draws it), or all of it
      let stream: BatchedData | null = null, rows: tfjs.Tensor1D | null = null;
      if (opts.batches) { stream = t === 0 && firstBatch ? firstBatch : opts.batches(t); firstBatch = null; }
      else if (batch < n) {
        const pos = (t % stepsPerEpoch) * batch;
        if (pos === 0) order = (opts.rng as Rng).permutation(n);
        rows = tf.tensor1d((order as Int32Array).subarray(pos, Math.min(n, pos + batch)), "int32");
      }
      for (const p of packs) if (p.active > 0) trainStep(tf, opts, cols, p, t, loss, lrOf, runs, stream, rows);
      rows?.dispose();
      if ((t + 1) % 100 === 0 || t + 1 === T) {
        opts.onProgress?.({ done: t + 1, total: T, label: `training ${members.length} networks at once` });
        await yieldToKernel();
      }
    }
  } finally {
    for (const p of packs) {
      p.opt.dispose();
      [...p.vars, p.trainX, p.trainY, p.testX, p.testY].forEach((x) => x?.dispose());
    }
  }
  return { members: runs, steps: T, seconds: (Date.now() - t0) / 1000 };
}

/** Copies the weights of the pack's members at positions [from, active) (they have finished) into their runs. */
function saveWeights(p: Pack, from: number, runs: BatchedMemberRun[]): void {
  const values = p.vars.map((v) => v.dataSync() as Float32Array);
  for (let s = from; s < p.active; s++) {
    runs[p.order[s]].weights = p.vars.map((v, i) => {
      const size = v.size / v.shape[0];
      return values[i].slice(s * size, (s + 1) * size);
    });
  }
}

/** One update of a pack's active members; records each one's loss before it. */
function trainStep(tf: typeof tfjs, opts: BatchedOptions, cols: { inputs: [number, number][]; targets: [number, number][] }, p: Pack, t: number, loss: LossName,
  lrOf: (t: number, k: number) => number, runs: BatchedMemberRun[], stream: BatchedData | null, rows: tfjs.Tensor1D | null): void {
  const ids = p.order.slice(0, p.active);
  tf.tidy(() => {
    let x: tfjs.Tensor, y: tfjs.Tensor;
    if (stream) ({ x, y } = packData(tf, cols, p, stream, p.active));
    else if (rows) { x = tf.gather(p.trainX as tfjs.Tensor, rows, 1); y = tf.gather(p.trainY as tfjs.Tensor, rows, 1); }
    else { x = p.trainX as tfjs.Tensor; y = p.trainY as tfjs.Tensor; }
    const r = backpropLayers(tf, p.layers, p.spec.activation, x, y, loss);
    const values = r.loss.dataSync();
    ids.forEach((k, s) => {
      if (!Number.isFinite(values[s])) throw new Error(`train.fitBatched: member ${k}'s loss became ${values[s]} at step ${t} (learning rate ${lrOf(t, k)}); try a smaller learning rate`);
      runs[k].stepLoss.push(values[s]);
    });
    p.opt.step(r.grads, ids.map((k) => lrOf(t, k)));
  });
}

/** Evaluates the members due at step t (before shrinking), pack by pack. */
function evaluate(tf: typeof tfjs, packs: Pack[], t: number, due: (t: number, k: number) => boolean, lrOf: (t: number, k: number) => number, loss: LossName, withPredictions: boolean): MemberEval[] {
  const out: MemberEval[] = [];
  for (const p of packs) {
    const ids = p.order.slice(0, p.active);
    if (!ids.some((k) => due(t, k))) continue;
    tf.tidy(() => {
      const lossOf = (x: tfjs.Tensor | null, y: tfjs.Tensor | null): { values: Float32Array | null; f: tfjs.Tensor | null } => {
        if (!x || !y) return { values: null, f: null };
        const f = packForward(tf, p, x);
        return { values: lossDerivatives(tf, loss, f, y).value.dataSync() as Float32Array, f };
      };
      const tr = lossOf(p.trainX, p.trainY), te = lossOf(p.testX, p.testY);
      const preds = withPredictions && tr.f ? (tr.f.dataSync() as Float32Array) : null;
      const per = tr.f ? tr.f.shape[1] as number * (tr.f.shape[2] as number) : 0;
      ids.forEach((k, s) => {
        if (!due(t, k)) return;
        const e: MemberEval = { member: k, step: t, lr: lrOf(t, k) };
        if (tr.values) e.trainLoss = tr.values[s];
        if (te.values) e.testLoss = te.values[s];
        if (preds) e.predictions = preds.slice(s * per, (s + 1) * per);
        out.push(e);
      });
    });
  }
  return out.sort((a, b) => a.member - b.member);
}
