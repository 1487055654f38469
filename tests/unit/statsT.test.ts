import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import { batchMeans, std, tCdf, tQuantile, zMaxForSeeds, normalQuantile } from "../../src/stats";

test("Student t: CDF and quantiles against tabulated values; zMaxForSeeds", () => {
  assert.ok(Math.abs(tQuantile(0.975, 1) - 12.7062047) < 1e-6);
  assert.ok(Math.abs(tQuantile(0.975, 5) - 2.5705818) < 1e-6);
  assert.ok(Math.abs(tQuantile(0.995, 10) - 3.1692727) < 1e-6);
  assert.ok(Math.abs(tCdf(-2, 4) - 0.0580583) < 1e-6);
  assert.ok(Math.abs(tQuantile(0.975, 1e6) - normalQuantile(0.975)) < 1e-4);
  assert.ok(Math.abs(zMaxForSeeds(4) - 9.2189) < 1e-3 && zMaxForSeeds(30) > 3 && zMaxForSeeds(30) < 3.4);
});

test("batchMeans: the standard error of a correlated sequence (AR(1), rho = 0.5) is right; the naive one is too small", () => {
  const rng = new Rng(1), means: number[] = [], ses: number[] = [], naive: number[] = [];
  for (let r = 0; r < 400; r++) {
    const x: number[] = [];
    let prev = 0;
    for (let i = 0; i < 400; i++) { prev = 0.5 * prev + rng.normal(); x.push(prev); }
    const b = batchMeans(x, 20);
    means.push(b.mean); ses.push(b.se); naive.push(std(x) / Math.sqrt(x.length));
  }
  const truth = std(means), avg = (v: number[]) => v.reduce((s, y) => s + y, 0) / v.length;
  assert.ok(Math.abs(avg(ses) / truth - 1) < 0.15, `batch se ${avg(ses)} vs spread of means ${truth}`);
  assert.ok(avg(naive) / truth < 0.7, `naive se ${avg(naive)} should be well below ${truth}`);
  assert.throws(() => batchMeans([1, 2, 3], 2), /at least 2 batches/);
});
