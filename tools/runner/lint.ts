/**
 * Static checks of a chapter notebook, without a kernel (docs/authoring.md defines every rule).
 * Rules: nbformat, kernelspec, title, parameters, outputs, execution-count, filename; the chapter
 * skeleton (goals, sections, check-summary, takeaways, exercises, references: lintSkeleton.ts; not
 * for a sweep's point notebook in notebooks/points/, which is one grid point of a chapter); and
 * the text (control-chars, unused-imports, answer-numbers: lintText.ts; planning-words, doc-examples:
 * lintWords.ts); the code cells (shorthand, no-any, cell-length, skipped-checks: lintCode.ts); the marks workshop
 * copies are made from (workshop: tools/workshop/lint.ts). The
 * library's own docstrings (docstrings, planning-words, doc-examples) are linted by lintSource.ts.
 *
 * outputs and execution-count judge what a commit would record (the git index) when the file is
 * tracked; every other rule judges the working file.
 */
import * as fs from "fs";
import * as path from "path";
import { Notebook, cellTags, notebookProblems, sourceText } from "./nbformat";
import { parseParamDecls } from "./params";
import { scanNotebook } from "./genlabUses";
import { skeletonViolations } from "./lintSkeleton";
import { answerNumberViolations, controlCharViolations, unusedImportViolations } from "./lintText";
import { indexText } from "./gitIndex";
import type { LintRule, LintViolation } from "./lintTypes";
import { cellLengthViolations, noAnyViolations, shorthandViolations, skippedCheckViolations } from "./lintCode";
import { docExampleViolations, planningWordViolations } from "./lintWords";
import { workshopViolations } from "../workshop/lint";

export type { LintViolation, LintRule } from "./lintTypes";

/** Where the outputs and execution-count rules look: the notebook itself, or its committed version. */
export interface LintOptions {
  /** The notebook as a commit would record it (the git index), when the file is tracked. */
  committed?: unknown;
}

const FILE_NAME = /^\d\d-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb$/;

/** A sweep's point notebook: it lives in a folder named `points` (notebooks/points/). */
export function isPointNotebook(file: string): boolean {
  return path.basename(path.dirname(path.resolve(file))) === "points";
}

/** Lint a parsed notebook (`file` is used in messages and for the file-name rule). */
export function lintNotebook(file: string, nb: unknown, opts: LintOptions = {}): LintViolation[] {
  const v: LintViolation[] = [];
  const add = (rule: LintRule, detail: string) => v.push({ path: file, rule, detail });
  if (!FILE_NAME.test(path.basename(file))) add("filename", `"${path.basename(file)}" should be NN-short-name.ipynb (two digits, a dash, lowercase words joined by dashes)`);
  const problems = notebookProblems(nb);
  if (problems.length > 0) {
    for (const p of problems) add("nbformat", p);
    return v; // the other rules need a well-formed notebook
  }
  const book = nb as Notebook;
  const ks = book.metadata.kernelspec;
  if (!ks || ks.name !== "tslab") add("kernelspec", `metadata.kernelspec.name is ${JSON.stringify(ks?.name ?? null)}, expected "tslab"`);

  const first = book.cells[0];
  if (!first) add("title", "the notebook has no cells; the first cell must be markdown starting with '# '");
  else if (first.cell_type !== "markdown") add("title", `the first cell is ${first.cell_type}, expected markdown starting with '# '`);
  else if (!/^# \S/.test(sourceText(first))) add("title", "the first markdown cell must start with a '# ' title");

  const params = book.cells.map((c, i) => ({ c, i })).filter(({ c }) => c.cell_type === "code" && cellTags(c).includes("parameters"));
  const taggedNonCode = book.cells.findIndex((c) => c.cell_type !== "code" && cellTags(c).includes("parameters"));
  if (taggedNonCode >= 0) add("parameters", `cell ${taggedNonCode + 1} is tagged "parameters" but is not a code cell`);
  if (params.length === 0) add("parameters", `no code cell tagged "parameters"`);
  else if (params.length > 1) add("parameters", `${params.length} code cells tagged "parameters" (cells ${params.map((p) => p.i + 1).join(", ")}); exactly one is allowed`);
  else {
    const { c, i } = params[0];
    let decls;
    try {
      decls = parseParamDecls(sourceText(c));
    } catch (e) {
      decls = null;
      add("parameters", `cell ${i + 1}: cannot parse the parameters cell (${(e as Error).message})`);
    }
    for (const [name, kind] of [["quick", "boolean"], ["seed", "number"]] as const) {
      if (!decls) break;
      const d = decls.find((x) => x.name === name);
      if (!d) add("parameters", `cell ${i + 1}: must define \`${name}\` (a ${kind}) with let`);
      else {
        if (d.keyword !== "let") add("parameters", `cell ${i + 1}: \`${name}\` is declared with ${d.keyword}; use let so the runner can reassign it`);
        if (d.kind !== kind) add("parameters", `cell ${i + 1}: \`${name}\` must be a ${kind}, its default is ${d.defaultText || "(none)"}`);
      }
    }
    for (const d of decls ?? []) {
      if (d.keyword !== "let" && d.name !== "quick" && d.name !== "seed") add("parameters", `cell ${i + 1}: \`${d.name}\` is declared with ${d.keyword}; use let so the runner can reassign it`);
    }
  }

  const number = /^(\d\d)-/.exec(path.basename(file))?.[1] ?? null;
  const scan = scanNotebook(book);
  // a sweep's point notebook (notebooks/points/) is one grid point of a chapter, not a chapter: no goals, sections, summary, takeaways, exercises or references
  skeletonViolations(book, number, scan, add, { chapter: !isPointNotebook(file) });
  controlCharViolations(book, add);
  unusedImportViolations(scan, add);
  answerNumberViolations(book, add);
  planningWordViolations(book, add);
  docExampleViolations(book, add);
  shorthandViolations(book, add);
  noAnyViolations(book, add);
  cellLengthViolations(book, add);
  skippedCheckViolations(book, add);
  workshopViolations(book, number, add);

  const committed = opts.committed !== undefined && notebookProblems(opts.committed).length === 0 ? opts.committed as Notebook : null;
  const staged = committed ? " in the git index (what a commit records; run `npm run setup` to install the filter that strips outputs on git add, then git add the file)" : "";
  (committed ?? book).cells.forEach((c, i) => {
    if (c.cell_type !== "code") return;
    if (c.outputs.length > 0) add("outputs", `cell ${i + 1}${staged} has ${c.outputs.length} output(s); commit notebooks without outputs`);
    if (c.execution_count !== null) add("execution-count", `cell ${i + 1}${staged} has execution_count ${c.execution_count}; commit notebooks without execution counts`);
  });
  return v;
}

/** Read and lint one file (unreadable or non-JSON files are an nbformat violation). */
export function lintFile(file: string): LintViolation[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    return [{ path: file, rule: "nbformat", detail: `cannot read: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (e as Error).message}` }];
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const v = lintNotebook(file, {});
    return [...v.filter((x) => x.rule === "filename"), { path: file, rule: "nbformat", detail: `not JSON: ${(e as Error).message}` }];
  }
  return lintNotebook(file, json, { committed: committedVersion(file, text, json) });
}

/** The parsed index version of a tracked file; undefined when it is not tracked (or not in git). */
function committedVersion(file: string, working: string, parsed: unknown): unknown {
  const staged = indexText(file);
  if (staged === null) return undefined;
  if (staged === working) return parsed;
  try {
    return JSON.parse(staged);
  } catch {
    return undefined; // a malformed staged version: judge the working file
  }
}
