/**
 * A sweep's results on disk, and reading them back as a table. The layout (written by
 * `npm run sweep`, read here) is:
 *
 *   OUT/sweep.json                 the sweep: notebook, parameter names, and every grid point with its run key
 *   OUT/runs/<name>-<key>/         one folder per run, named from its parameter values (made safe) and key
 *       <notebook>.ipynb           the executed copy
 *       result.json                status, parameters and recorded values; written last, atomically
 *   OUT/results.csv                one row per finished run (written at the end of a sweep)
 *
 * A run is finished when its result.json says "ok"; the run key hashes the notebook's code and the
 * parameter values, so a changed notebook or grid never reads an older run's numbers.
 */
import * as fs from "fs";
import * as path from "path";
import type { DataFrame } from "danfojs-node";
import { decodeRecorded, Recordable } from "./record";
import { table } from "./show/table";

/** OUT/sweep.json. */
export interface SweepManifest {
  version: 1;
  /** The notebook as given to the sweep (relative to where it ran). */
  notebook: string;
  /** Hash of the notebook's cells (code and markdown sources), part of every run key. */
  notebookKey: string;
  /** Parameter names, in grid order: the first columns of the table. */
  parameters: string[];
  points: SweepPoint[];
}

/** One grid point. */
export interface SweepPoint {
  /** 0-based position in the grid (the row order of the table). */
  index: number;
  parameters: Record<string, unknown>;
  /** Hash of the notebook key and the parameter values. */
  key: string;
  /** Folder name under OUT/runs/. */
  dir: string;
}

/** OUT/runs/<dir>/result.json. */
export interface RunResult {
  key: string;
  index: number;
  parameters: Record<string, unknown>;
  status: "ok" | "failed";
  /** Recorded values (non-finite numbers encoded as strings, see record.ts). */
  values: Record<string, unknown>;
  /** Why the run failed (first lines of the cell's error). */
  error?: string;
  /** Which server ran it (its URL without credentials). */
  server: string;
  seconds: number;
  attempts: number;
  finishedAt: string;
  /** The executed copy, relative to the run folder. */
  executed: string;
}

export const MANIFEST_FILE = "sweep.json";
export const RUNS_DIR = "runs";
export const RESULT_FILE = "result.json";
export const CSV_FILE = "results.csv";

/** One row of a sweep's table: parameters, then recorded values. */
export type SweepRow = Record<string, Recordable>;

/** What reading a sweep found. */
export interface SweepTable {
  manifest: SweepManifest;
  /** Column names: parameters first, then recorded names in order of first appearance. */
  columns: string[];
  /** Finished runs in grid order. */
  rows: SweepRow[];
  /** Grid points with no finished run. */
  missing: SweepPoint[];
  /** Grid points whose last run failed, with the cause. */
  failed: Array<SweepPoint & { error: string }>;
}

/** Read OUT/sweep.json; throws naming the folder when it is not a sweep's output. */
export function readManifest(dir: string): SweepManifest {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new Error(`${dir}: not a sweep's output folder (no ${MANIFEST_FILE}); run \`npm run sweep -- NOTEBOOK --grid GRID --out ${dir}\` first`);
  }
  const m = JSON.parse(text) as SweepManifest;
  if (m.version !== 1 || !Array.isArray(m.points)) throw new Error(`${file}: unknown sweep manifest format`);
  return m;
}

/** The result of one run, or null when it has none (not run yet, or killed before it finished). */
export function readRunResult(dir: string, point: SweepPoint): RunResult | null {
  try {
    const r = JSON.parse(fs.readFileSync(path.join(dir, RUNS_DIR, point.dir, RESULT_FILE), "utf8")) as RunResult;
    return r.key === point.key ? r : null;
  } catch {
    return null;
  }
}

/** A table cell: scalars stay, lists and objects become their JSON text (CSV and DataFrames hold scalars). */
function cellValue(v: unknown): Recordable {
  const d = decodeRecorded(v);
  return d !== null && typeof d === "object" ? JSON.stringify(d) : d;
}

/** Read a sweep's results as rows (no DataFrame library needed). */
export function readSweep(dir: string): SweepTable {
  const manifest = readManifest(dir);
  const columns = [...manifest.parameters];
  const rows: SweepRow[] = [];
  const missing: SweepPoint[] = [];
  const failed: SweepTable["failed"] = [];
  for (const point of [...manifest.points].sort((a, b) => a.index - b.index)) {
    const r = readRunResult(dir, point);
    if (!r) { missing.push(point); continue; }
    if (r.status !== "ok") { failed.push({ ...point, error: r.error ?? "failed" }); continue; }
    const row: SweepRow = {};
    for (const p of manifest.parameters) row[p] = cellValue(point.parameters[p]);
    for (const [name, v] of Object.entries(r.values)) {
      const value = cellValue(v);
      if (manifest.parameters.includes(name)) {
        if (value !== row[name]) throw new Error(`${dir}: run ${point.dir} recorded "${name}" = ${JSON.stringify(value)}, but "${name}" is also a parameter (= ${JSON.stringify(row[name])}); record it under another name`);
        continue;
      }
      if (!columns.includes(name)) columns.push(name);
      row[name] = value;
    }
    rows.push(row);
  }
  // A run that did not record a name gets null there, so every row has every column.
  for (const row of rows) for (const c of columns) if (!(c in row)) row[c] = null;
  return { manifest, columns, rows, missing, failed };
}

/** RFC 4180 CSV of a sweep's table (empty field for null); written by hand so the sweep CLI need not load danfojs (1-2 s). */
export function sweepCsv(t: Pick<SweepTable, "columns" | "rows">): string {
  const field = (v: Recordable): string => {
    const s = v === null ? "" : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [t.columns.map((c) => field(c)).join(","), ...t.rows.map((r) => t.columns.map((c) => field(r[c])).join(","))].join("\n") + "\n";
}

/**
 * Throw, naming the runs, unless every grid point of the sweep in `dir` finished: what `loadSweep`
 * does without `partial`, for readers of `readSweep`'s rows. `hint` is appended to the message.
 */
export function assertSweepComplete(t: SweepTable, dir: string, hint = ""): void {
  if (t.missing.length === 0 && t.failed.length === 0) return;
  const total = t.manifest.points.length;
  const parts = [
    t.missing.length ? `${t.missing.length} not run (${t.missing.slice(0, 3).map((p) => p.dir).join(", ")}${t.missing.length > 3 ? ", ..." : ""})` : "",
    t.failed.length ? `${t.failed.length} failed (${t.failed.slice(0, 2).map((p) => `${p.dir}: ${p.error.split("\n")[0]}`).join("; ")})` : "",
  ].filter(Boolean);
  throw new Error(`${dir}: ${t.rows.length} of ${total} runs finished, ${parts.join(", ")}; rerun the sweep to finish it${hint}`);
}

/** Options of loadSweep. */
export interface LoadSweepOptions {
  /** Accept a sweep with runs missing or failed (default false: that throws, naming them). */
  partial?: boolean;
}

/**
 * A sweep's results as a danfojs DataFrame: one row per run (grid order), one column per parameter
 * and per recorded value. Throws when runs are missing or failed unless `partial` is set, so a
 * chapter never fits an incomplete grid by accident.
 */
export function loadSweep(dir: string, opts: LoadSweepOptions = {}): DataFrame {
  const t = readSweep(dir);
  if (!opts.partial) assertSweepComplete(t, dir, ", or pass { partial: true }");
  if (t.rows.length === 0) throw new Error(`${dir}: no finished runs yet`);
  return table(t.rows.map((r) => Object.fromEntries(t.columns.map((c) => [c, r[c]]))) as Parameters<typeof table>[0]);
}
