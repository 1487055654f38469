import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import * as la from "../../src/linalg";
import { netKernelScalar, laplaceKernel, rbfKernel, kernelRidgeFit, kernelRidgePredict, dualActivation } from "../../src/models/kernels";
import { erf } from "../../src/special";
import { mse } from "../../src/stats";

test("arc-cosine closed forms: He init preserves the norm; depth-1 ReLU NNGP/NTK on the circle", () => {
  const d = 10;
  for (const th of [0, 0.3, 1.2, 2.5, Math.PI]) {
    const r = netKernelScalar(d, d, d * Math.cos(th), d, { depth: 1 });
    const nngp = (2 / Math.PI) * (Math.sin(th) + (Math.PI - th) * Math.cos(th));
    const ntk = nngp + 2 * ((Math.PI - th) / (2 * Math.PI)) * 2 * Math.cos(th);
    assert.ok(Math.abs(r.nngp - nngp) < 1e-12 && Math.abs(r.ntk - ntk) < 1e-12, `theta ${th}`);
  }
  // depth L, theta = 0: Sigma stays 2 and Theta = 2 (L + 1) for sigma_w^2 = 2, sigma_b^2 = 0
  for (const L of [1, 2, 5]) {
    const r = netKernelScalar(4, 4, 4, 4, { depth: L });
    assert.ok(Math.abs(r.nngp - 2) < 1e-12 && Math.abs(r.ntk - 2 * (L + 1)) < 1e-12);
  }
  // erf dual against Gauss-Hermite-free Monte Carlo of the expectation
  const rng = new Rng(3);
  const [sxx, szz, sxz] = [0.8, 1.3, 0.5];
  let k = 0, kd = 0; const M = 200000;
  const l11 = Math.sqrt(sxx), l21 = sxz / l11, l22 = Math.sqrt(szz - l21 * l21);
  for (let i = 0; i < M; i++) {
    const a = rng.normal(), b = rng.normal();
    const u = l11 * a, v = l21 * a + l22 * b;
    k += erf(u) * erf(v) / M;
    kd += (4 / Math.PI) * Math.exp(-u * u - v * v) / M;
  }
  const ex = dualActivation("erf", sxx, szz, sxz);
  assert.ok(Math.abs(k - ex.k) < 0.01 && Math.abs(kd - ex.kDot) < 0.01, `${k} vs ${ex.k}; ${kd} vs ${ex.kDot}`);
  assert.throws(() => netKernelScalar(1, 1, 1, 1, { depth: 1, activation: "tanh" as never }), /closed forms exist/);
});

test("kernel ridge(less) regression: interpolation, ridge equals the primal ridge, Laplace/RBF basics", () => {
  const rng = new Rng(1);
  const n = 40, d = 5;
  const X: la.Matrix = { rows: n, cols: d, data: rng.normals(n * d) };
  const y = rng.normals(n);
  const K = laplaceKernel(X, X, 2);
  for (let i = 0; i < n; i++) assert.equal(K.data[i * n + i], 1);
  const m0 = kernelRidgeFit(K, y, 0);
  assert.ok(mse(kernelRidgePredict(K, m0), y) < 1e-18);
  // linear kernel: dual ridge = primal ridge (X^T X + ridge n I)^-1 X^T y
  const lin = la.matmul(X, X, { transB: true });
  const m1 = kernelRidgeFit(lin, y, 0.1);
  const w = la.lstsq(X, y, { ridge: 0.1 * n });
  const pred = kernelRidgePredict(lin, m1).data, pred2 = la.matvec(X, w);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(pred[i] - pred2[i]) < 1e-9);
  const R = rbfKernel(X, X, 1.5);
  const d01 = X.data.slice(0, d).reduce((s, v, j) => s + (v - X.data[d + j]) ** 2, 0);
  assert.ok(Math.abs(R.data[1] - Math.exp(-d01 / (2 * 1.5 * 1.5))) < 1e-12);
});
