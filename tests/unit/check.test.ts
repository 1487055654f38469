import { test } from "node:test";
import assert from "node:assert/strict";
import * as check from "../../src/check";
import { setTextSink } from "../../src/show";

function capture(fn: () => void): string[] {
  const seen: string[] = [];
  const prev = setTextSink((t) => seen.push(t));
  try { fn(); } finally { setTextSink(prev); }
  return seen;
}

test("passing checks print measured vs expected with the tolerance", () => {
  check.reset();
  const out = capture(() => {
    check.close("slope", -0.52, -0.5, { atol: 0.1 });
    check.close("risk", 1.04, 1, { rtol: 0.1 });
    check.between("argmax", 200, 180, 220);
    check.below("train error", 1e-12, 1e-8);
    check.above("accuracy", 0.99, 0.98);
    check.decreasing("risk vs bath", [1, 0.8, 0.81, 0.5], 0.05);
    check.that("peak removed", true, "max 0.3 at P=n");
  });
  assert.equal(out.length, 7);
  assert.match(out[0], /✔ slope: measured -0\.52; expected -0\.5 ± 0\.1/);
  assert.match(out[1], /expected 1 ± 10%/);
  assert.equal(check.history().length, 7);
});

test("failing checks print the line and throw CheckFailure", () => {
  check.reset();
  let out: string[] = [];
  assert.throws(() => { out = capture(() => check.close("slope", -0.3, -0.5, { atol: 0.1 })); }, check.CheckFailure);
  assert.throws(() => capture(() => check.decreasing("risk", [1, 0.5, 0.9], 0.05)), /risk/);
  assert.throws(() => capture(() => check.between("nan", NaN, 0, 1)), /not a number/);
  assert.throws(() => check.close("bad tol", 1, 1, {}), /positive rtol/);
  assert.throws(() => capture(() => check.summary()), /2 check\(s\) failed/);
  void out;
});
