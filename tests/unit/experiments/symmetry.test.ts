import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/random";
import { sizeAtLoss, sampleWorth, seedMean, curveExponent } from "../../../src/experiments/symmetry";
import { pairEnergy, pairPotential, gaussianWellPotential, pointCloudTask } from "../../../src/data/pointClouds";

test("sizeAtLoss: exact on a power law, NaN outside the grid", () => {
  const sizes = [10, 100, 1000], loss = sizes.map((n) => 5 * n ** -0.5);
  assert.ok(Math.abs(sizeAtLoss(sizes, loss, 5 * 300 ** -0.5) - 300) < 1e-9);
  assert.ok(Number.isNaN(sizeAtLoss(sizes, loss, 10)));
  assert.ok(Number.isNaN(sizeAtLoss(sizes, loss, 0.01)));
});

test("sampleWorth recovers a known ratio of sizes at equal loss, with an interval that covers it; swapping the curves inverts it", () => {
  // model: loss = (n / 40)^-1 ... the base needs 40 times as many examples for any loss: ratio 40
  const rng = new Rng(3), seeds = 6;
  const baseSizes = [100, 300, 1000, 3000, 10000], modelSizes = [2, 6, 20, 60, 200];
  const noisy = (sizes: number[], c: number) => Array.from({ length: seeds }, () => sizes.map((n) => (n / c) ** -1 * Math.exp(0.1 * rng.normal())));
  const base = { sizes: baseSizes, test: noisy(baseSizes, 40) }, model = { sizes: modelSizes, test: noisy(modelSizes, 1) };
  const w = sampleWorth(base, model, 0.05, { rng: rng.fork("boot"), B: 400 });
  assert.ok(w.ci[0] < 40 && 40 < w.ci[1], `interval [${w.ci}] should cover 40 (ratio ${w.ratio})`);
  assert.ok(Math.abs(Math.log(w.ratio / 40)) < 4 * w.lnSe, `ratio ${w.ratio} ± ${w.lnSe} (log s.e.)`);
  assert.equal(w.failed, 0);
  const back = sampleWorth(model, base, 0.05, { rng: rng.fork("boot"), B: 400 });
  assert.ok(Math.abs(Math.log(back.ratio * w.ratio)) < 1e-9);
  seedMean([[1, 2], [4, 8]]).forEach((v, i) => assert.ok(Math.abs(v - [2, 4][i]) < 1e-12));
});

test("the default pair potential's core and well nearly cancel over Gaussian triangles (why section 5 uses the well alone)", () => {
  const rng = new Rng(4), k = 3, n = 20000;
  const v = (phi: (r: number) => number) => {
    const e = Array.from({ length: n }, (_, s) => pairEnergy(rng.fork(`c ${s}`).normals(3 * k), k, phi));
    const m = e.reduce((a, b) => a + b, 0) / n;
    return e.reduce((a, b) => a + (b - m) ** 2, 0) / n;
  };
  const total = v(pairPotential), core = v((r) => Math.exp(-r * r)), well = v((r) => 0.6 * gaussianWellPotential(r));
  assert.ok(total < 0.5 * Math.min(core, well), `var E = ${total}, core ${core}, well ${well}`);
});

test("curveExponent: the exponent of a noisy power law within its bootstrap error; only the sizes in range", () => {
  const rng = new Rng(5), sizes = [8, 16, 32, 64, 128, 256];
  const test_ = Array.from({ length: 8 }, () => sizes.map((n) => (n < 200 ? 3 * n ** -2 : 3 * 128 ** -2) * Math.exp(0.2 * rng.normal())));
  const e = curveExponent({ sizes, test: test_ }, 8, 128, { rng: rng.fork("boot"), B: 300 });
  assert.deepEqual(e.sizes, [8, 16, 32, 64, 128]);
  assert.ok(e.se > 0 && Math.abs(e.a - 2) < 4 * e.se, `a = ${e.a} ± ${e.se}`);
  // with the floor point included the exponent is biased low: the range matters
  const all = curveExponent({ sizes, test: test_ }, 8, 256, { rng: rng.fork("boot"), B: 300 });
  assert.ok(all.a < e.a);
});

test("pointCloudTask's phi option: the target is the standardised pair energy of that potential", () => {
  const task = pointCloudTask({ k: 3, n: 50, rng: new Rng(6), phi: gaussianWellPotential });
  for (let s = 0; s < 50; s++) {
    const e = pairEnergy(task.coordinates.data.subarray(9 * s, 9 * s + 9), 3, gaussianWellPotential);
    assert.ok(Math.abs((e - task.mean) / task.std - task.target.data[s]) < 1e-4);
  }
});
