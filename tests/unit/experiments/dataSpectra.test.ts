import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/random";
import { disjointSubsetSpectra, gapRatioEnsembles, gaussianSampleSpectra, spikedTopEigenvalues, wishartTopEigenvalues } from "../../../src/experiments/dataSpectra";
import { mnistKernelStudy } from "../../../src/experiments/learningCurves";
import { kernelSpectrum, laplaceKernel } from "../../../src/models/kernels";
import { bbpTopEigenvalue, TRACY_WIDOM_1_MEAN, wishartEdge } from "../../../src/theory/sampleCovariance";
import { mean, stderr } from "../../../src/stats";
import * as la from "../../../src/linalg";

test("gapRatioEnsembles: one mean per matrix, GOE above Poisson; reproducible", () => {
  const o = { goeSize: 40, goeCount: 20, wishartCount: 10, wishartN: 100, wishartD: 40, poissonLevels: 200, poissonCount: 10, trim: 0.1, rng: new Rng(1) };
  const e = gapRatioEnsembles(o);
  assert.equal(e.goe.means.length, 20);
  assert.equal(e.poisson.means.length, 10);
  assert.ok(mean(e.goe.means) - mean(e.poisson.means) > 10 * Math.hypot(stderr(e.goe.means), stderr(e.poisson.means)));
  assert.deepEqual(gapRatioEnsembles({ ...o, rng: new Rng(1) }).wishart.means, e.wishart.means);
});

test("disjointSubsetSpectra: subsets are disjoint blocks of rows; gaussianSampleSpectra: one spectrum per seed", () => {
  const X = { rows: 90, cols: 4, data: new Rng(2).normals(360) };
  const s = disjointSubsetSpectra(X, [20, 45], 3);
  assert.deepEqual(s.map((r) => r.spectra.length), [3, 2]);
  // the second block of 45 rows is rows 45..89
  const tail = disjointSubsetSpectra({ rows: 45, cols: 4, data: X.data.slice(45 * 4) }, [45], 1)[0].spectra[0];
  assert.deepEqual(Array.from(s[1].spectra[1]), Array.from(tail));
  assert.throws(() => disjointSubsetSpectra(X, [100], 2), /exceeds/);
  const sp = gaussianSampleSpectra({ factor: la.matrix(3, 3, [1, 0, 0, 0, 2, 0, 0, 0, 3]), n: 50, seeds: 2, rng: new Rng(3) });
  assert.equal(sp.length, 2);
  assert.ok(sp[0][0] >= sp[0][1] && sp[0][1] >= sp[0][2]);
});

test("spikedTopEigenvalues: a strong spike separates where BBP puts it", () => {
  const r = spikedTopEigenvalues({ n: 400, p: 100, spikes: [1, 4], seeds: 6, rng: new Rng(4) });
  const strong = r[1].top;
  assert.ok(Math.abs(mean(strong) - bbpTopEigenvalue(4, 0.25)) < 5 * stderr(strong) + 0.05, `top ${mean(strong)} vs ${bbpTopEigenvalue(4, 0.25)}`);
  assert.ok(mean(r[1].overlap) > 0.7 && mean(r[0].overlap) < 0.2);
});

test("wishartTopEigenvalues: Tracy-Widom (beta = 1) fluctuations in Johnstone's units; reproducible, one per trial", () => {
  const o = { n: 200, p: 60, trials: 300, rng: new Rng(8) };
  const top = wishartTopEigenvalues(o);
  assert.equal(top.length, 300);
  assert.deepEqual(wishartTopEigenvalues({ ...o, trials: 3, rng: new Rng(8) }), top.slice(0, 3));
  const e = wishartEdge(200, 60);
  const tw = top.map((l) => (l - e.center) / e.scale);
  // s.e. about 0.07; the beta = 2 mean (-1.77) would be 8 s.e. away
  assert.ok(Math.abs(mean(tw) - TRACY_WIDOM_1_MEAN) < 4 * stderr(tw), `TW mean ${mean(tw)} ± ${stderr(tw)}`);
  assert.throws(() => wishartTopEigenvalues({ ...o, trials: 0 }), /trials/);
});

test("kernelSpectrum and mnistKernelStudy: eigenvalues sum to trace/N, label power to |y|^2/N; one row per seed and variant", () => {
  const X = { rows: 30, cols: 3, data: new Rng(5).normals(90) };
  const y = new Rng(6).normals(30);
  const s = kernelSpectrum(laplaceKernel(X, X, 1), y);
  const sum = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum(s.eigenvalues) - 1) < 1e-9, "Laplace K(x,x) = 1: trace / N = 1");
  assert.ok(Math.abs(sum(s.targetPower) - sum(Array.from(y, (v) => v * v)) / 30) < 1e-9);
  for (let k = 1; k < 30; k++) assert.ok(s.eigenvalues[k] <= s.eigenvalues[k - 1]);
  const st = mnistKernelStudy({ ns: [40, 80], nTest: 60, seeds: 2, rng: new Rng(7), spectrumN: 80, variants: [{ kernel: "laplace", scale: 1 }, { kernel: "rbf", scale: 1, ns: [80] }] });
  assert.equal(st.variants[0].mse.length, 2);
  assert.equal(st.variants[1].mse[0].length, 1);
  assert.equal(st.spectrum!.eigenvalues[1].length, 80);
  assert.ok(st.variants[0].mse[0][1] < 1.2, "ridgeless Laplace regression of +-1 labels");
});
