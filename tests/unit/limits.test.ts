import { test } from "node:test";
import assert from "node:assert/strict";
import { bootstrapLimit, fitLimit } from "../../src/fit/limits";
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
