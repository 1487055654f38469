import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import { solveKappa, learningCurve, learnability } from "../../src/theory/learningCurve";
import { simulateLinearLearningCurves } from "../../src/experiments/learningCurves";
import { powerLawSpectrum } from "../../src/data/gaussian";

test("kappa solves its equation; white spectrum has the closed form", () => {
  const eta = powerLawSpectrum(500, 0.5);
  for (const [n, ridge] of [[10, 0], [100, 0], [100, 1e-3], [800, 1e-2]]) {
    const k = solveKappa(eta, n, ridge);
    let s = (n * ridge) / k; for (const e of eta) s += e / (n * e + k); // per-sample ridge: (K + n ridge I)
    assert.ok(Math.abs(s - 1) < 1e-9, `n=${n} ridge=${ridge}: ${s}`);
  }
  assert.throws(() => solveKappa(eta, 500, 0), /more positive eigenvalues/);
  // d equal eigenvalues 1/d, ridgeless, n < d: kappa = (d - n)/d, E_g (noiseless, c^2 = 1/d) = (1 - n/d) / (1 - n/d) * ... closed form 1 - n/d
  const d = 400, n = 100;
  const flat = new Float64Array(d).fill(1 / d), c2 = new Float64Array(d).fill(1 / d);
  const p = learningCurve({ eigenvalues: flat, targetPower: c2 }, [n])[0];
  assert.ok(Math.abs(p.kappa - (d - n) / d) < 1e-9);
  assert.ok(Math.abs(p.error - (1 - n / d)) < 1e-9, `E_g ${p.error}`);
  // noise: isotropic ridgeless variance term sigma^2 n/(d - n) (Hastie et al. gamma/(1-gamma) with gamma = n/d here for the kernel side)
  const pn = learningCurve({ eigenvalues: flat, targetPower: new Float64Array(d), sigma: 1 }, [n])[0];
  assert.ok(Math.abs(pn.error - n / (d - n)) < 1e-9, `variance ${pn.error}`);
  const L = learnability(eta, 50);
  for (let k = 1; k < L.length; k++) assert.ok(L[k] <= L[k - 1]);
});

test("theory matches simulated ridgeless regression with a power-law spectrum (40 seeds)", () => {
  const d = 300, ns = [20, 40, 80];
  const eta = powerLawSpectrum(d, 0.5);
  const tot = eta.reduce((s, v) => s + v, 0);
  const theory = learningCurve({ eigenvalues: eta, targetPower: eta.map((v) => v / tot) }, ns).map((p) => p.error);
  const seeds = 40;
  const errs = simulateLinearLearningCurves({ spectra: [eta], ns: ns, seeds: seeds, rng: new Rng(2) })[0];
  ns.forEach((n, i) => {
    const v = errs.map((r) => r[i]);
    const m = v.reduce((s, x) => s + x, 0) / seeds;
    const se = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (seeds - 1) / seeds);
    // theory is asymptotic; at these sizes it is within a few percent: allow 3 standard errors + 5%
    assert.ok(Math.abs(m - theory[i]) < 3 * se + 0.05 * theory[i], `n=${n}: sim ${m} ± ${se}, theory ${theory[i]}`);
  });
});

test("theory matches simulated RIDGE regression: one per-sample ridge convention (K + n lambda I) in both", () => {
  // the estimator (simulateLinearLearningCurves, kernelRidgeFit, ridgeFit) solves (K + n lambda I);
  // theory.learningCurve takes the same lambda. Until issue 8 the theory took the lambda of
  // (K + lambda I): fed the same number it predicted an almost ridgeless curve, far below the simulation.
  const d = 300, ns = [20, 40, 80], ridge = 0.1;
  const eta = powerLawSpectrum(d, 0.5);
  const tot = eta.reduce((s, v) => s + v, 0);
  const input = { eigenvalues: eta, targetPower: eta.map((v) => v / tot), ridge: ridge };
  const theory = learningCurve(input, ns).map((p) => p.error);
  const seeds = 40;
  const errs = simulateLinearLearningCurves({ spectra: [eta], ns: ns, seeds: seeds, rng: new Rng(3), ridge: ridge })[0];
  const ridgeless = learningCurve({ ...input, ridge: 0 }, ns).map((p) => p.error);
  ns.forEach((n, i) => {
    const v = errs.map((r) => r[i]);
    const m = v.reduce((s, x) => s + x, 0) / seeds;
    const se = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (seeds - 1) / seeds);
    assert.ok(ridgeless[i] < 0.8 * theory[i], `n=${n}: the ridge must matter here (ridgeless ${ridgeless[i]}, ridge ${theory[i]})`);
    assert.ok(Math.abs(m - theory[i]) < 3 * se + 0.03 * theory[i], `n=${n}: sim ${m} ± ${se}, theory ${theory[i]}`);
  });
});
