/** The training-dynamics experiments of chapters 06 and 07 on small sizes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/random";
import { reluTeacherTask } from "../../../src/data/teacherTask";
import { changeVsWidth, lazyVsKernel } from "../../../src/experiments/lazyVsFeature";
import { SPIKE, learningRateRuns, learningRateThreshold, sharpnessRuns } from "../../../src/experiments/largeLearningRates";

test("changeVsWidth: one record per parameterization, width and seed; NTK moves less at the larger width", async () => {
  const rng = new Rng(1);
  const task = reluTeacherTask({ n: 24, d: 4, rng: rng.fork("task") });
  const runs = await changeVsWidth({ data: task.train, widths: [32, 512], seeds: 2, steps: 20, parameterizations: ["ntk", "mup"], lr: { ntk: 1, mup: 0.05 }, baseWidth: 32, rng: rng.fork("nets") });
  assert.equal(runs.length, 8);
  const mean = (p: string, w: number) => runs.filter((r) => r.parameterization === p && r.width === w).reduce((s, r) => s + r.weightChange, 0) / 2;
  assert.ok(mean("ntk", 512) < 0.5 * mean("ntk", 32), `NTK ${mean("ntk", 32)} -> ${mean("ntk", 512)}`);
  assert.ok(runs.every((r) => r.layerChange.length === 2 && r.kernelChange > 0 && r.finalLoss < r.initialLoss));
  await assert.rejects(() => changeVsWidth({ data: task.train, widths: [8], seeds: 1, steps: 1, parameterizations: ["mup"], lr: { ntk: 1 }, rng }), /learning rate for "mup"/);
});

test("lazyVsKernel: a wide NTK network's change at test inputs matches infinite-width kernel GD, closer than a narrow one's", async () => {
  const rng = new Rng(2);
  const task = reluTeacherTask({ n: 24, d: 4, nTest: 16, rng: rng.fork("task") });
  const res = await lazyVsKernel({ data: task.train, test: task.test, widths: [32, 2048], seeds: 2, steps: 20, lr: 1, evalEvery: 5, rng: rng.fork("nets") });
  assert.deepEqual(res.steps, [0, 5, 10, 15, 20]);
  const rel = (r: (typeof res.runs)[number]) => Math.sqrt(r.net.reduce((s, v, i) => s + (v - r.kernel[i]) ** 2, 0) / r.kernel.reduce((s, v) => s + v * v, 0));
  const at = (w: number) => res.runs.filter((r) => r.width === w).map(rel);
  assert.ok(Math.max(...at(2048)) < 0.15, `width 2048: ${at(2048)}`);
  assert.ok(Math.max(...at(2048)) < Math.min(...at(32)), `narrow ${at(32)} vs wide ${at(2048)}`);
  for (const r of res.runs) assert.equal(r.lossNet.length, res.steps.length);
  assert.ok(res.lambda > 0);
});

test("learningRateRuns: lazy below eta lambda0 = 2, catapult above (spike, curvature ends below 2 / eta), divergence far above", async () => {
  const rng = new Rng(3);
  const spec = { inputDim: 8, hidden: [256], activation: "relu" as const, parameterization: "ntk" as const, bias: false };
  const { lambda0, runs } = await learningRateRuns({ spec, task: { n: 40, d: 8 }, seed: 0, xs: [1.5, 2.6, 8], steps: 150, rng });
  assert.ok(lambda0 > 0);
  const [lazy, cat, div] = runs;
  assert.equal(lazy.spike, 1);
  assert.ok(Math.abs(lazy.finalSharpness * lazy.eta - 1.5) < 0.1, `lazy curvature ${lazy.finalSharpness * lazy.eta}`);
  assert.ok(cat.spike > SPIKE && !cat.diverged && cat.finalSharpness * cat.eta < 2, `catapult: spike ${cat.spike}, eta lambda ${cat.finalSharpness * cat.eta}`);
  assert.ok(div.diverged && Number.isNaN(div.finalSharpness));
  const thr = await learningRateThreshold({ spec, task: { n: 40, d: 8 }, seed: 0, criterion: "diverge", bracket: [2.6, 8], resolution: 1, steps: 100, lambda0, rng });
  assert.ok(thr.bracket[1] - thr.bracket[0] <= 1 && thr.bracket[0] >= 2.6 && thr.bracket[1] <= 8);
  await assert.rejects(() => learningRateThreshold({ spec, task: { n: 40, d: 8 }, seed: 0, criterion: "diverge", bracket: [8, 9], resolution: 1, steps: 100, lambda0, rng }), /already diverged/);
});

test("sharpnessRuns: sharpness recorded at every evaluation, reproducible", async () => {
  const spec = { inputDim: 4, hidden: [16, 16], activation: "tanh" as const };
  const a = await sharpnessRuns({ spec, task: { n: 30, d: 4 }, etas: [0.05], seeds: 1, steps: 40, evalEvery: 10, rng: new Rng(4) });
  const b = await sharpnessRuns({ spec, task: { n: 30, d: 4 }, etas: [0.05], seeds: 1, steps: 40, evalEvery: 10, rng: new Rng(4) });
  assert.deepEqual(a[0].steps, [0, 10, 20, 30, 40]);
  assert.equal(a[0].sharpness.length, 5);
  assert.ok(a[0].sharpness.every((v) => v > 0) && !a[0].diverged);
  assert.deepEqual(a[0].sharpness, b[0].sharpness);
});
