import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dataFile, genlabRoot, parseCsv } from "../../src/data/files";
import { dropHighestLosses, hoffmannFigure4Available, hoffmannFigure4Runs, HOFFMANN_FIGURE4_CSV, parseHoffmannRuns } from "../../src/data/hoffmannRuns";

// The CSV is a third party's file and is not committed: these tests read it where the lab looks for
// it (data/ or ../shared/data/) and are skipped, saying so, where it is not there.
const noFile = hoffmannFigure4Available() ? false : `Hoffmann et al.'s Figure 4 CSV is not at ${HOFFMANN_FIGURE4_CSV()} (data/hoffmann2022-figure4/SOURCE.md)`;

const header = "x,y,color,Model Size,Training FLOP,hex_color,loss";

test("the CSV is found from the project root, whatever the working directory", { skip: noFile }, () => {
  const before = process.cwd();
  try {
    process.chdir(os.tmpdir());
    const file = HOFFMANN_FIGURE4_CSV();
    assert.ok([dataFile("hoffmann2022-figure4", "svg_extracted_data.csv"), path.join(genlabRoot(), "..", "shared", "data", "hoffmann2022-figure4", "svg_extracted_data.csv"), process.env.GENLAB_HOFFMANN_CSV].includes(file), file);
    const runs = hoffmannFigure4Runs();
    assert.equal(runs.length, 245);
    for (const r of runs) {
      assert.ok(r.N > 1e7 && r.N < 2e10, `N = ${r.N}`);
      assert.ok(Math.abs(r.D - r.C / (6 * r.N)) <= 1e-9 * r.D);
      assert.ok(r.L > 1.5 && r.L < 6, `L = ${r.L}`);
    }
    assert.ok(fs.existsSync(dataFile("hoffmann2022-figure4", "SOURCE.md")), "the provenance file is in the project");
  } finally {
    process.chdir(before);
  }
});

test("Besiroglu et al.'s selection drops exactly the five highest losses", { skip: noFile }, () => {
  const runs = hoffmannFigure4Runs();
  const kept = dropHighestLosses(runs, 5);
  assert.equal(kept.length, 240);
  const maxKept = Math.max(...kept.map((r) => r.L));
  const dropped = runs.filter((r) => !kept.includes(r));
  assert.equal(dropped.length, 5);
  for (const r of dropped) assert.ok(r.L > maxKept);
  assert.throws(() => dropHighestLosses(runs, 245), /cannot drop/);
});

test("the loader parses a well-formed file and derives D = C / 6N", () => {
  const runs = parseHoffmannRuns(`${header}\n1,2,#fff,1e9,6e19,#fff,2.5\n\n3,4,#000,2e9,1.2e20,#000,2.4\n`);
  assert.deepEqual(runs.map((r) => r.D), [1e10, 1e10]);
  assert.deepEqual(runs.map((r) => r.L), [2.5, 2.4]);
});

test("the loader rejects malformed files with errors that say what and where", () => {
  assert.throws(() => parseHoffmannRuns("", "f.csv"), /f\.csv: empty file/);
  assert.throws(() => parseHoffmannRuns(`${header}\n`, "f.csv"), /f\.csv: no data rows/);
  assert.throws(() => parseHoffmannRuns("Model Size,loss\n1e9,2.5\n", "f.csv"), /f\.csv: no column "Training FLOP"/);
  assert.throws(() => parseHoffmannRuns(`${header}\n1,2,#fff,1e9,6e19,#fff\n`, "f.csv"), /f\.csv, line 2: 6 fields, but the header has 7/);
  assert.throws(() => parseHoffmannRuns(`${header}\n1,2,#fff,1e9,abc,#fff,2.5\n`, "f.csv"), /data row 1: column "Training FLOP" holds "abc", not a finite number/);
  assert.throws(() => parseHoffmannRuns(`${header}\n1,2,#fff,1e9,6e19,#fff,\n`, "f.csv"), /column "loss" holds ""/);
  assert.throws(() => parseHoffmannRuns(`${header}\n1,2,#fff,-1e9,6e19,#fff,2.5\n`, "f.csv"), /data row 1: N = -1000000000.*must be positive/);
  assert.throws(() => parseCsv(`a,b\n"1",2\n`, "q.csv"), /q\.csv, line 2: quoted fields are not supported/);
  assert.throws(() => hoffmannFigure4Runs(path.join(os.tmpdir(), "no-such-genlab-file.csv")), /not found/);
});
