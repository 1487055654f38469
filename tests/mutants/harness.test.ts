// The mutation harness's pure parts (no chapter runs: `npm run mutants` is too slow for the suite).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";
import { findProjectRoot } from "../../src/projectRoot";
import { checkTarget, loadMutants, parseMutants, patchNotebook, patchText, resolveFile } from "../../tools/mutants/list";
import { mutantRuns, runKey } from "../../tools/mutants/harness";
import { readNotebook } from "../../tools/runner/nbformat";
import { selectSections } from "../../tools/runner/sections";
import { ChapterRun, checksOfNotebook, judge, parseCheckLines, resultTable } from "../../tools/mutants/outcome";

const root = findProjectRoot(path.join(__dirname));

test("the repository's mutant list is valid: unique names, known kinds, at least two mutants per headline claim that must be caught (not pending, no stated resolution), every chapter 01-11 covered", () => {
  const list = loadMutants(root);
  const perClaim = new Map<string, number>();
  // a pending mutant runs nothing and a `resolution` one may be missed: neither counts towards the two
  for (const m of list) perClaim.set(m.claim, (perClaim.get(m.claim) ?? 0) + (m.pending || m.resolution ? 0 : 1));
  for (const [claim, n] of perClaim) assert.ok(n >= 2, `only ${n} mutant that must be caught for "${claim}"`);
  for (let c = 1; c <= 11; c++) assert.ok(list.some((m) => m.chapters[0] === String(c).padStart(2, "0")), `chapter ${c} has no mutant`);
  assert.ok(list.every((m) => m.reason.length > 10 && m.claim.length > 10));
});

test("every mutant of the repository's list applies to the tree (its find text is there, once or at its occurrence) and its sections exist", () => {
  // a chapter or library change that moves a target must update the list: a stale target tests nothing
  for (const m of loadMutants(root)) {
    if (m.pending) continue;
    const { result } = checkTarget(root, m);
    assert.ok(result.ok, `${m.name}: ${result.ok ? "" : result.why}`);
    if (m.sections) {
      const nb = resolveFile(root, `notebooks/${m.chapters[0]}-*.ipynb`);
      assert.ok(nb, `${m.name}: no chapter ${m.chapters[0]}`);
      assert.doesNotThrow(() => selectSections(readNotebook(path.join(root, nb!)), m.sections!), `${m.name}: sections ${m.sections.join(", ")}`);
    }
  }
});

test("a mutant with sections runs only those of its claim's chapter, the other chapters whole, each against its own baseline key", () => {
  const m = { name: "05-x", chapters: ["05", "08"], claim: "c", kind: "constant" as const, reason: "r", file: "src/a.ts", find: "a", replace: "b", sections: [2, 4] };
  assert.deepEqual(mutantRuns(m), [{ chapter: "05", sections: [2, 4] }, { chapter: "08", sections: [] }]);
  assert.deepEqual(mutantRuns(m).map((r) => runKey(r.chapter, r.sections)), ["05§2,4", "08"]);
  assert.throws(() => parseMutants(JSON.stringify({ mutants: [{ ...m, sections: [0] }] })), /sections must list/);
});

test("parseMutants reports every problem of a bad list", () => {
  const bad = JSON.stringify({ mutants: [
    { name: "7-x", chapters: ["07"], claim: "c", kind: "constant", reason: "r", file: "src/a.ts", find: "a", replace: "b" },
    { name: "07-y", chapters: ["08"], claim: "c", kind: "typo", reason: "r", file: "lib/a.js", find: "a", replace: "a" },
  ] });
  assert.throws(() => parseMutants(bad), (e: Error) => /NN-short-name/.test(e.message) && /first chapter/.test(e.message) && /kind must be/.test(e.message) && /replace equals find/.test(e.message) && /file must be/.test(e.message));
});

test("patchText: replaces exactly one occurrence, and says why when it cannot", () => {
  assert.deepEqual(patchText("a = 5 / n; b = 5 / n", { find: "5 / n", replace: "4.5 / n", occurrence: 2 }), { ok: true, text: "a = 5 / n; b = 4.5 / n" });
  const twice = patchText("x x", { find: "x", replace: "y" });
  assert.equal(twice.ok, false);
  assert.match((twice as { why: string }).why, /found 2 times; give occurrence/);
  const none = patchText("abc", { find: "zzz", replace: "y" });
  assert.match((none as { why: string }).why, /target text not found/);
});

test("patchNotebook: patches code cells only and keeps nbformat's line lists", () => {
  const nb = { cells: [
    { cell_type: "markdown", metadata: {}, source: ["ratio vs 4\n"] },
    { cell_type: "code", metadata: {}, outputs: [], execution_count: null, source: ["const a = 1;\n", "check.z(\"x\", m, s, 4);"] },
  ], metadata: {}, nbformat: 4, nbformat_minor: 5 };
  const r = patchNotebook(JSON.stringify(nb), { find: "s, 4)", replace: "s, 3.6)" });
  assert.ok(r.ok);
  const out = JSON.parse((r as { text: string }).text);
  assert.deepEqual(out.cells[1].source, ["const a = 1;\n", "check.z(\"x\", m, s, 3.6);"]);
  assert.deepEqual(out.cells[0].source, ["ratio vs 4\n"]);
  assert.equal(patchNotebook(JSON.stringify(nb), { find: "ratio vs 4", replace: "y" }).ok, false);
});

const okLine = "✔ width 64: measured / exact kurtosis: measured 1.0086 ± 0.0664682 s.e. (z = 0.13); expected 1 within 3 s.e.; margin 2.87 s.e.";
const badLine = "✘ pooled: measured 1.12 ± 0.03 s.e. (z = 4.00); expected 1 within 3 s.e.; margin -1.00 s.e.";

test("parseCheckLines and checksOfNotebook read names, results and margins (the summary's repeat is skipped)", () => {
  const lines = parseCheckLines(`${okLine}\nnoise\n${badLine}\n✔ identity: measured 1; expected 1 ± 1e-9`);
  assert.deepEqual(lines.map((l) => [l.passed, l.name, l.margin]), [[true, "width 64", 2.87], [false, "pooled", -1], [true, "identity", null]]);
  const nb = { cells: [
    { cell_type: "code", source: "check.z(...)", outputs: [{ output_type: "display_data", data: { "text/plain": okLine } }] },
    { cell_type: "code", source: "check.summary();", outputs: [{ output_type: "display_data", data: { "text/plain": `1/1\n${okLine}` } }] },
  ] };
  assert.equal(checksOfNotebook(JSON.stringify(nb)).length, 1);
});

test("judge: caught needs a check that passed in a clean baseline; a crash or a failing baseline is not a catch", () => {
  const run = (lines: string, status: ChapterRun["status"] = "ok", error?: string): ChapterRun => ({ chapter: "11", status, seconds: 1, checks: parseCheckLines(lines), ...(error ? { error } : {}) });
  const base = new Map([["11", run(okLine)]]);
  const caught = judge([run(`${okLine}\n${badLine}`)], base);
  assert.equal(caught.verdict, "caught");
  assert.equal(caught.margin, -1);
  assert.match(caught.caughtBy[0], /11: pooled \(margin -1\.00\)/);
  const missed = judge([run(okLine)], base);
  assert.equal(missed.verdict, "missed");
  assert.equal(missed.margin, 2.87);
  assert.equal(judge([run(okLine, "failed", "TypeError: x is undefined")], base).verdict, "crashed");
  assert.equal(judge([run(okLine, "failed", "CheckFailure: check 'a': measured value is NaN, not a number")], base).verdict, "caught");
  assert.equal(judge([run(badLine)], new Map([["11", run(badLine)]])).verdict, "baseline-failed");
  assert.match(resultTable([{ name: "11-x", chapters: ["11"], claim: "c", kind: "constant", size: "quick", seconds: 3, ...caught }]), /\| 11-x \| 11 \| quick \| caught \| 11: pooled \(margin -1\.00\) \| -1\.00 \|/);
});

test("npm run mutants -- --list prints every mutant; a bad option is a usage error (exit 2)", () => {
  const cli = path.resolve(__dirname, "../../tools/cli/mutants.js");
  const list = spawnSync(process.execPath, [cli, "--list"], { encoding: "utf8" });
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`^${loadMutants(root).length} mutants$`, "m"));
  const bad = spawnSync(process.execPath, [cli, "--size", "huge"], { encoding: "utf8" });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--size huge: quick or full/);
  const unknown = spawnSync(process.execPath, [cli, "--mutant", "99-nothing", "--list"], { encoding: "utf8" });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /no mutant named 99-nothing/);
});
