/**
 * The chapters' experiments on small sizes: each gives the qualitative result its chapter checks,
 * is reproducible from its rng, and leaves the caller's generator untouched (named forks).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/random";
import { linearRegressionSet, linearTeacher } from "../../../src/data/gaussian";
import { targets1D } from "../../../src/data/oned";
import { ridgelessRiskFinite } from "../../../src/theory/ridgeless";
import { mean, stderr } from "../../../src/stats";
import { biasVarianceCurve } from "../../../src/experiments/biasVariance";
import { isotropicRiskAround, isotropicRiskCurve, isotropicRiskPathTrials, isotropicRiskTrials, neighbourDifference } from "../../../src/experiments/ridgeRisk";
import { optimalRidge } from "../../../src/theory/ridgeless";
import { explicitVersusWishart, minNormSpikesBath, spikesBathSweep } from "../../../src/experiments/benignOverfitting";
import { epochWiseCurve, rfSweep, sampleWiseSweep } from "../../../src/experiments/doubleDescent";
import { fitRandomFeatures, randomFeatureMap } from "../../../src/models/randomFeatures";
import { mnistKernelCurve } from "../../../src/experiments/learningCurves";

test("isotropic simulation agrees with the exact finite-n expectation (gamma = 0.5 and 2), within 4 standard errors", () => {
  const rng = new Rng(3);
  for (const [n, p] of [[60, 30], [40, 80]]) {
    const r = isotropicRiskTrials({ n, p, r2: 1, sigma: 0.5, trials: 300, rng: rng.fork(`${n}x${p}`) });
    const exact = ridgelessRiskFinite(n, p, { r2: 1, sigma: 0.5 }).risk;
    assert.ok(Math.abs(mean(r) - exact) < 4 * stderr(r), `n=${n} p=${p}: ${mean(r)} ± ${stderr(r)} vs ${exact}`);
  }
  const before = JSON.stringify(rng);
  const curve = isotropicRiskCurve({ n: 40, gammas: [0.5, 2], r2: 1, sigma: 0.5, trials: 20, rng });
  assert.equal(JSON.stringify(rng), before, "named forks leave the caller's generator where it was");
  assert.deepEqual(curve, isotropicRiskCurve({ n: 40, gammas: [0.5, 2], r2: 1, sigma: 0.5, trials: 20, rng: new Rng(3) }));
  assert.ok(curve[0].se > 0 && curve[0].median > 0);
});

test("ridge at several penalties on the same draws: equal to isotropicRiskTrials penalty by penalty; the risk at σ²γ/r² is below its neighbours trial-averaged", () => {
  const o = { r2: 1, sigma: 0.5 };
  for (const [n, p] of [[40, 20], [30, 60]]) {
    const lam = optimalRidge(p / n, o);
    const ridges = [lam / 2, lam, 2 * lam];
    const path = isotropicRiskPathTrials({ n, p, ...o, ridges, trials: 200, rng: new Rng(8) });
    ridges.forEach((ridge, j) => {
      const one = isotropicRiskTrials({ n, p, ...o, ridge, trials: 200, rng: new Rng(8) });
      for (let t = 0; t < 200; t++) assert.ok(Math.abs(path[j][t] - one[t]) < 1e-9 * one[t], `n=${n} p=${p} ridge ${ridge} trial ${t}`);
    });
    // the penalty sigma^2 p / (n r^2) is Bayes-optimal at every n: both neighbours are higher, trial-averaged, by more than 4 paired s.e.
    const around = isotropicRiskAround({ n, gammas: [p / n], ...o, trials: 600, ridge: (g) => optimalRidge(g, o), factors: [0.5, 1, 2], rng: new Rng(9) });
    for (const f of [0.5, 2]) {
      const d = neighbourDifference(around[0], f, 1);
      assert.ok(d.mean > 4 * d.se && d.trials === 600, `n=${n} p=${p} factor ${f}: ${d.mean} ± ${d.se}`);
    }
  }
  // factor 1 reproduces isotropicRiskCurve's point (same forks), up to the solver's round-off
  const a = isotropicRiskAround({ n: 40, gammas: [0.5, 2], ...o, trials: 30, ridge: () => 0.1, factors: [1, 3], rng: new Rng(2) });
  const c = isotropicRiskCurve({ n: 40, gammas: [0.5, 2], ...o, trials: 30, ridge: 0.1, rng: new Rng(2) });
  a.forEach((h, i) => {
    assert.ok(Math.abs(h.points[0].mean - c[i].mean) < 1e-9 * c[i].mean && Math.abs(h.ridges[1] - 0.3) < 1e-15 && h.ridge === 0.1);
  });
  assert.throws(() => neighbourDifference(a[0], 1, 2), /must both be among/);
});

test("bias-variance curve: bias falls and variance rises with degree; test = bias + variance", () => {
  const pts = biasVarianceCurve({ target: targets1D.sine, n: 40, sigma: 0.3, degrees: [1, 5, 10], trials: 100, rng: new Rng(6) });
  assert.ok(pts[0].bias2 > 10 * Math.abs(pts[1].bias2), `bias ${pts[0].bias2} ${pts[1].bias2}`);
  assert.ok(pts[2].variance > pts[1].variance && pts[1].variance > pts[0].variance);
  assert.ok(pts[1].testMse < pts[0].testMse && pts[1].testMse < pts[2].testMse, "U shape");
  for (const p of pts) {
    assert.ok(Math.abs(p.testMse - p.bias2 - p.variance) < 1e-12);
    // the per-trial test errors average to the decomposition's total
    assert.ok(Math.abs(mean(p.testRuns) - p.testMse) < 1e-12 * p.testMse && p.testRuns.length === 100 && p.trainRuns.length === 100);
  }
});

test("bias-variance curve: each set's noise power averages to σ², and as a control variate it keeps the training error's mean and cuts its scatter", () => {
  const sigma = 0.3, n = 40;
  const pts = biasVarianceCurve({ target: targets1D.sine, n, sigma, degrees: [8], trials: 400, rng: new Rng(7) });
  const p = pts[0], line = sigma * sigma * (1 - 9 / n);
  assert.equal(p.noiseRuns.length, 400);
  assert.ok(Math.abs(mean(p.noiseRuns) - sigma * sigma) < 4 * stderr(p.noiseRuns), `noise power ${mean(p.noiseRuns)}`);
  const plain = p.trainRuns.map((v) => v - line);
  const controlled = p.trainRuns.map((v, t) => v - line * p.noiseRuns[t] / (sigma * sigma));
  assert.ok(Math.abs(mean(controlled)) < 4 * stderr(controlled), `controlled ${mean(controlled)} ± ${stderr(controlled)}`);
  assert.ok(stderr(controlled) < 0.6 * stderr(plain), `s.e. ${stderr(controlled)} vs ${stderr(plain)}`);
  // deterministic in its generator
  const again = biasVarianceCurve({ target: targets1D.sine, n, sigma, degrees: [8], trials: 400, rng: new Rng(7) });
  assert.deepEqual(again[0].trainRuns, p.trainRuns);
});

test("spikes + bath: the Wishart shortcut matches the explicit design within 4 combined standard errors; interpolators fit exactly", async () => {
  const c = explicitVersusWishart({ n: 30, spikes: [1, 1], beta: [0.8, -0.6], D: 60, bathVar: 0.05, sigma: 0.5, reps: 300, rng: new Rng(5) });
  assert.ok(Math.abs(c.wishart.mean - c.explicit.mean) < 4 * Math.hypot(c.wishart.se, c.explicit.se), JSON.stringify(c));
  const r = minNormSpikesBath({ n: 30, spikes: [1], beta: [1], bathDim: 500, bathVar: 0.01, sigma: 0.5, rng: new Rng(1) });
  assert.ok(r.trainMse < 1e-16);
  const sweep = await spikesBathSweep({ n: 30, sigma: 0.5, dims: [100, 1000], trials: 20, rng: new Rng(2),
    design: (D) => ({ spikes: [1], beta: [1], bathDim: D, bathVar: 5 / D }) });
  assert.ok(sweep[1].mean < sweep[0].mean, "a larger bath lowers the excess risk");
});

function teacherSplit(d: number, n: number, nTest: number) {
  return (r: Rng) => {
    const t = linearTeacher(d, { r2: 1, sigma: 0.5 }, r.fork("teacher"));
    const s = new Float64Array(d).fill(1);
    return { train: linearRegressionSet(n, s, t, r.fork("train")), test: linearRegressionSet(nTest, s, t, r.fork("test")) };
  };
}

test("rfSweep: ridgeless test error peaks at P = n, a ridge removes the peak, train error 0 past it", async () => {
  const n = 30;
  const [ridgeless, ridged] = await rfSweep({ Ps: [10, 30, 90], ridges: [0, 1e-2], seeds: 4, act: "relu", rng: new Rng(7), data: teacherSplit(5, n, 200) });
  assert.ok(ridgeless.testMean[1] > 5 * ridgeless.testMean[0] && ridgeless.testMean[1] > 5 * ridgeless.testMean[2], ridgeless.testMean.join(" "));
  assert.ok(ridgeless.trainMean[1] < 1e-16 && ridgeless.trainMean[2] < 1e-16 && ridgeless.trainMean[0] > 1e-3);
  assert.ok(ridged.testMean[1] < 0.2 * ridgeless.testMean[1]);
  assert.equal(ridgeless.testRuns.length, 4);
  const sw = await sampleWiseSweep({ P: 20, ns: [10, 20, 60], ridges: [0], reps: 4, act: "relu", rng: new Rng(8),
    data: (m, r) => teacherSplit(5, m, 200)(r) });
  const m = sw[0].testMedian;
  assert.ok(m[1] > m[0] && m[1] > m[2], `sample-wise peak at n = P: ${m}`);
  assert.equal(sw[0].testRuns.length, 4);
  assert.equal(ridgeless.trainRuns[0].length, 3);
});

test("rfSweep: nested features give the same fit as a map of exactly P features with the same first rows", async () => {
  const n = 30, split = teacherSplit(5, n, 100);
  const [c] = await rfSweep({ Ps: [12, 45], ridges: [1e-3], seeds: 1, act: "relu", rng: new Rng(9), data: split });
  // redo seed 0 by hand with the same named streams
  const r = new Rng(9).forks("seed", 1)[0];
  const { train, test: te } = split(r.fork("data"));
  const map = randomFeatureMap(5, 45, "relu", r.fork("features"));
  const direct = fitRandomFeatures(map, 12, train, te, 1e-3).testMse;
  assert.ok(Math.abs(c.testRuns[0][0] - direct) < 1e-10 * direct, `${c.testRuns[0][0]} vs ${direct}`);
});

test("epochWiseCurve: two scales give a bump between two descents; the converged fit is least squares", async () => {
  const c = await epochWiseCurve({ n: 80, blocks: [{ dim: 40, variance: 1, signal: 1 }, { dim: 4, variance: 0.003, signal: 1 }], sigma: 0.3, lr: 0.3,
    steps: [0, 4, 100, Infinity], trials: 30, rng: new Rng(4) });
  const m = c.testMean;
  assert.ok(m[1] < m[0] && m[2] > m[1] && m[3] < m[1], `risk along training ${m}`);
  assert.ok(c.trainMean[3] < c.trainMean[2] && c.trainMean[2] < c.trainMean[1], "training error falls");
  // t = Infinity is least squares on all 44 inputs: E = sigma^2 p / (n - p - 1), within 4 s.e.
  const exact = ridgelessRiskFinite(80, 44, { r2: 1, sigma: 0.3 }).risk;
  assert.ok(Math.abs(m[3] - exact) < 4 * c.testStderr[3], `${m[3]} ± ${c.testStderr[3]} vs ${exact}`);
});

test("mnistKernelCurve: error falls with n; reproducible from its rng", () => {
  const r = mnistKernelCurve({ ns: [50, 200], nTest: 200, seeds: 1, rng: new Rng(0) });
  assert.ok(r.mse[0][1] < r.mse[0][0], `mse ${r.mse[0]}`);
  assert.ok(r.classError[0][1] < 0.3 && r.lengthscale[0] > 1);
  assert.deepEqual(mnistKernelCurve({ ns: [50], nTest: 50, seeds: 1, rng: new Rng(0) }).mse, mnistKernelCurve({ ns: [50], nTest: 50, seeds: 1, rng: new Rng(0) }).mse);
});
