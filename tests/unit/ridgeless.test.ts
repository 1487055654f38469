import { test } from "node:test";
import assert from "node:assert/strict";
import { mpStieltjesNeg, mpStieltjesNegDerivative, optimalRidge, ridgeRisk, ridgelessRisk, ridgelessRiskFinite } from "../../src/theory/ridgeless";
import { Rng } from "../../src/random";

test("HMRT ridgeless closed forms at simple points", () => {
  assert.equal(ridgelessRisk(0.5, { r2: 1, sigma: 0.5 }).risk, 0.25); // sigma^2 gamma/(1-gamma) = 0.25
  const r = ridgelessRisk(2, { r2: 1, sigma: 0.5 });
  assert.equal(r.bias, 0.5);
  assert.equal(r.variance, 0.25);
  assert.equal(ridgelessRisk(1, { r2: 1, sigma: 1 }).risk, Infinity);
});

test("finite-n expectation tends to the asymptotic formula", () => {
  const a = ridgelessRisk(0.5, { r2: 1, sigma: 1 }).risk, b = ridgelessRisk(2, { r2: 1, sigma: 1 }).risk;
  assert.ok(Math.abs(ridgelessRiskFinite(20000, 10000, { r2: 1, sigma: 1 }).risk - a) < 1e-3);
  assert.ok(Math.abs(ridgelessRiskFinite(10000, 20000, { r2: 1, sigma: 1 }).risk - b) < 1e-3);
});

test("MP Stieltjes transform equals a Monte-Carlo average over MP eigenvalues (Wishart), derivative by differences", () => {
  const gamma = 0.5, lambda = 0.3, p = 100, n = 200;
  const rng = new Rng(3);
  // eigenvalues of X^T X / n via trace of resolvent: m = tr((S + lambda)^-1)/p; use power series-free check via small dense solve
  // build S = X^T X / n and invert S + lambda I by Gauss-Jordan (p = 100 is small)
  let acc = 0;
  const reps = 4;
  for (let r = 0; r < reps; r++) {
    const X = rng.normals(n * p);
    const A = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += X[t * p + i] * X[t * p + j];
      A[i * p + j] = s / n + (i === j ? lambda : 0);
    }
    // trace of inverse by Cholesky
    const L = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = 0; j <= i; j++) {
      let s = A[i * p + j];
      for (let k = 0; k < j; k++) s -= L[i * p + k] * L[j * p + k];
      L[i * p + j] = i === j ? Math.sqrt(s) : s / L[j * p + j];
    }
    // tr(A^-1) = ||L^-1||_F^2
    for (let c = 0; c < p; c++) {
      const v = new Float64Array(p);
      for (let i = c; i < p; i++) {
        let s = i === c ? 1 : 0;
        for (let k = c; k < i; k++) s -= L[i * p + k] * v[k];
        v[i] = s / L[i * p + i];
        acc += v[i] * v[i];
      }
    }
  }
  const mc = acc / reps / p;
  const m = mpStieltjesNeg(gamma, lambda);
  assert.ok(Math.abs(mc - m) / m < 0.02, `MC ${mc} vs MP ${m}`);
  const h = 1e-5;
  const fd = (mpStieltjesNeg(gamma, lambda - h) - mpStieltjesNeg(gamma, lambda + h)) / (2 * h); // d/dz at z=-lambda
  assert.ok(Math.abs(fd - mpStieltjesNegDerivative(gamma, lambda)) < 1e-6);
});

test("ridge risk: tends to ridgeless as lambda -> 0 (gamma < 1 and > 1) and is minimal at lambda*", () => {
  for (const g of [0.5, 2]) {
    const r0 = ridgelessRisk(g, { r2: 1, sigma: 0.5 }).risk;
    assert.ok(Math.abs(ridgeRisk(g, 1e-7, { r2: 1, sigma: 0.5 }).risk - r0) / r0 < 1e-3, `gamma ${g}`);
  }
  const g = 1.5, ls = optimalRidge(g, { r2: 1, sigma: 0.5 });
  const best = ridgeRisk(g, ls, { r2: 1, sigma: 0.5 }).risk;
  for (const f of [0.5, 0.8, 1.25, 2]) assert.ok(ridgeRisk(g, ls * f, { r2: 1, sigma: 0.5 }).risk > best);
  assert.ok(Number.isFinite(ridgeRisk(1, ls, { r2: 1, sigma: 0.5 }).risk));
});
