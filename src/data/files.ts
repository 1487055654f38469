/**
 * Data files shipped with the lab (the `data/` folder at the project root, each file with its source
 * beside it) and a small CSV reader for them. Paths are resolved from the project root, never from the
 * working directory, so a file is found alike from a notebook (kernel cwd `notebooks/`), from the
 * compiled library in `dist/` and from the tests compiled to `build/ts/`.
 */
import * as fs from "fs";
import * as path from "path";
import { findProjectRoot } from "../projectRoot";

/**
 * The project root above `from`: the nearest folder whose package.json is named "genlab" (the same
 * lookup the cache uses, `src/projectRoot.ts`).
 */
export function genlabRoot(from: string = __dirname): string {
  return findProjectRoot(from);
}

/** Absolute path of a file in the lab's `data/` folder, e.g. `dataFile("hoffmann2022-figure4", "svg_extracted_data.csv")`. */
export function dataFile(...parts: string[]): string {
  return path.join(genlabRoot(), "data", ...parts);
}

/** A parsed CSV: the header's column names and the rows as strings (one array per data line). */
export interface CsvTable {
  columns: string[];
  rows: string[][];
}

/**
 * Parse simple CSV text: comma-separated, first line the header, no quoted fields (the lab's data files
 * have none; a quote character is rejected rather than misread). Blank lines are skipped; a line whose
 * field count differs from the header's throws, naming the line. `source` names the file in errors.
 */
export function parseCsv(text: string, source = "CSV"): CsvTable {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = lines.findIndex((l) => l.trim() !== "");
  if (header < 0) throw new Error(`${source}: empty file (no header line)`);
  if (lines[header].includes('"')) throw new Error(`${source}, line ${header + 1}: quoted fields are not supported`);
  const columns = lines[header].split(",").map((c) => c.trim());
  const rows: string[][] = [];
  for (let i = header + 1; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    if (lines[i].includes('"')) throw new Error(`${source}, line ${i + 1}: quoted fields are not supported`);
    const cells = lines[i].split(",").map((c) => c.trim());
    if (cells.length !== columns.length) throw new Error(`${source}, line ${i + 1}: ${cells.length} fields, but the header has ${columns.length} (${columns.join(", ")})`);
    rows.push(cells);
  }
  return { columns, rows };
}

/**
 * The numeric values of named columns of a CSV table, row by row. Throws, naming file, line and column,
 * when a column is missing or a cell is not a finite number.
 */
export function numericColumns<K extends string>(table: CsvTable, names: readonly K[], source = "CSV"): Record<K, number>[] {
  const idx = names.map((n) => {
    const i = table.columns.indexOf(n);
    if (i < 0) throw new Error(`${source}: no column "${n}" (columns: ${table.columns.join(", ")})`);
    return i;
  });
  return table.rows.map((row, r) => {
    const out = {} as Record<K, number>;
    names.forEach((n, k) => {
      const cell = row[idx[k]];
      const v = cell === "" ? NaN : Number(cell);
      if (!Number.isFinite(v)) throw new Error(`${source}, data row ${r + 1}: column "${n}" holds "${cell}", not a finite number`);
      out[n] = v;
    });
    return out;
  });
}
