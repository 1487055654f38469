/** The chapters' network experiments (kernel limits, spectral bias, memorisation) on small sizes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/random";
import { circleInputs } from "../../../src/data/gaussian";
import { mnist } from "../../../src/data/mnist";
import { netKernels } from "../../../src/models/kernels";
import { network } from "../../../src/train/network";
import { nngpEstimate } from "../../../src/train/kernels";
import { kernelMonteCarlo, kernelSpec, ntkDeviationVsWidth } from "../../../src/experiments/kernelLimits";
import { fourierAmplitude, inputFeatures, spectralBiasRun, spectralBiasRuns, stepsToLearn } from "../../../src/experiments/spectralBias";
import { epochsToReach, memorizationRun } from "../../../src/experiments/memorization";
import { mean, stderr } from "../../../src/stats";

test("kernelMonteCarlo: deviations are Monte-Carlo noise (rms z ~ 1), and a 10% error in C_W is detected", async () => {
  const angles = [0, 0.5, 1, 1.5, 2, 2.5, 3];
  const spec = kernelSpec({ depth: 2, width: 512, inputDim: 8 });
  const ok = await kernelMonteCarlo({ spec, nets: 12, angles, rng: new Rng(4) });
  assert.ok(ok.zNngp < 3 && ok.zNtk < 3, `z ${ok.zNngp} ${ok.zNtk}`);
  assert.equal(ok.nngp.length, angles.length);
  // the per-network mean deviation: zero within the standard error of 12 networks
  assert.equal(ok.perNetNngp.length, 12);
  const zNet = (v: number[]) => Math.abs(mean(v)) / stderr(v);
  assert.ok(zNet(ok.perNetNngp) < 4 && zNet(ok.perNetNtk) < 4, `per-net z ${zNet(ok.perNetNngp)} ${zNet(ok.perNetNtk)}`);
  // networks with C_W = 2 against the kernel of C_W = 2.2
  const X = circleInputs(angles, 8, new Rng(5));
  const wrong = netKernels(X, X, { depth: 2, sigmaW2: 2.2 }).nngp;
  let worst = 0;
  for (let t = 0; t < 4; t++) {
    const net = await network(spec, { rng: new Rng(6).fork(`net ${t}`) });
    const g = nngpEstimate(net, X).data;
    net.dispose();
    for (let i = 0; i < wrong.data.length; i++) worst = Math.max(worst, Math.abs(g[i] - wrong.data[i]) / wrong.data[0]);
  }
  assert.ok(worst > 0.1, `a 10% change of C_W shows up: ${worst}`);
  const dev = await ntkDeviationVsWidth({ spec: (w) => kernelSpec({ depth: 1, width: w, inputDim: 8 }), widths: [64, 1024], reps: 4, angles, rng: new Rng(7) });
  assert.ok(dev[1] < dev[0] / 2, `NTK fluctuations shrink with width: ${dev}`);
});

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

test("spectral bias: a small MLP fits frequency 1 before frequency 8", async () => {
  const r = await spectralBiasRun({ freqs: [1, 8], points: 64, hidden: [64, 64], steps: 150, evalEvery: 10, lr: 3e-3, rng: new Rng(1) });
  const last = r.steps.length - 1;
  assert.equal(r.steps[0], 0);
  assert.ok(r.residual[0][last] < r.residual[1][last], `residuals ${r.residual[0][last]} vs ${r.residual[1][last]}`);
  assert.ok(stepsToLearn(r, 0, 0.2) < stepsToLearn(r, 1, 0.2));
});

test("spectralBiasRuns: seeds trained as one batched program; circle inputs; each seed fits frequency 1 before 8", async () => {
  const runs = await spectralBiasRuns({ seeds: 3, freqs: [1, 8], points: 64, hidden: [32, 32], steps: 120, evalEvery: 10, lr: 3e-3, rng: new Rng(1), inputs: "circle" });
  assert.equal(runs.length, 3);
  for (const r of runs) {
    assert.deepEqual(r.steps.slice(0, 2), [0, 10]);
    assert.ok(r.residual[0][3] < r.residual[1][3], `step 30: ${r.residual[0][3]} vs ${r.residual[1][3]}`);
  }
  assert.notDeepEqual(runs[0].residual[1], runs[1].residual[1], "independent networks");
  assert.equal(inputFeatures(Float64Array.from([0.25]), undefined, new Rng(1), "circle").dim, 2);
});

test("memorization: true labels are learnt; fully shuffled ones are fitted with test accuracy near chance", async () => {
  const { train, test: testSet } = mnist({ nTrain: 200, nTest: 300, side: 7, center: true, normalize: "standardize", rng: new Rng(2) });
  const run = (fraction: number) => memorizationRun({ train, test: testSet, fraction, hidden: [128], lr: 3e-3, epochs: 40, batchSize: 50, rng: new Rng(3).fork(`f ${fraction}`) });
  const clean = await run(0), shuffled = await run(1);
  const last = (h: typeof clean) => h[h.length - 1];
  assert.ok(last(clean).testAcc! > 0.6, `clean test acc ${last(clean).testAcc}`);
  assert.ok(last(shuffled).trainAcc! > 0.9, `shuffled train acc ${last(shuffled).trainAcc}`);
  assert.ok(last(shuffled).testAcc! < 0.25, `shuffled test acc ${last(shuffled).testAcc}`);
  assert.ok(epochsToReach(shuffled, "trainAcc", 0.9) > epochsToReach(clean, "trainAcc", 0.9));
});
