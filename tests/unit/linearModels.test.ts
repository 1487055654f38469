import { test } from "node:test";
import assert from "node:assert/strict";
import { gradientDescentPath, legendreFeatures, predict, ridgeFit, ridgePath } from "../../src/models/linear";
import { fitRandomFeatures, randomFeatureMap } from "../../src/models/randomFeatures";
import { mse } from "../../src/stats";
import { erf } from "../../src/special";
import { gaussianInputs, linearRegressionSet, linearTeacher } from "../../src/data/gaussian";
import { Rng } from "../../src/random";

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

test("Legendre features: P_3(0.3) by the recurrence", () => {
  const L = legendreFeatures([0.3], 3).data;
  assert.ok(Math.abs(L[3] - 0.5 * (5 * 0.027 - 0.9)) < 1e-12);
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

test("gradientDescentPath: equals explicit gradient-descent steps, and its limit is ridgeFit's least squares / min-norm solution", () => {
  const rng = new Rng(12);
  for (const [n, p] of [[30, 8], [12, 20]]) {
    const X = gaussianInputs(n, Float64Array.from({ length: p }, (_, j) => (j < 3 ? 1 : 0.05)), rng);
    const y = rng.normals(n);
    const lr = 0.4;
    const path = gradientDescentPath(X, y, { lr });
    // explicit steps w <- w + (lr/n) X^T (y - X w)
    const w = new Float64Array(p);
    const at = new Map<number, Float64Array>();
    for (let t = 1; t <= 300; t++) {
      const r = predict(X, w).map((v, i) => y[i] - v);
      for (let j = 0; j < p; j++) {
        let g = 0;
        for (let i = 0; i < n; i++) g += X.data[i * p + j] * r[i];
        w[j] += (lr / n) * g;
      }
      if (t === 1 || t === 17 || t === 300) at.set(t, w.slice());
    }
    for (const [t, wt] of at) {
      const e = path.at(t);
      for (let j = 0; j < p; j++) assert.ok(Math.abs(e[j] - wt[j]) < 1e-10 * (1 + Math.abs(wt[j])), `n=${n} p=${p} t=${t} j=${j}: ${e[j]} vs ${wt[j]}`);
    }
    const lim = path.at(Infinity), ls = ridgeFit(X, y, 0).coef;
    for (let j = 0; j < p; j++) assert.ok(Math.abs(lim[j] - ls[j]) < 1e-8 * (1 + Math.abs(ls[j])), `limit j=${j}`);
    assert.deepEqual(Array.from(path.at(0)), new Array(p).fill(0));
  }
  assert.throws(() => gradientDescentPath(gaussianInputs(10, [1, 1], rng), rng.normals(10), { lr: 50 }), /lr must be/);
});
