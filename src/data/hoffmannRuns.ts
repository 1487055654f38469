/**
 * Hoffmann et al.'s own training runs (arXiv 2203.15556, Figure 4) as Besiroglu et al. (arXiv
 * 2404.10102) read them off the paper's vector graphics: 245 runs, each a model size N, a training
 * compute C (FLOPs) and a final loss L; tokens D = C / (6 N). The lab does not commit the CSV (it is a
 * third party's file); `data/hoffmann2022-figure4/SOURCE.md` says where it comes from and where the
 * lab looks for it.
 */
import * as fs from "fs";
import * as path from "path";
import { dataFile, genlabRoot, numericColumns, parseCsv } from "./files";

/** One run of Hoffmann et al.'s Figure 4. */
export interface HoffmannRun {
  /** Parameters. */
  N: number;
  /** Training tokens, C / (6 N). */
  D: number;
  /** Training compute in FLOPs. */
  C: number;
  /** Final training loss (nats per token). */
  L: number;
}

/**
 * Where the lab reads the file (absolute path): `GENLAB_HOFFMANN_CSV` when set; else
 * `data/hoffmann2022-figure4/svg_extracted_data.csv` in the project when a copy was put there; else the
 * same path under the `shared/` folder beside the project, when it holds one.
 */
export const HOFFMANN_FIGURE4_CSV = (): string => {
  const inProject = dataFile("hoffmann2022-figure4", "svg_extracted_data.csv");
  const inShared = path.join(genlabRoot(), "..", "shared", "data", "hoffmann2022-figure4", "svg_extracted_data.csv");
  return process.env.GENLAB_HOFFMANN_CSV ?? (fs.existsSync(inProject) || !fs.existsSync(inShared) ? inProject : inShared);
};

/** Whether Hoffmann et al.'s Figure 4 runs can be read here (see `HOFFMANN_FIGURE4_CSV` for where the lab looks). */
export function hoffmannFigure4Available(): boolean {
  return fs.existsSync(HOFFMANN_FIGURE4_CSV());
}

/**
 * Parse the extracted-runs CSV text (columns "Model Size", "Training FLOP", "loss"; others ignored).
 * Throws a clear error for a missing column, a non-numeric cell, a ragged line, or a non-positive value.
 */
export function parseHoffmannRuns(text: string, source = "svg_extracted_data.csv"): HoffmannRun[] {
  const rows = numericColumns(parseCsv(text, source), ["Model Size", "Training FLOP", "loss"] as const, source);
  if (rows.length === 0) throw new Error(`${source}: no data rows`);
  return rows.map((r, i) => {
    const N = r["Model Size"], C = r["Training FLOP"], L = r.loss;
    if (!(N > 0 && C > 0 && L > 0)) throw new Error(`${source}, data row ${i + 1}: N = ${N}, C = ${C}, L = ${L}; all must be positive`);
    return { N, C, D: C / (6 * N), L };
  });
}

/** The 245 runs of Hoffmann et al.'s Figure 4, read from the shipped CSV (or from `file`). */
export function hoffmannFigure4Runs(file: string = HOFFMANN_FIGURE4_CSV()): HoffmannRun[] {
  if (!fs.existsSync(file)) throw new Error(`hoffmannFigure4Runs: ${file} not found: put Besiroglu et al.'s svg_extracted_data.csv (data/hoffmann2022-figure4/SOURCE.md says where it comes from) in data/hoffmann2022-figure4/ or ../shared/data/hoffmann2022-figure4/, or set GENLAB_HOFFMANN_CSV`);
  return parseHoffmannRuns(fs.readFileSync(file, "utf8"), file);
}

/**
 * Besiroglu et al.'s selection: drop the `k` runs with the highest loss (default 5; their main fit keeps
 * the runs whose loss is below the k-th largest). Returns the kept runs in file order.
 */
export function dropHighestLosses<T extends { L: number }>(runs: readonly T[], k = 5): T[] {
  if (k <= 0) return runs.slice();
  if (k >= runs.length) throw new RangeError(`dropHighestLosses: cannot drop ${k} of ${runs.length} runs`);
  const threshold = runs.map((r) => r.L).sort((a, b) => a - b)[runs.length - k];
  return runs.filter((r) => r.L < threshold);
}
