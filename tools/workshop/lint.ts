/**
 * The lint rule `workshop` (docs/authoring.md): the marks a student copy is made from are present
 * and consistent, so `npm run workshop` can remove the answers without breaking the chapter.
 */
import type { Add } from "../runner/lintTypes";
import { Notebook, cellTags, sourceText } from "../runner/nbformat";
import { ANSWER_TAG, EXERCISES_TAG, allExerciseChecks, answerOnlyNames, cellNames, exercises, isAnswer } from "./chapter";

/** A code cell that announces itself as computing answers: its first line, or a top-level function's name. */
const LOOKS_LIKE_ANSWER = /^\s*\/\/.*\b(exercises?|answers?)\b/i;
const ANSWER_FUNCTION = /^(?:async\s+)?function\s+\w*(exercise|answer)\w*\s*\(/im;

export function workshopViolations(nb: Notebook, number: string | null, add: Add): void {
  const items = exercises(nb);
  const where = (i: number) => `cell ${i + 1}`;
  const itemCells = new Set(items.map((e) => e.cell));
  for (const i of itemCells) {
    if (!cellTags(nb.cells[i]).includes(EXERCISES_TAG)) add("workshop", `${where(i)} holds exercises but is not tagged "${EXERCISES_TAG}"`);
  }
  nb.cells.forEach((c, i) => {
    const tags = cellTags(c);
    if (tags.includes(EXERCISES_TAG) && !itemCells.has(i)) add("workshop", `${where(i)} is tagged "${EXERCISES_TAG}" but holds no numbered exercise under ## Exercises`);
    if (tags.includes(ANSWER_TAG) && tags.includes(EXERCISES_TAG)) add("workshop", `${where(i)}: a cell is either the exercises ("${EXERCISES_TAG}") or an answer ("${ANSWER_TAG}"), not both`);
    if (tags.includes(ANSWER_TAG) && tags.includes("parameters")) add("workshop", `${where(i)}: the parameters cell cannot be an answer cell`);
    if (c.cell_type === "code" && !tags.includes(ANSWER_TAG)) {
      const text = sourceText(c);
      if (LOOKS_LIKE_ANSWER.test(text.split("\n")[0]) || ANSWER_FUNCTION.test(text)) {
        add("workshop", `${where(i)} computes numbers for the exercises (its first line or a function name says so); tag it "${ANSWER_TAG}" so the student copy leaves it out`);
      }
    }
  });
  // the student copy drops answer cells: nothing else may need what they declare
  const only = answerOnlyNames(nb);
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== "code" || isAnswer(c)) return;
    const { used, declared } = cellNames(sourceText(c));
    for (const n of used) {
      const at = only.get(n);
      if (at !== undefined && !declared.has(n)) add("workshop", `${where(i)} uses \`${n}\`, declared by the answer ${where(at)}; a student copy has no answer cells: move it to a non-answer cell or compute it here`);
    }
  });
  const numbers = new Set(items.map((e) => e.number));
  const seen = new Set<string>();
  for (const ch of allExerciseChecks(nb)) {
    const at = `${where(ch.cell)}: check.exercise`;
    if (!isAnswer(nb.cells[ch.cell])) { add("workshop", `${at} must be in a cell tagged "${ANSWER_TAG}"`); continue; }
    if (!ch.topLevel) add("workshop", `${at} must be a statement of its own at the cell's top level (the student copy moves it)`);
    const m = ch.id === null ? null : /^(\d\d)-(\d+)$/.exec(ch.id);
    if (!m) add("workshop", `${at}: the first argument must be the exercise id as a string, "${number ?? "NN"}-k"`);
    else {
      if (m[1] !== number) add("workshop", `${at}("${ch.id}"): the id must start with this chapter's number ${number}`);
      if (!numbers.has(Number(m[2]))) add("workshop", `${at}("${ch.id}"): there is no exercise ${m[2]} under ## Exercises`);
      if (seen.has(ch.id!)) add("workshop", `${at}("${ch.id}"): exercise ${m[2]} is checked twice; keep one check per exercise`);
      seen.add(ch.id!);
    }
    if (ch.answerName === null) add("workshop", `${at}: the second argument must be a name (the student copy declares it empty for the student to set)`);
    else if (!only.has(ch.answerName)) add("workshop", `${at}: \`${ch.answerName}\` must be declared by an answer cell (and no other), so the student copy can leave it to the student`);
    for (const n of ch.otherNames) if (only.has(n)) add("workshop", `${at}: the expected value and options use \`${n}\`, an answer cell's name; the student copy would not have it`);
  }
}
