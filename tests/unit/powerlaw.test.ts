import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import { fitPowerLaw, fitPowerLawOffset, bootstrapPowerLaw, fitSpectrum, bootstrap, percentileInterval } from "../../src/fit/powerlaw";

test("exact power law and power law with floor are recovered exactly", () => {
  const x = [10, 20, 40, 80, 160, 320];
  const f = fitPowerLaw(x, x.map((t) => 3 * t ** -0.7));
  assert.ok(Math.abs(f.a - 0.7) < 1e-12 && Math.abs(f.A - 3) < 1e-10 && f.r2 > 0.999999);
  const g = fitPowerLawOffset(x, x.map((t) => 0.05 + 2 * t ** -0.6));
  assert.ok(Math.abs(g.a - 0.6) < 1e-6, `a ${g.a}`);
  assert.ok(Math.abs(g.c - 0.05) < 1e-6 && Math.abs(g.A - 2) < 1e-5);
  const s = fitSpectrum(Array.from({ length: 100 }, (_, i) => (i + 1) ** -1.5).reverse(), 5, 80);
  assert.ok(Math.abs(s.a - 1.5) < 1e-12);
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
  const b = bootstrapPowerLaw(x, y, { B: 400, seed: 1 });
  assert.ok(b.aCI[0] <= 0.5 && 0.5 <= b.aCI[1], `CI ${b.aCI}`);
  assert.ok(b.aCI[1] - b.aCI[0] < 0.1, `CI ${b.aCI} too wide`);
  assert.ok(Math.abs(b.fit.a - 0.5) < 0.05);
  const b2 = bootstrapPowerLaw(x, y2, { B: 150, seed: 2, offset: true });
  assert.ok(b2.aCI[0] <= 0.8 && 0.8 <= b2.aCI[1], `offset CI ${b2.aCI}`);
  const same = bootstrapPowerLaw(x, y, { B: 50, seed: 1 });
  const again = bootstrapPowerLaw(x, y, { B: 50, seed: 1 });
  assert.deepEqual(Array.from(same.draws), Array.from(again.draws));
});

test("generic bootstrap of a mean and percentile intervals", () => {
  const data = new Rng(3).normals(400, 1, 2);
  const r = bootstrap((rng) => { let s = 0; for (let i = 0; i < 400; i++) s += data[rng.int(400)]; return s / 400; }, { B: 300, seed: 4 });
  // standard error 0.1: the 95% interval has width about 0.39
  assert.ok(r.ci[1] - r.ci[0] > 0.3 && r.ci[1] - r.ci[0] < 0.5, `ci ${r.ci}`);
  assert.deepEqual(percentileInterval([1, 2, 3, 4, 5], 0.5), [2, 4]);
});
