/** Chapter 09's replication helpers and chapter 07's residual-mode thresholds, on small sizes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/random";
import { logResiduals, residualCurvature, residualsByBin, runsForIntervalWidth } from "../../../src/experiments/chinchillaReplication";
import { catapultModeThresholds } from "../../../src/experiments/catapultModes";
import { chinchillaLoss } from "../../../src/theory/scalingLaws";
import { chinchilla } from "../../../src/theory/publishedLaws";

test("runsForIntervalWidth: n (w / target)^2, with w the central interval of the draws", () => {
  const rng = new Rng(1);
  const draws = Array.from({ length: 4000 }, () => 0.5 + 0.02 * rng.normal());
  const r = runsForIntervalWidth(draws, 240, 0.001, { rng: new Rng(2), level: 0.8 });
  // 80% interval of N(0, 0.02^2): 2 x 1.2816 x 0.02 = 0.05126
  assert.ok(Math.abs(r.width - 0.05126) < 4 * 0.05126 * r.lnSe / 2, `width ${r.width}`);
  assert.ok(Math.abs(r.runsNeeded / (240 * (r.width / 0.001) ** 2) - 1) < 1e-12);
  assert.ok(r.lnSe > 0 && r.lnSe < 0.1, `lnSe ${r.lnSe}`);
  assert.throws(() => runsForIntervalWidth(draws.slice(0, 5), 240, 0.001, { rng: new Rng(3) }), /at least 20/);
});

test("residuals: zero on the law itself, grouped by bins; the curvature sees a parabola and not a line", () => {
  const law = chinchilla.unrounded;
  const runs = [1e8, 3e8, 1e9, 3e9].flatMap((N) => [2e9, 2e10, 2e11].map((D) => ({ N, D, L: chinchillaLoss(law, N, D) })));
  assert.ok(Math.max(...logResiduals(runs, law).map(Math.abs)) < 1e-12);
  const res = runs.map((r) => Math.log(r.D / r.N) * 0.01);
  const bins = residualsByBin(runs, res, (r) => r.N, [1e8, 1e9, 1e10]);
  assert.deepEqual(bins.map((b) => b.count), [6, 6]);
  const rng = new Rng(4);
  const x = Array.from({ length: 200 }, () => 4 * rng.normal());
  const parabola = residualCurvature(x, x.map((v) => 0.002 * v * v + 0.001 * rng.normal()), { rng: new Rng(5), B: 300 });
  assert.ok(Math.abs(parabola.curvature - 0.002) < 4 * parabola.se, `curvature ${parabola.curvature} ± ${parabola.se}`);
  const line = residualCurvature(x, x.map((v) => 0.01 * v + 0.001 * rng.normal()), { rng: new Rng(6), B: 300 });
  assert.ok(Math.abs(line.curvature) < 4 * line.se, `line curvature ${line.curvature} ± ${line.se}`);
});

test("catapult thresholds: a residual in the top NTK mode diverges at eta lambda0 = 4 (solvable two-layer linear model)", async () => {
  const res = await catapultModeThresholds({
    spec: { inputDim: 3, hidden: [512], activation: "linear", parameterization: "ntk", bias: false }, task: { n: 6, d: 3 }, seed: 0,
    modes: [[0]], bracket: [3, 6], resolution: 0.05, steps: 200, rng: new Rng(7),
  });
  assert.equal(res.modeCurvatures.length, 3, "a linear network's NTK has the rank of the inputs");
  // shares of the task residual in the modes: the part outside the inputs' span (the teacher's nonlinear part) is in none
  const inSpan = res.taskShares.reduce((a, b) => a + b, 0);
  assert.ok(res.taskShares.every((v) => v >= 0) && inSpan <= 1 + 1e-9, `shares ${res.taskShares}`);
  const top = res.thresholds.find((t) => t.residual !== "task")!;
  // finite width 512: the threshold moves by O(|r| / sqrt(width)); the bracket is 0.05 wide
  assert.ok(top.bracket[0] > 3.8 && top.bracket[1] < 4.2, `top-mode bracket ${top.bracket}`);
  const task = res.thresholds.find((t) => t.residual === "task")!;
  assert.ok(task.bracket[1] >= top.bracket[0], `task ${task.bracket} vs top ${top.bracket}`);
});
