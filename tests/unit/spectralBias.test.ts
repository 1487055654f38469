import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import { fourierAmplitude, inputFeatures, spectralBiasRun, stepsToLearn } from "../../src/models/spectralBias";

test("Fourier amplitude of sampled sinusoids is exact on the grid", () => {
  const N = 128;
  const v = Array.from({ length: N }, (_, j) => 0.7 * Math.sin((2 * Math.PI * 5 * j) / N + 1) + 0.2 * Math.cos((2 * Math.PI * 9 * j) / N));
  assert.ok(Math.abs(fourierAmplitude(v, 5) - 0.7) < 1e-12);
  assert.ok(Math.abs(fourierAmplitude(v, 9) - 0.2) < 1e-12);
  assert.ok(fourierAmplitude(v, 3) < 1e-12);
  const f = inputFeatures(Float64Array.from([0, 0.25]), { count: 3, scale: 1 }, new Rng(1));
  assert.equal(f.dim, 6);
  assert.equal(f.data[0], 1); // cos(0)
});

test("a small MLP fits frequency 1 before frequency 8", async () => {
  const r = await spectralBiasRun({ freqs: [1, 8], points: 64, hidden: [64, 64], steps: 150, evalEvery: 10, lr: 3e-3, seed: 1 });
  const last = r.steps.length - 1;
  assert.ok(r.residual[0][last] < r.residual[1][last], `residuals ${r.residual[0][last]} vs ${r.residual[1][last]}`);
  assert.ok(stepsToLearn(r, 0, 0.2) < stepsToLearn(r, 1, 0.2));
});
