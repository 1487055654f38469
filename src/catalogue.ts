/**
 * The lab's chapters as data, read from the notebooks themselves: each chapter's title, numbered
 * sections, parameters (with their comments), the cached experiments it runs and the `experiments`
 * functions it calls; and the measured cost of running each chapter, from the committed record
 * `docs/chapter-times.json` (written by `node scripts/chapter-times.js` from a runner report, with the
 * CPU and the load it was measured under). A table built from these cannot drift from the chapters.
 */
import * as fs from "fs";
import * as path from "path";
import { findProjectRoot } from "./projectRoot";

const projectRoot = (): string => findProjectRoot();

/** One knob of a chapter's parameters cell. */
export interface ChapterParameter {
  name: string;
  /** The default value as written. */
  value: string;
  /** The comment on its line ("" when none). */
  comment: string;
}

/** What a chapter is, read from its notebook. */
export interface ChapterInfo {
  /** File name, e.g. "09-scaling-laws.ipynb". */
  file: string;
  /** Two-digit number, e.g. "09". */
  number: string;
  title: string;
  /** The numbered sections "## k · Title". */
  sections: { number: number; title: string }[];
  parameters: ChapterParameter[];
  /** Ids of the results cached with `cached("id", ...)`. */
  cachedIds: string[];
  /** Functions of `experiments` the chapter calls. */
  experiments: string[];
}

interface RawCell { cell_type: string; source: string | string[]; metadata?: { tags?: string[] } }

const text = (c: RawCell): string => (Array.isArray(c.source) ? c.source.join("") : c.source);

/** Parse one notebook file into a `ChapterInfo`; throws with the file name when it is not a chapter. */
export function readChapter(file: string): ChapterInfo {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as { cells: RawCell[] };
  const base = path.basename(file);
  const m = /^(\d\d)-/.exec(base);
  if (!m) throw new RangeError(`catalogue: ${base} is not named NN-name.ipynb`);
  const md = nb.cells.filter((c) => c.cell_type === "markdown").map(text);
  const codeCells = nb.cells.filter((c) => c.cell_type === "code");
  const titleLine = md.length ? md[0].split("\n")[0] : "";
  const t = /^#\s+\d\d\s+·\s+(.+)$/.exec(titleLine);
  if (!t) throw new RangeError(`catalogue: ${base}: the first cell does not start with "# ${m[1]} · Title"`);
  const sections: ChapterInfo["sections"] = [];
  for (const s of md) for (const line of s.split("\n")) {
    const h = /^##\s+(\d+)\s+·\s+(.+)$/.exec(line);
    if (h) sections.push({ number: Number(h[1]), title: h[2].trim() });
  }
  const params = codeCells.find((c) => c.metadata?.tags?.includes("parameters"));
  const parameters: ChapterParameter[] = [];
  if (params) {
    for (const line of text(params).split("\n")) {
      const p = /^\s*let\s+(\w+)\s*=\s*(.+?);\s*(?:\/\/\s*(.*))?$/.exec(line);
      if (p) parameters.push({ name: p[1], value: p[2].trim(), comment: (p[3] ?? "").trim() });
    }
  }
  const code = codeCells.map(text).join("\n");
  const uniq = (xs: string[]) => [...new Set(xs)];
  // a template id such as `01-memorization ${fraction}` is shown with its placeholders as "…"
  const cachedIds = uniq([...code.matchAll(/cached\(\s*["'`]([^"'`]+)["'`]/g)].map((x) => x[1].replace(/\$\{[^}]*\}/g, "…")));
  // functions called, not types (experiments.SomeRun) or constants
  const experiments = uniq([...code.matchAll(/(?<![.\w$])experiments\.([a-z]\w*)\s*\(/g)].map((x) => x[1]));
  return { file: base, number: m[1], title: t[1].trim(), sections, parameters, cachedIds, experiments };
}

/** Every chapter in `notebooks/` (the welcome tour 00 excluded unless `withWelcome`), in order. */
export function chapters(opts: { dir?: string; withWelcome?: boolean } = {}): ChapterInfo[] {
  const dir = opts.dir ?? path.join(projectRoot(), "notebooks");
  return fs.readdirSync(dir).filter((f) => /^\d\d-[a-z0-9-]+\.ipynb$/.test(f) && (opts.withWelcome || !f.startsWith("00-"))).sort()
    .map((f) => readChapter(path.join(dir, f)));
}

/** One chapter's measured running time. */
export interface ChapterTime {
  /** Seconds at full size from a cold result cache, or null when not measured. */
  fullSeconds: number | null;
  /** Seconds with quick=true, or null. */
  quickSeconds: number | null;
}

/** The committed record of chapter running times. */
export interface ChapterTimes {
  /** The CPU the times were measured on (from /proc/cpuinfo); null before any measurement. */
  cpu: string | null;
  cores: number | null;
  /** The 1-minute load average during the measurement: a loaded machine inflates the times. */
  load: number | null;
  measuredAt: string | null;
  chapters: Record<string, ChapterTime>;
}

/** Read `docs/chapter-times.json` (or another record). */
export function chapterTimes(opts: { file?: string } = {}): ChapterTimes {
  const file = opts.file ?? path.join(projectRoot(), "docs", "chapter-times.json");
  if (!fs.existsSync(file)) throw new Error(`catalogue: no record of chapter times at ${file} (write one with node scripts/chapter-times.js REPORT.json)`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as ChapterTimes;
}

/** One row of the table of experiments. */
export interface ExperimentRow {
  chapter: string;
  title: string;
  /** The chapter's numbered sections, joined. */
  measures: string;
  /** Cached experiments and `experiments` functions it runs. */
  experiments: string;
  /** Full-size seconds from the record, or a note that it was not measured. */
  cost: string;
  /** The parameters a reader can change (everything but quick and seed), with their comments. */
  parameters: string;
}

/** The table of every chapter's experiments, from the notebooks and the record of times. */
export function experimentTable(infos: ChapterInfo[] = chapters(), times: ChapterTimes = chapterTimes()): ExperimentRow[] {
  return infos.map((c) => {
    const t = times.chapters[c.file];
    const cost = t?.fullSeconds != null ? `${t.fullSeconds.toFixed(0)} s` : t?.quickSeconds != null ? `full size not measured (quick: ${t.quickSeconds.toFixed(0)} s)` : "not measured";
    return {
      chapter: c.number,
      title: c.title,
      measures: c.sections.map((s) => `${s.number}. ${s.title}`).join("; "),
      experiments: [...c.experiments.map((e) => `experiments.${e}`), ...c.cachedIds.map((id) => `cached "${id}"`)].join(", ") || "(inline)",
      cost,
      parameters: c.parameters.filter((p) => p.name !== "quick" && p.name !== "seed").map((p) => `${p.name} = ${p.value}${p.comment ? ` (${p.comment})` : ""}`).join("; "),
    };
  });
}
