import { test } from "node:test";
import assert from "node:assert/strict";
import { network } from "../../../src/train/network";
import { fit, TrainingDiverged } from "../../../src/train/fit";
import { historyFrame, curves } from "../../../src/train/history";
import { scheduleFactor } from "../../../src/train/schedules";
import { Rng } from "../../../src/random";

function regression(n: number, rng: Rng) {
  const x = rng.normals(n * 2);
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(x[2 * i]) + 0.5 * x[2 * i + 1]);
  return { x: { rows: n, cols: 2, data: x }, y: { rows: n, cols: 1, data: y } };
}

test("full-batch SGD lowers the loss; the history has the start, every evaluation and the end", async () => {
  const rng = new Rng(2);
  const data = regression(64, rng.fork("data"));
  const net = await network({ inputDim: 2, hidden: [32] }, { rng: rng.fork("net") });
  const run = await fit(net, data, { optimizer: { kind: "sgd", lr: 0.05 }, steps: 200, evalEvery: 50, test: regression(32, rng.fork("test")) });
  assert.deepEqual(run.history.map((r) => r.step), [0, 50, 100, 150, 200]);
  assert.equal(run.stepLoss.length, 200);
  assert.equal(run.stopped, "steps");
  assert.ok(run.history[4].trainLoss < 0.5 * run.history[0].trainLoss, `loss ${run.history[0].trainLoss} -> ${run.history[4].trainLoss}`);
  assert.ok(Number.isFinite(run.history[4].testLoss!));
  // stepLoss[0] is the loss before the first update: the initial full-batch loss
  assert.ok(Math.abs(run.stepLoss[0] - run.history[0].trainLoss) < 1e-5);
  const df = historyFrame(run);
  assert.deepEqual(df.shape, [5, run.history[0] ? Object.keys(run.history[0]).length : 0]);
  assert.equal(curves(run.history, ["trainLoss", "testLoss"]).data.length, 2);
  net.dispose();
});

test("minibatch Adam with softmax cross-entropy separates two blobs; stopWhen ends the run", async () => {
  const rng = new Rng(4);
  const n = 64, x = new Float64Array(n * 2), y = new Float64Array(n * 2);
  const r = rng.fork("data");
  for (let i = 0; i < n; i++) { const c = i % 2; x[2 * i] = (c ? 2 : -2) + 0.5 * r.normal(); x[2 * i + 1] = 0.5 * r.normal(); y[2 * i + c] = 1; }
  const net = await network({ inputDim: 2, hidden: [16], outputDim: 2 }, { rng: rng.fork("net") });
  const run = await fit(net, { x: { rows: n, cols: 2, data: x }, y: { rows: n, cols: 2, data: y } },
    { optimizer: { kind: "adam", lr: 0.01 }, loss: "softmax-ce", epochs: 50, batchSize: 16, rng: rng.fork("batches"), evalEvery: "epoch", stopWhen: (rec) => rec.trainAcc! >= 1 });
  assert.equal(run.stopped, "stopWhen");
  assert.equal(run.history[run.history.length - 1].trainAcc, 1);
  assert.ok(run.steps < 50 * 4);
  await assert.rejects(() => fit(net, { x: { rows: n, cols: 2, data: x }, y: { rows: n, cols: 2, data: y } }, { optimizer: { kind: "sgd", lr: 0.1 }, steps: 3, batchSize: 8 }), /rng/);
  net.dispose();
});

test("a learning rate far too large diverges on purpose: the error names the step and the learning rate and suggests a smaller one", async () => {
  const rng = new Rng(5);
  const data = regression(32, rng.fork("data"));
  const net = await network({ inputDim: 2, hidden: [64, 64] }, { rng: rng.fork("net") });
  const before = net.snapshot();
  await assert.rejects(
    () => fit(net, data, { optimizer: { kind: "sgd", lr: 50 }, steps: 500 }),
    (e: unknown) => {
      assert.ok(e instanceof TrainingDiverged);
      assert.match(e.message, /training diverged at step \d+: the loss became (NaN|infinite) \(learning rate 50; it was .* at step \d+\)\. Try a smaller learning rate, e\.g\. 25/);
      assert.ok(e.step > 0 && e.step < 500);
      return true;
    });
  net.restore(before);
  const run = await fit(net, data, { optimizer: { kind: "sgd", lr: 50 }, steps: 500, onDivergence: "stop" });
  assert.equal(run.stopped, "diverged");
  assert.ok(run.diverged && run.diverged.lr === 50 && !Number.isFinite(run.diverged.loss));
  assert.ok(run.stepLoss.slice(0, -1).every(Number.isFinite), "only the last recorded loss is non-finite");
  net.dispose();
});

test("schedules: cosine with warm-up, step and exponential factors", () => {
  assert.equal(scheduleFactor({ kind: "cosine", warmup: 10 }, 0, 110), 0.1);
  assert.equal(scheduleFactor({ kind: "cosine", warmup: 10 }, 10, 110), 1);
  assert.ok(Math.abs(scheduleFactor({ kind: "cosine", warmup: 10, final: 0.1 }, 109, 110) - 0.1) < 1e-12);
  assert.equal(scheduleFactor({ kind: "step", every: 100, factor: 0.1 }, 250, 1000), 0.1 ** 2);
  assert.equal(scheduleFactor({ kind: "exponential", halfLife: 10 }, 20, 100), 0.25);
  assert.equal(scheduleFactor(undefined, 5, 10), 1);
});
