import { test } from "node:test";
import assert from "node:assert/strict";
import { weightedLine } from "../../src/fit/line";
import { Rng } from "../../src/random";

test("weightedLine: exact on a line; the intercept's standard error matches its scatter over noisy repeats", () => {
  const f = weightedLine([1, 2, 4], [3, 5, 9], [0.1, 0.2, 0.3]);
  assert.ok(Math.abs(f.intercept - 1) < 1e-12 && Math.abs(f.slope - 2) < 1e-12 && f.chi2 < 1e-20 && f.dof === 1);
  // 2000 noisy repeats: the spread of the fitted intercepts equals the reported standard error (within 5%)
  const x = [0.005, 0.01, 0.02, 0.04], se = [0.01, 0.007, 0.007, 0.008];
  const rng = new Rng(1);
  const ints: number[] = [];
  let reported = 0;
  for (let r = 0; r < 2000; r++) {
    const y = x.map((v, i) => 0.3 + 2 * v + se[i] * rng.normal());
    const fit = weightedLine(x, y, se);
    ints.push(fit.intercept);
    reported = fit.interceptSe;
  }
  const m = ints.reduce((s, v) => s + v, 0) / ints.length;
  const sd = Math.sqrt(ints.reduce((s, v) => s + (v - m) ** 2, 0) / (ints.length - 1));
  assert.ok(Math.abs(sd / reported - 1) < 0.05, `scatter ${sd} vs reported ${reported}`);
  assert.ok(Math.abs(m - 0.3) < 4 * sd / Math.sqrt(2000));
  assert.throws(() => weightedLine([1, 1], [1, 2], [1, 1]), /not all be equal/);
});
