/**
 * The generated part of the teacher's notes (docs/teaching.md): how long each chapter takes at each
 * size (from docs/chapter-times.json, written by scripts/chapter-times.js from runner reports), and
 * which earlier cells each answer cell and each exercise check needs (from the chapters' code: the
 * names a cell uses and the last earlier cell declaring each, followed transitively).
 * `npm run workshop -- --notes` rewrites it between the two markers; a test keeps it current.
 */
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../project/paths";
import { Notebook, cellTags, readNotebook, sourceText } from "../runner/nbformat";
import { allExerciseChecks, cellNames, exercises, isAnswer } from "./chapter";

export const NOTES_FILE = path.join(projectRoot, "docs", "teaching.md");
export const BEGIN = "<!-- begin generated: npm run workshop -- --notes (do not edit by hand) -->";
export const END = "<!-- end generated -->";

interface Times { cpu: string | null; cores: number | null; load: number | null; measuredAt: string | null; chapters: Record<string, { fullSeconds: number | null; quickSeconds: number | null }> }

/** One code cell another depends on: its 1-based number, its section and the names it gives. */
interface Need { cell: number; section: string; names: string[] }

/** The section (the last `## ` heading, or the parameters/import cell's role) each cell belongs to. */
function sections(nb: Notebook): string[] {
  let current = "set-up";
  return nb.cells.map((c) => {
    if (c.cell_type === "markdown") {
      const h = [...sourceText(c).matchAll(/^##\s+(.+?)\s*$/gm)].pop();
      if (h) current = h[1].length > 50 ? `${h[1].slice(0, 48).trimEnd()}…` : h[1];
    }
    if (cellTags(c).includes("parameters")) return "parameters";
    if (/from\s+["']genlab["']/.test(sourceText(c))) return "imports";
    return current;
  });
}

/**
 * For code cell `target` (0-based), the earlier code cells it needs: direct (declaring a name it uses,
 * the last such cell before it) and, transitively, what those need. `names` limits the first step to
 * these names (an exercise check uses only its arguments).
 */
export function needs(nb: Notebook, target: number, names?: Set<string>): { direct: Need[]; all: number[] } {
  const scans = nb.cells.map((c) => (c.cell_type === "code" ? cellNames(sourceText(c)) : null));
  const sec = sections(nb);
  const definer = (name: string, before: number): number | null => {
    for (let i = before - 1; i >= 0; i--) if (scans[i]?.declared.has(name) && !isAnswer(nb.cells[i])) return i;
    return null;
  };
  const step = (i: number, only?: Set<string>): Map<number, string[]> => {
    const out = new Map<number, string[]>();
    const s = scans[i];
    if (!s) return out;
    for (const n of only ?? s.used) {
      if (s.declared.has(n) && !only) continue;
      const d = definer(n, i);
      if (d !== null) out.set(d, [...(out.get(d) ?? []), n]);
    }
    return out;
  };
  const first = step(target, names);
  const direct = [...first].sort((a, b) => a[0] - b[0]).map(([cell, ns]) => ({ cell: cell + 1, section: sec[cell], names: ns.sort() }));
  const seen = new Set<number>(first.keys());
  const queue = [...first.keys()];
  while (queue.length) {
    for (const d of step(queue.pop()!).keys()) if (!seen.has(d)) { seen.add(d); queue.push(d); }
  }
  return { direct, all: [...seen].sort((a, b) => a - b).map((i) => i + 1) };
}

const fmtTime = (s: number | null): string => (s === null ? "not measured" : s < 90 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`);

function timesSection(): string {
  const file = path.join(projectRoot, "docs", "chapter-times.json");
  const t = JSON.parse(fs.readFileSync(file, "utf8")) as Times;
  const rows = Object.entries(t.chapters).map(([f, v]) => `| ${f.replace(/\.ipynb$/, "")} | ${fmtTime(v.quickSeconds)} | ${fmtTime(v.fullSeconds)} |`);
  return [
    "### How long each chapter takes",
    "",
    `Measured cold (empty results cache) by the headless runner and recorded by \`scripts/chapter-times.js\` in`,
    `\`docs/chapter-times.json\`: ${t.cpu ?? "CPU not recorded"}, ${t.cores ?? "?"} cores, load average ${t.load ?? "?"} when recorded` +
    `${t.measuredAt ? ` (${t.measuredAt.slice(0, 10)})` : ""}. The machine was shared, so these are upper bounds for an idle`,
    "machine of that kind; a re-run with a warm cache takes seconds. Chapter 00 is not timed (it is the tour).",
    "",
    "| chapter | quick (`-p quick=true`) | full size |",
    "|---|---|---|",
    ...rows,
  ].join("\n");
}

const list = (xs: string[]) => xs.map((x) => `\`${x}\``).join(", ");

function dependencySection(chapters: string[]): string {
  const out: string[] = [
    "### Which earlier cells each exercise needs",
    "",
    "Cell numbers are the chapter's (`notebooks/`), counted from 1 as Jupyter shows them in its cell order. An",
    "*answer cell* computes what the answers quote; it is left out of the student copy. A *check* is the",
    "`check.exercise` call the student copy places after the exercise. \"Needs\" lists the earlier cells",
    "declaring the names a cell uses (with those names); \"run first\" adds what those cells need in turn:",
    "run them (or the whole chapter up to there) before the exercise.",
    "",
  ];
  for (const file of chapters) {
    const nb = readNotebook(file);
    const name = path.basename(file, ".ipynb");
    const ex = exercises(nb);
    const answerCells = nb.cells.map((c, i) => ({ c, i })).filter(({ c }) => c.cell_type === "code" && isAnswer(c));
    const checks = allExerciseChecks(nb).filter((c) => isAnswer(nb.cells[c.cell]));
    out.push(`**${name}** (${ex.length} exercises${checks.length ? `; checked: ${checks.map((c) => c.id).join(", ")}` : ""})`, "");
    if (answerCells.length === 0 && checks.length === 0) {
      out.push("- no answer cells: its exercises change a parameter or a section and re-run it, or are answered in words.", "");
      continue;
    }
    for (const { c, i } of answerCells) {
      const mentions = [...new Set([...sourceText(c).matchAll(/\b(?:exercise|answer)s?\s+(\d+)\b|^console\.log\(`(\d+)\.\s/gim)].map((m) => Number(m[1] ?? m[2])))].sort((a, b) => a - b);
      const n = needs(nb, i);
      const named = mentions.length ? ` (exercise${mentions.length > 1 ? "s" : ""} ${mentions.join(", ")})` : "";
      out.push(`- answer cell ${i + 1}${named}: needs ` +
        (n.direct.length ? n.direct.map((d) => `${d.cell} (${d.section}: ${list(d.names)})`).join("; ") : "nothing earlier") +
        (n.all.length > n.direct.length ? `; run first: cells ${n.all.join(", ")}` : ""));
    }
    for (const ch of checks) {
      const n = needs(nb, ch.cell, new Set([...ch.otherNames, "check"]));
      out.push(`- check ${ch.id} (\`${ch.answerName}\`, set by the student): needs ` +
        (n.direct.length ? n.direct.map((d) => `${d.cell} (${d.section}: ${list(d.names)})`).join("; ") : "no earlier cell") +
        (n.all.length > n.direct.length ? `; run first: cells ${n.all.join(", ")}` : ""));
    }
    out.push("");
  }
  return out.join("\n").trimEnd();
}

/** The generated block of docs/teaching.md, markers included. */
export function teachingNotesBlock(chapters?: string[]): string {
  const dir = path.join(projectRoot, "notebooks");
  const files = chapters ?? fs.readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort().map((f) => path.join(dir, f));
  return `${BEGIN}\n\n${timesSection()}\n\n${dependencySection(files)}\n\n${END}`;
}

/** Rewrite the generated block of docs/teaching.md; returns what was done. */
export function updateTeachingNotes(file = NOTES_FILE): string {
  const text = fs.readFileSync(file, "utf8");
  const a = text.indexOf(BEGIN), b = text.indexOf(END);
  if (a < 0 || b < a) return `${path.relative(projectRoot, file)} has no generated block (the markers ${BEGIN} ... ${END}); not changed`;
  const next = text.slice(0, a) + teachingNotesBlock() + text.slice(b + END.length);
  if (next === text) return `${path.relative(projectRoot, file)} is current`;
  fs.writeFileSync(file, next);
  return `${path.relative(projectRoot, file)}: generated part rewritten`;
}

/** The generated block currently in docs/teaching.md (null without markers). */
export function currentBlock(file = NOTES_FILE): string | null {
  const text = fs.readFileSync(file, "utf8");
  const a = text.indexOf(BEGIN), b = text.indexOf(END);
  return a < 0 || b < a ? null : text.slice(a, b + END.length);
}
