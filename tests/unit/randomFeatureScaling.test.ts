import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import { powerLawSpectrum } from "../../src/data/gaussian";
import { randomFeatureScalingPoint } from "../../src/theory/randomFeatureScaling";
import { learningCurvePoint } from "../../src/theory/learningCurve";
import { simulateRandomFeatureScaling } from "../../src/experiments/scalingTheory";

test("random-feature closed form: its limits are the known results", () => {
  // isotropic latent data, T -> infinity (huge T), ridgeless: the approximation error of N random projections, |w|^2 (1 - N/M)
  const M = 400, iso = new Float64Array(M).fill(1);
  const p = randomFeatureScalingPoint({ spectrum: iso, N: 100, T: 1e12 });
  assert.ok(Math.abs(p.loss / (M * (1 - 100 / M)) - 1) < 1e-6, `approximation error ${p.loss}`);
  // ridgeless, T > N: approximation error times T / (T - N) (variance-limited, diverging at T = N)
  const spec = powerLawSpectrum(2000, 1);
  const inf = randomFeatureScalingPoint({ spectrum: spec, N: 64, T: 1e12 }).loss;
  for (const T of [128, 256, 1024]) {
    const q = randomFeatureScalingPoint({ spectrum: spec, N: 64, T });
    assert.ok(Math.abs(q.loss / (inf * T / (T - 64)) - 1) < 1e-6, `T = ${T}`);
  }
  assert.equal(randomFeatureScalingPoint({ spectrum: spec, N: 64, T: 64 }).loss, Infinity);
  // N -> infinity: kernel ridge(less) regression with target power lambda (theory.learningCurve, whose
  // ridge is per sample, (K + T ridge I), as ours)
  for (const ridge of [0, 1e-3]) {
    const k = randomFeatureScalingPoint({ spectrum: spec, N: 1e12, T: 100, ridge, sigma: 0.1 });
    const lc = learningCurvePoint({ eigenvalues: spec, targetPower: spec, ridge: ridge, sigma: 0.1 }, 100);
    assert.ok(Math.abs(k.excess / lc.error - 1) < 1e-5, `ridge ${ridge}: ${k.excess} vs ${lc.error}`);
  }
  // ridgeless duality N <-> T (without noise)
  const a = randomFeatureScalingPoint({ spectrum: spec, N: 50, T: 300 }), b = randomFeatureScalingPoint({ spectrum: spec, N: 300, T: 50 });
  assert.ok(Math.abs(a.kappa2 / b.kappa2 - 1) < 1e-10);
  // resolution-limited: loss ~ min(N, T)^-alpha deep in the regime
  const l1 = randomFeatureScalingPoint({ spectrum: powerLawSpectrum(200000, 1), N: 1e9, T: 100 }).loss;
  const l2 = randomFeatureScalingPoint({ spectrum: powerLawSpectrum(200000, 1), N: 1e9, T: 400 }).loss;
  assert.ok(Math.abs(Math.log(l1 / l2) / Math.log(4) - 1) < 0.05, `slope ${Math.log(l1 / l2) / Math.log(4)}`);
});

test("random-feature closed form against simulation (ridge and ridgeless, both sides of N = T)", () => {
  const spec = powerLawSpectrum(1500, 1);
  const sim = simulateRandomFeatureScaling({ spectrum: spec, Ns: [48, 192], Ts: [96, 384], seeds: 12, rng: new Rng(7), ridges: [0, 1e-3], sigma: 0.05 });
  const total = spec.reduce((a, b) => a + b, 0);
  const meanSe = (v: number[]): [number, number] => {
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return [m, Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1) / v.length)];
  };
  sim.ridges.forEach((ridge, ri) => {
    sim.Ns.forEach((N, i) => sim.Ts.forEach((T, j) => {
      const v = sim.relErr[ri].map((s) => s[i][j]);
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      const se = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1) / v.length);
      const th = randomFeatureScalingPoint({ spectrum: spec, N, T, ridge, sigma: 0.05 }).relativeLoss;
      // within 4 standard errors plus 8% (the formula is exact only as N, T -> infinity)
      assert.ok(Math.abs(m - th) <= 4 * se + 0.08 * th, `ridge ${ridge}, N ${N}, T ${T}: simulation ${m} ± ${se}, theory ${th}`);
    }));
    // the exact limits: T -> infinity at fixed N, N -> infinity at fixed T
    sim.Ns.forEach((N, i) => {
      const [m, se] = meanSe(sim.dataLimit[ri].map((s) => s[i]));
      const th = randomFeatureScalingPoint({ spectrum: spec, N, T: 1e12, ridge, sigma: 0.05 }).relativeLoss;
      assert.ok(Math.abs(m - th) <= 4 * se + 0.08 * th, `T = inf, N ${N}: ${m} ± ${se} vs ${th}`);
    });
    sim.Ts.forEach((T, j) => {
      const [m, se] = meanSe(sim.featureLimit[ri].map((s) => s[j]));
      const th = (learningCurvePoint({ eigenvalues: spec, targetPower: spec, ridge: ridge, sigma: 0.05 }, T).error + 0.05 ** 2) / total;
      assert.ok(Math.abs(m - th) <= 4 * se + 0.08 * th, `N = inf, T ${T}: ${m} ± ${se} vs ${th}`);
    });
  });
});
