/**
 * The chapter skeleton rules of the lint (docs/authoring.md defines each one): title, goals,
 * sections, check-summary, takeaways, exercises, references. Chapter 00, the welcome tour, is held
 * to the title rule only: it shows how a chapter is built rather than being one.
 */
import type { Add, LintRule } from "./lintTypes";
import { Notebook } from "./nbformat";
import { Heading, MdLine, detailsBlocks, headings, listItems, markdownLines, sectionLines } from "./markdown";
import { GenlabScan } from "./genlabUses";


/** A citation a reader can look up: an arXiv id, a DOI, or a publication year (a journal or conference reference). */
export const CITATION = /\barXiv[:\s]*\d{4}\.\d{4,5}|\b10\.\d{4,9}\/\S+|\b(19|20)\d\d\b/i;
const SECTION = /^(\d+) · \S/;

const where = (l: MdLine): string => `cell ${l.cell}`;

/** The first level-2 heading with this text (case-insensitive), reporting duplicates. */
function uniqueHeading(all: Heading[], text: string, rule: LintRule, add: Add): Heading | undefined {
  const found = all.filter((h) => h.level === 2 && h.text.trim().toLowerCase() === text.toLowerCase());
  if (found.length > 1) add(rule, `"## ${text}" appears ${found.length} times (cells ${found.map((h) => h.at.cell).join(", ")}); keep one`);
  return found[0];
}

function checkTitle(nb: Notebook, number: string | null, add: Add): void {
  const first = nb.cells[0];
  if (!first || first.cell_type !== "markdown") return; // the basic title rule reports it
  const lines = markdownLines({ ...nb, cells: [first] });
  const title = lines.find((l) => l.text.trim() !== "");
  if (!title || !/^# \S/.test(title.text)) return;
  const m = /^# (\d\d) · \S/.exec(title.text);
  if (!m) add("title", `cell 1: the title must read "# ${number ?? "NN"} · Title" (two digits, a space, a middle dot ·, a space), found "${title.text.slice(0, 60)}"`);
  else if (number !== null && m[1] !== number) add("title", `cell 1: the title is numbered ${m[1]} but the file is chapter ${number}`);
  const prose = lines.some((l) => !l.fenced && l !== title && l.text.trim() !== "" && !/^\s*#/.test(l.text) && !/^\s*(\d+[.)]|[-*+])\s/.test(l.text));
  if (!prose) add("title", "cell 1: after the title, write a short summary of the chapter (at least one line of prose)");
}

/**
 * Skeleton violations of a chapter. `scan` is the genlab scan of its code cells. `chapter: false`
 * (a sweep point notebook, notebooks/points/) keeps the title rule only, as for chapter 00.
 */
export function skeletonViolations(nb: Notebook, fileNumber: string | null, scan: GenlabScan, add: Add, opts: { chapter?: boolean } = {}): void {
  checkTitle(nb, fileNumber, add);
  if (fileNumber === "00" || opts.chapter === false) return;
  const lines = markdownLines(nb);
  const all = headings(lines);

  const first = nb.cells[0];
  if (first?.cell_type === "markdown") {
    const goals = listItems(markdownLines({ ...nb, cells: [first] }));
    if (goals.length < 2) add("goals", `cell 1: list what the chapter shows as a numbered or bulleted list of at least 2 items (found ${goals.length})`);
  }

  const sections = all.filter((h) => h.level === 2 && SECTION.test(h.text));
  const numbers = sections.map((h) => Number(SECTION.exec(h.text)![1]));
  if (sections.length < 2) add("sections", `at least 2 numbered sections "## 1 · Title", "## 2 · Title", ... are needed (found ${sections.length})`);
  else if (numbers.some((n, i) => n !== i + 1)) add("sections", `sections must be numbered 1, 2, 3, ... in order; found ${numbers.join(", ")}`);
  const lastSection = sections[sections.length - 1];

  const takeaways = uniqueHeading(all, "Takeaways", "takeaways", add);
  const exercises = uniqueHeading(all, "Exercises", "exercises", add);
  const references = uniqueHeading(all, "References", "references", add);

  const summaries = scan.uses.filter((u) => u.called && u.path.join(".") === "check.summary").map((u) => u.cell);
  const after = lastSection?.at.cell ?? 0;
  const before = takeaways?.at.cell ?? Infinity;
  if (summaries.length === 0) {
    add("check-summary", `no code cell calls check.summary(); add "## Summary of the checks" and a code cell \`check.summary();\` after the last section${takeaways ? ` (before ## Takeaways, ${where(takeaways.at)})` : ""}`);
  } else if (!summaries.some((c) => c > after && c < before)) {
    add("check-summary", `check.summary() is called in cell ${summaries.join(", ")}, but it must come after the last section (${lastSection ? where(lastSection.at) : "none"})${takeaways ? ` and before ## Takeaways (${where(takeaways.at)})` : ""}`);
  }

  const order = (a: Heading | undefined, b: Heading | undefined, rule: LintRule, aName: string, bName: string): void => {
    if (a && b && b.index < a.index) add(rule, `${bName} (${where(b.at)}) must come after ${aName} (${where(a.at)})`);
  };
  if (!takeaways) add("takeaways", `no "## Takeaways" heading; add one after the check summary with at least 2 bullet points`);
  else {
    order(lastSection, takeaways, "takeaways", `the last section "## ${lastSection?.text}"`, "## Takeaways");
    const n = listItems(sectionLines(lines, all, takeaways)).length;
    if (n < 2) add("takeaways", `## Takeaways (${where(takeaways.at)}) needs a list of at least 2 points (found ${n})`);
  }
  if (!exercises) add("exercises", `no "## Exercises" heading; add one after ## Takeaways with at least 3 numbered exercises, each with a <details><summary>Answer</summary>...</details>`);
  else {
    order(takeaways, exercises, "exercises", "## Takeaways", "## Exercises");
    checkExercises(sectionLines(lines, all, exercises), exercises, add);
  }
  if (!references) add("references", `no "## References" heading; add one after ## Exercises listing the papers cited, with their arXiv ids`);
  else {
    order(exercises, references, "references", "## Exercises", "## References");
    const items = listItems(sectionLines(lines, all, references));
    if (items.length === 0) add("references", `## References (${where(references.at)}) has no list items; list each reference as "* Authors, *Title*, venue year, arXiv NNNN.NNNNN."`);
    else if (!items.some((it) => CITATION.test(it.lines.map((l) => l.text).join(" ")))) {
      add("references", `## References (${where(references.at)}): no item has an arXiv id, a DOI or a year; cite at least one paper so a reader can find it`);
    }
  }
}

function checkExercises(section: MdLine[], heading: Heading, add: Add): void {
  const items = listItems(section).filter((it) => it.number !== null);
  if (items.length < 3) {
    add("exercises", `## Exercises (${where(heading.at)}) needs at least 3 numbered exercises "1. ...", "2. ...", "3. ..." (found ${items.length})`);
  }
  const numbers = items.map((it) => it.number);
  if (numbers.some((n, i) => n !== i + 1)) add("exercises", `exercises must be numbered 1, 2, 3, ... in order; found ${numbers.join(", ")}`);
  items.forEach((it, i) => {
    const d = detailsBlocks(it.lines);
    const label = `exercise ${i + 1} (${where(it.lines[0])})`;
    if (d.length === 0) add("exercises", `${label} has no answer; add <details><summary>Answer</summary>...</details> inside the item (indented under it)`);
    else if (!d[0].closed) add("exercises", `${label}: <details> is not closed with </details>`);
    else if (!/<summary>[\s\S]*?<\/summary>/i.test(d[0].text)) add("exercises", `${label}: the answer needs a <summary>Answer</summary> line`);
    else if (d[0].text.replace(/<summary>[\s\S]*?<\/summary>/i, "").trim() === "") add("exercises", `${label}: the answer is empty`);
  });
}
