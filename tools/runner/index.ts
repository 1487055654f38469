/**
 * genlab runner: a small TypeScript "papermill" for tslab notebooks.
 *
 *   import { runNotebook } from "genlab/dist/tools/runner";
 *   const report = await runNotebook("notebooks/01-classical-vs-deep.ipynb", { parameters: { quick: true } });
 *
 * Input problems (missing file, malformed notebook, no parameters cell, bad parameter) throw a
 * NotebookInputError before any server starts; failing cells do not throw, the report says so.
 */
import * as path from "path";
import { NotebookInputError, readNotebook } from "./nbformat";
import { GivenParam, givenFromValues, prepareParameters } from "./params";
import { ExecuteOptions, PreparedNotebook, executeNotebook } from "./execute";
import { NotebookReport, writeReport } from "./report";
import { LocalServer, ServerInfo, serverRootFor, startServer } from "./server";
import { checkOutputs } from "./output";
import { selectSections } from "./sections";

export * from "./nbformat";
export * from "./params";
export * from "./server";
export * from "./report";
export * from "./output";
export * from "./lifecycle";
export { executeNotebook, chooseKernel, serverSettings, sessionPath, sourceExcerpt } from "./execute";
export { OutputCollector, UNCAUGHT_MARK, normaliseOutputs, trimKernelError } from "./collect";
export type { ExecuteOptions, PreparedNotebook } from "./execute";
export { lintNotebook, lintFile } from "./lint";
export { selectSections, sectionNumbers } from "./sections";
export type { LintViolation } from "./lint";

/** Default folder for executed copies and report.json (relative to the current directory). */
export const DEFAULT_OUT_DIR = path.join("build", "notebooks");

/**
 * Read, validate and parameterize a notebook without running anything. `given` are values from
 * the command line (GivenParam) or plain typed values (API). `sections`: run only these numbered
 * sections (with what they need; tools/runner/sections.ts). Throws NotebookInputError.
 */
export function prepareNotebook(file: string, given: Record<string, GivenParam> | Record<string, unknown> = {}, sections?: number[]): PreparedNotebook {
  const nb = sections?.length ? selectSections(readNotebook(file), sections, file) : readNotebook(file);
  const g = Object.values(given).every((v) => typeof v === "object" && v !== null && "raw" in (v as object) && "fromPlainText" in (v as object))
    ? (given as Record<string, GivenParam>)
    : givenFromValues(given);
  const { notebook, values } = prepareParameters(file, nb, g);
  return { file, notebook, parameters: values };
}

/** Options of runNotebook. */
export interface RunNotebookOptions extends Partial<Omit<ExecuteOptions, "outDir">> {
  /** Parameter values, typed (e.g. { quick: true, seed: 3 }); checked against the parameters cell. */
  parameters?: Record<string, unknown>;
  /** Folder for the executed copy and report.json (default build/notebooks). */
  outDir?: string;
  /** A running server to use; without it a private local server is started and stopped. */
  server?: ServerInfo;
  /** Write outDir/report.json for this notebook (default true). */
  writeReport?: boolean;
}

/**
 * Run one notebook end to end: prepare it, start a private Jupyter server unless `server` is
 * given, execute it, write the executed copy (and report.json) to `outDir`, stop what it started.
 * Returns the report; throws NotebookInputError for input problems (the output folder included)
 * and RunnerSetupError when no server can be started.
 */
export async function runNotebook(file: string, opts: RunNotebookOptions = {}): Promise<NotebookReport> {
  const prep = prepareNotebook(file, opts.parameters ?? {});
  const outDir = opts.outDir ?? DEFAULT_OUT_DIR;
  checkOutputs(outDir, [file]);
  let own: LocalServer | null = null;
  try {
    const server = opts.server ?? (own = await startServer({ rootDir: serverRootFor([file]) }));
    const report = await executeNotebook(prep, server, { ...opts, outDir });
    if (opts.writeReport !== false) writeReport(outDir, [report]);
    return report;
  } finally {
    await own?.stop();
  }
}

export { NotebookInputError };
