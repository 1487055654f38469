import { test } from "node:test";
import assert from "node:assert/strict";
import { tailParticipationRank as bigRK, effectiveRanks, tailTraceRank as rK } from "../../src/theory/effectiveRank";

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test("isotropic spectrum: r_0 = R_0 = d and r_k = R_k = d - k", () => {
  const s = new Float64Array(50).fill(3);
  close(rK(s, 0), 50);
  close(bigRK(s, 0), 50);
  close(rK(s, 10), 40);
  close(bigRK(s, 10), 40);
});

test("two-level spectrum (k spikes of 1, D bath of eps): closed forms", () => {
  const k = 5, D = 1000, eps = 0.01;
  const s = new Float64Array(k + D);
  s.fill(eps);
  s.fill(1, 0, k); // order must not matter: sorting is internal
  s.reverse();
  close(rK(s, 0), k + D * eps);
  close(bigRK(s, 0), (k + D * eps) ** 2 / (k + D * eps * eps));
  close(rK(s, k), D);
  close(bigRK(s, k), D);
  const e = effectiveRanks(s, 200, 1);
  // r_0..r_4 = (k - j + D eps) / 1 = 15 - j < 200, r_5 = D = 1000 >= 200
  assert.equal(e.kStar, k);
  close(e.RKStar, D);
  close(e.varianceScale, k / 200 + 200 / D);
});

test("k* = d when no tail is long enough", () => {
  const e = effectiveRanks([1, 0.5, 0.25], 100);
  assert.equal(e.kStar, 3);
  assert.ok(Number.isNaN(e.RKStar));
});
