/**
 * Run a planned sweep: every grid point not finished yet, on `workers` kernels at once spread over
 * the live servers (each run goes to the server with the fewest runs in flight), with the faults
 * an experimenter meets on shared machines handled one by one:
 *
 * - a kernel that dies during a run: the run is retried once on a fresh kernel, then marked failed
 *   with its cause;
 * - a server that stops answering (killed, network gone, token revoked): reported in one line,
 *   taken out of the pool, its runs in flight go back to the queue for the other servers;
 * - a cell that throws or times out: that run fails (its result.json says why), the others go on;
 * - Ctrl-C / SIGTERM: runs in flight are interrupted, finished ones are already on disk.
 *
 * A finished run's result.json is written last and atomically, so a sweep killed at any moment
 * (even by SIGKILL) loses no finished run, and rerunning the same command runs only what is missing.
 */
import * as fs from "fs";
import * as path from "path";
import { NotebookInputError, ServerInfo, executeNotebook, prepareNotebook, writeFileAtomic, NotebookReport } from "../runner";
import { recordedInNotebook } from "../../src/record";
import {
  CSV_FILE, MANIFEST_FILE, RESULT_FILE, RunResult, SweepManifest, SweepPoint, readRunResult, readSweep, sweepCsv,
} from "../../src/sweepResults";
import { runDirPath } from "./grid";
import { probeServer } from "./servers";

/** One server of the pool, with its tallies. */
export interface PoolServer {
  /** How messages and result files name it (never with its token). */
  label: string;
  info: ServerInfo;
  active: number;
  ok: number;
  failed: number;
  /** Seconds spent in finished runs (for s/run and the ETA). */
  busySec: number;
  /** Why it left the pool, or null while usable. */
  down: string | null;
}

export function poolServer(label: string, info: ServerInfo): PoolServer {
  return { label, info, active: 0, ok: 0, failed: 0, busySec: 0, down: null };
}

export interface SweepRunOptions {
  notebook: string;
  parameters: string[];
  nbKey: string;
  points: SweepPoint[];
  outDir: string;
  servers: PoolServer[];
  /** Kernels at once, over all servers (default: one per server). */
  workers?: number;
  /** Per-cell timeout in seconds (0: none). */
  timeoutSec?: number;
  kernelName?: string;
  /** Abort: interrupt the runs in flight and stop. */
  signal?: AbortSignal;
  /** Where progress lines go (default stdout). */
  log?: (line: string) => void;
  /** How often a server with runs in flight is checked (ms, default 3000). */
  watchMs?: number;
}

export interface SweepSummary {
  total: number;
  /** Finished before this invocation (skipped). */
  skipped: number;
  /** Finished by this invocation. */
  ran: number;
  failed: number;
  /** Not run: every server went down, or interrupted. */
  notRun: number;
  interrupted: boolean;
  /** One line per server that left the pool. */
  serverFailures: string[];
  csv: string;
}

/** Refuse an --out folder that holds something other than a sweep (nothing there is ever ours to replace). */
export function checkSweepOut(outDir: string): void {
  const dir = path.resolve(outDir);
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new NotebookInputError(`--out ${outDir}: exists and is not a folder`);
    const entries = fs.readdirSync(dir).filter((e) => !e.startsWith("."));
    if (entries.length > 0 && !entries.includes(MANIFEST_FILE)) {
      throw new NotebookInputError(`--out ${outDir}: the folder holds files and is not a sweep's output (no ${MANIFEST_FILE}); choose an empty or new folder`);
    }
  }
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw new NotebookInputError(`--out ${outDir}: cannot write there (${(e as Error).message})`);
  }
}

const fmtSec = (s: number) => (s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);
const paramText = (p: Record<string, unknown>) => Object.entries(p).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ");
const firstLines = (s: string, n = 12) => s.split("\n").slice(0, n).join("\n");

type Outcome =
  | { kind: "ok"; report: NotebookReport }
  | { kind: "failed"; report: NotebookReport | null; error: string }
  | { kind: "kernel"; report: NotebookReport; error: string }
  | { kind: "server"; why: string }
  | { kind: "interrupted" };

/** Run the sweep; never throws for a run's failure (the summary and result files say it). */
export async function runSweep(o: SweepRunOptions): Promise<SweepSummary> {
  const log = o.log ?? ((l: string) => console.log(l));
  const out = path.resolve(o.outDir);
  const manifest: SweepManifest = { version: 1, notebook: o.notebook, notebookKey: o.nbKey, parameters: o.parameters, points: o.points };
  writeFileAtomic(path.join(out, MANIFEST_FILE), JSON.stringify(manifest, null, 1) + "\n");

  const done = new Set(o.points.filter((p) => readRunResult(out, p)?.status === "ok").map((p) => p.key));
  const queue = o.points.filter((p) => !done.has(p.key));
  const total = o.points.length;
  const summary: SweepSummary = { total, skipped: done.size, ran: 0, failed: 0, notRun: 0, interrupted: false, serverFailures: [], csv: path.join(out, CSV_FILE) };
  const live = () => o.servers.filter((s) => !s.down);
  const workers = Math.max(1, Math.min(o.workers ?? o.servers.length, queue.length || 1));
  log(`sweep: ${total} runs, ${done.size} already done, ${queue.length} to run on ${o.servers.length} server${o.servers.length === 1 ? "" : "s"} (${o.servers.map((s) => s.label).join(", ")}) with ${workers} kernel${workers === 1 ? "" : "s"} at once`);

  const takeDown = (s: PoolServer, why: string) => {
    if (s.down) return;
    s.down = why;
    const line = `sweep: server ${s.label} left the sweep: ${why}; its runs go to the ${live().length} other server${live().length === 1 ? "" : "s"}`;
    summary.serverFailures.push(line);
    log(line);
  };

  const started = Date.now();
  const progress = (): string => {
    const finished = done.size;
    const remaining = total - finished - summary.failed;
    // Throughput of each live server: its kernels at once over its mean seconds per run.
    const rate = live().reduce((r, s) => r + (s.ok + s.failed > 0 ? Math.max(1, s.active) / (s.busySec / (s.ok + s.failed)) : 0), 0);
    const per = o.servers.map((s) => {
      const n = s.ok + s.failed;
      const speed = n > 0 ? `${(s.busySec / n).toFixed(1)} s/run` : "-";
      const own = n > 0 && !s.down ? `, ETA ${fmtSec((remaining * (s.busySec / n)) / Math.max(1, s.active) / Math.max(1, live().length))}` : "";
      return `${s.label}: ${s.ok} ok ${s.failed} failed ${speed}${own}${s.down ? " (down)" : ""}`;
    });
    const eta = rate > 0 && remaining > 0 ? `, ETA ${fmtSec(remaining / rate)}` : "";
    return `[${finished}/${total} done, ${summary.failed} failed${eta}] ${per.join(" | ")}`;
  };

  /** Run one point once on one server, watching the server while it runs. */
  const attempt = async (p: SweepPoint, s: PoolServer): Promise<Outcome> => {
    const runDir = runDirPath(out, p.dir);
    const local = new AbortController();
    const signal = o.signal ? AbortSignal.any([o.signal, local.signal]) : local.signal;
    let serverGone: string | null = null;
    let misses = 0;
    const watch = setInterval(() => {
      void probeServer(s.info, 2500).then((why) => {
        misses = why ? misses + 1 : 0;
        // Two misses in a row: one slow answer from a busy machine is not a dead server.
        if (why && misses >= 2 && !serverGone) { serverGone = why; local.abort(); }
      });
    }, o.watchMs ?? 3000);
    let report: NotebookReport;
    try {
      const prep = prepareNotebook(o.notebook, p.parameters);
      // A Jupyter server keeps one session per notebook path: two runs of one notebook at once on
      // one server would share a kernel (and each other's variables). Each run gets its own path, in
      // a folder that does not exist; the server starts the kernel in the nearest existing folder
      // above it, which is the notebook's own.
      prep.file = path.join(path.dirname(o.notebook), `sweep-run-${p.key}`, path.basename(o.notebook));
      const runPath = prep.file;
      report = await executeNotebook(prep, s.info, { outDir: runDir, timeoutSec: o.timeoutSec, kernelName: o.kernelName, signal });
      // Messages name the notebook, not the per-run session path.
      if (report.error) report.error.message = report.error.message.split(runPath).join(o.notebook);
      report.notebook = o.notebook;
    } catch (e) {
      clearInterval(watch);
      return { kind: "failed", report: null, error: (e as Error).message };
    } finally {
      clearInterval(watch);
    }
    if (report.status === "ok") return { kind: "ok", report };
    if (o.signal?.aborted) return { kind: "interrupted" };
    if (serverGone) return { kind: "server", why: serverGone };
    const why = await probeServer(s.info, 5000);
    if (why) return { kind: "server", why };
    const error = report.error?.message ?? `run ${report.status}`;
    if (report.status === "error" || /the kernel (died|stopped answering)/.test(error)) return { kind: "kernel", report, error };
    return { kind: "failed", report, error };
  };

  const writeResult = (p: SweepPoint, s: PoolServer, status: RunResult["status"], report: NotebookReport | null, attempts: number, error?: string) => {
    let values: Record<string, unknown> = {};
    if (report) {
      try {
        values = recordedInNotebook(JSON.parse(fs.readFileSync(report.output, "utf8")));
      } catch { /* no copy: no values */ }
    }
    const runDir = runDirPath(out, p.dir);
    const result: RunResult = {
      key: p.key, index: p.index, parameters: p.parameters, status, values, server: s.label,
      seconds: report?.seconds ?? 0, attempts, finishedAt: new Date().toISOString(),
      executed: report ? path.relative(runDir, report.output) : "",
      ...(error ? { error: firstLines(error) } : {}),
    };
    writeFileAtomic(path.join(runDir, RESULT_FILE), JSON.stringify(result, null, 1) + "\n");
  };

  const worker = async () => {
    for (;;) {
      if (o.signal?.aborted) return;
      const p = queue.shift();
      if (!p) return;
      const candidates = live();
      if (candidates.length === 0) { queue.unshift(p); return; }
      const s = candidates.reduce((a, b) => (b.active < a.active ? b : a));
      let kernelDeaths = 0;
      let requeue = false;
      for (;;) {
        s.active++;
        const t0 = Date.now();
        const r = await attempt(p, s);
        s.active--;
        const sec = (Date.now() - t0) / 1000;
        if (r.kind === "interrupted") { queue.unshift(p); return; }
        if (r.kind === "server") { takeDown(s, r.why); requeue = true; break; }
        if (r.kind === "kernel" && kernelDeaths === 0) {
          kernelDeaths++;
          log(`sweep: kernel died in ${paramText(p.parameters)} on ${s.label} (${r.error.split("\n")[0]}); restarting it and retrying once`);
          continue;
        }
        s.busySec += sec;
        if (r.kind === "ok") {
          writeResult(p, s, "ok", r.report, kernelDeaths + 1);
          done.add(p.key);
          s.ok++;
          summary.ran++;
          log(`sweep: ok     ${paramText(p.parameters)} on ${s.label} in ${sec.toFixed(1)} s  ${progress()}`);
        } else {
          const cause = r.kind === "kernel" ? `the kernel died twice: ${r.error}` : r.error;
          writeResult(p, s, "failed", r.report, kernelDeaths + 1, cause);
          s.failed++;
          summary.failed++;
          log(`sweep: FAILED ${paramText(p.parameters)} on ${s.label}: ${firstLines(cause, 6)}${r.report ? `\n  executed copy: ${r.report.output}` : ""}\n  ${progress()}`);
        }
        break;
      }
      if (requeue) queue.unshift(p);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));

  summary.interrupted = !!o.signal?.aborted;
  summary.notRun = total - done.size - summary.failed;
  if (summary.notRun > 0 && live().length === 0 && !summary.interrupted) log(`sweep: no server left; ${summary.notRun} run${summary.notRun === 1 ? "" : "s"} not run (rerun the same command to finish them)`);
  try {
    writeFileAtomic(summary.csv, sweepCsv(readSweep(out)));
  } catch (e) {
    // The runs are on disk either way; a table that cannot be built (a recorded name that is also a
    // parameter, with another value) is reported, not fatal.
    log(`sweep: cannot write ${summary.csv}: ${(e as Error).message}`);
  }
  log(`sweep: ${done.size}/${total} runs done (${summary.skipped} from before, ${summary.ran} now), ${summary.failed} failed, ${summary.notRun} not run, in ${fmtSec((Date.now() - started) / 1000)}; results: ${summary.csv}`);
  return summary;
}
