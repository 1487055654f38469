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

/**
 * What one invocation of runSweep shares between its workers: the options, the output folder, the
 * points finished (before or now), the queue still to run and the running tallies. Passing one
 * object lets each step of the sweep be its own function without a dozen parameters.
 */
interface SweepState {
  o: SweepRunOptions;
  out: string;
  log: (line: string) => void;
  /** Keys of the points with an ok result on disk (from before, or from this invocation). */
  done: Set<string>;
  queue: SweepPoint[];
  summary: SweepSummary;
  /** When this invocation started running (for the closing line's duration). */
  started: number;
}

/** The servers still in the pool. */
const liveServers = (st: SweepState): PoolServer[] => st.o.servers.filter((s) => !s.down);

/**
 * Write the manifest, skip the points already finished ok, and say what is about to run. The
 * manifest goes first so that even a sweep killed before its first run can be read back.
 */
function startSweep(o: SweepRunOptions): { st: SweepState; workers: number } {
  const log = o.log ?? ((l: string) => console.log(l));
  const out = path.resolve(o.outDir);
  const manifest: SweepManifest = { version: 1, notebook: o.notebook, notebookKey: o.nbKey, parameters: o.parameters, points: o.points };
  writeFileAtomic(path.join(out, MANIFEST_FILE), JSON.stringify(manifest, null, 1) + "\n");

  const done = new Set(o.points.filter((p) => readRunResult(out, p)?.status === "ok").map((p) => p.key));
  const queue = o.points.filter((p) => !done.has(p.key));
  const total = o.points.length;
  const summary: SweepSummary = { total, skipped: done.size, ran: 0, failed: 0, notRun: 0, interrupted: false, serverFailures: [], csv: path.join(out, CSV_FILE) };
  const workers = Math.max(1, Math.min(o.workers ?? o.servers.length, queue.length || 1));
  log(`sweep: ${total} runs, ${done.size} already done, ${queue.length} to run on ${o.servers.length} server${o.servers.length === 1 ? "" : "s"} (${o.servers.map((s) => s.label).join(", ")}) with ${workers} kernel${workers === 1 ? "" : "s"} at once`);
  return { st: { o, out, log, done, queue, summary, started: Date.now() }, workers };
}

/** Take a server out of the pool (once), in one line that also goes into the summary. */
function takeDown(st: SweepState, s: PoolServer, why: string): void {
  if (s.down) return;
  s.down = why;
  const left = liveServers(st).length;
  const line = `sweep: server ${s.label} left the sweep: ${why}; its runs go to the ${left} other server${left === 1 ? "" : "s"}`;
  st.summary.serverFailures.push(line);
  st.log(line);
}

/** The progress bracket after each finished run: totals, an ETA, and each server's tallies. */
function progressLine(st: SweepState): string {
  const { o, summary } = st;
  const live = liveServers(st);
  const finished = st.done.size;
  const remaining = summary.total - finished - summary.failed;
  // Throughput of each live server: its kernels at once over its mean seconds per run.
  const rate = live.reduce((r, s) => r + (s.ok + s.failed > 0 ? Math.max(1, s.active) / (s.busySec / (s.ok + s.failed)) : 0), 0);
  const per = o.servers.map((s) => {
    const n = s.ok + s.failed;
    const speed = n > 0 ? `${(s.busySec / n).toFixed(1)} s/run` : "-";
    const own = n > 0 && !s.down ? `, ETA ${fmtSec((remaining * (s.busySec / n)) / Math.max(1, s.active) / Math.max(1, live.length))}` : "";
    return `${s.label}: ${s.ok} ok ${s.failed} failed ${speed}${own}${s.down ? " (down)" : ""}`;
  });
  const eta = rate > 0 && remaining > 0 ? `, ETA ${fmtSec(remaining / rate)}` : "";
  return `[${finished}/${summary.total} done, ${summary.failed} failed${eta}] ${per.join(" | ")}`;
}

/**
 * Probe a server every `ms` while a run is on it, and abort the run once the server is gone.
 * Two misses in a row are needed: one slow answer from a busy machine is not a dead server.
 */
function watchServer(info: ServerInfo, ms: number, abort: AbortController): { stop: () => void; gone: () => string | null } {
  let serverGone: string | null = null;
  let misses = 0;
  const timer = setInterval(() => {
    void probeServer(info, 2500).then((why) => {
      misses = why ? misses + 1 : 0;
      if (why && misses >= 2 && !serverGone) { serverGone = why; abort.abort(); }
    });
  }, ms);
  return { stop: () => clearInterval(timer), gone: () => serverGone };
}

/** Execute the notebook once for one point on one server (throws only if it cannot start). */
async function executePoint(st: SweepState, p: SweepPoint, s: PoolServer, signal: AbortSignal): Promise<NotebookReport> {
  const { o } = st;
  const prep = prepareNotebook(o.notebook, p.parameters);
  // A Jupyter server keeps one session per notebook path: two runs of one notebook at once on
  // one server would share a kernel (and each other's variables). Each run gets its own path, in
  // a folder that does not exist; the server starts the kernel in the nearest existing folder
  // above it, which is the notebook's own.
  prep.file = path.join(path.dirname(o.notebook), `sweep-run-${p.key}`, path.basename(o.notebook));
  const runPath = prep.file;
  const report = await executeNotebook(prep, s.info, { outDir: runDirPath(st.out, p.dir), timeoutSec: o.timeoutSec, kernelName: o.kernelName, signal });
  // Messages name the notebook, not the per-run session path.
  if (report.error) report.error.message = report.error.message.split(runPath).join(o.notebook);
  report.notebook = o.notebook;
  return report;
}

/**
 * Why a run that did not finish ok stopped, in the order that decides what happens next: the
 * sweep was interrupted; the server went away (the run goes back to the queue); the kernel died
 * (retried once); or the run itself failed.
 */
async function classifyFailure(st: SweepState, s: PoolServer, report: NotebookReport, serverGone: string | null): Promise<Outcome> {
  if (st.o.signal?.aborted) return { kind: "interrupted" };
  if (serverGone) return { kind: "server", why: serverGone };
  const why = await probeServer(s.info, 5000);
  if (why) return { kind: "server", why };
  const error = report.error?.message ?? `run ${report.status}`;
  if (report.status === "error" || /the kernel (died|stopped answering)/.test(error)) return { kind: "kernel", report, error };
  return { kind: "failed", report, error };
}

/** Run one point once on one server, watching the server while it runs. */
async function attempt(st: SweepState, p: SweepPoint, s: PoolServer): Promise<Outcome> {
  const { o } = st;
  const local = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, local.signal]) : local.signal;
  const watch = watchServer(s.info, o.watchMs ?? 3000, local);
  let report: NotebookReport;
  try {
    report = await executePoint(st, p, s, signal);
  } catch (e) {
    return { kind: "failed", report: null, error: (e as Error).message };
  } finally {
    watch.stop();
  }
  if (report.status === "ok") return { kind: "ok", report };
  return classifyFailure(st, s, report, watch.gone());
}

/** Write a run's result.json (last, atomically: its presence means the run is finished). */
function writeResult(st: SweepState, p: SweepPoint, s: PoolServer, status: RunResult["status"], report: NotebookReport | null, attempts: number, error?: string): void {
  let values: Record<string, unknown> = {};
  if (report) {
    try {
      values = recordedInNotebook(JSON.parse(fs.readFileSync(report.output, "utf8")));
    } catch { /* no copy: no values */ }
  }
  const runDir = runDirPath(st.out, p.dir);
  const result: RunResult = {
    key: p.key, index: p.index, parameters: p.parameters, status, values, server: s.label,
    seconds: report?.seconds ?? 0, attempts, finishedAt: new Date().toISOString(),
    executed: report ? path.relative(runDir, report.output) : "",
    ...(error ? { error: firstLines(error) } : {}),
  };
  writeFileAtomic(path.join(runDir, RESULT_FILE), JSON.stringify(result, null, 1) + "\n");
}

/** Record a run that ended (ok, or failed for its own reasons): result file, tallies, one log line. */
function recordFinished(st: SweepState, p: SweepPoint, s: PoolServer, r: Exclude<Outcome, { kind: "server" | "interrupted" }>, attempts: number, sec: number): void {
  s.busySec += sec;
  if (r.kind === "ok") {
    writeResult(st, p, s, "ok", r.report, attempts);
    st.done.add(p.key);
    s.ok++;
    st.summary.ran++;
    st.log(`sweep: ok     ${paramText(p.parameters)} on ${s.label} in ${sec.toFixed(1)} s  ${progressLine(st)}`);
  } else {
    const cause = r.kind === "kernel" ? `the kernel died twice: ${r.error}` : r.error;
    writeResult(st, p, s, "failed", r.report, attempts, cause);
    s.failed++;
    st.summary.failed++;
    st.log(`sweep: FAILED ${paramText(p.parameters)} on ${s.label}: ${firstLines(cause, 6)}${r.report ? `\n  executed copy: ${r.report.output}` : ""}\n  ${progressLine(st)}`);
  }
}

/**
 * Run one point on one server until it ends: a kernel death is retried once on a fresh kernel
 * (the same server); a server that goes away sends the point back to the queue ("requeue"); an
 * interrupt stops the worker ("interrupted"). Otherwise the run is recorded ("finished").
 */
async function runPoint(st: SweepState, p: SweepPoint, s: PoolServer): Promise<"finished" | "requeue" | "interrupted"> {
  let kernelDeaths = 0;
  for (;;) {
    s.active++;
    const t0 = Date.now();
    const r = await attempt(st, p, s);
    s.active--;
    const sec = (Date.now() - t0) / 1000;
    if (r.kind === "interrupted") return "interrupted";
    if (r.kind === "server") { takeDown(st, s, r.why); return "requeue"; }
    if (r.kind === "kernel" && kernelDeaths === 0) {
      kernelDeaths++;
      st.log(`sweep: kernel died in ${paramText(p.parameters)} on ${s.label} (${r.error.split("\n")[0]}); restarting it and retrying once`);
      continue;
    }
    recordFinished(st, p, s, r, kernelDeaths + 1, sec);
    return "finished";
  }
}

/** One of the `workers` loops: take the next point, send it to the live server with the fewest runs in flight. */
async function worker(st: SweepState): Promise<void> {
  for (;;) {
    if (st.o.signal?.aborted) return;
    const p = st.queue.shift();
    if (!p) return;
    const candidates = liveServers(st);
    if (candidates.length === 0) { st.queue.unshift(p); return; }
    const s = candidates.reduce((a, b) => (b.active < a.active ? b : a));
    const end = await runPoint(st, p, s);
    if (end === "interrupted") { st.queue.unshift(p); return; }
    if (end === "requeue") st.queue.unshift(p);
  }
}

/** Close the sweep: the final tallies, the CSV table of every finished run, and the closing line. */
function finishSweep(st: SweepState): void {
  const { o, summary, log } = st;
  summary.interrupted = !!o.signal?.aborted;
  summary.notRun = summary.total - st.done.size - summary.failed;
  if (summary.notRun > 0 && liveServers(st).length === 0 && !summary.interrupted) log(`sweep: no server left; ${summary.notRun} run${summary.notRun === 1 ? "" : "s"} not run (rerun the same command to finish them)`);
  try {
    writeFileAtomic(summary.csv, sweepCsv(readSweep(st.out)));
  } catch (e) {
    // The runs are on disk either way; a table that cannot be built (a recorded name that is also a
    // parameter, with another value) is reported, not fatal.
    log(`sweep: cannot write ${summary.csv}: ${(e as Error).message}`);
  }
  log(`sweep: ${st.done.size}/${summary.total} runs done (${summary.skipped} from before, ${summary.ran} now), ${summary.failed} failed, ${summary.notRun} not run, in ${fmtSec((Date.now() - st.started) / 1000)}; results: ${summary.csv}`);
}

/** Run the sweep; never throws for a run's failure (the summary and result files say it). */
export async function runSweep(o: SweepRunOptions): Promise<SweepSummary> {
  const { st, workers } = startSweep(o);
  await Promise.all(Array.from({ length: workers }, () => worker(st)));
  finishSweep(st);
  return st.summary;
}
