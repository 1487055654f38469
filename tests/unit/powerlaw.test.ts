import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import { fitPowerLaw, fitPowerLawOffset, bootstrapPowerLaw, fitSpectrum, localSlopes } from "../../src/fit/powerlaw";
import { bootstrap, percentileInterval, normalQuantile } from "../../src/stats";

test("exact power law and power law with floor are recovered exactly", () => {
  const x = [10, 20, 40, 80, 160, 320];
  const f = fitPowerLaw(x, x.map((t) => 3 * t ** -0.7));
  assert.ok(Math.abs(f.a - 0.7) < 1e-12 && Math.abs(f.A - 3) < 1e-10 && f.r2 > 0.999999);
  const g = fitPowerLawOffset(x, x.map((t) => 0.05 + 2 * t ** -0.6));
  assert.ok(Math.abs(g.a - 0.6) < 1e-6, `a ${g.a}`);
  assert.ok(Math.abs(g.c - 0.05) < 1e-6 && Math.abs(g.A - 2) < 1e-5);
  const s = fitSpectrum(Array.from({ length: 100 }, (_, i) => (i + 1) ** -1.5).reverse(), 5, 80);
  assert.ok(Math.abs(s.decay - 1.5) < 1e-12 && Math.abs(s.a - 0.5) < 1e-12, "decay = 1 + a");
  const ls = localSlopes(Array.from({ length: 100 }, (_, i) => (i + 1) ** -1.5), 5, 90);
  assert.ok(ls.slope.every((v) => Math.abs(v - 1.5) < 1e-12) && ls.rank.length > 3);
  assert.throws(() => fitPowerLaw([1, 2], [1, -1]), /positive/);
});

test("noisy synthetic data: the bootstrap interval covers the true exponent (both fits)", () => {
  const rng = new Rng(5);
  const x: number[] = [], y: number[] = [], y2: number[] = [];
  for (const n of [16, 32, 64, 128, 256, 512, 1024]) for (let r = 0; r < 4; r++) {
    x.push(n);
    y.push(n ** -0.5 * Math.exp(0.1 * rng.normal()));
    y2.push((0.02 + n ** -0.8) * Math.exp(0.05 * rng.normal()));
  }
  const b = bootstrapPowerLaw(x, y, { B: 400, rng: new Rng(1) });
  assert.ok(b.ci[0] <= 0.5 && 0.5 <= b.ci[1], `CI ${b.ci}`);
  assert.ok(b.ci[1] - b.ci[0] < 0.1, `CI ${b.ci} too wide`);
  assert.ok(Math.abs(b.fit.a - 0.5) < 0.05);
  const b2 = bootstrapPowerLaw(x, y2, { B: 150, rng: new Rng(2), offset: true });
  assert.ok(b2.ci[0] <= 0.8 && 0.8 <= b2.ci[1], `offset CI ${b2.ci}`);
  const same = bootstrapPowerLaw(x, y, { B: 50, rng: new Rng(1) });
  const again = bootstrapPowerLaw(x, y, { B: 50, rng: new Rng(1) });
  assert.deepEqual(Array.from(same.draws), Array.from(again.draws));
});

test("generic bootstrap of a mean and percentile intervals", () => {
  const data = new Rng(3).normals(400, 1, 2);
  const r = bootstrap((rng) => { let s = 0; for (let i = 0; i < 400; i++) s += data[rng.int(400)]; return s / 400; }, { B: 300, rng: new Rng(4) });
  // standard error 0.1: the 95% interval has width about 0.39
  assert.ok(r.ci[1] - r.ci[0] > 0.3 && r.ci[1] - r.ci[0] < 0.5, `ci ${r.ci}`);
  assert.ok(r.se > 0.08 && r.se < 0.12, `se ${r.se}`);
  assert.deepEqual(percentileInterval([1, 2, 3, 4, 5], 0.5), [2, 4]);
});

import { bootstrapCurveExponent, bootstrapSpectrumFit } from "../../src/fit/powerlaw";
import { covarianceSpectrum, toeplitzPowerLawCovariance, gaussianWithFactor } from "../../src/data/correlated";
import * as la from "../../src/linalg";

test("normal quantiles", () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963985) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.001) + 3.090232306) < 1e-8);
  assert.equal(normalQuantile(0.5), 0);
});

test("seed-bootstrap of a learning-curve exponent covers the truth", () => {
  const rng = new Rng(8), ns = [16, 32, 64, 128, 256];
  const errors = Array.from({ length: 12 }, () => { const f = Math.exp(0.3 * rng.normal()); return ns.map((n) => f * n ** -0.7 * Math.exp(0.05 * rng.normal())); });
  const b = bootstrapCurveExponent(ns, errors, { B: 300, rng: new Rng(1) });
  assert.ok(b.ci[0] <= 0.7 && 0.7 <= b.ci[1] && b.ci[1] - b.ci[0] < 0.1, `CI ${b.ci}`);
  assert.equal(b.mean.length, ns.length);
});

test("Toeplitz power-law covariance: spectrum exponent ~ beta; half-sample interval has a sensible width", () => {
  const d = 200, beta = 1.5;
  const C = toeplitzPowerLawCovariance(d, beta);
  assert.ok(Math.abs(C.data[0] - 1) < 1e-12 && Math.abs(C.data[1] - C.data[d + 2]) < 1e-15);
  const pop = la.eigvalsh(C).reverse();
  const f = fitSpectrum(pop, 5, 60);
  assert.ok(Math.abs(f.decay - beta) < 0.1, `population rate ${f.decay}`);
  const X = gaussianWithFactor(1600, la.cholesky(C), new Rng(2));
  const spec = (M: { rows: number; cols: number; data: Float64Array }) => covarianceSpectrum(M, { center: false });
  const hs = bootstrapSpectrumFit(X, spec, 5, 60, { B: 30, rng: new Rng(3) });
  // independent estimate of the standard error: spread over 4 disjoint quarters, scaled to the full size
  const q = [0, 1, 2, 3].map((k) => fitSpectrum(spec({ rows: 400, cols: d, data: X.data.slice(k * 400 * d, (k + 1) * 400 * d) }), 5, 60).decay);
  const m = q.reduce((s, v) => s + v, 0) / 4, sdQ = Math.sqrt(q.reduce((s, v) => s + (v - m) ** 2, 0) / 3);
  assert.ok(hs.se > sdQ / 2 / 4 && hs.se < (sdQ / 2) * 4, `half-sample se ${hs.se} vs quarter-based ${sdQ / 2}`);
  assert.ok(hs.ci[0] < hs.fit.decay && hs.fit.decay < hs.ci[1]);
  assert.ok(Math.abs(hs.fit.decay - f.decay) < 0.1);
});

test("half-sample standard error: the spread of half-samples is the full sample's standard error (no sqrt 2)", () => {
  // A "spectrum" whose fitted decay rate is exactly 1 + (mean of column 0): the statistic is a sample
  // mean, whose standard error sd / sqrt(n) is known. The half-sample spread must reproduce it; the
  // earlier version divided it by sqrt 2 (ratio 0.71) and its 95% intervals covered about 82%.
  const n = 400;
  const X = { rows: n, cols: 1, data: new Rng(11).normals(n, 0, 2) };
  const spec = (M: { rows: number; cols: number; data: Float64Array }) => {
    let m = 0;
    for (let i = 0; i < M.rows; i++) m += M.data[i] / M.rows;
    return Array.from({ length: 12 }, (_, i) => (i + 1) ** -(1 + m));
  };
  const hs = bootstrapSpectrumFit(X, spec, 1, 12, { B: 400, rng: new Rng(12) });
  let mean = 0;
  for (const v of X.data) mean += v / n;
  let ss = 0;
  for (const v of X.data) ss += (v - mean) ** 2;
  const seTrue = Math.sqrt(ss / (n - 1) / n);
  assert.ok(Math.abs(hs.fit.decay - (1 + mean)) < 1e-9);
  // 400 draws estimate a standard deviation to about 3.5%: allow 12% (3.4 of those), far from 0.71
  assert.ok(Math.abs(hs.se / seTrue - 1) < 0.12, `half-sample se ${hs.se} vs sd/sqrt(n) ${seTrue} (ratio ${hs.se / seTrue})`);
  const z = normalQuantile(0.975);
  assert.ok(Math.abs(hs.ci[1] - hs.ci[0] - 2 * z * hs.se) < 1e-12);
});

test("half-sample intervals cover at their nominal level over independent data sets (and the old /sqrt 2 ones do not)", () => {
  // 240 independent Toeplitz data sets: the nominal 95% interval around each estimate must contain the
  // mean of the estimates about 95% of the time (the estimates' own bias is common to all of them)
  const d = 40, n = 300, D = 240;
  const L = la.cholesky(toeplitzPowerLawCovariance(d, 1.5));
  const spec = (M: { rows: number; cols: number; data: Float64Array }) => covarianceSpectrum(M, { center: false });
  const est: number[] = [], se: number[] = [];
  for (const r of new Rng(99).forks("data", D)) {
    const h = bootstrapSpectrumFit(gaussianWithFactor(n, L, r.fork("x")), spec, 4, 30, { B: 40, rng: r.fork("half-samples") });
    est.push(h.fit.decay); se.push(h.se);
  }
  const m = est.reduce((s, v) => s + v, 0) / D;
  const cover = (f: number) => est.filter((e, i) => Math.abs(e - m) <= 1.96 * se[i] * f).length / D;
  // binomial sd of a coverage of 0.95 over 240 data sets: 0.014
  assert.ok(cover(1) > 0.9 && cover(1) < 0.99, `coverage ${cover(1)}`);
  assert.ok(cover(Math.SQRT1_2) < 0.9, `the old intervals (/sqrt 2) cover ${cover(Math.SQRT1_2)}`);
});
