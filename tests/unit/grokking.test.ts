import { test } from "node:test";
import assert from "node:assert/strict";
import { modularAddition } from "../../src/data/modular";
import { linearTeacherStudent, toleranceAccuracy } from "../../src/data/teacherStudent";
import { fourierConcentration, zpNullTopShare, zpPowerSpectrum } from "../../src/stats/fourier";
import { gaussianToleranceAccuracy, linearGdTheory, lossAtAccuracy } from "../../src/theory/linearGrokking";
import { reluKurtosis, sphereCoordinateKurtosis, reluVarianceFactor } from "../../src/theory/criticality";
import { crossingStep, evalSteps, jumpOverDirections, linearGrokkingByFit, linearGrokkingRun, mpJumpGap, spectralLossCrossing } from "../../src/experiments/grokking";
import { Rng } from "../../src/random";

test("modular addition: every pair once, labels (a + b) mod p, one-hot codes, split by fraction", () => {
  const t = modularAddition({ p: 7, trainFraction: 0.5, rng: new Rng(1) });
  assert.equal(t.train.a.length + t.test.a.length, 49);
  assert.equal(t.train.a.length, Math.round(0.5 * 49));
  const seen = new Set<number>();
  for (const s of [t.train, t.test]) {
    for (let i = 0; i < s.a.length; i++) {
      seen.add(s.a[i] * 7 + s.b[i]);
      assert.equal(s.label[i], (s.a[i] + s.b[i]) % 7);
      assert.equal(s.x.data[i * 14 + s.a[i]], 1);
      assert.equal(s.x.data[i * 14 + 7 + s.b[i]], 1);
      assert.equal(s.x.data.subarray(i * 14, i * 14 + 14).reduce((u, v) => u + v, 0), 2);
      assert.equal(s.y.data[i * 7 + s.label[i]], 1);
    }
  }
  assert.equal(seen.size, 49);
  assert.throws(() => modularAddition({ p: 8, trainFraction: 0.5, rng: new Rng(1) }), /prime/);
});

test("linear teacher-student: y = T^T x; tolerance accuracy counts squared errors below epsilon", () => {
  const t = linearTeacherStudent({ dIn: 6, dOut: 2, nTrain: 5, nTest: 3, rng: new Rng(2) });
  for (let i = 0; i < 5; i++) for (let c = 0; c < 2; c++) {
    let s = 0;
    for (let j = 0; j < 6; j++) s += t.train.x.data[i * 6 + j] * t.teacher.data[j * 2 + c];
    assert.ok(Math.abs(s - t.train.y.data[i * 2 + c]) < 1e-12);
  }
  assert.equal(toleranceAccuracy([0, 0, 1, 1], [0.1, 0, 1, 3], 2, 0.01), 0.5);
});

test("Fourier on Z_p: a pure cosine has all its power on its frequency; Parseval; the null share is H_K / K", () => {
  const p = 11, k = 3;
  const data = new Float64Array(p * 2);
  for (let a = 0; a < p; a++) { data[a * 2] = Math.cos((2 * Math.PI * k * a) / p + 0.4); data[a * 2 + 1] = a === 0 ? 1 : 0; }
  const sp = zpPowerSpectrum({ rows: p, cols: 2, data });
  const c = fourierConcentration({ rows: p, cols: 2, data });
  assert.equal(c.topFrequency[0], k);
  assert.ok(Math.abs(c.topShare[0] - 1) < 1e-12);
  // a delta at 0: flat spectrum; Parseval: dc + sum of powers = sum of squares = 1
  const tot = sp.dc[1] + Array.from({ length: 5 }, (_, i) => sp.power.data[i * 2 + 1]).reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(tot - 1) < 1e-12);
  assert.ok(Math.abs(c.topShare[1] - 0.2) < 1e-12);
  assert.ok(Math.abs(zpNullTopShare(7) - (1 + 1 / 2 + 1 / 3) / 3) < 1e-15);
  // Monte Carlo of the null: Gaussian columns
  const rng = new Rng(3), m = 4000, P = 31;
  const g = fourierConcentration({ rows: P, cols: m, data: rng.normals(P * m) });
  const mean = g.topShare.reduce((s, v) => s + v, 0) / m;
  assert.ok(Math.abs(mean - zpNullTopShare(P)) < 0.005, `${mean} vs ${zpNullTopShare(P)}`);
});

test("linear GD theory: quadrature matches the Marchenko-Pastur moments at t = 0; accuracy of a Gaussian error", () => {
  const th = linearGdTheory({ lambda: 0.5, lr: 0.1, steps: [0, 1], initLoss: 2 });
  assert.ok(Math.abs(th.testLoss[0] - 2) < 1e-6, `${th.testLoss[0]}`);
  assert.ok(Math.abs(th.trainLoss[0] - 2) < 1e-6, `train loss starts at L0 E[l] = L0: ${th.trainLoss[0]}`);
  // one step: E(1 - 0.2 l)^2 = 1 - 0.4 E l + 0.04 E l^2 with E l = 1, E l^2 = 1 + lambda
  assert.ok(Math.abs(th.testLoss[1] - 2 * (1 - 0.4 + 0.04 * 1.5)) < 1e-6);
  const over = linearGdTheory({ lambda: 2, lr: 0.05, steps: [100000], initLoss: 1 });
  assert.ok(Math.abs(over.testLoss[0] - 0.5) < 1e-6, "lambda = 2: half the directions are never seen");
  assert.ok(Math.abs(gaussianToleranceAccuracy(1, 2 * 0.4769362762 ** 2) - 0.5) < 1e-6);
  for (const a of [0.1, 0.5, 0.9]) assert.ok(Math.abs(gaussianToleranceAccuracy(lossAtAccuracy(a, 1e-3), 1e-3) - a) < 1e-6);
});

test("exact linear GD dynamics agree with the lab's training loop; crossings interpolate", async () => {
  const rng = new Rng(9);
  const byFit = await linearGrokkingByFit({ dIn: 20, nTrain: 40, nTest: 10, lr: 0.1, steps: 30, rng });
  const exact = await linearGrokkingRun({ dIn: 20, nTrain: 40, nTest: 10, lr: 0.1, steps: [30], epsilon: 1e-3, rng });
  assert.ok(Math.abs(byFit.trainLoss - exact.trainLoss[0]) < 1e-4 * exact.trainLoss[0], `${byFit.trainLoss} vs ${exact.trainLoss[0]}`);
  assert.equal(crossingStep([0, 10, 20], [0, 0.4, 0.8], 0.6), 15);
  assert.equal(crossingStep([0, 10], [0, 0.4], 0.6), Infinity);
  assert.deepEqual(evalSteps(60, 3, 2).slice(0, 6), [0, 1, 2, 3, 6, 12]);
});

test("criticality closed forms", () => {
  assert.equal(reluVarianceFactor(2.2), 1.1);
  assert.equal(reluKurtosis(1, [10]), 0);
  assert.ok(Math.abs(reluKurtosis(3, [10, 20]) - 3 * (1.5 * 1.25 - 1)) < 1e-12);
  assert.ok(Math.abs(sphereCoordinateKurtosis(4) + 1) < 1e-15);
});

test("spectral loss crossing: one eigenvalue crosses in closed form; interpolation matches crossingStep on the recorded curve", () => {
  // one direction, l = 0.5, lr = 0.1: loss w (1 - 0.1)^(2t) falls to level at t = ln(level / w) / (2 ln 0.9)
  const t = spectralLossCrossing([0.5], [2], 0.1, 1e-3, 1000);
  const exact = Math.log(1e-3 / 2) / (2 * Math.log(0.9));
  assert.ok(Math.abs(t - exact) < 0.05, `${t} vs ${exact}`);   // linear interpolation between integer steps
  const ev = [0.2, 0.7, 1.3], w = [0.5, 0.3, 0.2];
  const steps = Array.from({ length: 301 }, (_, k) => k);
  const curve = steps.map((k) => ev.reduce((s, l, j) => s + w[j] * (1 - 0.2 * l) ** (2 * k), 0));
  assert.ok(Math.abs(spectralLossCrossing(ev, w, 0.1, 1e-3, 300) - crossingStep(steps, curve.map((v) => -v), -1e-3)) < 1e-9);
  // the train loss weights each direction by its eigenvalue; a level already met is step 0, one never met Infinity
  assert.ok(spectralLossCrossing(ev, w, 0.1, 1e-3, 300, "train") < spectralLossCrossing(ev, w, 0.1, 1e-3, 300));
  assert.equal(spectralLossCrossing(ev, w, 0.1, 10, 300), 0);
  assert.equal(spectralLossCrossing(ev, w, 0.1, 1e-30, 300), Infinity);
});

test("jump over directions: equal eigenvalues make every direction alike; the mean step lies below the mean loss's crossing", () => {
  const flat = jumpOverDirections({ eigenvalues: new Array(20).fill(0.5), lr: 0.1, initLoss: 2, lossLevel: 1e-3, maxSteps: 1000, directions: 10, rng: new Rng(1) });
  assert.ok(Math.abs(flat.mean - spectralLossCrossing([0.5], [2], 0.1, 1e-3, 1000)) < 1e-9 && flat.se < 1e-9);
  // a spread spectrum: the late loss rests on a few slow directions (Jensen: the mean crossing comes earlier)
  const ev = Array.from({ length: 50 }, (_, k) => 0.02 + (2 * k) / 49);
  const dirs = jumpOverDirections({ eigenvalues: ev, lr: 0.1, initLoss: 1, lossLevel: 1e-3, maxSteps: 20000, directions: 400, rng: new Rng(2) });
  const avgLoss = spectralLossCrossing(ev, new Array(50).fill(1 / 50), 0.1, 1e-3, 20000);
  assert.ok(dirs.mean < avgLoss, `${dirs.mean} vs ${avgLoss}`);
});

test("MP jump gap: the gap on sampled spectra shrinks with d and extrapolates to about zero", () => {
  const lossLevel = lossAtAccuracy(0.5, 1e-3);
  const [g] = mpJumpGap({ lambdas: [0.25], dims: [50, 100, 200], spectra: 6, lr: 0.1, initLoss: 2, lossLevel, maxSteps: 1500, rng: new Rng(3) });
  assert.equal(g.gaps.length, 3);
  assert.ok(Math.abs(g.limit.intercept) < 4 * g.limit.interceptSe + 0.005, `${g.limit.intercept} ± ${g.limit.interceptSe}`);
  assert.ok(g.mean[0] > g.mean[2], `the gap shrinks with d: ${g.mean.join(", ")}`);
  assert.throws(() => mpJumpGap({ lambdas: [0.25], dims: [100], spectra: 4, lr: 0.1, initLoss: 2, lossLevel, maxSteps: 1500, rng: new Rng(3) }), /two dimensions/);
});
