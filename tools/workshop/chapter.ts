/**
 * How a chapter's exercises and answers are marked, read as data (docs/authoring.md, "Exercises and
 * workshop copies"):
 *
 * - the markdown cells holding the numbered exercises under `## Exercises` carry the tag `exercises`;
 *   each exercise `k.` has its answer inside the item, in `<details><summary>Answer</summary>…</details>`;
 * - the cells that compute what the answers quote (the "numbers for the exercises" code cells, and a
 *   markdown cell that only introduces them) carry the tag `answer`: a student copy leaves them out, so
 *   no other cell may use a name they declare;
 * - an answer the student can compute as one number is checked by a top-level statement
 *   `check.exercise("NN-k", name, expected, opts)` in an answer cell: `name` is declared by the answer
 *   cell (the student's copy declares it empty), and `expected` and `opts` use no answer-cell name.
 *
 * The exercise id is "NN-k": the chapter's two digits and the exercise's number.
 */
import type * as TS from "typescript";
import { isReference, parseSource } from "../../src/cache/scan";
import { Cell, Notebook, cellTags, sourceText } from "../runner/nbformat";
import { ListItem, MdLine, headings, listItems, markdownLines, sectionLines } from "../runner/markdown";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ts = require("typescript") as typeof TS;

export const EXERCISES_TAG = "exercises";
export const ANSWER_TAG = "answer";

/** One numbered exercise: its number, the markdown cell (0-based) and the item's lines there. */
export interface Exercise {
  number: number;
  cell: number;
  /** 0-based line range [from, to) of the item in its cell's source. */
  from: number;
  to: number;
  /** The item's text with every `<details>` block (the answer) removed. */
  question: string;
}

/** One `check.exercise(...)` statement of an answer cell. */
export interface ExerciseCheck {
  /** The id argument when it is a string literal ("NN-k"), else null. */
  id: string | null;
  /** The student's value: the second argument when it is a plain name, else null. */
  answerName: string | null;
  /** The statement's source text. */
  text: string;
  /** 0-based index of the answer cell. */
  cell: number;
  /** Names the other arguments (expected, options) refer to. */
  otherNames: Set<string>;
  /** False when the call is not a statement of its own at the cell's top level. */
  topLevel: boolean;
}

/** The chapter's two-digit number, from its file name (the digits before the first dash). */
export function chapterNumber(file: string): string | null {
  return /(?:^|[/\\])(\d\d)-[^/\\]*$/.exec(file)?.[1] ?? null;
}

/** The numbered exercise items under `## Exercises`, in order. */
export function exercises(nb: Notebook): Exercise[] {
  const lines = markdownLines(nb);
  const all = headings(lines);
  const h = all.find((x) => x.level === 2 && x.text.trim().toLowerCase() === "exercises");
  if (!h) return [];
  return listItems(sectionLines(lines, all, h)).filter((it): it is ListItem & { number: number } => it.number !== null).map((it) => {
    const own = it.lines.filter((l: MdLine) => l.cell === it.lines[0].cell);
    const text = own.map((l) => l.text).join("\n");
    return {
      number: it.number, cell: it.lines[0].cell - 1, from: own[0].line - 1, to: own[own.length - 1].line,
      question: text.replace(/\s*<details\b[^>]*>[\s\S]*?(<\/details>|$)/gi, "").replace(/\s+$/, ""),
    };
  });
}

/** True for a cell tagged `answer`. */
export const isAnswer = (c: Cell): boolean => cellTags(c).includes(ANSWER_TAG);

/** The names a code cell declares at its top level and the names it refers to (over-approximated: locals count too). */
export function cellNames(source: string): { declared: Set<string>; used: Set<string> } {
  const sf = parseSource(source);
  const declared = new Set<string>();
  const bind = (n: TS.BindingName): void => {
    if (ts.isIdentifier(n)) declared.add(n.text);
    else for (const e of n.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
  };
  for (const s of sf.statements) {
    if (ts.isVariableStatement(s)) s.declarationList.declarations.forEach((d) => bind(d.name));
    else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isEnumDeclaration(s)) && s.name) declared.add(s.name.text);
    else if (ts.isImportDeclaration(s)) {
      const c = s.importClause;
      if (c?.name) declared.add(c.name.text);
      const nbnd = c?.namedBindings;
      if (nbnd && ts.isNamespaceImport(nbnd)) declared.add(nbnd.name.text);
      if (nbnd && ts.isNamedImports(nbnd)) nbnd.elements.forEach((e) => declared.add(e.name.text));
    }
  }
  const used = new Set<string>();
  const visit = (node: TS.Node): void => {
    if (ts.isIdentifier(node) && isReference(node)) used.add(node.text);
    else if (ts.isShorthandPropertyAssignment(node)) used.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { declared, used };
}

const isExerciseCall = (n: TS.Node): n is TS.CallExpression =>
  ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && ts.isIdentifier(n.expression.expression) &&
  n.expression.expression.text === "check" && n.expression.name.text === "exercise";

/** The `check.exercise(...)` calls of a code cell. */
export function exerciseChecks(source: string, cell: number): ExerciseCheck[] {
  const sf = parseSource(source);
  const out: ExerciseCheck[] = [];
  const visit = (node: TS.Node): void => {
    if (isExerciseCall(node)) {
      const [id, answer, ...rest] = node.arguments;
      const otherNames = new Set<string>();
      for (const r of rest) for (const n of cellNames(`(${r.getText(sf)});`).used) otherNames.add(n);
      const stmt = node.parent;
      const topLevel = ts.isExpressionStatement(stmt) && stmt.parent === sf;
      out.push({
        id: id && ts.isStringLiteralLike(id) ? id.text : null,
        answerName: answer && ts.isIdentifier(answer) ? answer.text : null,
        text: (topLevel ? stmt : node).getText(sf), cell, otherNames, topLevel,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Every `check.exercise` call of the chapter's answer cells (and, for the lint, of any other cell). */
export function allExerciseChecks(nb: Notebook): ExerciseCheck[] {
  return nb.cells.flatMap((c, i) => (c.cell_type === "code" && /check\s*\.\s*exercise\b/.test(sourceText(c)) ? exerciseChecks(sourceText(c), i) : []));
}

/** Top-level names declared by answer cells and by no other code cell. */
export function answerOnlyNames(nb: Notebook): Map<string, number> {
  const answerDecl = new Map<string, number>();
  const otherDecl = new Set<string>();
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== "code") return;
    for (const n of cellNames(sourceText(c)).declared) {
      if (isAnswer(c)) { if (!answerDecl.has(n)) answerDecl.set(n, i); } else otherDecl.add(n);
    }
  });
  for (const n of otherDecl) answerDecl.delete(n);
  return answerDecl;
}
