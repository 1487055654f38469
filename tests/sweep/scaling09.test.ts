/**
 * Chapter 09's scaling study through the sweep runner: the point notebook over the chapter's quick grid
 * (one width per point) on two real local Jupyter servers, two kernels at once. The runs it records
 * are bit for bit the runs the study trains in one process, and the chapter executed with
 * `scalingSweep` set to the sweep's folder prints exactly the checks it prints when it trains them
 * itself. The cache is off everywhere (GENLAB_NO_CACHE=1), so every number is trained, not read back.
 */
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Rng } from "../../src/random";
import { manifoldStudyConfig, scalingRunsFromSweep, scalingStudy } from "../../src/experiments/scalingStudy";
import { csvRows, okLines, readJson, runSweepCli } from "./helpers";
import { runCli } from "../runner/helpers";

const pointNb = path.join("notebooks", "points", "09-scaling-point.ipynb");
const chapter = path.join("notebooks", "09-scaling-laws.ipynb");
// the chapter's quick size: its parameters cell, with quick = true
const quickCfg = manifoldStudyConfig({ manifoldDim: 4, sigma: 0.1, widths: [8, 16, 32, 64, 128], budgets: [100, 200, 400, 800], batch: 256, lr: 0.02, seeds: 1 });
const studyRng = () => new Rng(0).fork("scaling study");
const env = { ...process.env, GENLAB_NO_CACHE: "1" };

let tmp: string;
before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-sweep09-")); });
after(() => { if (!process.env.GENLAB_KEEP_TEST_FILES) fs.rmSync(tmp, { recursive: true, force: true }); });

/** Every check an executed notebook printed (its name, measured value, expectation, verdict). */
function checksOf(file: string): unknown[] {
  const nb = readJson(file) as { cells: Array<{ outputs?: Array<{ metadata?: { genlab_check?: unknown } }> }> };
  return nb.cells.flatMap((c) => (c.outputs ?? []).map((o) => o.metadata?.genlab_check).filter((r) => r !== undefined));
}

test("chapter 09's quick grid as a sweep over two local servers gives the in-process runs bit for bit, and the chapter the same checks", { timeout: 900_000 }, async () => {
  const out = path.join(tmp, "sweep");
  const r = await runSweepCli([pointNb, "--grid", "notebooks/points/09-scaling-quick.json", "--out", out, "--local", "2", "--workers", "2"], { env });
  const all = r.stdout + r.stderr;
  assert.equal(r.code, 0, all);
  assert.equal(okLines(all).length, 5, all);
  assert.equal(csvRows(out).length, 5);
  console.log(`sweep of 5 points, 2 servers x 1 kernel: ${(r.ms / 1000).toFixed(1)} s`);

  const fromSweep = scalingRunsFromSweep(out, quickCfg, studyRng());
  const inProcess = await scalingStudy(quickCfg, { rng: studyRng(), cache: false });
  assert.equal(inProcess.length, 20);
  assert.deepEqual(fromSweep, inProcess, "the sweep's runs are the in-process runs, bit for bit");

  // a sweep run with other parameters, or over other widths, is refused with the reason
  assert.throws(() => scalingRunsFromSweep(out, { ...quickCfg, lr: 0.01 }, studyRng()), /ran another study than this one/);
  assert.throws(() => scalingRunsFromSweep(out, quickCfg, new Rng(1).fork("scaling study")), /ran another study than this one/);
  assert.throws(() => scalingRunsFromSweep(out, { ...quickCfg, widths: [8, 16] }, studyRng()), /12 run\(s\) this study does not/);
  assert.throws(() => scalingRunsFromSweep(out, { ...quickCfg, widths: [8, 16, 32, 64, 128, 256] }, studyRng()), /no run seed 0, width 256/);

  // the chapter itself, both ways: every check identical (names, measured values, verdicts)
  const here = await runCli("nb", [chapter, "-p", "quick=true", "--out", path.join(tmp, "here")], { env });
  assert.equal(here.code, 0, here.stdout + here.stderr);
  const swept = await runCli("nb", [chapter, "-p", "quick=true", "-p", `scalingSweep=${JSON.stringify(out)}`, "--out", path.join(tmp, "swept")], { env });
  assert.equal(swept.code, 0, swept.stdout + swept.stderr);
  const a = checksOf(path.join(tmp, "here", "09-scaling-laws.ipynb"));
  const b = checksOf(path.join(tmp, "swept", "09-scaling-laws.ipynb"));
  assert.ok(a.length >= 20, `${a.length} checks`);
  assert.deepEqual(b, a);
});
