import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/random";
import { manifoldTask } from "../../../src/data/manifold";
import { trainEnsemble } from "../../../src/train/ensemble";
import { network } from "../../../src/train/network";
import { fit } from "../../../src/train/fit";
import { parameterCount } from "../../../src/train/spec";

test("every member of an ensemble follows exactly the trajectory train.fit gives it alone", async () => {
  const rng = new Rng(3);
  const task = manifoldTask({ d: 3, inputDim: 6 }, rng.fork("task"));
  const tr = task.sample(64, rng.fork("train")), te = task.sample(256, rng.fork("test"));
  // members of different widths, input slices and numbers of steps (compaction after 40 steps)
  const members = [
    { width: 5, steps: 60, rng: rng.fork("m0") },
    { width: 9, steps: 40, rng: rng.fork("m1") },
    { width: 3, steps: 60, rng: rng.fork("m2"), inputs: [0, 4] as [number, number] },
    { width: 7, steps: 0, rng: rng.fork("m3") },
  ];
  const res = await trainEnsemble({
    inputDim: 6, members, optimizer: { lr: 0.01 }, activation: "relu",
    batch: () => ({ x: tr.x, y: tr.y, rows: 64 }), test: { x: te.x, y: te.f, rows: 256 }, evalSteps: [20, 50],
  });
  assert.equal(res.steps, 60);
  for (const [k, m] of members.entries()) {
    const [s, e] = m.inputs ?? [0, 6];
    const d = e - s;
    const cols = (X: Float32Array, n: number): Float32Array => {
      const o = new Float32Array(n * d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) o[i * d + j] = X[i * 6 + s + j];
      return o;
    };
    const net = await network({ inputDim: d, hidden: [m.width], activation: "relu" }, { rng: m.rng });
    const run = await fit(net, { x: { rows: 64, cols: d, data: cols(tr.x, 64) }, y: { rows: 64, cols: 1, data: tr.y } },
      { optimizer: { kind: "adam", lr: 0.01 }, steps: m.steps, evalEvery: 10, test: { x: { rows: 256, cols: d, data: cols(te.x, 256) }, y: { rows: 256, cols: 1, data: te.f } } });
    net.dispose();
    const alone = run.history[run.history.length - 1].testLoss as number;
    assert.ok(Math.abs(res.members[k].testLoss / alone - 1) < 1e-4, `member ${k}: ensemble ${res.members[k].testLoss} vs alone ${alone}`);
    assert.equal(res.members[k].params, parameterCount({ inputDim: d, hidden: [m.width] }));
    // intermediate evaluations: at step 20 every member is still training (or frozen at init)
    const at20 = run.history.find((h) => h.step === Math.min(20, m.steps))!.testLoss as number;
    assert.ok(Math.abs(res.testLossAt[0][k] / at20 - 1) < 1e-4, `member ${k} at step 20`);
  }
  // at step 50 the 40-step member reports its final loss
  assert.equal(res.testLossAt[1][1], res.members[1].testLoss);
});

test("ensemble: schedules run over each member's own steps; bad inputs are refused", async () => {
  const rng = new Rng(4);
  const task = manifoldTask({ d: 2, inputDim: 4 }, rng.fork("task"));
  const te = task.sample(128, rng.fork("test"));
  const stream = rng.fork("stream");
  const res = await trainEnsemble({
    inputDim: 4, members: [10, 20, 40].map((steps) => ({ width: 8, steps, rng: rng.fork("same init") })),
    optimizer: { lr: 0.02 }, schedule: { kind: "cosine", final: 0 },
    batch: (t) => { const s = task.sample(32, stream.fork(`b ${t}`)); return { x: s.x, y: s.y, rows: 32 }; },
    test: { x: te.x, y: te.f, rows: 128 },
  });
  // same initialisation and data: a longer schedule ends lower here
  assert.ok(res.members[2].testLoss < res.members[0].testLoss, JSON.stringify(res.members));
  assert.ok(res.members.every((m) => Number.isFinite(m.trainLoss)));
  const base = { inputDim: 4, optimizer: { lr: 0.01 }, batch: () => ({ x: te.x, y: te.f, rows: 128 }), test: { x: te.x, y: te.f, rows: 128 } };
  await assert.rejects(trainEnsemble({ ...base, members: [] }), /no members/);
  await assert.rejects(trainEnsemble({ ...base, members: [{ width: 4, steps: 5, rng: rng, inputs: [2, 9] }] }), /inputs/);
  await assert.rejects(trainEnsemble({ ...base, members: [{ width: 0, steps: 5, rng: rng }] }), /width/);
});
