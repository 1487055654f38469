import { test } from "node:test";
import assert from "node:assert/strict";
import * as check from "../../src/check";
import { setTextSink } from "../../src/show";
import { Rng } from "../../src/random";

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

test("check.z: passes within zMax standard errors plus the stated gap, prints z and the margin", () => {
  check.reset();
  const out = capture(() => check.z("risk", 1.03, 0.02, 1.0, { zMax: 3 }));
  assert.match(out[0], /✔ risk: measured 1\.03 ± 0\.02 s\.e\. \(z = 1\.50\); expected 1 within 3 s\.e\.; margin 1\.50 s\.e\./);
  assert.ok(Math.abs(check.history()[0].marginSe! - 1.5) < 1e-9);
  capture(() => check.z("with gap", 1.10, 0.02, 1.0, { gap: 0.05, gapWhy: "finite n" }));
  assert.throws(() => capture(() => check.z("too far", 1.10, 0.02, 1.0)), check.CheckFailure);
  assert.throws(() => check.z("no se", 1, 0, 1), /standard error must be a positive/);
});

test("check.z fails under a plausible mistake: a factor sqrt 2, a wrong exponent, a wrong constant", () => {
  // a Monte-Carlo mean of 400 draws of N(mu, 1): se = 0.05
  const rng = new Rng(2);
  const x: number[] = Array.from(rng.normals(400, 1, 1));
  const m = x.reduce((s, v) => s + v, 0) / 400, se = 0.05;
  capture(() => check.z("right constant", m, se, 1));
  assert.throws(() => capture(() => check.z("off by sqrt 2", m, se, Math.SQRT2)), check.CheckFailure);
  assert.throws(() => capture(() => check.z("wrong exponent (mean^2 vs 1.5)", m * m, 2 * se, 1.5)), check.CheckFailure);
  assert.throws(() => capture(() => check.z("constant off by 25%", m, se, 1.25)), check.CheckFailure);
});

test("check.zAbove / zBelow / inInterval", () => {
  const out = capture(() => {
    check.zAbove("ratio above 1", 1.5, 0.1, 1);
    check.zBelow("error below 0.1", 0.05, 0.01, 0.1);
    check.inInterval("exponent", 0.5, [0.45, 0.6], { estimate: 0.52, level: 0.95 });
  });
  assert.match(out[0], /z = 5\.00; margin 2\.00 s\.e\./);
  assert.match(out[2], /estimate 0\.52, 95% interval \[0\.45, 0\.6\]; expected contains 0\.5 \(margin 0\.67 half-widths\)/);
  assert.throws(() => capture(() => check.zAbove("not significant", 1.2, 0.1, 1)), check.CheckFailure);
  assert.throws(() => capture(() => check.inInterval("outside", 0.7, [0.45, 0.6])), check.CheckFailure);
});

test("check.skip records a size-gated check as skipped: listed in the summary, neither passed nor failed", () => {
  check.reset();
  const out = capture(() => {
    check.close("slope", -0.52, -0.5, { atol: 0.1 });
    check.skip("exponent vs 4/d", "decided at the full size only");
    check.summary();
  });
  assert.equal(out[1], "– exponent vs 4/d: skipped (decided at the full size only)");
  assert.match(out[2], /^1\/1 checks passed, 1 skipped at this size\n✔ slope: .*\n– exponent vs 4\/d: skipped: decided at the full size only$/);
  assert.equal(check.history()[1].skipped, true);
  assert.throws(() => check.skip("no reason", " "), /give the reason/);
});
