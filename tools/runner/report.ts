/**
 * The run report: one record per notebook with per-cell timings, written as JSON next to the
 * executed copies, and the one-line summaries the CLI prints.
 */
import * as path from "path";
import { writeFileAtomic } from "./nbformat";
import { isRunnerReport } from "./output";

/** One executed code cell. */
export interface CellReport {
  /** 1-based index among all cells of the executed copy (markdown included, injected cell included). */
  index: number;
  executionCount: number | null;
  ms: number;
  /** "allowed-error": failed but tagged raises-exception. */
  status: "ok" | "error" | "allowed-error" | "timeout" | "interrupted";
}

/** What happened to one notebook. */
export interface NotebookReport {
  /** The source notebook, as given. */
  notebook: string;
  /**
   * The executed copy written by this run (absolute path): OUT/NAME.ipynb, or OUT/NAME.failed.ipynb
   * when a failed run found a good copy there (kept), or a temporary folder when OUT could not be
   * written at the end.
   */
  output: string;
  /** The good copy from an earlier run that this failed run left in place. */
  kept?: string;
  /** ok; failed: a cell failed or timed out; interrupted: SIGINT/SIGTERM; error: the kernel could not run. */
  status: "ok" | "failed" | "interrupted" | "error";
  seconds: number;
  cellsExecuted: number;
  codeCells: number;
  parameters: Record<string, unknown>;
  kernel: string;
  startedAt: string;
  /** Also in the copy's metadata.genlab.execution.runId: tells which run wrote a copy. */
  runId?: string;
  error?: {
    /** 1-based cell index (null when the kernel never ran a cell). */
    cell: number | null;
    executionCount: number | null;
    /** First lines of the cell's source. */
    source: string;
    /** The kernel's error text (tslab's stderr text, iopub error tracebacks). */
    kernelError: string;
    /** The full message the CLI prints. */
    message: string;
  };
  cells: CellReport[];
}

/** The whole report file. */
export interface RunReport {
  runner: "genlab";
  createdAt: string;
  status: "ok" | "failed";
  notebooks: NotebookReport[];
}

/** One line per notebook: status, name, cells executed, seconds. */
export function summaryLine(r: NotebookReport): string {
  const status = r.status === "ok" ? "ok" : r.status.toUpperCase();
  const where = r.error?.cell ? ` at cell ${r.error.cell}` : "";
  const kept = r.kept ? ` (kept the earlier good copy; this run's copy: ${path.basename(r.output)})` : "";
  return `${status.padEnd(11)} ${path.basename(r.notebook)}  ${r.cellsExecuted}/${r.codeCells} cells  ${r.seconds.toFixed(1)} s${r.status === "ok" ? "" : where}${kept}`;
}

/** Build the report object for a set of notebook reports. */
export function runReport(notebooks: NotebookReport[]): RunReport {
  return {
    runner: "genlab",
    createdAt: new Date().toISOString(),
    status: notebooks.every((n) => n.status === "ok") ? "ok" : "failed",
    notebooks,
  };
}

/**
 * Write DIR/report.json atomically; returns its path. Throws, replacing nothing, when a file there is
 * not a report the runner wrote (checkOutputs refuses such a folder before a run; this covers one
 * that appeared during it).
 */
export function writeReport(outDir: string, notebooks: NotebookReport[], name = "report.json"): string {
  const file = path.resolve(outDir, name);
  if (!isRunnerReport(file)) throw new Error(`${file} exists and is not a report written by the runner; not replaced`);
  writeFileAtomic(file, JSON.stringify(runReport(notebooks), null, 2) + "\n");
  return file;
}
