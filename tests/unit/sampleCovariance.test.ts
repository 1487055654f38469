import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import * as la from "../../src/linalg";
import { whiteData } from "../../src/data/correlated";
import { mpCdf, mpDensity } from "../../src/theory/marchenkoPastur";
import { bbpOverlap, bbpThreshold, bbpTopEigenvalue, sampleSpectrum, sampleSpectrumQuantiles, silversteinStieltjes, wishartEdge } from "../../src/theory/sampleCovariance";

test("deterministic equivalent: a flat population gives Marchenko-Pastur (density and CDF)", () => {
  for (const [q, s2] of [[0.1, 1], [0.5, 2], [2.5, 1]]) {
    const sp = sampleSpectrum(new Float64Array(200).fill(s2), q);
    let worstD = 0, worstF = 0;
    for (let i = 0; i < sp.x.length; i += 7) {
      worstD = Math.max(worstD, Math.abs(sp.density[i] - mpDensity(sp.x[i], { q, variance: s2 })) * s2); // relative to the density scale 1/s2
      worstF = Math.max(worstF, Math.abs(sp.cdf[i] - mpCdf(sp.x[i], { q, variance: s2 })));
    }
    assert.ok(worstD < 0.01, `q=${q}: density off by ${worstD}`);
    assert.ok(worstF < 2e-3, `q=${q}: cdf off by ${worstF}`);
    assert.ok(Math.abs(sp.atom - Math.max(0, 1 - 1 / q)) < 1e-12);
  }
  // the Stieltjes solution satisfies Silverstein's equation
  const t = [1, 4], q = 0.3, m = silversteinStieltjes(2, 1e-6, t, q);
  const z = { re: 2, im: 1e-6 };
  let sr = 0, si = 0;
  for (const tj of t) { const ar = 1 + tj * m.re, ai = tj * m.im, den = ar * ar + ai * ai; sr += (tj * ar) / den; si -= (tj * ai) / den; }
  const mm = m.re * m.re + m.im * m.im;
  assert.ok(Math.abs(-m.re / mm + (q * sr) / 2 - z.re) < 1e-9 && Math.abs(m.im / mm + (q * si) / 2 - z.im) < 1e-9 && m.im > 0);
});

test("deterministic equivalent vs simulation: a two-level population at q = 0.4 (mean log-eigenvalue by window, 12 samples)", () => {
  const p = 200, n = 500, pop = Float64Array.from({ length: p }, (_, i) => (i < p / 2 ? 5 : 1));
  const cls = sampleSpectrumQuantiles(sampleSpectrum(pop, p / n), p);
  const wrong = sampleSpectrumQuantiles(sampleSpectrum(pop, (1.1 * p) / n), p);
  const windows: [number, number][] = [[1, 50], [51, 100], [101, 150], [151, 200]];
  const meanLog = (ev: ArrayLike<number>, [a, b]: [number, number]) => { let s = 0; for (let i = a; i <= b; i++) s += Math.log(ev[i - 1]); return s / (b - a + 1); };
  const sims = new Rng(9).forks("s", 12).map((r) => {
    const X = whiteData(n, p, r);
    for (let i = 0; i < n; i++) for (let j = 0; j < p / 2; j++) X.data[i * p + j] *= Math.sqrt(5);
    const S = la.gram(X);
    for (let i = 0; i < S.data.length; i++) S.data[i] /= n;
    return la.eigvalsh(S).reverse();
  });
  let seenWrong = 0;
  for (const w of windows) {
    const v = sims.map((ev) => meanLog(ev, w));
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    const se = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1) / v.length);
    assert.ok(Math.abs(m - meanLog(cls, w)) < 4.5 * se, `window ${w}: sample ${m} ± ${se}, equivalent ${meanLog(cls, w)}`);
    if (Math.abs(m - meanLog(wrong, w)) > 4.5 * se) seenWrong++;
  }
  assert.ok(seenWrong >= 2, "a 10% error in q is visible in at least two windows");
});

test("BBP: threshold, outlier position and overlap; Johnstone's edge", () => {
  const q = 0.25;
  assert.equal(bbpThreshold(q), 1.5);
  assert.equal(bbpTopEigenvalue(1.2, q), 2.25); // below: the edge (1 + sqrt q)^2
  assert.ok(Math.abs(bbpTopEigenvalue(3, q) - 3 * (1 + 0.25 / 2)) < 1e-12);
  // continuity at the threshold: l(1 + sqrt q) = (1 + sqrt q)^2, overlap 0
  assert.ok(Math.abs(bbpTopEigenvalue(1.5 + 1e-12, q) - 2.25) < 1e-9 && bbpOverlap(1.5 + 1e-12, q) < 1e-9);
  assert.ok(Math.abs(bbpOverlap(3, q) - (1 - 0.25 / 4) / (1 + 0.25 / 2)) < 1e-12);
  const e = wishartEdge(1000, 300);
  assert.ok(e.mean < (1 + Math.sqrt(0.3)) ** 2 && e.mean > 2.3 && e.sd > 0);
});
