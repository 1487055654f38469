import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chapters, chapterTimes, experimentTable, readChapter } from "../../src/catalogue";
import * as experiments from "../../src/experiments";

test("the record of chapter times lists exactly the chapters in notebooks/ (run node scripts/chapter-times.js to sync it)", () => {
  const files = chapters().map((c) => c.file).sort();
  const recorded = Object.keys(chapterTimes().chapters).sort();
  assert.deepEqual(recorded, files);
  for (const t of Object.values(chapterTimes().chapters)) {
    assert.ok(t.fullSeconds === null || t.fullSeconds > 0);
    assert.ok(t.quickSeconds === null || t.quickSeconds > 0);
  }
});

test("every chapter has a title, numbered sections, quick and seed, and every experiment it calls exists", () => {
  for (const c of chapters()) {
    assert.ok(c.title.length > 0, c.file);
    assert.ok(c.sections.length >= 2, `${c.file}: ${c.sections.length} sections`);
    const names = c.parameters.map((p) => p.name);
    assert.ok(names.includes("quick") && names.includes("seed"), `${c.file}: ${names}`);
    for (const e of c.experiments) assert.equal(typeof (experiments as Record<string, unknown>)[e], "function", `${c.file}: experiments.${e}`);
  }
  const rows = experimentTable();
  assert.equal(rows.length, chapters().length);
});

test("readChapter parses a small notebook, and rejects one without a chapter title", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "catalogue-"));
  const nb = (first: string) => JSON.stringify({ cells: [
    { cell_type: "markdown", source: [first, "\n", "text"] },
    { cell_type: "code", metadata: { tags: ["parameters"] }, source: ["let quick = false; // size\n", "let seed = 0;\n", "let width = 64; // hidden width"] },
    { cell_type: "markdown", source: ["## 1 · First\n"] },
    { cell_type: "code", source: ["const r = await cached(\"42-run ${w}\", () => experiments.fooStudy({ w: 1 }));\nlet t: experiments.FooRun; c.experiments.filter((e) => e);"] },
    { cell_type: "markdown", source: ["## 2 · Second"] },
  ] });
  fs.writeFileSync(path.join(dir, "42-test-chapter.ipynb"), nb("# 42 · A test chapter"));
  const c = readChapter(path.join(dir, "42-test-chapter.ipynb"));
  assert.equal(c.title, "A test chapter");
  assert.deepEqual(c.sections, [{ number: 1, title: "First" }, { number: 2, title: "Second" }]);
  assert.deepEqual(c.parameters[2], { name: "width", value: "64", comment: "hidden width" });
  assert.deepEqual(c.cachedIds, ["42-run …"]);
  assert.deepEqual(c.experiments, ["fooStudy"]);
  fs.writeFileSync(path.join(dir, "43-bad.ipynb"), nb("# Untitled"));
  assert.throws(() => readChapter(path.join(dir, "43-bad.ipynb")), /first cell/);
  fs.rmSync(dir, { recursive: true, force: true });
});
