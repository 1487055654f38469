import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/random";
import { reluTeacherTask } from "../../../src/data/teacherTask";
import { ntkAtInitialisation, twoLayerSpec } from "../../../src/experiments/lazyVsFeature";
import { network } from "../../../src/train/network";
import { fit } from "../../../src/train/fit";
import { weightChange } from "../../../src/train/measures";
import { mean, stderr } from "../../../src/stats";

test("ntkAtInitialisation: the first step is a real GD step; the kernel projects on the infinite-width NTK with mean 1; the first step falls as N^-1/2", async () => {
  const rng = new Rng(0);
  const task = reluTeacherTask({ n: 32, d: 6, nTest: 8, rng: rng.fork("task") });
  const widths = [64, 1024];
  const runs = await ntkAtInitialisation({ data: task.train, widths, seeds: 6, lr: 0.5, rng: rng.fork("sweep") });
  assert.equal(runs.length, 12);
  // the same network trained one step by train.fit moves by exactly the predicted amount
  const net = await network(twoLayerSpec({ inputDim: 6, width: 64, parameterization: "ntk" }), { rng: rng.fork("sweep").fork("width 64").fork("seed 2") });
  const w0 = net.snapshot();
  await fit(net, task.train, { optimizer: { kind: "sgd", lr: 0.5 }, loss: "half-mse", steps: 1, evalEvery: 1 });
  const real = weightChange(net, w0).overall;
  net.dispose();
  const predicted = runs.find((r) => r.width === 64 && r.seed === 2)!.firstStepChange;
  assert.ok(Math.abs(real - predicted) < 1e-5 * predicted, `${real} vs ${predicted}`);
  const proj = runs.map((r) => r.kernelProjection);
  assert.ok(Math.abs(mean(proj) - 1) < 4 * stderr(proj), `projection ${mean(proj)} ± ${stderr(proj)}`);
  const at = (w: number) => mean(runs.filter((r) => r.width === w).map((r) => Math.log(r.firstStepChange)));
  const slope = (at(1024) - at(64)) / Math.log(16);
  assert.ok(Math.abs(slope + 0.5) < 0.2, `slope ${slope}`); // a multiplier 1/N instead of 1/sqrt(N) gives -1
  await assert.rejects(ntkAtInitialisation({ data: task.train, widths, seeds: 1, lr: 0, rng }), /lr/);
});
