import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/random";
import { effectiveData, fitEffectiveData, bootstrapEffectiveData, heldOutPenalty, repetitionPenalty, FreshRun, RepeatedRun } from "../../../src/fit/effectiveData";

test("effectiveData: one epoch is U, small R counts almost fully, large R saturates at U (1 + R*)", () => {
  assert.equal(effectiveData(100, 1, 5), 100);
  assert.ok(Math.abs(effectiveData(100, 1.01, 5) - 101) < 1e-2);
  assert.ok(Math.abs(effectiveData(100, 1e6, 5) - 600) < 1e-9);
  assert.throws(() => effectiveData(100, 0.5, 5), /epochs/);
});

function synthetic(rStar: number, seeds: number, noise: number, rng: Rng): { fresh: FreshRun[][]; repeated: RepeatedRun[][] } {
  const L = (D: number) => 0.05 + 3 * D ** -0.5;
  const fresh: FreshRun[][] = [], repeated: RepeatedRun[][] = [];
  for (let s = 0; s < seeds; s++) {
    const r = rng.fork(`seed ${s}`), f: FreshRun[] = [], q: RepeatedRun[] = [];
    for (const U of [100, 400]) for (const e of [1, 2, 4, 8, 16, 32]) {
      f.push({ data: U * e, loss: L(U * e) * Math.exp(noise * r.normal()) });
      q.push({ unique: U, epochs: e, loss: L(effectiveData(U, e, rStar)) * Math.exp(noise * r.normal()) });
    }
    fresh.push(f); repeated.push(q);
  }
  return { fresh, repeated };
}

test("fitEffectiveData recovers a known R* exactly without noise, and its bootstrap interval covers it with noise", () => {
  const exact = synthetic(6, 1, 0, new Rng(1));
  const f = fitEffectiveData(exact.fresh[0], exact.repeated[0]);
  assert.ok(Math.abs(f.rStar - 6) / 6 < 1e-4, `R* ${f.rStar}`);
  assert.ok(Math.abs(f.law.a - 0.5) < 1e-4);
  const noisy = synthetic(6, 6, 0.02, new Rng(2));
  const b = bootstrapEffectiveData(noisy.fresh, noisy.repeated, { rng: new Rng(3), B: 200, predictAt: [{ unique: 200, epochs: 8 }] });
  assert.ok(b.rStarCI[0] <= 6 && 6 <= b.rStarCI[1], `CI ${b.rStarCI}`);
  // and the interval is informative: it excludes a factor-3 wrong R*
  assert.ok(b.rStarCI[1] < 18 && b.rStarCI[0] > 2, `CI ${b.rStarCI}`);
  const truth = 0.05 + 3 * effectiveData(200, 8, 6) ** -0.5;
  assert.ok(b.predictionCI[0][0] <= truth && truth <= b.predictionCI[0][1], `prediction CI ${b.predictionCI[0]} vs ${truth}`);
});

test("heldOutPenalty: a held-out budget drawn from the law agrees with it, one drawn with another R* does not; 0 at one epoch", () => {
  const L = (D: number) => 0.05 + 3 * D ** -0.5, epochs = [1, 2, 4, 8, 16, 32];
  const seeds = 8, noisy = synthetic(6, seeds, 0.02, new Rng(4));
  const held = (rStar: number, rng: Rng) => {
    const repeated: number[][] = [], fresh: number[][] = [];
    for (let s = 0; s < seeds; s++) {
      const r = rng.fork(`seed ${s}`), luck = Math.exp(0.2 * r.normal());   // a seed's luck, shared by its two runs
      fresh.push(epochs.map((e) => L(200 * e) * luck * Math.exp(0.02 * r.normal())));
      repeated.push(epochs.map((e, k) => (e === 1 ? fresh[s][k] : L(effectiveData(200, e, rStar)) * luck * Math.exp(0.02 * r.normal()))));
    }
    return { unique: 200, epochs, repeated, fresh };
  };
  const good = heldOutPenalty(noisy.fresh, noisy.repeated, held(6, new Rng(5)), { rng: new Rng(6), B: 200 });
  assert.equal(good.seeds, seeds);
  assert.equal(good.points[0].measured, 0);
  assert.equal(good.points[0].predicted, 0);
  for (const p of good.points.slice(1)) assert.ok(Math.abs(p.measured - p.predicted) < 4 * p.se && p.se < 0.03, JSON.stringify(p));
  const bad = heldOutPenalty(noisy.fresh, noisy.repeated, held(2, new Rng(5)), { rng: new Rng(6), B: 200 });
  const last = bad.points[bad.points.length - 1];
  assert.ok((last.measured - last.predicted) / last.se > 6, JSON.stringify(last));
  const f = fitEffectiveData(noisy.fresh.flat(), noisy.repeated.flat());
  assert.equal(repetitionPenalty(f, 300, 1), 0);
  assert.ok(repetitionPenalty(f, 300, 32) > repetitionPenalty(f, 300, 4));
});
