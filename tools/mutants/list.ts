/**
 * The mutant list: named, plausible mistakes kept in the repository (`tools/mutants/mutants.json`).
 * Each is a text patch: replace `find` by `replace` in one file, either a library source
 * (`src/...`) or a chapter (`notebooks/NN-*.ipynb`, patched inside its code cells). A patch, not an
 * edited copy of the file, so a mutant keeps working while the code around its target changes; when
 * the target text is gone the harness says so instead of silently testing nothing.
 */
import * as fs from "fs";
import * as path from "path";

/** What kind of mistake a mutant plants. */
export type MutantKind = "constant" | "exponent" | "factor" | "reference" | "formula";
export const MUTANT_KINDS: readonly MutantKind[] = ["constant", "exponent", "factor", "reference", "formula"];
export type Size = "quick" | "full";

export interface Mutant {
  /** Unique, `NN-short-name`. */
  name: string;
  /** The chapters to run; the first is the chapter whose claim the mutant attacks. */
  chapters: string[];
  /** The headline claim (as the chapter's takeaways state it) that the mutant attacks. */
  claim: string;
  kind: MutantKind;
  /** One line: why someone could plausibly make this mistake. */
  reason: string;
  /** Project-relative file: `src/...ts`, or `notebooks/NN-*.ipynb` (the `*` matches the chapter's name). */
  file: string;
  /** Exact text to replace (in a notebook: inside one code cell's source). */
  find: string;
  replace: string;
  /** Which occurrence of `find` to replace when it occurs several times (1-based); required then. */
  occurrence?: number;
  /** Sizes at which the chapter checks this claim (default both). */
  sizes?: Size[];
  /**
   * Run only these numbered sections of the claim's chapter (the first of `chapters`; the others run
   * whole), with what they need (tools/runner/sections.ts); the baseline runs the same sections. For a
   * mistake that can only reach one section of a long chapter.
   */
  sections?: number[];
  /**
   * The chapter states that its measurement cannot resolve this mistake (and how far it is): the mutant
   * still runs, and a miss is reported as `below-resolution`, not as a miss. One line, with the numbers.
   */
  resolution?: string;
  /** Set while the targeted chapter does not exist yet: listed, never run. */
  pending?: string;
}

/** Where the list lives in a project. */
export function mutantListPath(root: string): string {
  return path.join(root, "tools", "mutants", "mutants.json");
}

/** Parse and validate the list; throws with every problem found. */
export function parseMutants(text: string): Mutant[] {
  const raw = JSON.parse(text) as { mutants?: unknown };
  if (!raw || !Array.isArray(raw.mutants)) throw new Error("mutants.json: expected { \"mutants\": [...] }");
  const problems: string[] = [];
  const seen = new Set<string>();
  const list = raw.mutants as Mutant[];
  list.forEach((m, i) => {
    const at = `mutant ${i + 1}${m && typeof m.name === "string" ? ` (${m.name})` : ""}`;
    if (!m || typeof m !== "object") { problems.push(`${at}: not an object`); return; }
    if (typeof m.name !== "string" || !/^\d\d-[a-z0-9-]+$/.test(m.name)) problems.push(`${at}: name must look like NN-short-name`);
    else if (seen.has(m.name)) problems.push(`${at}: duplicate name`);
    else seen.add(m.name);
    if (!Array.isArray(m.chapters) || m.chapters.length === 0 || !m.chapters.every((c) => /^\d\d$/.test(c))) problems.push(`${at}: chapters must be a non-empty list of two-digit chapter numbers`);
    else if (typeof m.name === "string" && m.name.slice(0, 2) !== m.chapters[0]) problems.push(`${at}: the name's number must be the first chapter`);
    for (const k of ["claim", "reason", "file", "find"] as const) if (typeof m[k] !== "string" || m[k].length === 0) problems.push(`${at}: ${k} must be a non-empty string`);
    if (typeof m.replace !== "string") problems.push(`${at}: replace must be a string`);
    else if (m.replace === m.find) problems.push(`${at}: replace equals find`);
    if (!MUTANT_KINDS.includes(m.kind)) problems.push(`${at}: kind must be one of ${MUTANT_KINDS.join(", ")}`);
    if (m.occurrence !== undefined && !(Number.isInteger(m.occurrence) && m.occurrence >= 1)) problems.push(`${at}: occurrence must be a positive integer`);
    if (m.sizes !== undefined && !(Array.isArray(m.sizes) && m.sizes.length > 0 && m.sizes.every((s) => s === "quick" || s === "full"))) problems.push(`${at}: sizes must list quick and/or full`);
    if (typeof m.file === "string" && !/^(src\/.+\.ts|notebooks\/\d\d-[^/]*\.ipynb)$/.test(m.file)) problems.push(`${at}: file must be src/....ts or notebooks/NN-....ipynb`);
    if (m.sections !== undefined && !(Array.isArray(m.sections) && m.sections.length > 0 && m.sections.every((n) => Number.isInteger(n) && n >= 1))) problems.push(`${at}: sections must list section numbers (1, 2, ...)`);
    if (m.resolution !== undefined && (typeof m.resolution !== "string" || m.resolution.length < 10)) problems.push(`${at}: resolution must say, in a line, what the chapter can resolve`);
    if (m.pending !== undefined && typeof m.pending !== "string") problems.push(`${at}: pending must be a string`);
  });
  if (problems.length) throw new Error(`mutants.json is invalid:\n  ${problems.join("\n  ")}`);
  return list;
}

/** Read the list of a project. */
export function loadMutants(root: string): Mutant[] {
  return parseMutants(fs.readFileSync(mutantListPath(root), "utf8"));
}

/** Resolve a mutant's file in a project: a `*` in a notebook name matches any chapter name. */
export function resolveFile(root: string, file: string): string | null {
  if (!file.includes("*")) return fs.existsSync(path.join(root, file)) ? file : null;
  const dir = path.dirname(file);
  const re = new RegExp(`^${path.basename(file).replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
  const hits = fs.existsSync(path.join(root, dir)) ? fs.readdirSync(path.join(root, dir)).filter((f) => re.test(f)) : [];
  return hits.length === 1 ? path.join(dir, hits[0]) : null;
}

/** How a patch went: applied (the new text), or why not. */
export type PatchResult = { ok: true; text: string } | { ok: false; why: string };

function indicesOf(text: string, find: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(find); i >= 0; i = text.indexOf(find, i + 1)) out.push(i);
  return out;
}

/** Replace the chosen occurrence of `find` in a plain text. */
export function patchText(text: string, m: Pick<Mutant, "find" | "replace" | "occurrence">): PatchResult {
  const at = indicesOf(text, m.find);
  if (at.length === 0) return { ok: false, why: "target text not found" };
  if (m.occurrence === undefined && at.length > 1) return { ok: false, why: `target text found ${at.length} times; give occurrence` };
  const k = (m.occurrence ?? 1) - 1;
  if (k >= at.length) return { ok: false, why: `occurrence ${k + 1} asked, target text found ${at.length} time(s)` };
  return { ok: true, text: text.slice(0, at[k]) + m.replace + text.slice(at[k] + m.find.length) };
}

interface Cell { cell_type: string; source: string | string[] }

/** Split a cell's text back into nbformat's list of lines (each but the last keeps its newline). */
function toSourceLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === "" ? [] : lines;
}

/**
 * Patch a notebook: the occurrences are counted over the code cells in order (a target never spans
 * two cells); the file is written back as the repository writes notebooks (one-space JSON).
 */
export function patchNotebook(json: string, m: Pick<Mutant, "find" | "replace" | "occurrence">): PatchResult {
  const nb = JSON.parse(json) as { cells: Cell[] };
  const texts = nb.cells.map((c) => (c.cell_type === "code" ? (Array.isArray(c.source) ? c.source.join("") : c.source) : ""));
  const hits: [number, number][] = [];
  texts.forEach((t, ci) => indicesOf(t, m.find).forEach((i) => hits.push([ci, i])));
  if (hits.length === 0) return { ok: false, why: "target text not found in any code cell" };
  if (m.occurrence === undefined && hits.length > 1) return { ok: false, why: `target text found ${hits.length} times in code cells; give occurrence` };
  const k = (m.occurrence ?? 1) - 1;
  if (k >= hits.length) return { ok: false, why: `occurrence ${k + 1} asked, target text found ${hits.length} time(s)` };
  const [ci, i] = hits[k];
  const t = texts[ci];
  nb.cells[ci].source = toSourceLines(t.slice(0, i) + m.replace + t.slice(i + m.find.length));
  return { ok: true, text: JSON.stringify(nb, null, 1) + "\n" };
}

/** Patch the file a mutant targets, given its current content. */
export function patchFile(file: string, content: string, m: Mutant): PatchResult {
  return file.endsWith(".ipynb") ? patchNotebook(content, m) : patchText(content, m);
}

/** Whether a mutant's target can be applied in a project, without writing anything. */
export function checkTarget(root: string, m: Mutant): { file: string | null; result: PatchResult } {
  const file = resolveFile(root, m.file);
  if (!file) return { file: null, result: { ok: false, why: `file ${m.file} not found` } };
  return { file, result: patchFile(file, fs.readFileSync(path.join(root, file), "utf8"), m) };
}
