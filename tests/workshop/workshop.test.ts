/**
 * Workshop copies (`npm run workshop`, tools/workshop): the round trip from the chapters.
 *
 * - Without a kernel, for every chapter: the marks pass the lint rule; the teacher copy's cells are the
 *   chapter's (so `npm test`'s chapter runs, tests/notebooks/chapters.test.ts, run the teacher copies'
 *   code and their exercise checks); the student copy has no answer left, every exercise followed by
 *   its answer cell and check, and every other cell the chapter's; `npm run workshop -- --no-run`
 *   writes exactly these copies, stamped with the chapter's current fingerprint; docs/teaching.md's
 *   generated part is current.
 * - With a real kernel, on chapter 00 (the smallest): `npm run workshop -- --quick --chapter 00` runs
 *   the teacher copy and its exercise check passes; the student copy runs as given (no answer yet) and,
 *   with answers filled in, says ✘ with the known hint for a wrong one, ✘ with the generic hint for a
 *   factor 2, and ✔ for the right one, without ever stopping the notebook; and with a one-second cell
 *   timeout, two chapters' teacher copies fail, each named with its cell, and both chapters' copies are
 *   still written.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../../tools/project/paths";
import { Cell, Notebook, cellTags, lintFile, readNotebook, runNotebook, sourceText, splitLines, startServer, writeNotebook } from "../../tools/runner";
import { allExerciseChecks, exercises, isAnswer } from "../../tools/workshop/chapter";
import { EXERCISE_CHECK_TAG, STUDENT_ANSWER_TAG, STUDENT_MODE_LINE, copyNames, sourceHash, studentCopy, teacherCopy } from "../../tools/workshop/copies";
import { workshopViolations } from "../../tools/workshop/lint";
import { EXERCISE_METADATA_KEY } from "../../src/exercise";
import { currentBlock, teachingNotesBlock } from "../../tools/workshop/notes";

console.debug = () => undefined; // @jupyterlab/services logs WebSocket chatter on console.debug
const notebooksDir = path.join(projectRoot, "notebooks");
const chapters = fs.readdirSync(notebooksDir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();
const cli = path.join(projectRoot, "dist", "tools", "cli", "workshop.js");
const load = (name: string) => ({ file: path.join(notebooksDir, name), text: fs.readFileSync(path.join(notebooksDir, name), "utf8"), nb: readNotebook(path.join(notebooksDir, name)) });
const shape = (c: Cell) => ({ type: c.cell_type, source: sourceText(c), tags: cellTags(c) });

test("every chapter has exercises marked for the workshop copies, and the marks pass the lint", () => {
  assert.equal(chapters.length, 14);
  for (const name of chapters) {
    const { nb } = load(name);
    const problems: string[] = [];
    workshopViolations(nb, name.slice(0, 2), (_, d) => problems.push(d));
    assert.deepEqual(problems, [], name);
    assert.ok(exercises(nb).length >= 3, `${name}: at least 3 exercises`);
  }
});

const fixtures = path.join(projectRoot, "tests", "fixtures", "runner", "lint");

test("the lint rule workshop fires on each broken mark and not on a good chapter", () => {
  const rule = (name: string) => lintFile(path.join(fixtures, name)).filter((v) => v.rule === "workshop").map((v) => v.detail);
  assert.deepEqual(rule("01-good-chapter.ipynb"), []);
  assert.deepEqual(rule("27-workshop.ipynb"), [
    'cell 15 holds exercises but is not tagged "exercises"',
    'cell 9 computes numbers for the exercises (its first line or a function name says so); tag it "answer" so the student copy leaves it out',
    "cell 10 uses `err25`, declared by the answer cell 8; a student copy has no answer cells: move it to a non-answer cell or compute it here",
    'cell 11: check.exercise("01-9"): the id must start with this chapter\'s number 27',
    'cell 11: check.exercise("01-9"): there is no exercise 9 under ## Exercises',
    "cell 11: check.exercise: the second argument must be a name (the student copy declares it empty for the student to set)",
    "cell 11: check.exercise: the expected value and options use `err25`, an answer cell's name; the student copy would not have it",
    "cell 11: check.exercise must be a statement of its own at the cell's top level (the student copy moves it)",
    'cell 11: check.exercise("27-1"): exercise 1 is checked twice; keep one check per exercise',
    'cell 12: check.exercise must be in a cell tagged "answer"',
  ]);
});

test("answers folded into one <details> after the exercises are left out of the student copy too", () => {
  const file = path.join(fixtures, "00-tour.ipynb");
  const nb = readNotebook(file);
  assert.ok(nb.cells.some((c) => /<details/.test(sourceText(c))));
  const s = studentCopy(nb, file, fs.readFileSync(file, "utf8"));
  assert.ok(!s.cells.some((c) => /<details/i.test(sourceText(c))), "an answer is left");
  assert.ok(s.cells.filter((c) => cellTags(c).includes(STUDENT_ANSWER_TAG)).length >= 1);
});

test("the teacher copy is the chapter, cell for cell: the chapter runs of npm test run its code and its exercise checks", () => {
  for (const name of chapters) {
    const { file, text, nb } = load(name);
    const t = teacherCopy(nb, file, text);
    assert.deepEqual(t.cells.map(shape), nb.cells.map(shape), name);
    assert.deepEqual((t.metadata.genlab as { workshop: unknown }).workshop, { copy: "teacher", chapter: name, source: sourceHash(text) });
  }
});

test("the student copy: no answer left, each exercise followed by an answer cell and its check, every other cell the chapter's", () => {
  let checked = 0;
  for (const name of chapters) {
    const { file, text, nb } = load(name);
    const s = studentCopy(nb, file, text);
    const nn = name.slice(0, 2);
    for (const c of s.cells) {
      assert.ok(!/<details/i.test(sourceText(c)), `${name}: an answer (<details>) is left in the student copy`);
      assert.ok(!isAnswer(c), `${name}: an answer cell is left in the student copy`);
    }
    // every code cell of the chapter that is not an answer, in order and unchanged (the import cell gains student mode)
    const kept = nb.cells.filter((c) => c.cell_type === "code" && !isAnswer(c)).map((c) => sourceText(c));
    const got = s.cells.filter((c) => c.cell_type === "code" && !cellTags(c).some((t) => t === STUDENT_ANSWER_TAG || t === EXERCISE_CHECK_TAG))
      .map((c) => sourceText(c).replace(`\n${STUDENT_MODE_LINE}`, "").trimEnd());
    assert.deepEqual(got, kept.map((k) => k.trimEnd()), `${name}: the experiments' cells differ`);
    assert.equal(s.cells.filter((c) => sourceText(c).includes(STUDENT_MODE_LINE)).length, 1, `${name}: one import cell in student mode`);
    // each exercise: its question, an empty answer cell, and the check where the chapter has one
    const checks = allExerciseChecks(nb);
    for (const e of exercises(nb)) {
      const at = s.cells.findIndex((c) => cellTags(c).includes("exercise") && new RegExp(`^${e.number}\\. `).test(sourceText(c)));
      assert.ok(at >= 0, `${name}: exercise ${e.number} has no cell of its own`);
      assert.equal(sourceText(s.cells[at]), e.question);
      assert.ok(cellTags(s.cells[at + 1]).includes(STUDENT_ANSWER_TAG), `${name}: exercise ${e.number} is not followed by an answer cell`);
      const own = checks.filter((c) => c.id === `${nn}-${e.number}`);
      if (own.length) {
        checked++;
        const next = s.cells[at + 2];
        assert.ok(cellTags(next).includes(EXERCISE_CHECK_TAG), `${name}: exercise ${e.number}'s check is not after its answer cell`);
        assert.equal(sourceText(next), own.map((o) => o.text).join("\n"));
        assert.match(sourceText(s.cells[at + 1]), new RegExp(`let ${own[0].answerName}: number \\| undefined = undefined;`));
      }
    }
    // no prose lost: the chapter's markdown without answers is the student copy's markdown, in order
    const words = (cells: Cell[]) => cells.filter((c) => c.cell_type === "markdown").map((c) => sourceText(c)).join(" ")
      .replace(/<details\b[\s\S]*?<\/details>/gi, " ").replace(/\s+/g, " ").trim();
    assert.equal(words(s.cells), words(nb.cells.filter((c) => !isAnswer(c))), `${name}: the student copy's text differs from the chapter's`);
  }
  assert.ok(checked >= 5, `exercise checks in the chapters: ${checked}`);
});

test("npm run workshop -- --no-run writes exactly these copies, with the chapters' fingerprints; the teacher's notes are current", { timeout: 60_000 }, () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-workshop-"));
  try {
    const r = spawnSync(process.execPath, [cli, "--no-run", "--out", out], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /14\/14 chapter\(s\) ok/);
    for (const name of chapters) {
      const { file, text, nb } = load(name);
      const names = copyNames(name);
      assert.deepEqual(readNotebook(path.join(out, names.student)), studentCopy(nb, file, text), name);
      assert.deepEqual(readNotebook(path.join(out, names.teacher)), teacherCopy(nb, file, text), name);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
  assert.equal(currentBlock(), teachingNotesBlock(), "docs/teaching.md is stale: run npm run workshop -- --no-run --notes");
});

test("a real kernel: the teacher copy's checks pass; the student copy says which answer is wrong, and why, and which is right", { timeout: 420_000 }, async () => {
  const out = fs.mkdtempSync(path.join(projectRoot, "build", "test-workshop-"));
  try {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [cli, "--quick", "--chapter", "00", "--out", out], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const names = copyNames("00-welcome.ipynb");
    const teacher = readNotebook(path.join(out, names.teacher));
    assert.equal((teacher.metadata.genlab as { execution: { status: string } }).execution.status, "ok");
    const teacherText = JSON.stringify(teacher.cells.map((c) => (c.cell_type === "code" ? c.outputs : [])));
    assert.match(teacherText, /✔ exercise 00-3/);
    assert.ok(!teacherText.includes("✘"), "a check failed in the teacher copy");
    console.log(`# teacher copy of 00 (quick) made and run in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // the student fills in exercise 3 three times: a known wrong answer, a factor 2 too many, the right one
    const student = readNotebook(path.join(out, names.student)) as Notebook;
    const at = student.cells.findIndex((c) => cellTags(c).includes(STUDENT_ANSWER_TAG) && sourceText(c).includes("exceedTwo"));
    const checkCell = student.cells[at + 1];
    assert.ok(cellTags(checkCell).includes(EXERCISE_CHECK_TAG));
    const answer = (v: string): Cell => ({ ...student.cells[at], id: `try-${student.cells.length}-${v.length}`, source: splitLines(`exceedTwo = ${v};`) } as Cell);
    const again = (n: number): Cell => ({ ...checkCell, id: `again-${n}` } as Cell);
    const untouched = path.join(out, "untouched", names.student);
    fs.mkdirSync(path.dirname(untouched), { recursive: true });
    fs.copyFileSync(path.join(out, names.student), untouched);
    student.cells.splice(at + 2, 0, answer("0.0228"), again(1), answer("2 * stats.twoSidedP(2)"), again(2), answer("stats.twoSidedP(2)"), again(3));
    const filled = path.join(out, "filled", names.student);
    fs.mkdirSync(path.dirname(filled), { recursive: true });
    writeNotebook(filled, student);
    const server = await startServer({ rootDir: out });
    try {
      for (const [file, dir] of [[untouched, "run-untouched"], [filled, "run-filled"]] as const) {
        const report = await runNotebook(file, { parameters: { quick: true }, outDir: path.join(out, dir), server, writeReport: false, timeoutSec: 240 });
        assert.equal(report.status, "ok", `${file}: ${report.error?.message ?? ""}`);
      }
    } finally {
      await server.stop();
    }
    const lines = (dir: string) => readNotebook(path.join(out, dir, names.student)).cells
      .filter((c) => c.cell_type === "code" && cellTags(c).includes(EXERCISE_CHECK_TAG))
      .flatMap((c) => (c.cell_type === "code" ? c.outputs : []).flatMap((o) => ("metadata" in o && o.metadata[EXERCISE_METADATA_KEY] ? [String(o.data["text/plain"])] : [])));
    assert.match(lines("run-untouched").join("\n"), /… exercise 00-3 .*no answer yet/);
    const said = lines("run-filled");
    assert.equal(said.length, 4, said.join("\n"));
    const [none, wrong, twice, right] = said;
    assert.match(none, /no answer yet/);
    assert.match(wrong, /^✘ exercise 00-3 .*: 0\.0228 is not right: that is the one-sided tail P\(z > 2\)/);
    assert.match(twice, /^✘ exercise 00-3 .*: 0\.091 is not right: twice the expected value: a factor 2 too many/);
    assert.match(right, /^✔ exercise 00-3 .*: right: 0\.0455/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test("a chapter that fails is named with its cell, and the other chapters' copies are still made", { timeout: 240_000 }, () => {
  const out = fs.mkdtempSync(path.join(projectRoot, "build", "test-workshop-fail-"));
  try {
    // a one-second cell timeout makes each teacher copy fail at its first slow cell
    const r = spawnSync(process.execPath, [cli, "--quick", "--chapter", "00", "--chapter", "03", "--timeout", "1", "--out", out], { encoding: "utf8" });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /00-welcome\.ipynb: .*teacher copy failed at cell \d+: timed out after 1 s/);
    assert.match(r.stdout, /03-benign-overfitting\.ipynb: .*teacher copy failed at cell \d+: timed out after 1 s/);
    for (const name of ["00-welcome.ipynb", "03-benign-overfitting.ipynb"]) {
      const names = copyNames(name);
      assert.ok(fs.existsSync(path.join(out, names.student)), `${names.student} written`);
      const teacher = readNotebook(path.join(out, names.teacher));
      assert.equal((teacher.metadata.genlab as { execution: { status: string } }).execution.status, "failed");
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
