import { test } from "node:test";
import assert from "node:assert/strict";
import { network } from "../../../src/train/network";
import { fit } from "../../../src/train/fit";
import { fitBatched, BatchedMember } from "../../../src/train/batched";
import type { OptimizerSpec } from "../../../src/train/optimizers";
import type { Schedule } from "../../../src/train/schedules";
import { Rng } from "../../../src/random";

// The batched trainer against train.fit run on each member alone: the same initial weights, the same
// rows, the same learning-rate schedule over the member's own steps, so the same trajectory to
// float32 round-off. Two depths (and so two packs) in one call, members with different budgets
// (so members finish and are cut out of their pack), per-member inputs and target columns.

function regression(n: number, rng: Rng) {
  const x = rng.normals(n * 4);
  const y = Float64Array.from({ length: n * 2 }, (_, i) => Math.sin(x[4 * (i >> 1) + (i & 1)]) + 0.5 * x[4 * (i >> 1) + 2]);
  return { x: { rows: n, cols: 4, data: x }, y: { rows: n, cols: 2, data: y } };
}

/** Columns [c0, c1) of a table as a Matrix. */
function columns(t: { rows: number; cols: number; data: ArrayLike<number> }, c0: number, c1: number) {
  const d = c1 - c0, out = new Float64Array(t.rows * d);
  for (let i = 0; i < t.rows; i++) for (let j = 0; j < d; j++) out[i * d + j] = t.data[i * t.cols + c0 + j];
  return { rows: t.rows, cols: d, data: out };
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 2e-4 * Math.max(1e-2, Math.abs(b));

async function compare(optimizer: OptimizerSpec, batchSize: number | undefined, schedule: Schedule | undefined): Promise<void> {
  const rng = new Rng(21);
  const a = regression(40, rng.fork("a")), b = regression(40, rng.fork("b")), test = regression(50, rng.fork("test"));
  const shallow = { inputDim: 3, hidden: [8], outputDim: 1, activation: "tanh" as const };
  const deep = { inputDim: 4, hidden: [6, 5], outputDim: 2, activation: "relu" as const };
  const members: BatchedMember[] = [
    { spec: shallow, rng: rng.fork("m0"), steps: 12, inputs: [0, 3], targets: [0, 1] },
    { spec: deep, rng: rng.fork("m1"), steps: 12 },
    { spec: shallow, rng: rng.fork("m2"), steps: 7, inputs: [1, 4], targets: [1, 2] },
    { spec: deep, rng: rng.fork("m3"), steps: 9 },
  ];
  const xs = [a.x, a.x, b.x, b.x]; // members 2 and 3 train on other inputs
  const run = await fitBatched({
    members, optimizer, schedule, train: { x: xs, y: a.y }, test: { x: [test.x, test.x, test.x, test.x], y: test.y },
    batchSize, rng: rng.fork("batches"), evalEvery: 3, keepWeights: true,
  });
  assert.equal(run.steps, 12);
  for (const [k, m] of members.entries()) {
    const [i0, i1] = m.inputs ?? [0, 4], [o0, o1] = m.targets ?? [0, 2];
    const net = await network(m.spec, { rng: m.rng });
    const alone = await fit(net, { x: columns(xs[k], i0, i1), y: columns(a.y, o0, o1) }, {
      optimizer, schedule, steps: m.steps, batchSize, rng: rng.fork("batches"), evalEvery: 3,
      test: { x: columns(test.x, i0, i1), y: columns(test.y, o0, o1) },
    });
    const trained = net.snapshot();
    net.dispose();
    const mine = run.members[k];
    // keepWeights: the member's trained weights in snapshot layout, the lone run's to round-off
    assert.deepEqual(mine.weights?.map((w) => w.length), trained.map((w) => w.length), `member ${k}: weight shapes`);
    trained.forEach((w, i) => w.forEach((v, j) => assert.ok(Math.abs((mine.weights as Float32Array[])[i][j] - v) <= 1e-4 * Math.max(1, Math.abs(v)), `member ${k} weight ${i}[${j}]: ${(mine.weights as Float32Array[])[i][j]} vs ${v}`)));
    assert.equal(mine.stepLoss.length, m.steps);
    alone.stepLoss.forEach((l, t) => assert.ok(close(mine.stepLoss[t], l), `member ${k} step ${t}: batched ${mine.stepLoss[t]} vs alone ${l}`));
    assert.deepEqual(mine.history.map((h) => h.step), alone.history.map((h) => h.step));
    alone.history.forEach((h, i) => {
      assert.ok(close(mine.history[i].trainLoss as number, h.trainLoss), `member ${k} train loss at ${h.step}: ${mine.history[i].trainLoss} vs ${h.trainLoss}`);
      assert.ok(close(mine.history[i].testLoss as number, h.testLoss as number), `member ${k} test loss at ${h.step}`);
      assert.ok(Math.abs(mine.history[i].lr - h.lr) <= 1e-12 * h.lr, `member ${k} lr at ${h.step}`);
    });
    // the run really trained
    const last = alone.history[alone.history.length - 1].trainLoss;
    assert.ok(last < 0.9 * alone.history[0].trainLoss, `member ${k}: ${alone.history[0].trainLoss} -> ${last}`);
  }
}

test("fitBatched = train.fit per member: SGD with momentum, full batch, cosine schedule", async () => {
  await compare({ kind: "sgd", lr: 0.05, momentum: 0.9 }, undefined, { kind: "cosine", warmup: 2, final: 0.1 });
});

test("fitBatched = train.fit per member: SGD, minibatches", async () => {
  await compare({ kind: "sgd", lr: 0.05 }, 16, undefined);
});

test("fitBatched = train.fit per member: Adam, full batch", async () => {
  await compare({ kind: "adam", lr: 0.02 }, undefined, undefined);
});

test("fitBatched = train.fit per member: Adam, minibatches, linear schedule", async () => {
  await compare({ kind: "adam", lr: 0.02 }, 16, { kind: "linear", final: 0 });
});

test("fitBatched: clear errors for bad input", async () => {
  const rng = new Rng(1);
  const d = regression(8, rng);
  const m = { spec: { inputDim: 4, hidden: [3], outputDim: 2 }, rng, steps: 2 };
  await assert.rejects(fitBatched({ members: [], optimizer: { kind: "sgd", lr: 0.1 }, train: d }), /no members/);
  await assert.rejects(fitBatched({ members: [m], optimizer: { kind: "sgd", lr: 0.1 } }), /exactly one of train/);
  await assert.rejects(fitBatched({ members: [{ ...m, inputs: [0, 3] }], optimizer: { kind: "sgd", lr: 0.1 }, train: d }), /inputDim 4/);
  await assert.rejects(fitBatched({ members: [{ ...m, targets: [1, 3] }], optimizer: { kind: "sgd", lr: 0.1 }, train: d }), /outside/);
  await assert.rejects(fitBatched({ members: [m], optimizer: { kind: "sgd", lr: 0.1 }, train: { x: [d.x, d.x], y: d.y } }), /2 input matrices for 1/);
  await assert.rejects(fitBatched({ members: [m], optimizer: { kind: "sgd", lr: 0.1 }, train: d, batchSize: 4 }), /rng/);
  await assert.rejects(fitBatched({ members: [{ ...m, steps: 50 }], optimizer: { kind: "sgd", lr: 1e6 }, train: d }), /member 0's loss became (NaN|Infinity) at step \d+ \(learning rate 1000000\)/);
});

test("fitBatched: a stream is asked once per step, in order; a stream of the full set trains as the fixed set does", async () => {
  const rng = new Rng(5);
  const d = regression(24, rng.fork("d"));
  const members: BatchedMember[] = [8, 5].map((steps, k) => ({ spec: { inputDim: 4, hidden: [6], outputDim: 2 }, rng: rng.fork(`m${k}`), steps }));
  const asked: number[] = [];
  const streamed = await fitBatched({ members, optimizer: { kind: "adam", lr: 0.01 }, batches: (t) => { asked.push(t); return d; }, test: d });
  assert.deepEqual(asked, [0, 1, 2, 3, 4, 5, 6, 7]);
  const fixed = await fitBatched({ members, optimizer: { kind: "adam", lr: 0.01 }, train: d, test: d });
  for (const k of [0, 1]) {
    assert.deepEqual(streamed.members[k].stepLoss, fixed.members[k].stepLoss);
    const last = (r: typeof fixed, kk: number) => r.members[kk].history[r.members[kk].history.length - 1];
    assert.equal(last(streamed, k).step, members[k].steps);
    assert.equal(last(streamed, k).testLoss, last(fixed, k).testLoss);
    assert.equal(last(streamed, k).trainLoss, undefined); // a stream has no fixed training set to evaluate
  }
});
