import { test } from "node:test";
import assert from "node:assert/strict";
import { biasVarianceCurve, isotropicRiskTrials, legendreFeatures, minNormSpikesBath, meanSquaredError as mse, predict, ridgeFit, ridgePath } from "../../src/models/linear";
import { fitRandomFeatures, randomFeatureMap, rfSweep } from "../../src/models/randomFeatures";
import { erf } from "../../src/special";
import { gaussianInputs, linearRegressionSet, linearTeacher } from "../../src/data/gaussian";
import { targets1D } from "../../src/data/oned";
import { ridgelessRiskFinite } from "../../src/theory/ridgeless";
import { Rng } from "../../src/random";

const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0) / a.length;

test("ridgeFit: recovers a noiseless teacher (p < n) and interpolates with the min-norm solution (p > n)", () => {
  const rng = new Rng(1);
  const X = gaussianInputs(50, new Float64Array(10).fill(1), rng);
  const t = linearTeacher(10, { r2: 1 }, rng);
  const y = predict(X, t.beta);
  const w = ridgeFit(X, y, 0).coef;
  for (let j = 0; j < 10; j++) assert.ok(Math.abs(w[j] - t.beta[j]) < 1e-10);
  const Xw = gaussianInputs(20, new Float64Array(60).fill(1), rng);
  const yw = rng.normals(20);
  const ww = ridgeFit(Xw, yw, 0).coef;
  assert.ok(mse(predict(Xw, ww), yw) < 1e-20);
  // min-norm: w lies in the row space; adding a null-space vector only increases the norm -> check w = X^T a
  const wr = ridgeFit(Xw, yw, 1e-9).coef;
  for (let j = 0; j < 60; j++) assert.ok(Math.abs(ww[j] - wr[j]) < 1e-5);
});

test("ridge shrinks the weights (1/n convention)", () => {
  const rng = new Rng(2);
  const X = gaussianInputs(40, new Float64Array(5).fill(1), rng);
  const y = rng.normals(40);
  const n0 = ridgeFit(X, y, 0).coef.reduce((s, v) => s + v * v, 0);
  const n1 = ridgeFit(X, y, 1).coef.reduce((s, v) => s + v * v, 0);
  assert.ok(n1 < 0.6 * n0);
});

test("isotropic simulation agrees with the exact finite-n expectation (gamma = 0.5 and 2)", () => {
  const rng = new Rng(3);
  for (const [n, p] of [[60, 30], [40, 80]]) {
    const r = isotropicRiskTrials({ n, p, r2: 1, sigma: 0.5, trials: 150, rng });
    const exact = ridgelessRiskFinite(n, p, 1, 0.25).risk;
    assert.ok(Math.abs(mean(r) - exact) / exact < 0.1, `n=${n} p=${p}: ${mean(r)} vs ${exact}`);
  }
});

test("random features: ridgeless train error 0 when P >= n, > 0 when P < n", () => {
  const rng = new Rng(4);
  const t = linearTeacher(8, { r2: 1, sigma: 0.5 }, rng);
  const spec = new Float64Array(8).fill(1);
  const tr = linearRegressionSet(40, spec, t, rng), te = linearRegressionSet(100, spec, t, rng);
  for (const act of ["relu", "erf", "tanh"] as const) {
    const map = randomFeatureMap(8, 80, act, rng);
    assert.ok(fitRandomFeatures(map, 80, tr, te, 0).trainMse < 1e-18, act);
    assert.ok(fitRandomFeatures(map, 40, tr, te, 0).trainMse < 1e-14, act);
    assert.ok(fitRandomFeatures(map, 20, tr, te, 0).trainMse > 1e-3, act);
  }
  assert.ok(Math.abs(erf(0.5) - 0.5204998778) < 1e-7 && Math.abs(erf(-2) + 0.995322265) < 1e-7);
});

test("spikes + bath (Wishart Gram) matches the explicit design in mean excess risk", () => {
  const n = 30, spikes = [1, 1], beta = [0.8, -0.6], bathDim = 60, bathVar = 0.05, sigma = 0.5;
  const rng = new Rng(5);
  const trials = 300;
  let fast = 0, slow = 0, trainMax = 0;
  for (let t = 0; t < trials; t++) {
    const r = minNormSpikesBath({ n, spikes, beta, bathDim, bathVar, sigma, rng });
    fast += r.excessRisk;
    trainMax = Math.max(trainMax, r.trainMse);
    // explicit: full design and min-norm fit
    const spec = new Float64Array(2 + bathDim).fill(bathVar);
    spec[0] = 1; spec[1] = 1;
    const X = gaussianInputs(n, spec, rng);
    const b = new Float64Array(2 + bathDim); b[0] = beta[0]; b[1] = beta[1];
    const y = Float64Array.from(predict(X, b), (v) => v + sigma * rng.normal());
    const w = ridgeFit(X, y, 0).coef;
    let e = 0;
    for (let j = 0; j < spec.length; j++) e += spec[j] * (w[j] - b[j]) ** 2;
    slow += e;
  }
  fast /= trials; slow /= trials;
  assert.ok(trainMax < 1e-16, `train ${trainMax}`);
  assert.ok(Math.abs(fast - slow) / slow < 0.12, `Wishart ${fast} vs explicit ${slow}`);
});

test("bias-variance curve: bias falls and variance rises with degree; test = bias + variance", () => {
  const pts = biasVarianceCurve({ target: targets1D.sine, n: 40, sigma: 0.3, degrees: [1, 5, 10], trials: 100, rng: new Rng(6) });
  assert.ok(pts[0].bias2 > 10 * Math.abs(pts[1].bias2), `bias ${pts[0].bias2} ${pts[1].bias2}`);
  assert.ok(pts[2].variance > pts[1].variance && pts[1].variance > pts[0].variance);
  assert.ok(pts[1].testMse < pts[0].testMse && pts[1].testMse < pts[2].testMse, "U shape");
  for (const p of pts) assert.ok(Math.abs(p.testMse - p.bias2 - p.variance) < 1e-12);
  const L = legendreFeatures([0.3], 3).data;
  assert.ok(Math.abs(L[3] - 0.5 * (5 * 0.027 - 0.9)) < 1e-12);
});

test("rfSweep: ridgeless test error peaks at P = n, a ridge removes the peak, train error 0 past it", async () => {
  const d = 5, n = 30;
  const [ridgeless, ridged] = await rfSweep({
    Ps: [10, 30, 90], ridges: [0, 1e-2], seeds: 4, act: "relu", rng: new Rng(7),
    data: (r) => {
      const t = linearTeacher(d, { r2: 1, sigma: 0.5 }, r);
      const s = new Float64Array(d).fill(1);
      return { train: linearRegressionSet(n, s, t, r), test: linearRegressionSet(200, s, t, r) };
    },
  });
  assert.ok(ridgeless.testMean[1] > 5 * ridgeless.testMean[0] && ridgeless.testMean[1] > 5 * ridgeless.testMean[2], ridgeless.testMean.join(" "));
  assert.ok(ridgeless.trainMean[1] < 1e-16 && ridgeless.trainMean[2] < 1e-16 && ridgeless.trainMean[0] > 1e-3);
  assert.ok(ridged.testMean[1] < 0.2 * ridgeless.testMean[1]);
});

test("ridgePath equals ridgeFit for each penalty (primal, dual, near-square)", () => {
  const rng = new Rng(8);
  for (const [n, p] of [[40, 10], [20, 60], [30, 29]]) {
    const X = gaussianInputs(n, new Float64Array(p).fill(1), rng);
    const y = rng.normals(n);
    const ridges = [0, 1e-3, 0.1];
    const path = ridgePath(X, y, ridges);
    ridges.forEach((r, i) => {
      const w = ridgeFit(X, y, r).coef;
      for (let j = 0; j < p; j++) assert.ok(Math.abs(w[j] - path[i][j]) < 1e-8 * (1 + Math.abs(w[j])), `n=${n} p=${p} ridge=${r}`);
    });
  }
});
