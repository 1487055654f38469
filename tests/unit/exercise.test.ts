import { test } from "node:test";
import assert from "node:assert/strict";
import * as check from "../../src/check";
import { diagnose, exerciseTolerance, resetExercises } from "../../src/exercise";
import { setTextSink } from "../../src/show";

function capture(fn: () => void): string[] {
  const seen: string[] = [];
  const prev = setTextSink((t) => seen.push(t));
  try { fn(); } finally { setTextSink(prev); }
  return seen;
}

const wrong = [{ value: 0.0228, why: "that is the one-sided tail P(z > 2); |mean|/se exceeds 2 on either side" }];

test("a right answer passes and is recorded apart from the chapter's checks", () => {
  check.reset();
  resetExercises();
  const out = capture(() => assert.equal(check.exercise("00-3", 0.0455, 0.0455, { atol: 5e-4, wrong }), true));
  assert.match(out[0], /^✔ exercise 00-3: right: 0\.0455 \(expected 0\.0455 ± 5\.000e-4\)/);
  assert.equal(check.history().length, 0, "an exercise is not one of the chapter's checks");
  assert.deepEqual(check.exerciseHistory().map((r) => r.verdict), ["right"]);
});

test("in a chapter a wrong or missing answer throws; in student mode it prints the hint and never throws", () => {
  resetExercises();
  assert.throws(() => capture(() => check.exercise("00-3", 0.0228, 0.0455, { atol: 5e-4, wrong })), check.CheckFailure);
  assert.throws(() => capture(() => check.exercise("00-3", undefined, 0.0455, { atol: 5e-4 })), /no answer/);
  check.studentMode();
  const out = capture(() => {
    assert.equal(check.exercise("00-3", 0.0228, 0.0455, { atol: 5e-4, wrong }), false);
    check.exercise("00-3", undefined, 0.0455, { atol: 5e-4 });
    check.exercise("00-3", "about 5%", 0.0455, { atol: 5e-4 });
    check.exercise("00-3", 0.04, 0.0455, {}); // no tolerance: the check's own mistake, still no throw
  });
  assert.match(out[0], /✘ exercise 00-3: 0\.0228 is not right: that is the one-sided tail/);
  assert.match(out[1], /no answer yet/);
  assert.match(out[2], /a string is not right: the answer must be a number/);
  assert.match(out[3], /could not run: .*give a tolerance/);
  resetExercises();
});

test("generic hints: a factor 2, a power of ten, the sign, the order of magnitude", () => {
  assert.equal(diagnose(1, 2, 0.01), "half the expected value: a factor 2 is missing");
  assert.equal(diagnose(4, 2, 0.01), "twice the expected value: a factor 2 too many");
  assert.match(diagnose(200, 2, 0.01)!, /factor 10\^2/);
  assert.match(diagnose(-2, 2, 0.01)!, /sign is wrong/);
  assert.match(diagnose(2.5, 2, 0.01)!, /right order of magnitude, but 25% too large/);
  assert.equal(diagnose(100.5, 2, 0.01), null);
  // a known wrong answer wins over the generic diagnosis
  const r = check.judgeExercise("11-3", 32, 34, { atol: 0.5, wrong: [{ value: 32, why: "you computed tr H/λmax; m* adds 2" }] });
  assert.equal(r.hint, "you computed tr H/λmax; m* adds 2");
});

test("the tolerance of a measured expected value is zMax standard errors", () => {
  assert.equal(exerciseTolerance(10, { se: 0.5 }), 1.5);
  assert.equal(exerciseTolerance(10, { se: 0.5, zMax: 2, atol: 0.1 }), 1.1);
  assert.ok(Math.abs(exerciseTolerance(10, { rtol: 0.01 }) - 0.1) < 1e-15);
  assert.throws(() => exerciseTolerance(10, {}), RangeError);
  const inside = check.judgeExercise("x-1", 11.4, 10, { se: 0.5 }), outside = check.judgeExercise("x-1", 11.6, 10, { se: 0.5 });
  assert.equal(inside.verdict, "right");
  assert.equal(outside.verdict, "wrong");
});
