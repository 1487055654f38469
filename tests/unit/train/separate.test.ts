import { test } from "node:test";
import assert from "node:assert/strict";
import { network } from "../../../src/train/network";
import { fit } from "../../../src/train/fit";
import { fitSeparate, SeparateMember } from "../../../src/train/separate";
import { Rng } from "../../../src/random";

// Each member against train.fit run on it alone: the same initial weights, the same minibatches (its own
// shuffles), so the same final test loss and weights to float32 round-off; members whose data the batch
// does not divide, or whose shapes differ from the others', train alone and are the lone run exactly.

function task(n: number, rng: Rng) {
  const x = Float32Array.from(rng.normals(n * 3));
  const y = Float32Array.from({ length: n * 2 }, (_, i) => Math.sin(x[3 * (i >> 1) + (i & 1)]) + 0.3 * x[3 * (i >> 1) + 2]);
  return { x: { rows: n, cols: 3, data: x }, y: { rows: n, cols: 2, data: y } };
}

test("fitSeparate: every member is the run train.fit makes alone (batched ones to round-off, the others exactly)", async () => {
  const rng = new Rng(41), spec = { inputDim: 3, hidden: [6], outputDim: 2, activation: "tanh" as const };
  const testSet = task(30, rng.fork("test")), otherTest = task(20, rng.fork("test 2"));
  const sizes = [24, 40, 30, 16, 24];   // batch 8: 30 does not divide; the last member has a test set of other rows
  // generators are drawn from, so each side gets its own copies (named forks: the same streams)
  const members = (): SeparateMember[] => sizes.map((n, k) => ({
    spec, rng: rng.fork(`init ${k}`), steps: 7 + 3 * k, train: task(n, rng.fork(`data ${k}`)), batchRng: rng.fork(`batches ${k}`), test: k === 4 ? otherTest : testSet,
  }));
  const runs = await fitSeparate({ members: members(), optimizer: { kind: "adam", lr: 0.02 }, batchSize: 8, keepWeights: true });
  assert.deepEqual(runs.map((r) => r.batched), [true, true, false, true, false]);
  for (const [k, m] of members().entries()) {
    const net = await network(m.spec, { rng: m.rng });
    const alone = await fit(net, m.train, { optimizer: { kind: "adam", lr: 0.02 }, steps: m.steps, batchSize: 8, rng: m.batchRng, evalEvery: m.steps, test: m.test });
    const w = net.snapshot();
    net.dispose();
    const lone = alone.history.at(-1)?.testLoss as number, mine = runs[k].testLoss as number;
    assert.ok(runs[k].batched ? Math.abs(mine - lone) <= 1e-5 * lone : mine === lone, `member ${k}: test loss ${mine} vs alone ${lone}`);
    w.forEach((a, i) => a.forEach((v, j) => assert.ok(Math.abs((runs[k].weights as Float32Array[])[i][j] - v) <= (runs[k].batched ? 1e-4 * Math.max(1, Math.abs(v)) : 0), `member ${k} weight ${i}[${j}]`)));
    assert.ok(lone < (alone.history[0].testLoss as number), `member ${k} trained`);
  }
});

test("fitSeparate: clear errors for bad input", async () => {
  const rng = new Rng(42), m = { spec: { inputDim: 3, hidden: [4], outputDim: 2 }, rng, steps: 3, train: task(16, rng) };
  await assert.rejects(fitSeparate({ members: [], optimizer: { kind: "sgd", lr: 0.1 }, batchSize: 4 }), /no members/);
  await assert.rejects(fitSeparate({ members: [m], optimizer: { kind: "sgd", lr: 0.1 }, batchSize: 0 }), /batchSize must be a positive integer/);
  await assert.rejects(fitSeparate({ members: [m], optimizer: { kind: "sgd", lr: 0.1 }, batchSize: 4 }), /member 0 needs a batchRng/);
});
