/**
 * Execute a prepared notebook on a tslab kernel through @jupyterlab/services: open a session whose
 * kernel runs in the notebook's folder, run the code cells one by one with a per-cell timeout,
 * collect every output kind into the notebook, and write the executed copy atomically, also when a
 * cell fails (so nothing is lost).
 */
import * as path from "path";
import { KernelManager, KernelMessage, ServerConnection, SessionManager, Kernel, Session } from "@jupyterlab/services";
import WebSocket from "ws";
import {
  CodeCell, DisplayDataOutput, ExecuteResultOutput, Notebook, Output, StreamOutput,
  cellTags, joinText, sourceText, splitLines, writeNotebook,
} from "./nbformat";
import { CellReport, NotebookReport } from "./report";
import { ServerInfo } from "./server";

/** Options for executing one notebook on a server that is already running. */
export interface ExecuteOptions {
  /** Folder for the executed copy (created when missing). */
  outDir: string;
  /** Per-cell timeout in seconds; 0 or undefined: none. */
  timeoutSec?: number;
  /** Kernel name (default "tslab"). */
  kernelName?: string;
  /** How long the kernel may take to start and answer kernel_info (s, default 120: the launcher may rebuild dist/). */
  startupTimeoutSec?: number;
  /** Aborting it (Ctrl-C) interrupts the running cell, writes the copy and shuts the kernel down. */
  signal?: AbortSignal;
  /** Called before each code cell runs. */
  onProgress?: (p: { notebook: string; cell: number; codeCell: number; codeCells: number }) => void;
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
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

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

/** The session path for a notebook: relative to the server root, so the kernel's cwd is the notebook's folder. */
export function sessionPath(file: string, info: ServerInfo): string {
  const abs = path.resolve(file);
  const base = info.rootDir !== undefined ? path.resolve(info.rootDir) : process.cwd();
  const rel = path.relative(base, abs);
  return (rel.startsWith("..") ? path.basename(abs) : rel).split(path.sep).join("/");
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
 * Collects one cell's outputs, applying update_display_data (to any earlier cell, through the
 * shared display map) and clear_output (wait=true: clear when the next output arrives) as a
 * Jupyter front end would. Exported for tests.
 */
export class OutputCollector {
  /** display_id -> every output (in any cell) that shows it; updated in place. */
  private displays = new Map<string, Array<DisplayDataOutput | ExecuteResultOutput>>();
  private clearPending = false;
  stderr = "";
  errors: string[] = [];
  executionCount: number | null = null;

  constructor(private cell: CodeCell) {}

  private add(out: Output): void {
    if (this.clearPending) {
      this.cell.outputs.length = 0;
      this.clearPending = false;
    }
    this.cell.outputs.push(out);
  }

  private track(id: string | undefined, out: DisplayDataOutput | ExecuteResultOutput): void {
    if (!id) return;
    const list = this.displays.get(id) ?? [];
    list.push(out);
    this.displays.set(id, list);
  }

  /** Shares the display map across cells of one notebook (an update may target an earlier cell). */
  useDisplays(map: Map<string, Array<DisplayDataOutput | ExecuteResultOutput>>): void {
    this.displays = map;
  }

  handle(msg: KernelMessage.IIOPubMessage): void {
    const c = msg.content as Record<string, any>;
    const type = msg.header.msg_type;
    const displayId: string | undefined = c.transient?.display_id;
    switch (type) {
      case "stream": {
        const name = c.name === "stderr" ? "stderr" : "stdout";
        const text = String(c.text ?? "");
        if (name === "stderr") this.stderr += text;
        const last = this.clearPending ? undefined : this.cell.outputs[this.cell.outputs.length - 1];
        // Consecutive chunks of the same stream are one output, as every Jupyter front end shows them.
        if (last && last.output_type === "stream" && last.name === name) last.text = joinText(last.text) + text;
        else this.add({ output_type: "stream", name, text } as StreamOutput);
        break;
      }
      case "display_data":
      case "execute_result": {
        const out = type === "display_data"
          ? ({ output_type: "display_data", data: c.data ?? {}, metadata: c.metadata ?? {} } as DisplayDataOutput)
          : ({ output_type: "execute_result", execution_count: c.execution_count ?? null, data: c.data ?? {}, metadata: c.metadata ?? {} } as ExecuteResultOutput);
        // A new display with a known id also refreshes the earlier ones (Jupyter's semantics).
        if (displayId) for (const o of this.displays.get(displayId) ?? []) { o.data = out.data; o.metadata = out.metadata; }
        this.add(out);
        this.track(displayId, out);
        break;
      }
      case "update_display_data": {
        // Updates change earlier outputs in place and never add one.
        if (displayId) for (const o of this.displays.get(displayId) ?? []) { o.data = c.data ?? {}; o.metadata = c.metadata ?? {}; }
        break;
      }
      case "clear_output":
        // wait=true: clear just before the next output arrives (avoids flicker in live displays).
        if (c.wait) this.clearPending = true;
        else { this.cell.outputs.length = 0; this.clearPending = false; }
        break;
      case "error": {
        const tb = Array.isArray(c.traceback) ? (c.traceback as string[]).join("\n") : "";
        this.errors.push((tb || `${c.ename}: ${c.evalue}`).replace(ANSI, ""));
        this.add({ output_type: "error", ename: String(c.ename ?? ""), evalue: String(c.evalue ?? ""), traceback: Array.isArray(c.traceback) ? c.traceback : [] });
        break;
      }
      case "execute_input":
        if (typeof c.execution_count === "number") this.executionCount = c.execution_count;
        break;
      default:
        break; // status, comm_*: nothing to record
    }
  }

  /** The kernel's error text for this cell: iopub error tracebacks, then (tslab) the stderr text. */
  errorText(reply?: Record<string, any>): string {
    const parts = [...this.errors];
    if (reply && (reply.ename || reply.evalue) && parts.length === 0) {
      parts.push(Array.isArray(reply.traceback) && reply.traceback.length ? reply.traceback.join("\n") : `${reply.ename}: ${reply.evalue}`);
    }
    if (this.stderr.trim()) parts.push(this.stderr);
    return trimKernelError(parts.join("\n").replace(ANSI, "")) || "(the kernel gave no error text)";
  }
}

/**
 * The error text without the kernel's own stack frames (tslab's executor, node:vm), which say
 * nothing about the notebook; the executed copy keeps the full text.
 */
export function trimKernelError(text: string): string {
  return text
    .split("\n")
    .filter((l) => !/^\s+at .*(node_modules[\\/]tslab[\\/]|\(node:|sigintHandlersWrap|^\s+at async JupyterHandlerImpl)/.test(l))
    .join("\n")
    .trim();
}

/** Store texts as lists of lines, as Jupyter writes them (smaller diffs, same meaning). */
function normaliseOutputs(cell: CodeCell): void {
  for (const o of cell.outputs) {
    if (o.output_type === "stream") o.text = splitLines(joinText(o.text));
    if (o.output_type === "display_data" || o.output_type === "execute_result") {
      for (const [mime, v] of Object.entries(o.data)) {
        if (typeof v === "string" && !/json$/.test(mime)) o.data[mime] = splitLines(v);
      }
    }
  }
}

function waitForKernel(kernel: Kernel.IKernelConnection, timeoutMs: number, signal?: AbortSignal): Promise<KernelMessage.IInfoReply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the kernel did not answer within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    const onStatus = (_: unknown, s: Kernel.Status) => {
      if (s === "dead") { cleanup(); reject(new Error("the kernel died while starting (see the Jupyter server log; is the tslab kernelspec working? try `npm run doctor`)")); }
    };
    const onAbort = () => { cleanup(); reject(new Error("interrupted")); };
    const cleanup = () => { clearTimeout(timer); kernel.statusChanged.disconnect(onStatus); signal?.removeEventListener("abort", onAbort); };
    kernel.statusChanged.connect(onStatus);
    if (signal?.aborted) return onAbort(); // an 'abort' listener added now would never fire
    signal?.addEventListener("abort", onAbort);
    kernel.info.then((i) => { cleanup(); resolve(i); }, (e) => { cleanup(); reject(e); });
  });
}

/**
 * Run one prepared notebook on the given server and write its executed copy to
 * `opts.outDir/<name>.ipynb`. Never throws for a failing cell: the returned report says what
 * happened (status "ok", "failed", "interrupted" or "error" when the kernel could not start).
 */
export async function executeNotebook(prep: PreparedNotebook, server: ServerInfo, opts: ExecuteOptions): Promise<NotebookReport> {
  const started = Date.now();
  const nb = prep.notebook;
  const name = path.basename(prep.file);
  const outFile = path.resolve(opts.outDir, name);
  const kernelName = opts.kernelName ?? "tslab";
  const codeCells = nb.cells.filter((c) => c.cell_type === "code").length;
  const report: NotebookReport = {
    notebook: prep.file,
    output: outFile,
    status: "ok",
    seconds: 0,
    cellsExecuted: 0,
    codeCells,
    parameters: prep.parameters,
    kernel: kernelName,
    startedAt: new Date(started).toISOString(),
    cells: [],
  };
  // The copy starts clean: stale outputs from the source must not mix with this run's.
  for (const c of nb.cells) if (c.cell_type === "code") { c.outputs = []; c.execution_count = null; }

  guardStrayRejections();
  const settings = serverSettings(server);
  const kernelManager = new KernelManager({ serverSettings: settings });
  const sessionManager = new SessionManager({ serverSettings: settings, kernelManager });
  let session: Session.ISessionConnection | null = null;
  const displays = new Map<string, Array<DisplayDataOutput | ExecuteResultOutput>>();
  try {
    session = await sessionManager.startNew({ path: sessionPath(prep.file, server), type: "notebook", name, kernel: { name: kernelName } });
    const kernel = session.kernel;
    if (!kernel) throw new Error("the server started a session without a kernel");
    const info = await waitForKernel(kernel, (opts.startupTimeoutSec ?? 120) * 1000, opts.signal);
    // nbformat requires kernelspec.name and display_name once kernelspec is there; fill what is missing.
    const ks = nb.metadata.kernelspec;
    nb.metadata.kernelspec = { ...(ks ?? {}), name: ks?.name ?? kernelName, display_name: ks?.display_name ?? ks?.name ?? kernelName };
    if (info.status === "ok" && info.language_info) nb.metadata.language_info = info.language_info as unknown as Record<string, unknown>;

    let kernelDied: string | null = null;
    kernel.statusChanged.connect((_, s) => {
      if (s === "dead" || s === "autorestarting" || s === "restarting") kernelDied ??= `the kernel ${s === "dead" ? "died" : "died and is restarting"}`;
    });

    let codeIndex = 0;
    for (let i = 0; i < nb.cells.length; i++) {
      const cell = nb.cells[i];
      if (cell.cell_type !== "code") continue;
      codeIndex++;
      const src = sourceText(cell);
      const allowError = cellTags(cell).includes("raises-exception");
      opts.onProgress?.({ notebook: prep.file, cell: i + 1, codeCell: codeIndex, codeCells });
      const t0 = Date.now();
      const collector = new OutputCollector(cell);
      collector.useDisplays(displays);
      let outcome: Outcome = { kind: "aborted" };
      const startIso = new Date().toISOString();
      if (opts.signal?.aborted) outcome = { kind: "aborted" };
      else if (!src.trim()) outcome = { kind: "reply", msg: { content: { status: "ok", execution_count: null } } as unknown as KernelMessage.IExecuteReplyMsg };
      else {
        // An "abort" reply means tslab dropped the request unrun (it does so for 200 ms after an
        // error); retrying then is safe and keeps a run from failing on timing alone.
        for (let attempt = 0; attempt < 3; attempt++) {
          outcome = await runCell(kernel, src, collector, opts, () => kernelDied);
          if (outcome.kind === "reply" && outcome.msg.content.status === "abort") { await sleep(TSLAB_ERROR_QUIET_MS); continue; }
          break;
        }
      }
      const ms = Date.now() - t0;
      const replyMsg = outcome.kind === "reply" ? outcome.msg : outcome.kind === "timeout" || outcome.kind === "aborted" ? outcome.late : undefined;
      const replyContent = replyMsg?.content as Record<string, any> | undefined;
      const ec = typeof replyContent?.execution_count === "number" ? replyContent.execution_count : collector.executionCount;
      cell.execution_count = ec ?? null;
      cell.metadata.execution = { "iopub.execute_input": startIso, "shell.execute_reply": new Date().toISOString() };
      normaliseOutputs(cell);
      const cr: CellReport = { index: i + 1, executionCount: cell.execution_count, ms, status: "ok" };
      report.cells.push(cr);
      report.cellsExecuted++;

      const where = `${prep.file}: cell ${i + 1} (execution count ${cell.execution_count ?? "-"})`;
      let failure: { status: NotebookReport["status"]; cellStatus: CellReport["status"]; message: string; kernelError: string } | null = null;
      if (outcome.kind === "timeout") {
        const kernelError = collector.errorText();
        failure = { status: "failed", cellStatus: "timeout", kernelError, message: `${where} timed out after ${opts.timeoutSec} s (kernel interrupted):\n${sourceExcerpt(src)}` };
      } else if (outcome.kind === "aborted") {
        failure = { status: "interrupted", cellStatus: "interrupted", kernelError: "", message: `${where}: run interrupted (signal) while this cell was running:\n${sourceExcerpt(src)}` };
      } else if (outcome.kind === "died") {
        const kernelError = collector.errorText();
        failure = { status: "failed", cellStatus: "error", kernelError, message: `${where} failed: ${outcome.reason}:\n${sourceExcerpt(src)}\n${kernelError}` };
      } else if (outcome.msg.content.status !== "ok") {
        const kernelError = outcome.msg.content.status === "abort"
          ? "the kernel aborted the request (status 'abort') three times"
          : collector.errorText(replyContent);
        if (allowError) {
          cr.status = "allowed-error";
          await sleep(TSLAB_ERROR_QUIET_MS);
        } else {
          failure = { status: "failed", cellStatus: "error", kernelError, message: `${where} failed:\n${sourceExcerpt(src)}\n${kernelError}` };
        }
      }
      if (failure) {
        cr.status = failure.cellStatus;
        report.status = failure.status;
        report.error = { cell: i + 1, executionCount: cell.execution_count, source: src.split("\n").slice(0, 4).join("\n"), kernelError: failure.kernelError, message: failure.message };
        break;
      }
    }
  } catch (e) {
    const msg = (e as Error).message;
    report.status = opts.signal?.aborted ? "interrupted" : "error";
    report.error = { cell: null, executionCount: null, source: "", kernelError: "", message: `${prep.file}: ${opts.signal?.aborted ? "run interrupted (signal) before the cells ran" : `kernel "${kernelName}" could not run: ${msg}`}` };
  } finally {
    // Always shut the kernel down, even after a failure or Ctrl-C; a stuck server must not hang us.
    if (session) await shutdownSession(server, session.id, session.kernel?.id);
    session?.dispose();
    sessionManager.dispose();
    kernelManager.dispose();
  }
  report.seconds = (Date.now() - started) / 1000;
  nb.metadata.genlab = {
    ...(nb.metadata.genlab ?? {}),
    parameters: prep.parameters,
    execution: { status: report.status, startedAt: report.startedAt, seconds: report.seconds, kernel: kernelName, ...(report.error ? { error: report.error.message } : {}) },
  };
  writeNotebook(outFile, nb);
  return report;
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
    throw reason;
  });
}

async function runCell(
  kernel: Kernel.IKernelConnection,
  code: string,
  collector: OutputCollector,
  opts: ExecuteOptions,
  died: () => string | null,
): Promise<Outcome> {
  const future = kernel.requestExecute({ code, silent: false, store_history: true, allow_stdin: false, stop_on_error: true }, true);
  future.onIOPub = (msg) => collector.handle(msg);
  const timeoutMs = opts.timeoutSec && opts.timeoutSec > 0 ? opts.timeoutSec * 1000 : 0;
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const done: Promise<Outcome> = future.done.then(
    (msg) => ({ kind: "reply", msg: msg as KernelMessage.IExecuteReplyMsg }),
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
