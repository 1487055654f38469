/** The scaling studies of chapters 09 and 10 on small sizes: caching run by run, and the chapter-10 simulations. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Rng } from "../../../src/random";
import { scalingStudy, ScalingStudyConfig } from "../../../src/experiments/scalingStudy";
import { featureAveragedLoss, manifoldExponentStudy, pooledLearningCurve } from "../../../src/experiments/scalingTheory";
import { powerLawSpectrum, gaussianInputs } from "../../../src/data/gaussian";
import { isoflopRuns } from "../../../src/data/scalingRuns";
import { randomFeatureScalingPoint } from "../../../src/theory/randomFeatureScaling";
import { learningCurve } from "../../../src/theory/learningCurve";
import { computeOptimal, sameFrontierLaw, chinchillaLoss } from "../../../src/theory/scalingLaws";
import { chinchilla } from "../../../src/theory/publishedLaws";
import { bootstrapApproach2, isoflopGroups } from "../../../src/fit/chinchilla";
import { fitPowerLaw } from "../../../src/fit/powerlaw";

test("scaling study: every run is cached on its own; a rerun trains nothing, a grown grid only the new runs", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-scaling-"));
  const saved = process.env.GENLAB_CACHE_DIR;
  process.env.GENLAB_CACHE_DIR = dir;
  const logs: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => { logs.push(a.join(" ")); };
  try {
    const cfg: ScalingStudyConfig = { task: { d: 2, inputDim: 4, hidden: [8], sigma: 0.1 }, widths: [4, 8], steps: [5, 10], batch: 16, lr: 0.01, seeds: 1, testSize: 64 };
    const a = await scalingStudy(cfg, { rng: new Rng(1) });
    assert.equal(a.length, 4);
    assert.ok(a.every((r) => r.loss > 0.01 && Math.abs(r.loss - r.excess - 0.01) < 1e-9 && r.C === 6 * r.N * r.D && r.D === r.steps * 16));
    const b = await scalingStudy(cfg, { rng: new Rng(1) });
    assert.deepEqual(b, a, "a rerun returns the stored runs");
    const grown = await scalingStudy({ ...cfg, widths: [4, 8, 16] }, { rng: new Rng(1) });
    assert.equal(grown.length, 6);
    assert.deepEqual(grown.filter((r) => r.width !== 16), a, "the runs already done are reused unchanged");
    assert.match(logs[0], /0 of 4 runs reused/);
    assert.match(logs[1], /4 of 4 runs reused.*0 trained/);
    assert.match(logs[2], /4 of 6 runs reused.*2 trained/);
    // one width trained alone gives exactly the numbers it has when the whole grid is trained at once
    // (no cache): a sweep point of one width equals the in-process study bit for bit
    const whole = await scalingStudy({ ...cfg, widths: [4, 8, 16] }, { rng: new Rng(1), cache: false });
    for (const w of [4, 16]) {
      const alone = await scalingStudy({ ...cfg, widths: [w] }, { rng: new Rng(1), cache: false });
      assert.deepEqual(alone, whole.filter((r) => r.width === w), `width ${w} alone vs in the whole grid`);
    }
  } finally {
    console.log = log;
    if (saved === undefined) delete process.env.GENLAB_CACHE_DIR; else process.env.GENLAB_CACHE_DIR = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("synthetic IsoFLOP runs, their grouping, approach 2, and a law with the same frontier", () => {
  const law = chinchilla.unrounded;
  const runs = isoflopRuns(law, { budgets: [1e19, 1e20, 1e21], sizes: 7, spread: 0.6, sigma: 0, rng: new Rng(2) });
  assert.equal(runs.length, 21);
  runs.forEach((r) => assert.ok(Math.abs(6 * r.N * r.D / r.C - 1) < 1e-12 && Math.abs(r.L / chinchillaLoss(law, r.N, r.D) - 1) < 1e-12));
  const groups = isoflopGroups(runs, { minSize: 5 });
  assert.equal(groups.length, 3);
  const a2 = bootstrapApproach2(groups, { rng: new Rng(3), B: 20 });
  assert.ok(Math.abs(a2.a - law.beta / (law.alpha + law.beta)) < 0.01, `approach 2 on noiseless profiles: ${a2.a}`);
  const twin = sameFrontierLaw(law, 1.7, 1e20);
  for (const C of [1e15, 1e20, 1e25]) assert.ok(Math.abs(computeOptimal(twin, C).N / computeOptimal(law, C).N - 1) < 1e-10);
  assert.ok(Math.abs(computeOptimal(twin, 1e20).L - computeOptimal(law, 1e20).L) < 1e-10, "same frontier loss at the reference budget");
  assert.ok(Math.abs(twin.alpha - 1.7 * law.alpha) < 1e-15);
});

test("variance-limited in model size: the feature-averaged loss approaches the N -> infinity limit like 1/N", () => {
  const spec = powerLawSpectrum(400, 1);
  const r = featureAveragedLoss({ spectrum: spec, Ns: [64, 256], T: 8, seeds: 4, draws: 6, rng: new Rng(4) });
  const d = r.Ns.map((_, i) => r.loss.reduce((s, row, k) => s + row[i] - r.limit[k], 0) / r.loss.length);
  const th = r.Ns.map((N) => randomFeatureScalingPoint({ spectrum: spec, N, T: 8 }).relativeLoss - randomFeatureScalingPoint({ spectrum: spec, N: 1e15, T: 8 }).relativeLoss);
  assert.ok(d[0] > d[1] && d[1] > 0, `differences ${d}`);
  assert.ok(d[0] / d[1] > 2 && d[0] / d[1] < 8, `ratio ${d[0] / d[1]} (theory ${th[0] / th[1]})`);
});

test("pooled learning curve on Gaussian data follows the closed form of its spectrum", () => {
  const spec = powerLawSpectrum(60, 0.5);
  const X = gaussianInputs(4000, spec, new Rng(5));
  const ns = [8, 16, 32];
  const lc = pooledLearningCurve({ X, ns, seeds: 40, rng: new Rng(6) });
  assert.equal(lc.eigenvalues.length, 60);
  const tot = lc.eigenvalues.reduce((a, b) => a + b, 0);
  const th = learningCurve({ eigenvalues: lc.eigenvalues, targetPower: Array.from(lc.eigenvalues, (v) => v / tot) }, ns).map((p) => p.error);
  ns.forEach((_, i) => {
    const v = lc.errors.map((r) => r[i]);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const se = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1) / v.length);
    assert.ok(Math.abs(m - th[i]) < 4 * se + 0.1 * th[i], `n ${ns[i]}: ${m} ± ${se} vs ${th[i]}`);
  });
});

test("manifold exponent study: students of growing width fit a d = 1 teacher better, each from its own input block", async () => {
  const recs = await manifoldExponentStudy({ dims: [1, 2], task: { inputDim: 3, hidden: [16], cw: 1 }, widths: [4, 16], nTrain: 400, steps: 150, batch: 32, lr: 0.02, seeds: 1, testSize: 200 }, { rng: new Rng(7) });
  assert.equal(recs.length, 4);
  const d1 = recs.filter((r) => r.d === 1);
  assert.ok(d1[1].testLoss < d1[0].testLoss, JSON.stringify(recs));
  assert.ok(recs.every((r) => Number.isFinite(r.trainLoss) && r.N > 0));
  assert.ok(fitPowerLaw(d1.map((r) => r.N), d1.map((r) => r.testLoss)).a > 0);
});
