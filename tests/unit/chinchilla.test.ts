import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import { approach2Exponent, bootstrapChinchilla, bootstrapStatistic, chinchillaStationarity, fitChinchilla, huberObjective, isoflopMinimum, polishChinchilla, ScalingRun } from "../../src/fit/chinchilla";
import { chinchillaLoss, computeOptimal, isoflopProfile } from "../../src/theory/scalingLaws";
import { chinchilla as published } from "../../src/theory/publishedLaws";

const truth = published.unrounded;

/** Runs on IsoFLOP slices around the true optimum, with multiplicative noise of `noise` (log scale). */
function synthetic(rng: Rng, noise: number, budgets = [1e18, 3e18, 1e19, 3e19, 1e20, 3e20, 1e21]): ScalingRun[] {
  const runs: ScalingRun[] = [];
  for (const C of budgets) {
    const n0 = computeOptimal(truth, C).N;
    for (let k = -3; k <= 3; k++) {
      const N = n0 * Math.exp(0.5 * k), D = C / (6 * N);
      runs.push({ N, D, L: chinchillaLoss(truth, N, D) * Math.exp(noise * rng.normal()) });
    }
  }
  return runs;
}

const smallGrid = { alpha: [0.2, 0.5, 1], beta: [0.2, 0.5, 1], e: [-1, 0, 1], a: [0, 5, 10], b: [0, 5, 10] };

test("the Huber objective's gradient matches finite differences", () => {
  const runs = synthetic(new Rng(1), 0.02);
  for (const delta of [1e-3, 1]) {
    const f = huberObjective(runs, delta);
    const x = Float64Array.from([6, 6.1, 0.5, 0.35, 0.3]);
    const g = new Float64Array(5), gg = new Float64Array(5);
    f(x, g);
    for (let k = 0; k < 5; k++) {
      const h = 1e-6, xp = Float64Array.from(x), xm = Float64Array.from(x);
      xp[k] += h; xm[k] -= h;
      const num = (f(xp, gg) - f(xm, gg)) / (2 * h);
      assert.ok(Math.abs(num - g[k]) <= 1e-5 * Math.max(1, Math.abs(num)), `delta ${delta}, component ${k}: ${g[k]} vs ${num}`);
    }
  }
});

test("noise-free runs: approach 3 recovers the law exactly", () => {
  const runs = synthetic(new Rng(2), 0);
  const fit = fitChinchilla(runs, { grid: smallGrid });
  for (const k of ["alpha", "beta"] as const) assert.ok(Math.abs(fit.law[k] - truth[k]) < 1e-4, `${k} ${fit.law[k]}`);
  for (const k of ["E", "A", "B"] as const) assert.ok(Math.abs(fit.law[k] / truth[k] - 1) < 1e-3, `${k} ${fit.law[k]}`);
  assert.ok(fit.rmsLogResidual < 1e-6);
});

test("noisy runs: the truth lies inside the bootstrap intervals, and the frontier exponent is recovered", () => {
  const runs = synthetic(new Rng(3), 0.01);
  const boot = bootstrapChinchilla(runs, { grid: smallGrid, rng: new Rng(4), B: 120 });
  for (const k of ["E", "A", "B", "alpha", "beta"] as const) {
    assert.ok(boot.ci[k][0] <= truth[k] && truth[k] <= boot.ci[k][1], `${k}: ${truth[k]} outside [${boot.ci[k]}]`);
    assert.ok(boot.se[k] > 0);
  }
  const a = bootstrapStatistic(boot, (l) => l.beta / (l.alpha + l.beta));
  const aTrue = truth.beta / (truth.alpha + truth.beta);
  assert.ok(a.ci[0] <= aTrue && aTrue <= a.ci[1], `a ${a.estimate} [${a.ci}] vs ${aTrue}`);
  // deterministic
  const again = bootstrapChinchilla(runs, { grid: smallGrid, rng: new Rng(4), B: 5, fit: boot.fit });
  const again2 = bootstrapChinchilla(runs, { grid: smallGrid, rng: new Rng(4), B: 5, fit: boot.fit });
  assert.deepEqual(again.draws, again2.draws);
});

test("averaging the Huber losses (Hoffmann et al.) stops L-BFGS at a worse optimum than summing (Besiroglu et al.)", () => {
  const runs = synthetic(new Rng(5), 0.005);
  const tol = { gtol: 1e-5, ftol: 2.2e-9 }; // scipy's L-BFGS-B defaults (pgtol, factr * machine epsilon)
  const sum = fitChinchilla(runs, { grid: smallGrid, lbfgs: tol });
  const mean = fitChinchilla(runs, { grid: smallGrid, reduce: "mean", lbfgs: tol });
  const summed = huberObjective(runs, 1e-3, "sum"), g = new Float64Array(5);
  const at = (t: typeof sum.theta): number => summed(Float64Array.from([t.a, t.b, t.e, t.alpha, t.beta]), g);
  assert.ok(at(mean.theta) > at(sum.theta) * 1.001, `summed objective: mean-fit ${at(mean.theta)} vs sum-fit ${at(sum.theta)}`);
});

test("IsoFLOP minimum of an exact parabola, and approach 2's exponent on the law's own profiles", () => {
  const Ns = [1e8, 2e8, 4e8, 8e8, 1.6e9];
  const u0 = Math.log(3e8);
  const Ls = Ns.map((N) => 2 + 0.1 * (Math.log(N) - u0) ** 2);
  const m = isoflopMinimum(1e20, Ns, Ls);
  assert.ok(Math.abs(m.NOpt / 3e8 - 1) < 1e-9 && Math.abs(m.LOpt - 2) < 1e-12 && Math.abs(m.curvature - 0.1) < 1e-12);
  assert.throws(() => isoflopMinimum(1, Ns, Ls.map((l) => -l)), /opens downwards/);
  // profiles of the true law, sampled narrowly around each optimum: approach 2 returns a = beta/(alpha+beta)
  const minima = [1e19, 1e20, 1e21, 1e22, 1e23].map((C) => {
    const n0 = computeOptimal(truth, C).N;
    const N = [-2, -1, 0, 1, 2].map((k) => n0 * Math.exp(0.05 * k));
    return isoflopMinimum(C, N, isoflopProfile(truth, C, N));
  });
  const a2 = approach2Exponent(minima);
  assert.ok(Math.abs(a2.a - truth.beta / (truth.alpha + truth.beta)) < 1e-4, `approach 2: a ${a2.a}`);
});

test("stationarity: a bootstrap on summed losses does not move when polished; one on averaged losses (L-BFGS stopped early) does", () => {
  const runs = synthetic(new Rng(5), 0.005);
  const summed = bootstrapChinchilla(runs, { grid: smallGrid, rng: new Rng(6), B: 20 });
  assert.equal(summed.samples.length, 20);
  for (const s of summed.samples) assert.equal(s.length, runs.length);
  const still = chinchillaStationarity(runs, summed);
  assert.ok(still.worst < 1e-3, `summed: worst move ${still.worst} s.e.`);
  const averaged = bootstrapChinchilla(runs, { grid: smallGrid, rng: new Rng(6), B: 20, reduce: "mean" });
  const moved = chinchillaStationarity(runs, averaged);
  assert.ok(moved.worst > 0.1, `averaged: worst move ${moved.worst} s.e.`);
  // polishing a converged optimum returns it
  const p = polishChinchilla(runs, summed.fit.law);
  for (const k of ["alpha", "beta"] as const) assert.ok(Math.abs(p[k] - summed.fit.law[k]) < 1e-6 * summed.se[k]);
  assert.throws(() => chinchillaStationarity(runs, { ...summed, samples: [] }), /samples/);
});
