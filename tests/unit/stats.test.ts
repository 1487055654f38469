import { test } from "node:test";
import assert from "node:assert/strict";
import * as stats from "../../src/stats";
import { Rng } from "../../src/random";

test("descriptive statistics on a hand example", () => {
  const x = [2, 4, 4, 4, 5, 5, 7, 9];
  assert.equal(stats.mean(x), 5);
  assert.ok(Math.abs(stats.variance(x) - 32 / 7) < 1e-12);
  assert.ok(Math.abs(stats.stderr(x) - Math.sqrt(32 / 7 / 8)) < 1e-12);
  assert.equal(stats.median(x), 4.5);
  assert.equal(stats.quantile([1, 2, 3, 4, 5], 0.25), 2);
  assert.equal(stats.quantile([10, 0], 0.5), 5, "sorts a copy");
  assert.equal(stats.mse([1, 2], [1, 4]), 2);
  const s = stats.summarize(x);
  assert.equal(s.n, 8); assert.equal(s.min, 2); assert.equal(s.max, 9);
  const lm = stats.logMean([1, 100]);
  assert.ok(Math.abs(lm.geometricMean - 10) < 1e-12);
  assert.throws(() => stats.logMean([1, -1]), /positive/);
  assert.throws(() => stats.variance([1]), /at least 2/);
  assert.throws(() => stats.quantile([1], 2), /q must be in/);
  assert.equal(stats.sumOf([1e16, 1, -1e16]), 1, "compensated summation keeps the 1");
});

test("perPoint summarises each point of a curve over seeds", () => {
  const p = stats.perPoint([[1, 10], [3, 30]]);
  assert.deepEqual(p.mean, [2, 20]);
  assert.deepEqual(p.median, [2, 20]);
  assert.ok(Math.abs(p.se[0] - 1) < 1e-12);
  assert.throws(() => stats.perPoint([[1], [1, 2]]), /run 1 has 2 points/);
});

test("the standard error is right: over 2000 samples of 20 normals, |mean| < 1.96 se about 95% of the time", () => {
  const rng = new Rng(1);
  let inside = 0;
  const K = 2000;
  for (let k = 0; k < K; k++) {
    const x = rng.normals(20);
    // the t quantile for 19 degrees of freedom, 2.093: with 1.96 the coverage would be about 93.5%
    if (Math.abs(stats.mean(x)) < 2.093 * stats.stderr(x)) inside++;
  }
  const cover = inside / K, se = Math.sqrt(0.95 * 0.05 / K);
  assert.ok(Math.abs(cover - 0.95) < 4 * se, `coverage ${cover}`);
});

test("normal CDF and quantile are inverse; two-sided p-values", () => {
  for (const p of [0.001, 0.025, 0.3, 0.5, 0.9, 0.999]) assert.ok(Math.abs(stats.normalCdf(stats.normalQuantile(p)) - p) < 2e-7 * Math.max(1, p / (1 - p)));
  assert.ok(Math.abs(stats.normalQuantile(0.975) - 1.959963985) < 1e-8);
  assert.ok(Math.abs(stats.twoSidedP(1.959963985) - 0.05) < 1e-6);
  assert.equal(stats.zScore(3, 0.5, 2), 2);
  assert.throws(() => stats.zScore(1, 0, 0), /positive/);
});

test("bootstrap of a mean: its s.e. matches sd/sqrt(n), reproducible from the rng", () => {
  const data = new Rng(3).normals(400, 1, 2);
  const b = stats.bootstrapMean(data, { rng: new Rng(4), B: 500 });
  assert.ok(Math.abs(b.se / stats.stderr(data) - 1) < 0.15, `bootstrap se ${b.se} vs ${stats.stderr(data)}`);
  assert.ok(b.ci[0] < b.estimate && b.estimate < b.ci[1]);
  assert.deepEqual(Array.from(stats.bootstrapMean(data, { rng: new Rng(4), B: 50 }).draws), Array.from(stats.bootstrapMean(data, { rng: new Rng(4), B: 50 }).draws));
  assert.throws(() => stats.bootstrap(() => 0, {} as never), /rng/);
});

test("bootstrapDraws: forked resamples depend on their index alone; sequential ones share one stream", () => {
  const forked = stats.bootstrapDraws((r) => r.uniform(), { rng: new Rng(5), B: 4 });
  assert.deepEqual(forked, [0, 1, 2, 3].map((b) => new Rng(5).fork(`boot ${b}`).uniform()));
  // a draw that consumes more numbers moves no other forked draw
  const greedy = stats.bootstrapDraws((r, b) => { if (b === 1) r.normals(10); return r.uniform(); }, { rng: new Rng(5), B: 4 });
  assert.equal(greedy[2], forked[2]);
  assert.deepEqual(stats.bootstrapDraws((r) => r.uniform(), { rng: new Rng(5), B: 3, label: "resample" }), [0, 1, 2].map((b) => new Rng(5).fork(`resample ${b}`).uniform()));
  const g = new Rng(6), seq = [g.uniform(), g.uniform(), g.uniform()];
  assert.deepEqual(stats.bootstrapDraws((r) => r.uniform(), { rng: new Rng(6), B: 3, streams: "sequential" }), seq);
  const seen: number[] = [];
  stats.bootstrapDraws(() => 0, { rng: new Rng(1), B: 3, onProgress: (p) => seen.push(p.done) });
  assert.deepEqual(seen, [1, 2, 3]);
  assert.throws(() => stats.bootstrapDraws(() => 0, { rng: new Rng(1), B: 1 }), /B must/);
  assert.throws(() => stats.bootstrapDraws(() => 0, { rng: new Rng(1), B: 3, streams: "other" as never }), /streams/);
});

test("resampleIndices draws rng.int(n) in turn; intervalOfDraws leaves out undefined draws and counts them", () => {
  const g = new Rng(8);
  assert.deepEqual(Array.from(stats.resampleIndices(new Rng(8), 7)), Array.from({ length: 7 }, () => g.int(7)));
  assert.equal(stats.resampleIndices(new Rng(8), 3, 10).length, 10);
  const iv = stats.intervalOfDraws([3, NaN, 1, 2, Infinity, 4]);
  assert.equal(iv.dropped, 2);
  assert.deepEqual(Array.from(iv.draws), [1, 2, 3, 4]);
  assert.ok(Math.abs(iv.se - stats.std([1, 2, 3, 4])) < 1e-15);
  assert.throws(() => stats.intervalOfDraws([NaN]), /no finite/);
  assert.ok(Number.isNaN(stats.intervalOfDraws([2]).se));
});

test("bootstrapUnits resamples whole units (seeds): the s.e. of a mean of seed means is their s.e.", () => {
  const seeds = Array.from({ length: 40 }, (_, s) => new Rng(20 + s).normals(5, 1, 1));
  const meanOf = (pick: Float64Array[]) => stats.mean(pick.map((r) => stats.mean(r)));
  const b = stats.bootstrapUnits(seeds, meanOf, { rng: new Rng(9), B: 800 });
  assert.equal(b.estimate, meanOf(seeds));
  const se = stats.stderr(seeds.map((r) => stats.mean(r)));
  // the bootstrap s.e. of a mean is sqrt((n-1)/n) times the usual one, up to the resampling noise of B = 800 (about 2.5%)
  assert.ok(Math.abs(b.se / (se * Math.sqrt(39 / 40)) - 1) < 0.08, `bootstrap s.e. ${b.se} vs ${se}`);
  assert.throws(() => stats.bootstrapUnits([seeds[0]], meanOf, { rng: new Rng(1) }), /at least 2/);
});
