/**
 * Networks that each have their own training set, trained as `train.fit` would train each one alone,
 * but as one `fitBatched` program where they can share a step.
 *
 *   const runs = await train.fitSeparate({
 *     members: seeds.map((s) => ({ spec, rng: rs[s].fork("net"), steps: 300, train: sets[s], batchRng: rs[s].fork("batches"), test: tests[s] })),
 *     optimizer: { kind: "adam", lr: 3e-3 }, loss: "softmax-ce", batchSize: 100, keepWeights: true,
 *   });
 *   runs[k].testLoss; runs[k].weights;   // member k's final test loss and trained weights
 *
 * Why: a step of one small network is mostly TensorFlow.js overhead, so many of them trained one at a
 * time are slow (chapter 12: 2.5-7x). `fitBatched` shares one minibatch among its members; here each
 * member keeps its own: at step t it gets the rows `train.fit(net, train, { batchSize, rng: batchRng })`
 * would use (a fresh `batchRng.permutation(n)` at the start of every epoch), so each follows its lone
 * trajectory up to float32 round-off (tests/unit/train/separate.test.ts).
 *
 * A member can share a step only when its minibatches all have `batchSize` rows (its n is a multiple
 * of the batch) and its inputs, outputs and test rows match the first such member's; any other member
 * trains alone with `train.fit`, exactly as before.
 */
import { Rng } from "../random";
import type { OnProgress } from "../progress";
import { yieldToKernel } from "../progress";
import { fitBatched } from "./batched";
import type { Table } from "./batched";
import { fit } from "./fit";
import { network } from "./network";
import type { Matrix } from "../linalg";
import { NetworkSpec, resolveSpec } from "./spec";
import type { OptimizerSpec } from "./optimizers";
import type { LossName } from "./losses";

/** A row-major table of float32 or float64 numbers (a lab Matrix, or float32 data). */
type Rows = Matrix | { rows: number; cols: number; data: Float32Array };

/** One network of `fitSeparate` with its own data. */
export interface SeparateMember {
  spec: NetworkSpec;
  /** Its initial weights come from this generator, as train.network(spec, { rng }) draws them. */
  rng: Rng;
  steps: number;
  /** Its own training set (read in place, not copied). */
  train: { x: Rows; y: Rows };
  /** Shuffles its minibatches, as train.fit's `rng` would (needed when batchSize < its n). */
  batchRng?: Rng;
  /** Its own test set; its final test loss is returned. */
  test?: { x: Rows; y: Rows };
}

/** What one member's training gave: its final test loss (with a test set) and, with `keepWeights`, its trained weights. */
export interface SeparateRun {
  testLoss?: number;
  weights?: Float32Array[];
  /** True when it shared steps with others in the batched program, false when it trained alone. */
  batched: boolean;
}

/** Train each member as train.fit would alone (see the module header); results in the order given. */
export async function fitSeparate(opts: {
  members: SeparateMember[]; optimizer: OptimizerSpec; loss?: LossName; batchSize: number; keepWeights?: boolean; onProgress?: OnProgress;
}): Promise<SeparateRun[]> {
  const { members, batchSize: B } = opts;
  if (!Array.isArray(members) || members.length === 0) throw new RangeError("train.fitSeparate: no members");
  if (!(Number.isInteger(B) && B >= 1)) throw new RangeError(`train.fitSeparate: batchSize must be a positive integer, got ${B}`);
  const loss = opts.loss ?? "mse";
  const specs = members.map((m) => resolveSpec(m.spec));
  const rowsOf = (k: number) => members[k].train.y.rows;
  // who can share a step: full minibatches only, and the first such member's input/output/test shape
  const fits = (k: number) => rowsOf(k) >= B && rowsOf(k) % B === 0;
  const first = members.findIndex((_, k) => fits(k));
  const shape = (k: number) => `${specs[k].inputDim} ${specs[k].outputDim} ${members[k].test ? members[k].test?.y.rows : "-"}`;
  const shared = first < 0 ? [] : members.map((_, k) => k).filter((k) => fits(k) && shape(k) === shape(first));
  const out: SeparateRun[] = members.map(() => ({ batched: false }));

  if (shared.length > 0) {
    const d = specs[first].inputDim, offsets: number[] = [];
    let cols = 0;
    for (const k of shared) { offsets.push(cols); cols += specs[k].outputDim; }
    const streams = shared.map((k) => ({ n: rowsOf(k), rng: members[k].batchRng, order: null as Int32Array | null }));
    const xs = shared.map(() => ({ rows: B, cols: d, data: new Float32Array(B * d) }));
    const y = { rows: B, cols, data: new Float32Array(B * cols) };
    // step t's minibatch of every member still training, drawn as train.fit draws it
    const batches = (t: number): { x: Table[]; y: Table } => {
      shared.forEach((k, j) => {
        const m = members[k], st = streams[j], o = specs[k].outputDim;
        if (t >= m.steps) return;
        const pos = (t % (st.n / B)) * B;
        if (B < st.n && pos === 0) {
          if (!(st.rng instanceof Rng)) throw new TypeError(`train.fitSeparate: member ${k} needs a batchRng to shuffle its minibatches`);
          st.order = st.rng.permutation(st.n);
        }
        const x = m.train.x.data, yy = m.train.y.data;
        for (let i = 0; i < B; i++) {
          const r = B < st.n ? (st.order as Int32Array)[pos + i] : i;
          for (let c = 0; c < d; c++) xs[j].data[i * d + c] = x[r * d + c];
          for (let c = 0; c < o; c++) y.data[i * cols + offsets[j] + c] = yy[r * o + c];
        }
      });
      return { x: xs, y };
    };
    let test: { x: Table[]; y: Table } | undefined;
    if (members[first].test) {
      const n = members[first].test?.y.rows as number, ty = new Float32Array(n * cols);
      shared.forEach((k, j) => {
        const t = members[k].test as { x: Rows; y: Rows }, o = specs[k].outputDim;
        for (let i = 0; i < n; i++) for (let c = 0; c < o; c++) ty[i * cols + offsets[j] + c] = t.y.data[i * o + c];
      });
      test = { x: shared.map((k) => (members[k].test as { x: Table }).x), y: { rows: n, cols, data: ty } };
    }
    const run = await fitBatched({
      members: shared.map((k, j) => ({ spec: members[k].spec, rng: members[k].rng, steps: members[k].steps, targets: [offsets[j], offsets[j] + specs[k].outputDim] as [number, number] })),
      optimizer: opts.optimizer, loss, batches, test, evalSteps: [], keepWeights: opts.keepWeights, onProgress: opts.onProgress,
    });
    shared.forEach((k, j) => {
      const r = run.members[j];
      out[k] = { batched: true, testLoss: r.history[r.history.length - 1]?.testLoss, ...(opts.keepWeights ? { weights: r.weights } : {}) };
    });
  }
  // the others alone, as train.fit runs them
  const inShared = new Set(shared);
  for (let k = 0; k < members.length; k++) {
    if (inShared.has(k)) continue;
    const m = members[k];
    const net = await network(m.spec, { rng: m.rng });
    try {
      const res = await fit(net, m.train, { optimizer: opts.optimizer, loss, steps: m.steps, batchSize: B, rng: m.batchRng, evalEvery: Math.max(1, m.steps), test: m.test });
      out[k] = { batched: false, testLoss: res.history[res.history.length - 1].testLoss, ...(opts.keepWeights ? { weights: net.snapshot() } : {}) };
    } finally {
      net.dispose();
    }
    await yieldToKernel();
  }
  return out;
}
