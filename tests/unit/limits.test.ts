import { test } from "node:test";
import assert from "node:assert/strict";
import { bootstrapLimit, fitLimit, richardsonLimit } from "../../src/fit/limits";
import { Rng } from "../../src/random";

test("fitLimit recovers c and b of y = c + b x^-p exactly; bootstrapLimit's interval covers c for noisy seeds", () => {
  const x = [16, 64, 256, 1024, 4096];
  const f = fitLimit(x, x.map((v) => 0.3 + 2 * v ** -0.5));
  assert.ok(Math.abs(f.c - 0.3) < 1e-12 && Math.abs(f.b - 2) < 1e-12);
  const g = fitLimit(x, x.map((v) => -1 + 5 * v ** -0.75), 0.75);
  assert.ok(Math.abs(g.c + 1) < 1e-12 && Math.abs(g.b - 5) < 1e-12);
  assert.throws(() => fitLimit([1, 1], [1, 2]), /two distinct x/);
  // 20 seeds with noise of sd 0.05 at every x: the limit's standard error is about 0.05 / sqrt(20) times a leverage factor
  const rng = new Rng(4);
  const rows = Array.from({ length: 20 }, () => x.map((v) => 0.3 + 2 * v ** -0.5 + 0.05 * rng.normal()));
  const b = bootstrapLimit(x, rows, { rng: rng.fork("boot"), B: 400 });
  assert.ok(b.se > 0.005 && b.se < 0.05, `se ${b.se}`);
  assert.ok(b.ci[0] < 0.3 && 0.3 < b.ci[1], `interval ${b.ci}`);
  assert.ok(Math.abs(b.fit.c - 0.3) < 4 * b.se);
  assert.throws(() => bootstrapLimit(x, rows, { rng: undefined as unknown as Rng }), /pass \{ rng \}/);
});

test("richardsonLimit: exact for y = c + b/x; with a 1/x² term its change exceeds its own remainder and shrinks with the sizes", () => {
  const e = richardsonLimit([1e4, 1e5, 1e6], [1e4, 1e5, 1e6].map((x) => 0.2 + 3 / x) as [number, number, number]);
  assert.ok(Math.abs(e.limit - 0.2) < 1e-14 && e.change < 1e-14, JSON.stringify(e));
  // the chapter's two-point formula y2 - (y1 - y2) / 9 for sizes 10^5, 10^6
  const y: [number, number, number] = [0.7, 0.5, 0.45];
  assert.ok(Math.abs(richardsonLimit([1e4, 1e5, 1e6], y).limit - (0.45 - 0.05 / 9)) < 1e-15);
  assert.ok(Math.abs(richardsonLimit([1e4, 1e5, 1e6], y).coarser - (0.5 - 0.2 / 9)) < 1e-15);
  for (const x0 of [10, 100]) {
    const xs: [number, number, number] = [x0, 10 * x0, 100 * x0];
    const r = richardsonLimit(xs, xs.map((x) => 1 + 2 / x + 50 / (x * x)) as [number, number, number]);
    assert.ok(Math.abs(r.limit - 1) < r.change / 5, `x0 = ${x0}: remainder ${r.limit - 1}, change ${r.change}`);
  }
  // p = 1/2: the line in x^-1/2
  const h = richardsonLimit([4, 16, 64], [4, 16, 64].map((x) => -1 + 2 / Math.sqrt(x)) as [number, number, number], 0.5);
  assert.ok(Math.abs(h.limit + 1) < 1e-14);
  assert.throws(() => richardsonLimit([1, 1, 2], [1, 2, 3]), /0 < x0 < x1 < x2/);
  assert.throws(() => richardsonLimit([1, 2, 3], [1, NaN, 3]), /finite/);
});
