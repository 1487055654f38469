/**
 * Lint rules on a chapter's text (docs/authoring.md defines each one): control-chars in markdown,
 * unused-imports from "genlab", and answer-numbers (an exercise answer quotes only decimals that the
 * chapter computes, sets, or cites).
 */
import type { Add, LintRule } from "./lintTypes";
import { Notebook, sourceText } from "./nbformat";
import { MdLine, detailsBlocks, headings, listItems, markdownLines, sectionLines, withoutDetails } from "./markdown";
import { GenlabScan, codeCells } from "./genlabUses";
import { codeDecimals, matchesAny, quotedDecimals } from "./numbers";


const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
const NAMES: Record<string, string> = { "\t": "TAB", "\b": "BACKSPACE", "\f": "FORM FEED", "\r": "CARRIAGE RETURN", "\u000b": "VERTICAL TAB", "\u0000": "NUL" };
// The JSON escape each control character comes from, and the LaTeX commands that lose their first letter to it.
const ESCAPES: Record<string, string> = { "\t": "\\t (\\tau, \\theta, \\top, \\times, \\text)", "\b": "\\b (\\beta, \\bar, \\big)", "\f": "\\f (\\frac)", "\r": "\\r (\\rho, \\right, \\rangle)" };

/** No control character (other than the newline) in a markdown or raw cell. */
export function controlCharViolations(nb: Notebook, add: Add): void {
  nb.cells.forEach((c, i) => {
    if (c.cell_type === "code") return;
    const lines = sourceText(c).split("\n");
    const hits = lines.flatMap((text, j) => [...text.matchAll(CONTROL)].map((m) => ({ line: j + 1, col: (m.index ?? 0) + 1, ch: m[0], text })));
    if (hits.length === 0) return;
    const h = hits[0];
    const code = `U+${h.ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
    const context = JSON.stringify(h.text.slice(Math.max(0, h.col - 16), h.col + 15));
    const from = ESCAPES[h.ch] ? `; it usually comes from the JSON escape ${ESCAPES[h.ch]} written with one backslash: write two (\\\\top) in the .ipynb, or type the text in Jupyter` : "";
    const more = hits.length > 1 ? ` (${hits.length} control characters in this cell)` : "";
    add("control-chars", `cell ${i + 1}, line ${h.line}, column ${h.col}: ${NAMES[h.ch] ?? "control character"} (${code}) in ${c.cell_type} text near ${context}${from}${more}`);
  });
}

/** Every name imported from "genlab" is used by some code cell. */
export function unusedImportViolations(scan: GenlabScan, add: Add): void {
  for (const u of scan.unused) {
    add("unused-imports", `cell ${u.cell}: \`${u.local}\` is imported from "genlab" but no code cell uses it; remove it from the import`);
  }
}

// A citation next to a stated constant: an arXiv id, a DOI, or an author-year reference ("et al. 2013", "(Atas et al., 2013)").
const CITED = /\barXiv[:\s]*\d{4}\.\d{4,5}|\b10\.\d{4,9}\/\S+|et al\.?,?\s*\(?(19|20)\d\d\b/i;

function paragraphs(lines: MdLine[]): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  let cell = -1;
  for (const l of lines) {
    if (l.text.trim() === "" || l.cell !== cell) {
      if (cur.length) out.push(cur.join("\n"));
      cur = [];
      cell = l.cell;
    }
    if (l.text.trim() !== "") cur.push(l.text);
  }
  if (cur.length) out.push(cur.join("\n"));
  return out;
}

/**
 * Every decimal quoted in an exercise answer (a `<details>` block under "## Exercises") is one the
 * chapter has: a decimal literal in a code cell (a setting, or the value a `check` compares with),
 * a decimal in the exercises' questions (an input the reader is asked to use), or a decimal stated
 * in a cited paragraph outside the exercises and references (a constant from a paper).
 */
export function answerNumberViolations(nb: Notebook, add: Add): void {
  const lines = markdownLines(nb);
  const all = headings(lines);
  const ex = all.find((h) => h.level === 2 && h.text.trim().toLowerCase() === "exercises");
  if (!ex) return;
  const section = sectionLines(lines, all, ex);
  const answers = detailsBlocks(section);
  if (answers.length === 0) return;
  const refs = all.find((h) => h.level === 2 && h.text.trim().toLowerCase() === "references");
  const skip = new Set([...section, ex.at, ...(refs ? [refs.at, ...sectionLines(lines, all, refs)] : [])]);
  const cited = paragraphs(lines.filter((l) => !skip.has(l) && !l.fenced)).filter((p) => CITED.test(p));
  const accepted = [
    ...codeCells(nb).flatMap((c) => codeDecimals(c.source)),
    ...quotedDecimals(withoutDetails(section)),
    ...cited.flatMap((p) => quotedDecimals(p)),
  ];
  const items = listItems(section).filter((it) => it.number !== null);
  for (const a of answers) {
    const item = items.find((it) => it.lines.includes(a.at));
    const label = item ? `exercise ${item.number}'s answer (cell ${a.at.cell})` : `the answer in cell ${a.at.cell}`;
    const seen = new Set<string>();
    for (const q of quotedDecimals(a.text.replace(/<summary>[\s\S]*?<\/summary>/i, " "))) {
      if (matchesAny(q, accepted) || seen.has(q.text)) continue;
      seen.add(q.text);
      add("answer-numbers", `${label} quotes ${q.text}, which no code cell computes: let a code cell compute and print it ` +
        `(an answers cell before the exercises, e.g. markdown(\`... \${value.toFixed(2)} ...\`)) and point the answer to that output, ` +
        `or check it as an expected value with a tolerance from its standard error; or state the answer without the number`);
    }
  }
}
