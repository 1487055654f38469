/**
 * Execute a prepared notebook on a tslab kernel through @jupyterlab/services: open a session whose
 * kernel runs in the notebook's folder, run the code cells one by one with a per-cell timeout,
 * collect every output kind into the notebook (also output that arrives after a cell replied), fail
 * on what the reply status alone does not show (an error in a timer or an un-awaited promise,
 * output the server dropped), and write the executed copy without ever losing a good one
 * (output.ts), also when a cell fails.
 */
import * as path from "path";
import { randomBytes } from "crypto";
import { KernelManager, KernelMessage, ServerConnection, SessionManager, Kernel, Session } from "@jupyterlab/services";
import WebSocket from "ws";
import { CodeCell, DisplayDataOutput, ExecuteResultOutput, Notebook, NotebookInputError, cellTags, sourceText } from "./nbformat";
import { OutputCollector, normaliseOutputs } from "./collect";
import { checkOutputs, outputPath, writeExecutedCopy } from "./output";
import { CellReport, NotebookReport } from "./report";
import { ServerInfo } from "./server";
import { KernelMemory, deathNote } from "./kernelDeath";

/** Options for executing one notebook on a server that is already running. */
export interface ExecuteOptions {
  /** Folder for the executed copy (created when missing). */
  outDir: string;
  /** Per-cell timeout in seconds; 0 or undefined: none. */
  timeoutSec?: number;
  /** Kernel name; default: the notebook's metadata.kernelspec.name, else "tslab" (as papermill). */
  kernelName?: string;
  /** How long the kernel may take to start and answer kernel_info (s, default 120: the launcher may rebuild dist/). */
  startupTimeoutSec?: number;
  /** Aborting it (Ctrl-C) interrupts the running cell, writes the copy and shuts the kernel down. */
  signal?: AbortSignal;
  /** Called before each code cell runs. */
  onProgress?: (p: { notebook: string; cell: number; codeCell: number; codeCells: number }) => void;
  /**
   * How long to keep listening after the last cell for errors from its timers and promises
   * (ms, default 500); an error later than that is not seen.
   */
  settleMs?: number;
  /**
   * Record a failing cell and go on, as papermill's --allow-errors and nbclient's allow_errors do:
   * the run ends "ok" and the cells' status is "allowed-error" (default false: a failing cell stops
   * the run). A cell tagged `raises-exception` is always allowed to fail.
   */
  allowErrors?: boolean;
}

/** A notebook ready to run: validated, parameters checked and injected. */
export interface PreparedNotebook {
  /** The path as given (used in messages). */
  file: string;
  notebook: Notebook;
  parameters: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
// tslab aborts every request for 200 ms after an error; wait a little longer than that.
const TSLAB_ERROR_QUIET_MS = 250;

/** Connection settings for @jupyterlab/services in Node (ws for WebSockets, global fetch). */
export function serverSettings(info: ServerInfo): ServerConnection.ISettings {
  const wsUrl = info.url.replace(/^http/, "ws");
  return ServerConnection.makeSettings({
    baseUrl: info.url,
    wsUrl,
    token: info.token,
    // The token goes in the WebSocket URL too: Node's ws has no cookie from a login page.
    appendToken: true,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    fetch: globalThis.fetch.bind(globalThis),
  } as Partial<ServerConnection.ISettings>);
}

/**
 * The session path for a notebook: relative to the server root, so the kernel's cwd is the
 * notebook's folder. A notebook outside a local server's root could only run in the wrong folder:
 * that is a NotebookInputError naming the fix.
 */
export function sessionPath(file: string, info: ServerInfo): string {
  const abs = path.resolve(file);
  const base = info.rootDir !== undefined ? path.resolve(info.rootDir) : process.cwd();
  const rel = path.relative(base, abs);
  if (rel.startsWith("..") || path.isAbsolute(rel)) {
    if (info.rootDir !== undefined) {
      throw new NotebookInputError(`${file}: outside the folder the Jupyter server serves (${base}); start it with startServer({ rootDir: serverRootFor(notebooks) })`);
    }
    return path.basename(abs);
  }
  return rel.split(path.sep).join("/");
}

/** First lines of a cell's source, indented, for error messages. */
export function sourceExcerpt(src: string, maxLines = 4): string {
  const lines = src.replace(/\s+$/, "").split("\n");
  const shown = lines.slice(0, maxLines).map((l) => `    | ${l}`);
  if (lines.length > maxLines) shown.push(`    | ... (${lines.length - maxLines} more lines)`);
  return shown.join("\n");
}

type Outcome =
  | { kind: "reply"; msg: KernelMessage.IExecuteReplyMsg }
  | { kind: "timeout"; late?: KernelMessage.IExecuteReplyMsg }
  | { kind: "aborted"; late?: KernelMessage.IExecuteReplyMsg }
  | { kind: "died"; reason: string };

/**
 * Wait until the kernel answers kernel_info. @jupyterlab/services asks once, when its websocket
 * connects; a request or reply lost in the start-up race (seen once in a CI run: a healthy kernel, no
 * answer for the whole timeout) is never asked again, so we ask again every `retryMs` ourselves.
 */
export function waitForKernel(kernel: Kernel.IKernelConnection, timeoutMs: number, signal?: AbortSignal, retryMs = 10_000): Promise<KernelMessage.IInfoReply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { cleanup(); reject(new Error(`the kernel did not answer within ${Math.round(timeoutMs / 1000)} s`)); }, timeoutMs);
    const retry = setInterval(() => { kernel.requestKernelInfo().catch(() => undefined); }, retryMs);
    const onStatus = (_: unknown, s: Kernel.Status) => {
      if (s === "dead") { cleanup(); reject(new Error("the kernel died while starting (see the Jupyter server log; is the tslab kernelspec working? try `npm run doctor`)")); }
    };
    const onAbort = () => { cleanup(); reject(new Error("interrupted")); };
    const cleanup = () => { clearTimeout(timer); clearInterval(retry); kernel.statusChanged.disconnect(onStatus); signal?.removeEventListener("abort", onAbort); };
    kernel.statusChanged.connect(onStatus);
    if (signal?.aborted) return onAbort(); // an 'abort' listener added now would never fire
    signal?.addEventListener("abort", onAbort);
    kernel.info.then((i) => { cleanup(); resolve(i); }, (e) => { cleanup(); reject(e); });
  });
}

/** The kernel a notebook runs on, and where that name came from (for messages). */
export function chooseKernel(nb: Notebook, given?: string): { name: string; from: string } {
  if (given) return { name: given, from: "--kernel" };
  const named = nb.metadata.kernelspec?.name;
  if (typeof named === "string" && named) return { name: named, from: "the notebook's metadata.kernelspec.name" };
  return { name: "tslab", from: "the default" };
}

interface KernelSpecInfo { name: string; display_name?: string; language?: string }

/**
 * The server's kernelspec for `name`; throws naming the kernels it has when there is none. When
 * the list cannot be read (an old or unusual server), returns null and the session start decides.
 */
async function findKernelSpec(server: ServerInfo, name: string, from: string): Promise<KernelSpecInfo | null> {
  let specs: Record<string, { spec?: KernelSpecInfo }>;
  try {
    const res = await fetch(new URL("api/kernelspecs", server.url), { headers: { Authorization: `token ${server.token}` }, signal: AbortSignal.timeout(15000) });
    if (!res.ok) return null;
    specs = ((await res.json()) as { kernelspecs?: Record<string, { spec?: KernelSpecInfo }> }).kernelspecs ?? {};
  } catch {
    return null;
  }
  const spec = specs[name];
  if (!spec) {
    const have = Object.keys(specs).sort().join(", ") || "none";
    throw new Error(`no kernel named "${name}" (${from}) on this Jupyter server; it has: ${have}. Pass --kernel tslab to run the notebook on the lab's kernel, or fix metadata.kernelspec.name`);
  }
  return { ...(spec.spec ?? {}), name };
}

/** A finished (or running) code cell, kept so errors that arrive after its reply can fail it. */
interface CellRecord { index: number; src: string; collector: OutputCollector; cr: CellReport; allowError: boolean; checked: boolean; logBefore: string }

/** The kernel of a run once it answered: its session, the router of its iopub messages, and how it died (if it did). */
interface OpenKernel {
  session: Session.ISessionConnection;
  kernel: Kernel.IKernelConnection;
  /** Every iopub message goes to the cell whose request it answers, also after that cell's reply. */
  route: Map<string, OutputCollector>;
  died: () => string | null;
  /** The kernel's peak memory (a server this process started: it runs on this machine). */
  memory: KernelMemory;
}

/** The server's log and runtime folder when this process started it (LocalServer), else null. */
function localParts(server: ServerInfo): { log: () => string; runtimeDir: string } | null {
  const s = server as ServerInfo & { log?: () => string; runtimeDir?: string };
  return typeof s.log === "function" && typeof s.runtimeDir === "string" ? { log: s.log, runtimeDir: s.runtimeDir } : null;
}

/** What `now` (a log's tail) holds after the tail `before`: the lines logged in between. */
function logSince(before: string, now: string): string {
  const mark = before.slice(-300);
  const at = mark ? now.lastIndexOf(mark) : -1;
  return at >= 0 ? now.slice(at + mark.length) : now;
}

/** One notebook's run in progress: the report being filled and the cells run so far. */
class NotebookRun {
  readonly records: CellRecord[] = [];
  readonly displays = new Map<string, Array<DisplayDataOutput | ExecuteResultOutput>>();
  /** The session once started (shut down at the end, also when the kernel never answered). */
  open: OpenKernel | null = null;
  constructor(readonly prep: PreparedNotebook, readonly report: NotebookReport, readonly opts: ExecuteOptions, readonly server: ServerInfo) {}

  fail(rec: CellRecord, status: NotebookReport["status"], cellStatus: CellReport["status"], message: string, kernelError: string): void {
    rec.cr.status = cellStatus;
    this.report.status = status;
    this.report.error = { cell: rec.index, executionCount: rec.cr.executionCount, source: rec.src.split("\n").slice(0, 4).join("\n"), kernelError, message };
  }

  where(rec: CellRecord): string {
    return `${this.prep.file}: cell ${rec.index} (execution count ${rec.cr.executionCount ?? "-"})`;
  }

  /**
   * The cell to blame for the uncaught errors that reached `rec`'s output: the earlier cell that
   * started the failing code when the kernel says so ("started in execution N"), else `rec`.
   */
  blame(rec: CellRecord): CellRecord {
    for (const n of rec.collector.uncaughtOrigins) {
      if (n === rec.cr.executionCount) continue;
      const earlier = this.records.find((r) => r !== rec && r.cr.executionCount === n);
      if (earlier) return earlier;
    }
    return rec;
  }

  /** Fail `culprit` for an error thrown after it had returned, reported while `seen` ran (or after). */
  failLate(culprit: CellRecord, seen: CellRecord): boolean {
    culprit.checked = true;
    if (culprit.allowError) {
      culprit.cr.status = "allowed-error";
      return false;
    }
    const kernelError = seen.collector.uncaughtText();
    const when = seen === culprit ? "" : ` (reported while cell ${seen.index} ran)`;
    this.fail(culprit, "failed", "error", `${this.where(culprit)} failed: an error was thrown after the cell had returned (in a timer, callback or un-awaited promise it started)${when}:\n${sourceExcerpt(culprit.src)}\n${kernelError}`, kernelError);
    return true;
  }

  /** An uncaught error or dropped output reported after a cell's reply fails the cell that caused it (once). */
  lateFailure(): boolean {
    for (const rec of this.records) {
      if (rec.checked) continue;
      const c = rec.collector;
      if (c.lateUncaught) {
        rec.checked = true;
        if (this.failLate(this.blame(rec), rec)) return true;
        continue;
      }
      if (c.dropped && rec.cr.status === "ok") {
        rec.checked = true;
        this.fail(rec, "failed", "error", droppedMessage(this.where(rec), rec.src, c.dropped), c.dropped);
        return true;
      }
    }
    return false;
  }
}

function newReport(prep: PreparedNotebook, outFile: string, kernelName: string, started: number): NotebookReport {
  const runId = `${new Date(started).toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${randomBytes(3).toString("hex")}`;
  return {
    notebook: prep.file,
    output: outFile,
    status: "ok",
    seconds: 0,
    cellsExecuted: 0,
    codeCells: prep.notebook.cells.filter((c) => c.cell_type === "code").length,
    parameters: prep.parameters,
    kernel: kernelName,
    startedAt: new Date(started).toISOString(),
    runId,
    cells: [],
  };
}

/**
 * Run one prepared notebook on the given server and write its executed copy to
 * `opts.outDir/<name>.ipynb` (see output.ts for when it goes elsewhere). Throws NotebookInputError
 * when the output folder cannot take the copy (checked before anything runs); never throws for a
 * failing cell: the returned report says what happened (status "ok", "failed", "interrupted" or
 * "error" when the kernel could not start).
 */
export async function executeNotebook(prep: PreparedNotebook, server: ServerInfo, opts: ExecuteOptions): Promise<NotebookReport> {
  const started = Date.now();
  const nb = prep.notebook;
  checkOutputs(opts.outDir, [prep.file]);
  const sessionAt = sessionPath(prep.file, server); // throws for a notebook outside a local server's root
  const outFile = outputPath(opts.outDir, prep.file);
  const kernelChoice = chooseKernel(nb, opts.kernelName);
  const run = new NotebookRun(prep, newReport(prep, outFile, kernelChoice.name, started), opts, server);
  // The copy starts clean: stale outputs (and widget state) from the source must not mix with this run's.
  for (const c of nb.cells) if (c.cell_type === "code") { c.outputs = []; c.execution_count = null; }
  delete nb.metadata.widgets;

  guardStrayRejections();
  let managers: { kernels: KernelManager; sessions: SessionManager } | null = null;
  try {
    // The kernelspec is checked before any manager exists: a manager disposed while its first
    // poll is in flight rejects a promise nobody awaits.
    const spec = await findKernelSpec(server, kernelChoice.name, kernelChoice.from);
    const settings = serverSettings(server);
    const kernels = new KernelManager({ serverSettings: settings });
    managers = { kernels, sessions: new SessionManager({ serverSettings: settings, kernelManager: kernels }) };
    managers.kernels.ready.catch(() => undefined);
    managers.sessions.ready.catch(() => undefined);
    await runCells(run, await openKernel(managers.sessions, sessionAt, run, spec));
  } catch (e) {
    const msg = (e as Error).message;
    run.report.status = opts.signal?.aborted ? "interrupted" : "error";
    run.report.error = { cell: null, executionCount: null, source: "", kernelError: "", message: `${prep.file}: ${opts.signal?.aborted ? "run interrupted (signal) before the cells ran" : `kernel "${kernelChoice.name}" could not run: ${msg}`}` };
  } finally {
    // Always shut the kernel down, even after a failure or Ctrl-C; a stuck server must not hang us.
    const open = run.open;
    open?.memory.stop();
    if (open) await shutdownSession(server, open.session.id, open.session.kernel?.id);
    open?.session.dispose();
    managers?.sessions.dispose();
    managers?.kernels.dispose();
  }
  run.report.seconds = (Date.now() - started) / 1000;
  return writeCopy(run, outFile);
}

/** Start the notebook's session, wait until its kernel answers, and record the kernel in the copy's metadata. */
async function openKernel(sessions: SessionManager, sessionAt: string, run: NotebookRun, spec: KernelSpecInfo | null): Promise<OpenKernel> {
  const { prep, opts } = run;
  const nb = prep.notebook;
  const kernelName = run.report.kernel;
  const session = await sessions.startNew({ path: sessionAt, type: "notebook", name: path.basename(prep.file), kernel: { name: kernelName } });
  const kernel = session.kernel;
  if (!kernel) { session.dispose(); throw new Error("the server started a session without a kernel"); }
  const route = new Map<string, OutputCollector>();
  kernel.iopubMessage.connect((_, msg) => {
    const parent = (msg.parent_header as Partial<KernelMessage.IHeader> | undefined)?.msg_id;
    if (parent) route.get(parent)?.handle(msg);
  });
  let kernelDied: string | null = null;
  kernel.statusChanged.connect((_, s) => {
    if (s === "dead" || s === "autorestarting" || s === "restarting") kernelDied ??= `the kernel ${s === "dead" ? "died" : "died and is restarting"}`;
  });
  const open: OpenKernel = { session, kernel, route, died: () => kernelDied, memory: new KernelMemory() };
  const local = localParts(run.server);
  if (local) open.memory.start(kernel.id, local.runtimeDir);
  run.open = open; // from here on, the caller shuts it down whatever happens
  const info = await waitForKernel(kernel, (opts.startupTimeoutSec ?? 120) * 1000, opts.signal);
  // The copy names the kernel it ran on; nbformat requires name and display_name once kernelspec is there.
  const ks = nb.metadata.kernelspec;
  nb.metadata.kernelspec = ks?.name === kernelName
    ? { ...ks, name: kernelName, display_name: ks.display_name ?? spec?.display_name ?? kernelName }
    : { name: kernelName, display_name: spec?.display_name ?? kernelName, ...(spec?.language ? { language: spec.language } : {}) };
  if (info.status === "ok" && info.language_info) nb.metadata.language_info = info.language_info as unknown as Record<string, unknown>;
  return open;
}

/** Run the code cells in order until one fails, then listen a moment for late errors of the last ones. */
async function runCells(run: NotebookRun, open: OpenKernel): Promise<void> {
  const { prep, opts, report } = run;
  const cells = prep.notebook.cells;
  let codeIndex = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell.cell_type !== "code") continue;
    if (run.lateFailure()) break;
    codeIndex++;
    if (cellTags(cell).includes("skip-execution")) continue;
    opts.onProgress?.({ notebook: prep.file, cell: i + 1, codeCell: codeIndex, codeCells: report.codeCells });
    const rec = await runOneCell(run, open, cell, i + 1);
    report.cells.push(rec.cr);
    report.cellsExecuted++;
    // An earlier cell's late error that arrived while this one ran is that cell's failure.
    if (run.lateFailure()) break;
    run.records.push(rec);
    if (report.status !== "ok") break;
  }
  if (report.status === "ok") {
    // Errors from the last cells' timers and promises arrive after their replies: listen a moment.
    await sleep(opts.settleMs ?? 500);
    run.lateFailure();
  }
}

/** Execute one code cell and judge its outcome (the run's report says when it failed). */
async function runOneCell(run: NotebookRun, open: OpenKernel, cell: CodeCell, index: number): Promise<CellRecord> {
  const { opts } = run;
  const src = sourceText(cell);
  const allowError = run.opts.allowErrors === true || cellTags(cell).includes("raises-exception");
  const t0 = Date.now();
  const collector = new OutputCollector(cell);
  collector.useDisplays(run.displays);
  let outcome: Outcome = { kind: "aborted" };
  const startIso = new Date().toISOString();
  const logBefore = localParts(run.server)?.log() ?? "";
  if (opts.signal?.aborted) outcome = { kind: "aborted" };
  else if (!src.trim()) outcome = { kind: "reply", msg: { content: { status: "ok", execution_count: null } } as unknown as KernelMessage.IExecuteReplyMsg };
  else {
    // An "abort" reply means tslab dropped the request unrun (it does so for 200 ms after an
    // error); retrying then is safe and keeps a run from failing on timing alone.
    for (let attempt = 0; attempt < 3; attempt++) {
      outcome = await runCell(open.kernel, src, collector, open.route, opts, open.died);
      if (outcome.kind === "reply" && outcome.msg.content.status === "abort") { await sleep(TSLAB_ERROR_QUIET_MS); continue; }
      break;
    }
  }
  const replyMsg = outcome.kind === "reply" ? outcome.msg : outcome.kind === "timeout" || outcome.kind === "aborted" ? outcome.late : undefined;
  const replyContent = replyMsg?.content as Record<string, any> | undefined;
  const ec = typeof replyContent?.execution_count === "number" ? replyContent.execution_count : collector.executionCount;
  cell.execution_count = ec ?? null;
  cell.metadata.execution = { "iopub.execute_input": startIso, "shell.execute_reply": new Date().toISOString() };
  const cr: CellReport = { index, executionCount: cell.execution_count, ms: Date.now() - t0, status: "ok" };
  const rec: CellRecord = { index, src, collector, cr, allowError, checked: false, logBefore };
  if (outcome.kind === "died") {
    open.memory.sample();
    outcome = { kind: "died", reason: `${outcome.reason}${await whyDied(run, rec, open)}` };
  }
  await judgeCell(run, rec, outcome, replyContent);
  return rec;
}

/**
 * What is known about a kernel that died during a cell, as "; ..." to append to the reason: for a
 * server this process started, how its process ended (serve.py logs it when Jupyter notices, within
 * a few seconds), its last stderr and its peak memory.
 */
async function whyDied(run: NotebookRun, rec: CellRecord, open: OpenKernel): Promise<string> {
  const local = localParts(run.server);
  if (!local) return "";
  const exitLogged = () => /^genlab: kernel process \d+ /m.test(logSince(rec.logBefore, local.log()));
  for (let i = 0; i < 40 && !exitLogged(); i++) await sleep(100);
  const note = deathNote(logSince(rec.logBefore, local.log()), open.memory.peakKiB);
  return note ? `: ${note}` : "";
}

/** Fail the run when the cell's outcome says so (allowed errors excepted). */
async function judgeCell(run: NotebookRun, rec: CellRecord, outcome: Outcome, replyContent: Record<string, any> | undefined): Promise<void> {
  const { collector, src, allowError, cr } = rec;
  const where = run.where(rec);
  if (outcome.kind === "timeout") {
    run.fail(rec, "failed", "timeout", `${where} timed out after ${run.opts.timeoutSec} s (kernel interrupted):\n${sourceExcerpt(src)}`, collector.errorText());
  } else if (outcome.kind === "aborted") {
    run.fail(rec, "interrupted", "interrupted", `${where}: run interrupted (signal) while this cell was running:\n${sourceExcerpt(src)}`, "");
  } else if (outcome.kind === "died") {
    const kernelError = collector.errorText().replace("(the kernel gave no error text)", "(the kernel printed no error in the notebook)");
    run.fail(rec, "failed", "error", `${where} failed: ${outcome.reason}:\n${sourceExcerpt(src)}\n${kernelError}`, kernelError);
  } else if (outcome.msg.content.status !== "ok") {
    const kernelError = outcome.msg.content.status === "abort"
      ? "the kernel aborted the request (status 'abort') three times"
      : collector.errorText(replyContent);
    if (allowError) {
      cr.status = "allowed-error";
      await sleep(TSLAB_ERROR_QUIET_MS);
    } else {
      run.fail(rec, "failed", "error", `${where} failed:\n${sourceExcerpt(src)}\n${kernelError}`, kernelError);
    }
  } else if (collector.uncaught.length > 0 && run.blame(rec) !== rec) {
    // An error from code an earlier cell started, thrown while this one ran: the earlier cell's.
    run.failLate(run.blame(rec), rec);
  } else if (collector.uncaught.length > 0) {
    // The reply said "ok", but an error thrown in a timer or promise reached the output meanwhile.
    if (allowError) cr.status = "allowed-error";
    else {
      const kernelError = collector.uncaughtText();
      run.fail(rec, "failed", "error", `${where} failed: an error was thrown in a timer, callback or un-awaited promise while the cell ran (it may come from one an earlier cell started):\n${sourceExcerpt(src)}\n${kernelError}`, kernelError);
    }
  }
  if (run.report.status === "ok" && collector.dropped) run.fail(rec, "failed", "error", droppedMessage(where, src, collector.dropped), collector.dropped);
  rec.checked = run.report.status !== "ok" || collector.uncaught.length > 0;
}

/** Record the run in the copy's metadata and write the copy (see output.ts); returns the final report. */
function writeCopy(run: NotebookRun, outFile: string): NotebookReport {
  const { prep, report } = run;
  const nb = prep.notebook;
  nb.metadata.genlab = {
    ...(nb.metadata.genlab ?? {}),
    parameters: prep.parameters,
    execution: { status: report.status, startedAt: report.startedAt, seconds: report.seconds, kernel: report.kernel, runId: report.runId, ...(report.error ? { error: report.error.message } : {}) },
  };
  // A failure blamed on an earlier cell (an error from its timer) comes after later cells ran: the
  // copy shows the run up to the failing cell, as for any failure, and the later cells empty.
  const failedAt = report.error?.cell ?? null;
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== "code") return;
    if (failedAt !== null && i + 1 > failedAt) { c.outputs = []; c.execution_count = null; delete c.metadata.execution; }
    normaliseOutputs(c);
  });
  const written = writeExecutedCopy(outFile, nb, report.status);
  report.output = written.path;
  if (written.kept) report.kept = written.kept;
  if (written.rescued) {
    const note = `${prep.file}: ${written.rescued}; the executed copy was saved to ${written.path} instead`;
    if (report.status === "ok") {
      report.status = "failed";
      report.error = { cell: null, executionCount: null, source: "", kernelError: "", message: note };
    } else if (report.error) report.error.message += `\n${note}`;
  }
  return report;
}

function droppedMessage(where: string, src: string, note: string): string {
  return `${where} failed: the Jupyter server dropped part of its output ("${note}"): raise the server's ServerApp.iopub_data_rate_limit / iopub_msg_rate_limit, or print less:\n${sourceExcerpt(src)}`;
}

/**
 * Delete the session (and so its kernel) through the REST API directly. services' own
 * session.shutdown() prints the server's Python traceback on console.error when the kernel is
 * restarting (jupyter_server 1.23 answers 500 then); we fall back to deleting the kernel, and a
 * server we started kills whatever is left when it stops.
 */
async function shutdownSession(server: ServerInfo, sessionId: string, kernelId: string | undefined): Promise<void> {
  const del = async (p: string) => {
    try {
      const res = await fetch(new URL(p, server.url), { method: "DELETE", headers: { Authorization: `token ${server.token}` }, signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok || res.status === 404;
    } catch {
      return false;
    }
  };
  if (await del(`api/sessions/${encodeURIComponent(sessionId)}`)) return;
  if (kernelId) await del(`api/kernels/${encodeURIComponent(kernelId)}`);
}

/**
 * @jupyterlab/services (7.6.6) starts a reconnect when a kernel restarts (e.g. after the cell
 * called process.exit) and rejects that promise, with no handler, when we dispose the connection.
 * Node would crash on it after the run is over; swallow exactly that error and keep Node's
 * default (crash) for every other unhandled rejection.
 */
let strayRejectionGuard = false;
function guardStrayRejections(): void {
  if (strayRejectionGuard) return;
  strayRejectionGuard = true;
  process.on("unhandledRejection", (reason) => {
    if (reason instanceof Error && reason.message === "Kernel connection disconnected") return;
    // services' pollers reject their pending tick when a manager is disposed early (a kernel that
    // could not start): "Poll (SessionManager#models) is disposed."
    if (reason instanceof Error && /^Poll \(.*\) is disposed\.?$/.test(reason.message)) return;
    // a kernel that restarts (it died, or a sweep restarts it) clears the connection's pending
    // requests, and services' own kernel_info request on reconnect is rejected with no handler:
    // "Canceled future for kernel_info_request message before replies were done". The run that
    // owned that kernel learns of the restart from its status; the request's loss is harmless.
    if (reason instanceof Error && /^Canceled future for kernel_info_request message before replies were done$/.test(reason.message)) return;
    throw reason;
  });
}

async function runCell(
  kernel: Kernel.IKernelConnection,
  code: string,
  collector: OutputCollector,
  route: Map<string, OutputCollector>,
  opts: ExecuteOptions,
  died: () => string | null,
): Promise<Outcome> {
  const future = kernel.requestExecute({ code, silent: false, store_history: true, allow_stdin: false, stop_on_error: true }, true);
  // Outputs reach the collector through the kernel-wide router (executeNotebook), which also
  // delivers what arrives after the reply, when this future is already disposed.
  route.set(future.msg.header.msg_id, collector);
  const timeoutMs = opts.timeoutSec && opts.timeoutSec > 0 ? opts.timeoutSec * 1000 : 0;
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const done: Promise<Outcome> = future.done.then(
    (msg) => { collector.replied = true; return { kind: "reply", msg: msg as KernelMessage.IExecuteReplyMsg }; },
    (e) => ({ kind: "died", reason: died() ?? `the kernel stopped answering (${(e as Error).message})` }),
  );
  const races: Promise<Outcome>[] = [done];
  if (timeoutMs) races.push(new Promise((r) => { timer = setTimeout(() => r({ kind: "timeout" }), timeoutMs); }));
  if (opts.signal) races.push(new Promise((r) => { onAbort = () => r({ kind: "aborted" }); opts.signal!.addEventListener("abort", onAbort); }));
  // A dead kernel never replies; notice it instead of waiting for the timeout.
  races.push(new Promise((r) => { poll = setInterval(() => { const d = died(); if (d) r({ kind: "died", reason: d }); }, 250); }));
  try {
    const outcome = await Promise.race(races);
    if (outcome.kind === "timeout" || outcome.kind === "aborted") {
      // Interrupt the kernel and give the cell a moment to finish, so its last outputs are kept.
      await Promise.race([kernel.interrupt().catch(() => undefined), sleep(3000)]);
      const late = await Promise.race([done, sleep(2000).then(() => null)]);
      if (late?.kind === "reply") return { ...outcome, late: late.msg };
    }
    return outcome;
  } finally {
    clearTimeout(timer);
    clearInterval(poll);
    if (onAbort) opts.signal?.removeEventListener("abort", onAbort);
  }
}
