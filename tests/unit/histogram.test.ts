import { test } from "node:test";
import assert from "node:assert/strict";
import { histogramVsDensity, normalQuantile } from "../../src/stats";
import { mpDensity, mpEdges } from "../../src/theory/marchenkoPastur";
import { Rng } from "../../src/random";

test("histogramVsDensity: counts, expected counts and binomial errors on a hand example", () => {
  const h = histogramVsDensity([0.1, 0.2, 0.6, 0.7, 0.8, 1.5, -1], () => 0.5, [0, 1, 2], { points: 10 });
  // open ends: -1 joins the first bin; the uniform density on [0, 2] puts half the mass in each bin
  assert.deepEqual(h.bins.map((b) => b.count), [6, 1]);
  assert.equal(h.total, 7);
  assert.ok(Math.abs(h.mass - 1) < 1e-12);
  assert.ok(Math.abs(h.bins[0].expected - 3.5) < 1e-12 && Math.abs(h.bins[0].se - Math.sqrt(7 * 0.25)) < 1e-12);
  assert.ok(Math.abs(h.bins[0].z - 2.5 / Math.sqrt(1.75)) < 1e-12 && Math.abs(h.maxAbsZ - h.bins[0].z) < 1e-12);
  assert.ok(Math.abs(h.zThreshold - normalQuantile(1 - 0.00135 / 2)) < 1e-12);
  // closed ends leave out what is outside
  const c = histogramVsDensity([0.1, 0.2, 0.6, 0.7, 0.8, 1.5, -1], () => 0.5, [0, 1, 2], { openEnds: false });
  assert.equal(c.total, 6);
  assert.throws(() => histogramVsDensity([1], () => 1, [0, 0]), /increase/);
});

test("histogramVsDensity: draws from a density pass; a density off by a factor fails by many s.e.", () => {
  // uniform draws on [0, 1] in 10 bins: over 50 repetitions max |z| exceeds the Bonferroni threshold rarely
  const rng = new Rng(3);
  let over = 0;
  for (let rep = 0; rep < 50; rep++) {
    const x = Array.from({ length: 2000 }, () => rng.uniform());
    const edges = Array.from({ length: 11 }, (_, i) => i / 10);
    const h = histogramVsDensity(x, (t) => (t >= 0 && t <= 1 ? 1 : 0), edges);
    if (h.maxAbsZ > h.zThreshold) over++;
    if (rep === 0) {
      const off = histogramVsDensity(x, () => 0.5, edges); // half the density: every bin twice its expectation
      assert.ok(off.maxAbsZ > 3 * off.zThreshold, `${off.maxAbsZ}`); // z about 10 per bin
    }
  }
  assert.ok(over <= 2, `${over} of 50 over the threshold`);
});

test("histogramVsDensity: the Marchenko-Pastur density integrates to one over its support (square-root edges)", () => {
  for (const q of [0.1, 0.3, 0.8]) {
    const [lo, hi] = mpEdges({ q });
    const edges = Array.from({ length: 21 }, (_, i) => lo + ((hi - lo) * i) / 20);
    const h = histogramVsDensity([1], (x) => mpDensity(x, { q }), edges);
    assert.ok(Math.abs(h.mass - 1) < 1e-4, `q = ${q}: mass ${h.mass}`);
  }
});
