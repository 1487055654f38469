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

test("a check run again (a re-run cell) counts once in the summary, with its latest result", () => {
  check.reset();
  capture(() => {
    check.close("section A: slope", -0.52, -0.5, { atol: 0.1 });
    check.z("section B: risk", 1.03, 0.02, 1.0);
    // the reader re-runs section A's cell: a new value for the same check
    check.close("section A: slope", -0.47, -0.5, { atol: 0.1 });
  });
  const h = check.history();
  assert.equal(h.length, 2);
  assert.deepEqual(h.map((r) => r.name), ["section A: slope", "section B: risk"], "first-run order is kept");
  assert.equal(h[0].measured, "-0.47", "the latest value replaces the old one");
  const out = capture(() => check.summary());
  assert.match(out[0], /^2\/2 checks passed\n/);
  assert.equal(out[0].split("section A").length - 1, 1, "section A listed once");
  assert.doesNotMatch(out[0], /-0\.52/);
});

test("a check that failed and then passes on a re-run leaves a passing summary (and the reverse fails)", () => {
  check.reset();
  assert.throws(() => capture(() => check.close("flaky", 2, 1, { atol: 0.1 })), check.CheckFailure);
  capture(() => check.close("flaky", 1.05, 1, { atol: 0.1 }));
  capture(() => check.summary());
  assert.throws(() => capture(() => check.close("flaky", 3, 1, { atol: 0.1 })), check.CheckFailure);
  assert.throws(() => capture(() => check.summary()), /1 check\(s\) failed/);
});

test("records carry the expected value, the tolerance and the margin apart", () => {
  check.reset();
  capture(() => {
    check.close("c", 1.04, 1, { rtol: 0.1 });
    check.z("z", 1.03, 0.02, 1.0, { gap: 0.01, gapWhy: "finite n" });
    check.inInterval("i", 0.5, [0.4, 0.7], { level: 0.95 });
  });
  const [c, z, i] = check.history();
  assert.equal(c.target, "1");
  assert.equal(c.tolerance, "± 10%");
  assert.equal(z.target, "1");
  assert.match(z.tolerance!, /^3 s\.e\. \(0\.06\) \+ 0\.01 \(finite n\)$/);
  assert.ok(Math.abs(z.marginSe! - (0.06 + 0.01 - 0.03) / 0.02) < 1e-9);
  assert.equal(i.margin, "0.67 half-widths");
});
