/**
 * Grids: what a sweep runs. A grid file is JSON, either an object of lists (every combination,
 * the last key varying fastest, like nested loops) or an explicit list of points (objects). Every
 * problem is found before anything runs and named by its key or point.
 */
import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import { NotebookInputError, Notebook, readNotebook, sourceText } from "../runner";
import { prepareNotebook } from "../runner";
import { SweepPoint } from "../../src/sweepResults";

/** A parsed grid: parameter names (column order) and the points. */
export interface Grid {
  parameters: string[];
  points: Array<Record<string, unknown>>;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** JSON with keys sorted at every level: the same values always give the same text (and key). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (isPlainObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

/** Parse a grid's JSON text (`source` names it in messages). Throws NotebookInputError. */
export function parseGrid(text: string, source: string): Grid {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new NotebookInputError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  const checkName = (k: string, where: string) => {
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k)) throw new NotebookInputError(`${source}: ${where}key "${k}" is not a parameter name (an identifier)`);
  };
  let points: Array<Record<string, unknown>>;
  if (Array.isArray(raw)) {
    if (raw.length === 0) throw new NotebookInputError(`${source}: the list of points is empty`);
    points = raw.map((p, i) => {
      if (!isPlainObject(p)) throw new NotebookInputError(`${source}: point ${i} is ${JSON.stringify(p)}, expected an object like {"width": 8, "seed": 0}`);
      for (const k of Object.keys(p)) checkName(k, `point ${i}: `);
      return p;
    });
  } else if (isPlainObject(raw)) {
    const keys = Object.keys(raw);
    if (keys.length === 0) throw new NotebookInputError(`${source}: the grid has no keys; expected {"name": [values...], ...} or a list of points`);
    for (const k of keys) {
      checkName(k, "");
      const v = raw[k];
      if (!Array.isArray(v)) throw new NotebookInputError(`${source}: "${k}" must be a list of values, got ${JSON.stringify(v)} (write [${JSON.stringify(v)}] for a single value)`);
      if (v.length === 0) throw new NotebookInputError(`${source}: "${k}" is an empty list, so the grid has no points`);
    }
    points = [{}];
    for (const k of keys) points = points.flatMap((p) => (raw as Record<string, unknown[]>)[k].map((v) => ({ ...p, [k]: v })));
  } else {
    throw new NotebookInputError(`${source}: expected a JSON object of lists or a list of points, got ${JSON.stringify(raw)}`);
  }
  const parameters: string[] = [];
  for (const p of points) for (const k of Object.keys(p)) if (!parameters.includes(k)) parameters.push(k);
  const seen = new Map<string, number>();
  points.forEach((p, i) => {
    const c = canonicalJson(p);
    if (seen.has(c)) throw new NotebookInputError(`${source}: point ${i} ${c} repeats point ${seen.get(c)}`);
    seen.set(c, i);
  });
  return { parameters, points };
}

/** Read and parse a grid file. */
export function readGrid(file: string): Grid {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new NotebookInputError(`--grid ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseGrid(text, file);
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/**
 * The notebook's identity for run keys: its cells' types and sources and its kernel, not its
 * outputs or execution counts (saving a notebook after running it in the browser changes nothing).
 */
export function notebookKey(nb: Notebook): string {
  const cells = nb.cells.map((c) => [c.cell_type, sourceText(c)]);
  return sha(canonicalJson({ cells, kernel: nb.metadata.kernelspec?.name ?? null })).slice(0, 16);
}

/** A run's key: the notebook's key and the parameter values. */
export function runKey(nbKey: string, parameters: Record<string, unknown>): string {
  return sha(`${nbKey}\n${canonicalJson(parameters)}`).slice(0, 16);
}

/**
 * A run's folder name: its parameters as `name=value` (for people listing the folder) reduced to
 * characters that are safe in any file name, then the run key (which makes it unique). No value can
 * make it a path: separators, "..", leading dots and control characters are all replaced.
 */
export function runDirName(parameters: Record<string, unknown>, key: string): string {
  const parts = Object.entries(parameters).map(([k, v]) => `${k}=${typeof v === "string" ? v : canonicalJson(v)}`);
  let slug = parts.join(",").replace(/[^A-Za-z0-9._=,+-]+/g, "_").replace(/\.{2,}/g, "_").replace(/^[.\-_]+/, "");
  if (slug.length > 80) slug = slug.slice(0, 80);
  return `${slug ? `${slug}-` : ""}${key.slice(0, 12)}`;
}

/** The run folder of a point under OUT/runs/, checked to lie inside it. */
export function runDirPath(outDir: string, dir: string): string {
  const runs = path.resolve(outDir, "runs");
  const p = path.resolve(runs, dir);
  if (path.dirname(p) !== runs) throw new Error(`run folder ${JSON.stringify(dir)} would leave ${runs}`);
  return p;
}

/**
 * Check every point against the notebook's parameters cell (unknown names, wrong types, no
 * parameters cell: NotebookInputError naming the point) and give each its key and folder.
 */
export function planSweep(notebook: string, grid: Grid, gridSource: string): { nbKey: string; points: SweepPoint[] } {
  const nb = readNotebook(notebook);
  const nbKey = notebookKey(nb);
  const points = grid.points.map((parameters, index) => {
    try {
      prepareNotebook(notebook, parameters);
    } catch (e) {
      if (e instanceof NotebookInputError) {
        // No parameters cell is the notebook's problem, not a point's: say it once, as the runner does.
        if (e.message.includes("no code cell tagged")) throw e;
        throw new NotebookInputError(`${gridSource}, point ${index} ${canonicalJson(parameters)}: ${e.message}`);
      }
      throw e;
    }
    const key = runKey(nbKey, parameters);
    return { index, parameters, key, dir: runDirName(parameters, key) };
  });
  return { nbKey, points };
}
