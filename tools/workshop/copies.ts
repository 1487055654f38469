/**
 * Workshop copies of a chapter (`npm run workshop`), made from the cell tags of tools/workshop/chapter.ts.
 *
 * - The teacher copy is the chapter itself, cell for cell (answers and their cells kept), marked as a
 *   teacher copy in its metadata; `npm run workshop` executes it, so it shows every solution run.
 * - The student copy leaves out the `answer` cells and every `<details>` answer; each exercise becomes
 *   its own markdown cell, followed by an empty answer cell and, for an exercise with a
 *   `check.exercise` statement, a cell holding that statement (its source folded away in Jupyter),
 *   which tells the student whether the number is right and, where it can, why not. The import cell
 *   gains `check.studentMode();`, so a wrong answer never stops the notebook.
 * Every other cell is the chapter's, unchanged: the student runs the same experiments.
 */
import { createHash } from "crypto";
import { Cell, CodeCell, MarkdownCell, Notebook, cellTags, sourceText, splitLines } from "../runner/nbformat";
import { ExerciseCheck, allExerciseChecks, chapterNumber, exercises, isAnswer } from "./chapter";

/** Tag of the cell a student writes an answer in, and of the cell that checks it. */
export const STUDENT_ANSWER_TAG = "student-answer";
export const EXERCISE_CHECK_TAG = "exercise-check";
/** The line a student copy adds to its import cell. */
export const STUDENT_MODE_LINE = "check.studentMode(); // workshop copy: an exercise check prints ✔ or ✘ with a hint and never stops the notebook";

/** The file names of a chapter's two copies: NN-title.student.ipynb and NN-title.teacher.ipynb. */
export function copyNames(chapterFile: string): { student: string; teacher: string } {
  const base = chapterFile.replace(/^.*[/\\]/, "").replace(/\.ipynb$/, "");
  return { student: `${base}.student.ipynb`, teacher: `${base}.teacher.ipynb` };
}

/** A fingerprint of the chapter's source, recorded in both copies so a stale copy can be told apart. */
export function sourceHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

const md = (id: string, text: string, tags: string[] = []): MarkdownCell => ({ cell_type: "markdown", id, metadata: tags.length ? { tags } : {}, source: splitLines(text) });
const code = (id: string, text: string, metadata: CodeCell["metadata"]): CodeCell => ({ cell_type: "code", id, metadata, source: splitLines(text), outputs: [], execution_count: null });

function bare(c: Cell): Cell {
  const copy = JSON.parse(JSON.stringify(c)) as Cell;
  if (copy.cell_type === "code") { copy.outputs = []; copy.execution_count = null; }
  return copy;
}

function meta(nb: Notebook, role: "student" | "teacher", chapterFile: string, hash: string): Notebook["metadata"] {
  const m = JSON.parse(JSON.stringify(nb.metadata)) as Notebook["metadata"];
  m.genlab = { ...(m.genlab ?? {}), workshop: { copy: role, chapter: chapterFile.replace(/^.*[/\\]/, ""), source: hash } };
  return m;
}

/** The teacher copy: the chapter's cells unchanged (outputs cleared), marked as a teacher copy. */
export function teacherCopy(nb: Notebook, chapterFile: string, sourceText_: string): Notebook {
  return { ...nb, metadata: meta(nb, "teacher", chapterFile, sourceHash(sourceText_)), cells: nb.cells.map(bare) };
}

/** The cell a student writes exercise k's answer in. */
function answerCell(prefix: string, k: number, checks: ExerciseCheck[]): CodeCell {
  const names = [...new Set(checks.map((c) => c.answerName).filter((n): n is string => n !== null))];
  const text = names.length
    ? `// Exercise ${k}: your answer. Set ${names.map((n) => `\`${n}\``).join(" and ")} below and run this cell, then the check under it.\n` +
      names.map((n) => `let ${n}: number | undefined = undefined;`).join("\n")
    : `// Exercise ${k}: your answer (code, or a comment with your reasoning).`;
  return code(`${prefix}-answer-${k}`, text, { tags: [STUDENT_ANSWER_TAG] });
}

/** The student copy of a chapter (see the module comment). */
export function studentCopy(nb: Notebook, chapterFile: string, sourceText_: string): Notebook {
  const number = chapterNumber(chapterFile) ?? "xx";
  const items = exercises(nb);
  const checks = allExerciseChecks(nb).filter((c) => isAnswer(nb.cells[c.cell]));
  const checksOf = (k: number) => checks.filter((c) => c.id === `${number}-${k}`);
  const importCell = nb.cells.findIndex((c) => c.cell_type === "code" && /from\s+["']genlab["']/.test(sourceText(c)));
  const cells: Cell[] = [];
  nb.cells.forEach((c, i) => {
    if (isAnswer(c)) return;
    const mine = items.filter((e) => e.cell === i);
    if (mine.length === 0) {
      const copy = bare(c);
      if (i === importCell) copy.source = splitLines(`${sourceText(c).replace(/\s+$/, "")}\n${STUDENT_MODE_LINE}`);
      cells.push(copy);
      return;
    }
    const prefix = (c.id ?? `cell${i}`).slice(0, 40);
    const lines = sourceText(c).split("\n");
    // an answers block outside the items (a cell may fold all its answers into one <details>) goes too
    const noAnswers = (t: string) => t.replace(/\s*<details\b[^>]*>[\s\S]*?(<\/details>|$)/gi, "");
    const before = noAnswers(lines.slice(0, mine[0].from).join("\n")).replace(/\s+$/, "");
    if (before) cells.push(md(`${prefix}-intro`, before, cellTags(c).filter((t) => t !== "exercises")));
    for (const e of mine) {
      cells.push(md(`${prefix}-exercise-${e.number}`, e.question, ["exercise"]));
      const own = checksOf(e.number);
      cells.push(answerCell(prefix, e.number, own));
      if (own.length) {
        cells.push(code(`${prefix}-check-${e.number}`, own.map((x) => x.text).join("\n"), { tags: [EXERCISE_CHECK_TAG], jupyter: { source_hidden: true } }));
      }
    }
    const after = noAnswers(lines.slice(mine[mine.length - 1].to).join("\n")).trim();
    if (after) cells.push(md(`${prefix}-after`, after));
  });
  return { ...nb, metadata: meta(nb, "student", chapterFile, sourceHash(sourceText_)), cells };
}
