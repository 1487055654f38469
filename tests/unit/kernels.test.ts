import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import * as la from "../../src/linalg";
import {
  netKernelScalar, netKernels, empiricalNngp, empiricalNtk, circleInputs, laplaceKernel, rbfKernel,
  kernelRidgeFit, kernelRidgePredict, mse, dualActivation, erf,
} from "../../src/models/kernels";

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
});

test("wide random ReLU and erf nets: empirical NNGP and NTK approach the analytic kernels", () => {
  // Monte-Carlo noise: relative std of the width-1000 estimates is ~0.015 (NNGP, 16 nets) and ~0.025
  // (NTK, 8 nets) per entry; the bounds are about 4 standard deviations of the max over 36 entries.
  const rng = new Rng(7);
  const angles = [0, 0.4, 0.9, 1.6, 2.4, 3.1];
  const X = circleInputs(angles, 16, rng);
  for (const activation of ["relu", "erf"] as const) {
    const o = { depth: 2, sigmaW2: activation === "relu" ? 2 : 1.5, sigmaB2: 0.1, activation };
    const exact = netKernels(X, X, o);
    const nngp = empiricalNngp(X, 1000, { ...o, nets: 16 }, rng);
    const ntk = new Float64Array(36);
    for (let r = 0; r < 8; r++) { const t = empiricalNtk(X, 1000, o, rng).ntk; for (let i = 0; i < 36; i++) ntk[i] += t.data[i] / 8; }
    const scaleG = exact.nngp.data[0], scaleT = exact.ntk.data[0];
    let eg = 0, et = 0;
    for (let i = 0; i < 36; i++) {
      eg = Math.max(eg, Math.abs(nngp.data[i] - exact.nngp.data[i]) / scaleG);
      et = Math.max(et, Math.abs(ntk[i] - exact.ntk.data[i]) / scaleT);
    }
    assert.ok(eg < 0.07, `${activation} NNGP max rel. deviation ${eg}`);
    assert.ok(et < 0.1, `${activation} NTK max rel. deviation ${et}`);
  }
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

import { kernelMonteCarlo, ntkDeviationVsWidth, mnistKernelCurve } from "../../src/models/kernels";

test("kernelMonteCarlo: deviations are Monte-Carlo noise (rms z ~ 1), and a wrong kernel is detected", () => {
  const angles = [0, 0.5, 1, 1.5, 2, 2.5, 3];
  const ok = kernelMonteCarlo({ depth: 2, width: 512, nets: 12, angles, inputDim: 8 }, new Rng(4));
  assert.ok(ok.zNngp < 4 && ok.zNtk < 4, `z ${ok.zNngp} ${ok.zNtk}`);
  assert.equal(ok.nngp.length, angles.length);
  // compare networks with sigma_w^2 = 2 against the kernel of sigma_w^2 = 2.2: z must blow up
  const X = circleInputs(angles, 8, new Rng(5));
  const wrong = netKernels(X, X, { depth: 2, sigmaW2: 2.2 }).nngp;
  const mcn = empiricalNngp(X, 512, { depth: 2, nets: 12 }, new Rng(6));
  let worst = 0;
  for (let i = 0; i < wrong.data.length; i++) worst = Math.max(worst, Math.abs(mcn.data[i] - wrong.data[i]) / wrong.data[0]);
  assert.ok(worst > 0.1, `a 10% change of sigma_w^2 shows up: ${worst}`);
  const dev = ntkDeviationVsWidth({ depth: 1, widths: [64, 1024], reps: 4, angles, inputDim: 8 }, new Rng(7));
  assert.ok(dev[1] < dev[0] / 2, `NTK fluctuations shrink with width: ${dev}`);
});

test("mnistKernelCurve: error falls with n; nested training sets", () => {
  const r = mnistKernelCurve({ ns: [50, 200], nTest: 200, seeds: 1 });
  assert.ok(r.mse[0][1] < r.mse[0][0], `mse ${r.mse[0]}`);
  assert.ok(r.classError[0][1] < 0.3 && r.lengthscale[0] > 1);
});
