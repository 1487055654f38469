/**
 * Mei & Montanari's random-features risk (theory/randomFeatures) against exact identities and against
 * simulation at settings chapter 02 does not use (erf features, n = 2d).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { activationHermite, rfChi, rfChiRidgeless, rfRisk, rfRiskFactors } from "../../src/theory/randomFeatures";
import { linearRegressionSet, linearTeacher } from "../../src/data/gaussian";
import { fitRandomFeatures, randomFeatureMap } from "../../src/models/randomFeatures";
import { erf } from "../../src/special";
import { mean, stderr } from "../../src/stats";
import { Rng } from "../../src/random";

test("Hermite coefficients: closed forms agree with a direct Gaussian average; tanh is odd", () => {
  // E f(G) by a fine midpoint rule, independent of the module's quadrature (accurate to ~1e-8 at the relu kink)
  const E = (f: (x: number) => number) => {
    let s = 0;
    const h = 1e-3;
    for (let x = -10 + h / 2; x < 10; x += h) s += f(x) * Math.exp(-x * x / 2) * h;
    return s / Math.sqrt(2 * Math.PI);
  };
  for (const [act, f] of [["relu", (x: number) => Math.max(x, 0)], ["erf", erf], ["tanh", Math.tanh]] as const) {
    const h = activationHermite(act);
    const mu0 = E(f), mu1 = E((x) => x * f(x)), m2 = E((x) => f(x) ** 2);
    assert.ok(Math.abs(h.mu0 - mu0) < 1e-7, `${act} mu0 ${h.mu0} vs ${mu0}`);
    assert.ok(Math.abs(h.mu1 - mu1) < 1e-7, `${act} mu1 ${h.mu1} vs ${mu1}`);
    assert.ok(Math.abs(h.muStar ** 2 - (m2 - mu0 * mu0 - mu1 * mu1)) < 1e-7, `${act} muStar`);
  }
  assert.ok(Math.abs(activationHermite("tanh").mu0) < 1e-12);
});

test("MM: the fixed point at a tiny ridge meets the ridgeless closed form; exact limits", () => {
  const zeta = activationHermite("relu").mu1 / activationHermite("relu").muStar;
  for (const [p1, p2] of [[0.5, 2], [3, 2], [10, 2], [2, 10]]) {
    const a = rfChi(p1, p2, 1e-10, zeta), b = rfChiRidgeless(p1, p2, zeta);
    assert.ok(Math.abs(a - b) < 1e-6 * Math.abs(b), `chi ${a} vs ${b}`);
  }
  // below the threshold the variance factor is that of least squares with P parameters: P / (n - P)
  for (const [p1, p2] of [[0.5, 2], [1, 4], [3, 10]]) {
    assert.ok(Math.abs(rfRiskFactors(p1, p2, 0, zeta).V - p1 / (p2 - p1)) < 1e-10);
  }
  // the pole at P = n, and a huge ridge predicts 0 (risk -> signal)
  assert.equal(rfRisk({ n: 100, P: 100, d: 50, act: "relu", r2: 1, sigma: 0.5 }).risk, Infinity);
  const big = rfRisk({ n: 100, P: 300, d: 50, ridge: 1e6, act: "relu", r2: 1, sigma: 0.5 });
  assert.ok(Math.abs(big.risk - 1) < 1e-4, `${big.risk}`);
  // the lab's ridge is MM's lambda / d: the same MM lambda at two d gives the same factors
  const r1 = rfRisk({ n: 200, P: 400, d: 100, ridge: 1e-3, act: "erf", r2: 1, sigma: 0 });
  const r2 = rfRisk({ n: 400, P: 800, d: 200, ridge: 5e-4, act: "erf", r2: 1, sigma: 0 });
  assert.ok(Math.abs(r1.risk - r2.risk) < 1e-12);
});

test("MM against simulation: erf features, d = 80, n = 160 (within 4 s.e. + 3% finite-size gap)", () => {
  const d = 80, n = 160, sigma = 0.5;
  const rng = new Rng(11);
  for (const [P, ridge] of [[80, 0], [320, 0], [320, 1e-3]]) {
    const errs = rng.fork(`P ${P} ridge ${ridge}`).forks("seed", 30).map((r) => {
      const t = linearTeacher(d, { r2: 1, sigma }, r.fork("teacher"));
      const spec = new Float64Array(d).fill(1);
      const tr = linearRegressionSet(n, spec, t, r.fork("train")), te = linearRegressionSet(400, spec, t, r.fork("test"));
      return fitRandomFeatures(randomFeatureMap(d, P, "erf", r.fork("features")), P, tr, te, ridge).testMse;
    });
    const theory = rfRisk({ n, P, d, ridge, act: "erf", r2: 1, sigma }).risk;
    const m = mean(errs), se = stderr(errs);
    assert.ok(Math.abs(m - theory) <= 4 * se + 0.03 * theory, `P=${P} ridge=${ridge}: simulation ${m} ± ${se}, theory ${theory}`);
  }
});
