import { test } from "node:test";
import assert from "node:assert/strict";
import { gaussianInputs, linearTeacher, powerLawSpectrum, spikesBathSpectrum, linearExcessRisk, reluNetTeacher } from "../../src/data/gaussian";
import { wishartGram, gammaSample } from "../../src/data/randomMatrices";
import { Rng } from "../../src/random";

test("spectra have the stated values", () => {
  const p = powerLawSpectrum(4, 1);
  assert.deepEqual(Array.from(p), [1, 1 / 4, 1 / 9, 1 / 16]);
  const s = spikesBathSpectrum(2, 1, 3, 0.1);
  assert.deepEqual(Array.from(s), [1, 1, 0.1, 0.1, 0.1]);
});

test("gaussianInputs: column variances match the spectrum (Monte Carlo, 5 sigma)", () => {
  const rng = new Rng(1), n = 20000, spec = [4, 1, 0.25];
  const X = gaussianInputs(n, spec, rng);
  for (let j = 0; j < 3; j++) {
    let v = 0;
    for (let i = 0; i < n; i++) v += X.data[i * 3 + j] ** 2;
    v /= n;
    assert.ok(Math.abs(v - spec[j]) < 5 * spec[j] * Math.sqrt(2 / n), `col ${j}: ${v}`);
  }
});

test("linear teacher has ||beta||^2 = r2 and respects its support; excess risk of beta is 0", () => {
  const t = linearTeacher(10, { r2: 2.5, sigma: 0.1, support: 3 }, new Rng(2));
  const n2 = t.beta.reduce((s, b) => s + b * b, 0);
  assert.ok(Math.abs(n2 - 2.5) < 1e-12);
  for (let j = 3; j < 10; j++) assert.equal(t.beta[j], 0);
  assert.equal(linearExcessRisk(t.beta, t.beta, new Float64Array(10).fill(1)), 0);
});

test("gamma sampler: mean and variance equal the shape (Monte Carlo)", () => {
  const rng = new Rng(4);
  for (const k of [0.5, 3, 500]) {
    const m = 20000;
    let s = 0, s2 = 0;
    for (let i = 0; i < m; i++) { const g = gammaSample(k, rng); s += g; s2 += g * g; }
    const mean = s / m, v = s2 / m - mean * mean;
    assert.ok(Math.abs(mean - k) < 5 * Math.sqrt(k / m), `shape ${k}: mean ${mean}`);
    assert.ok(Math.abs(v - k) < 0.1 * k, `shape ${k}: var ${v}`);
  }
});

test("Bartlett Wishart Gram matches Z Z^T in distribution (mean diagonal dof, off-diagonal variance dof, trace of square)", () => {
  const rng = new Rng(5), n = 6, dof = 40, reps = 3000;
  let diag = 0, off2 = 0, tr2 = 0;
  for (let r = 0; r < reps; r++) {
    const G = wishartGram(n, dof, rng);
    for (let i = 0; i < n; i++) diag += G.data[i * n + i];
    off2 += G.data[1] ** 2 + G.data[n * n - 2] ** 2;
    for (let i = 0; i < n * n; i++) tr2 += G.data[i] ** 2;
  }
  diag /= reps * n;
  off2 /= reps * 2;
  tr2 /= reps;
  assert.ok(Math.abs(diag - dof) < 0.5, `diag ${diag}`);
  assert.ok(Math.abs(off2 - dof) / dof < 0.06, `offdiag var ${off2}`);
  // E tr(W^2) = n dof (n + dof + 1) for Wishart(dof, I_n)
  const e = n * dof * (n + dof + 1);
  assert.ok(Math.abs(tr2 - e) / e < 0.02, `tr W^2 ${tr2} vs ${e}`);
});

test("relu teacher output variance: E f^2 = E a^2 * width * E relu(z)^2 ~ 1/2 for x ~ N(0, I)", () => {
  const rng = new Rng(6);
  const t = reluNetTeacher(10, 400, {}, rng);
  const X = gaussianInputs(4000, new Float64Array(10).fill(1), rng);
  const f = t.outputs(X);
  const m2 = f.reduce((s, v) => s + v * v, 0) / f.length;
  assert.ok(m2 > 0.2 && m2 < 1.5, `E f^2 = ${m2}`);
});
