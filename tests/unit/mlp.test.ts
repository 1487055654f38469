import { test } from "node:test";
import assert from "node:assert/strict";
import { buildMlp, trainMlp, evaluate, epochsToReach } from "../../src/models/mlp";
import { Rng } from "../../src/random";

function blobs(n: number, rng: Rng) {
  // two Gaussian blobs in 2-D, one-hot labels
  const x = new Float32Array(n * 2), y = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    x[2 * i] = (c ? 2 : -2) + rng.normal() * 0.5;
    x[2 * i + 1] = rng.normal() * 0.5;
    y[2 * i + c] = 1;
  }
  return { x, y, n };
}

test("classification MLP reaches 100% train accuracy on separable blobs; history and early stop work", async () => {
  const rng = new Rng(1);
  const set = blobs(64, rng);
  const net = await buildMlp({ inputDim: 2, hidden: [16], outputDim: 2, task: "classification", seed: rng.intSeed() });
  const seen: number[] = [];
  const h = await trainMlp(net, set, set, { epochs: 50, batchSize: 16, lr: 0.01, rng, stopAtTrainAcc: 1, onEpoch: (r) => seen.push(r.epoch) });
  assert.equal(h[h.length - 1].trainAcc, 1);
  assert.ok(h.length < 50, "stopped early");
  assert.deepEqual(seen, h.map((r) => r.epoch));
  assert.equal(epochsToReach(h, "trainAcc", 1), h[h.length - 1].epoch);
});

test("same seed gives the same initial network; regression loss decreases", async () => {
  const a = await buildMlp({ inputDim: 3, hidden: [8], outputDim: 1, task: "regression", seed: 7 });
  const b = await buildMlp({ inputDim: 3, hidden: [8], outputDim: 1, task: "regression", seed: 7 });
  const wa = a.model.getWeights()[0].dataSync(), wb = b.model.getWeights()[0].dataSync();
  assert.deepEqual(Array.from(wa), Array.from(wb));
  const rng = new Rng(2);
  const n = 64, x = new Float32Array(n * 3), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) x[3 * i + j] = rng.normal();
    y[i] = Math.sin(x[3 * i]) + 0.5 * x[3 * i + 1];
  }
  const set = { x, y, n };
  const before = evaluate(a, set).loss;
  const h = await trainMlp(a, set, null, { epochs: 100, batchSize: 16, lr: 0.01, rng, evalEvery: 20 });
  assert.ok(h[h.length - 1].trainLoss < 0.3 * before, `${before} -> ${h[h.length - 1].trainLoss}`);
  assert.ok(Number.isNaN(h[0].trainAcc));
});
