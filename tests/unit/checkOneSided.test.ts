import { test } from "node:test";
import assert from "node:assert/strict";
import * as check from "../../src/check";

test("zNotAbove / zNotBelow: pass within zMax standard errors on the allowed side, fail beyond, record the margin", () => {
  check.reset();
  check.zNotAbove("a small positive statistic", 0.02, 0.01, 0);       // z = 2
  check.zNotAbove("a negative statistic", -0.5, 0.01, 0);             // far on the allowed side
  assert.throws(() => check.zNotAbove("a peak", 0.04, 0.01, 0), check.CheckFailure);   // z = 4 > 3
  check.zNotBelow("mirror", -0.02, 0.01, 0);
  assert.throws(() => check.zNotBelow("mirror fails", -0.05, 0.01, 0, { zMax: 2 }), check.CheckFailure);
  const h = check.history();
  assert.ok(Math.abs(h[0].marginSe! - 1) < 1e-12 && Math.abs(h[1].marginSe! - 53) < 1e-9 && h[2].marginSe! < 0 && !h[2].passed);
  assert.throws(() => check.zNotAbove("bad se", 1, 0, 0), RangeError);
  check.reset();
});
