import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import * as la from "../../src/linalg";
import * as stats from "../../src/stats";
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

test("teacher-averaged simulation = the one-teacher loss summed over a basis of teachers and noises (same data and features)", () => {
  const M = 10, spec = Float64Array.from({ length: M }, (_, i) => (i + 1) ** -1.5), sigma = 0.1;
  const Ns = [3, 6], Ts = [4, 6, 9], ridges = [0, 0.05];
  const sim = simulateRandomFeatureScaling({ spectrum: spec, Ns, Ts, seeds: 1, rng: new Rng(4), ridges, sigma, teacherAveraged: true });
  // brute force: the same draws, the readout for w = e_k (noise-free) and for noise e_t alone
  const r = new Rng(4).forks("seed", 1)[0], Nmax = 6, Tmax = 9;
  const X = r.fork("inputs").normals(Tmax * M).map((v, i) => v * Math.sqrt(spec[i % M]));
  const F = r.fork("features").normals(Nmax * M, 0, 1 / Math.sqrt(Nmax));
  const total = spec.reduce((a, b) => a + b, 0);
  const lossOf = (N: number, T: number, ridge: number, w: Float64Array, noise: Float64Array): number => {
    const scale = Math.sqrt(Nmax / N);
    const Z = { rows: T, cols: N, data: new Float64Array(T * N) };
    for (let t = 0; t < T; t++) for (let j = 0; j < N; j++) { let s = 0; for (let i = 0; i < M; i++) s += X[t * M + i] * F[j * M + i]; Z.data[t * N + j] = s * scale; }
    const y = Float64Array.from({ length: T }, (_, t) => { let s = noise[t]; for (let i = 0; i < M; i++) s += X[t * M + i] * w[i]; return s; });
    const v = N === T && ridge === 0 ? la.solve(Z, y) : la.matvec(la.pinv({ rows: N, cols: N, data: la.gram(Z).data.map((g, k) => g + (k % (N + 1) === 0 ? ridge * T : 0)) }), la.matvec(la.transpose(Z), y));
    let e = 0;
    for (let i = 0; i < M; i++) { let b = 0; for (let j = 0; j < N; j++) b += v[j] * scale * F[j * M + i]; e += spec[i] * (b - w[i]) ** 2; }
    return e;
  };
  ridges.forEach((ridge, ri) => Ns.forEach((N, a) => Ts.forEach((T, b) => {
    if (N > T && ridge === 0) return;   // the minimum-norm branch: the pinv above is not it
    let e = sigma * sigma;
    for (let k = 0; k < M; k++) e += lossOf(N, T, ridge, Float64Array.from({ length: M }, (_, i) => (i === k ? 1 : 0)), new Float64Array(T));
    for (let t = 0; t < T; t++) e += lossOf(N, T, ridge, new Float64Array(M), Float64Array.from({ length: T }, (_, u) => (u === t ? sigma : 0)));
    const got = sim.relErr[ri][0][a][b];
    assert.ok(Math.abs(got - e / total) <= 1e-8 * (e / total), `ridge ${ridge}, N ${N}, T ${T}: ${got} vs brute force ${e / total}`);
  })));
  // the minimum-norm interpolator (N > T, no ridge) is the ridge's limit
  const tiny = simulateRandomFeatureScaling({ spectrum: spec, Ns, Ts, seeds: 1, rng: new Rng(4), ridges: [1e-9], sigma, teacherAveraged: true });
  assert.ok(Math.abs(sim.relErr[0][0][1][0] / tiny.relErr[0][0][1][0] - 1) < 1e-5);
  // and a one-teacher simulation scatters around it: the mean over many seeds of one-teacher losses vs teacher-averaged ones
  const big = { spectrum: spec, Ns: [4], Ts: [8], seeds: 400, rng: new Rng(9) };
  const one = simulateRandomFeatureScaling(big).relErr[0].map((s) => s[0][0]);
  const avg = simulateRandomFeatureScaling({ ...big, teacherAveraged: true }).relErr[0].map((s) => s[0][0]);
  const diff = one.map((v, i) => v - avg[i]);
  assert.ok(Math.abs(stats.mean(diff)) < 4 * stats.stderr(diff), `mean one-teacher minus teacher-averaged ${stats.mean(diff)} ± ${stats.stderr(diff)}`);
  assert.ok(stats.std(avg) < stats.std(one), "averaging the teacher removes scatter");
  // the limits: T -> infinity of the smallest N and N -> infinity of the smallest T, averaged the same way
  assert.ok(Number.isFinite(sim.dataLimit[1][0][0]) && sim.dataLimit[1][0][0] < sim.relErr[1][0][0][2]);
  assert.ok(Number.isFinite(sim.featureLimit[1][0][0]) && sim.featureLimit[1][0][0] < sim.relErr[1][0][0][0]);
});
