/**
 * Where executed copies go, and the rules that keep a run from destroying anything:
 *
 * - before anything runs, `checkOutputs` makes sure the --out folder exists and can be written, that
 *   no copy would land on its own source notebook, and that no file there that the runner did not
 *   write would be replaced: neither NAME.ipynb nor NAME.failed.ipynb (a notebook without
 *   metadata.genlab.execution), nor report.json (a file that is not a runner report);
 * - `writeExecutedCopy` never lets a failed run replace a good copy: the failed run's copy goes
 *   next to it as NAME.failed.ipynb. The choice and the rename happen under a lock file, so two runs
 *   of one notebook into one folder at once leave one whole copy from one of them (writes are
 *   atomic: temporary file, then rename);
 * - when the copy cannot be written after all (disk full, folder made read-only during the run),
 *   it is saved to a fresh temporary folder instead and the caller is told where.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { randomBytes } from "crypto";
import { Notebook, NotebookInputError, writeNotebook } from "./nbformat";

/** What lies at an executed copy's path now. */
export type Existing =
  | { kind: "missing" }
  /** A copy the runner wrote, with the status of its run. */
  | { kind: "copy"; status: string }
  /** Anything else: a source notebook, a file we cannot read, a folder. Never replaced. */
  | { kind: "other" };

export function inspectTarget(file: string): Existing {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? { kind: "missing" } : { kind: "other" };
  }
  try {
    const status = (JSON.parse(text) as Notebook).metadata?.genlab?.execution as { status?: unknown } | undefined;
    return typeof status?.status === "string" ? { kind: "copy", status: status.status } : { kind: "other" };
  } catch {
    return { kind: "other" };
  }
}

/** The executed copy's path for a notebook: OUT/<file name>. */
export function outputPath(outDir: string, notebook: string): string {
  return path.resolve(outDir, path.basename(notebook));
}

/** NAME.failed.ipynb next to NAME.ipynb: where a failed run goes when NAME.ipynb is a good copy. */
export function failedPath(outFile: string): string {
  return outFile.replace(/(\.ipynb)?$/, ".failed.ipynb");
}

function sameFile(a: string, b: string): boolean {
  try {
    const sa = fs.statSync(a);
    const sb = fs.statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/**
 * Create `dir` and its missing parents, one level at a time. Node's `mkdirSync(dir, { recursive:
 * true })` loops forever (100% CPU) on a path inside /proc, where mkdir fails with ENOENT however
 * often the parent is made; here each level is made once and a failure is thrown.
 */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  let d = path.resolve(dir);
  while (!fs.existsSync(d)) {
    missing.push(d);
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const m of missing.reverse()) {
    try {
      fs.mkdirSync(m);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
}

/** Whether `file` is a report the runner wrote (or missing): anything else there is never replaced. */
export function isRunnerReport(file: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT";
  }
  try {
    return (JSON.parse(text) as { runner?: unknown }).runner === "genlab";
  } catch {
    return false;
  }
}

/**
 * Everything about the output folder that can be checked before a server starts; throws a
 * NotebookInputError (exit 2) with one line naming the problem.
 */
export function checkOutputs(outDir: string, notebooks: string[], report: string | null = "report.json"): void {
  const dir = path.resolve(outDir);
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new NotebookInputError(`--out ${outDir}: exists and is not a folder`);
  try {
    makeFolder(dir);
    const probe = path.join(dir, `.genlab-write-test-${process.pid}-${randomBytes(3).toString("hex")}`);
    fs.writeFileSync(probe, "");
    fs.rmSync(probe, { force: true });
  } catch (e) {
    throw new NotebookInputError(`--out ${outDir}: cannot write there (${(e as Error).message})`);
  }
  for (const nb of notebooks) {
    const target = outputPath(dir, nb);
    if (sameFile(target, nb)) {
      throw new NotebookInputError(`${nb}: --out ${outDir} would overwrite the source notebook with its executed copy; choose another folder (the default is build/notebooks)`);
    }
    for (const file of [target, failedPath(target)]) {
      if (inspectTarget(file).kind === "other") {
        throw new NotebookInputError(`${file} exists and is not an executed copy written by the runner (no metadata.genlab.execution); refusing to replace it: choose another --out folder`);
      }
    }
  }
  if (report !== null && !isRunnerReport(path.join(dir, report))) {
    throw new NotebookInputError(`${path.join(dir, report)} exists and is not a report written by the runner; refusing to replace it: choose another --out folder`);
  }
}

/** Where a copy was written, and what the caller should tell the user. */
export interface WrittenCopy {
  /** The file written. */
  path: string;
  /** Set when a good copy at the usual path was kept (this failed run went to `path` instead). */
  kept?: string;
  /** Set when the copy could not be written in the --out folder and was saved elsewhere. */
  rescued?: string;
}

/**
 * Write the executed copy of a run whose status is `status`, following the rules at the top of
 * this file. Never throws: a copy that cannot be written where asked is rescued to a temporary
 * folder.
 */
export function writeExecutedCopy(outFile: string, nb: Notebook, status: string): WrittenCopy {
  let target = outFile;
  try {
    return withLock(outFile, () => {
      const existing = inspectTarget(outFile);
      let kept: string | undefined;
      if (existing.kind === "other" || (status !== "ok" && existing.kind === "copy" && existing.status === "ok")) {
        // A file that appeared during the run and is not ours is never replaced: a fresh name instead.
        const unique = outFile.replace(/(\.ipynb)?$/, `.${randomBytes(3).toString("hex")}.ipynb`);
        target = existing.kind === "other" || inspectTarget(failedPath(outFile)).kind === "other" ? unique : failedPath(outFile);
        kept = outFile;
      }
      writeNotebook(target, nb);
      // A good run makes an earlier failed run's side copy stale.
      if (status === "ok" && target === outFile && inspectTarget(failedPath(outFile)).kind === "copy") fs.rmSync(failedPath(outFile), { force: true });
      return { path: target, kept };
    });
  } catch (e) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-rescued-"));
    const rescued = path.join(dir, path.basename(outFile));
    writeNotebook(rescued, nb);
    return { path: rescued, rescued: `cannot write ${target} (${(e as Error).message})` };
  }
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Run `fn` holding OUT/.NAME.lock (created exclusively, holding our pid). A lock whose process is
 * gone, or older than `staleMs`, is taken over: the section it guards lasts milliseconds.
 */
export function withLock<T>(file: string, fn: () => T, staleMs = 10000): T {
  const lock = path.join(path.dirname(file), `.${path.basename(file)}.lock`);
  makeFolder(path.dirname(file));
  for (;;) {
    try {
      const fd = fs.openSync(lock, "wx");
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      if (lockIsStale(lock, staleMs)) fs.rmSync(lock, { force: true });
      else sleepSync(20);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function lockIsStale(lock: string, staleMs: number): boolean {
  try {
    const pid = Number(fs.readFileSync(lock, "utf8"));
    if (Date.now() - fs.statSync(lock).mtimeMs > staleMs) return true;
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, 0);
    return false;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "ESRCH" || code === "ENOENT";
  }
}
