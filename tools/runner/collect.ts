/**
 * Recording one cell's outputs as a Jupyter front end shows them, and noticing from the outputs
 * what a reply status alone does not say: an error thrown in a timer or an un-awaited promise
 * (reported by the kernel launcher with UNCAUGHT_MARK, often after the cell replied "ok"), and
 * output the Jupyter server dropped because of its IOPub rate limit.
 */
import { KernelMessage } from "@jupyterlab/services";
import { CodeCell, DisplayDataOutput, ExecuteResultOutput, Output, StreamOutput, joinText, splitLines } from "./nbformat";

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/**
 * How kernel-setup/kernel-guards.js starts its report of an uncaught exception or unhandled
 * rejection ("genlab: uncaught exception (in a timer, ...):"). Keep the two in sync.
 */
export const UNCAUGHT_MARK = "genlab: uncaught";
const UNCAUGHT_LINE = /^genlab: uncaught (exception|promise rejection) \(/m;
/** The note jupyter_server (and notebook 6) sends on stderr when it starts dropping a kernel's output. */
const RATE_LIMIT_NOTE = /^IOPub (message|data) rate exceeded\./m;

/**
 * Collects one cell's outputs, applying update_display_data (to any earlier cell, through the
 * shared display map) and clear_output (wait=true: clear when the next output arrives) as a
 * Jupyter front end would. Messages that arrive after the cell's reply (a timer's output) are
 * recorded too, as a front end that keeps listening would show them.
 */
export class OutputCollector {
  /** display_id -> every output (in any cell) that shows it; updated in place. */
  private displays = new Map<string, Array<DisplayDataOutput | ExecuteResultOutput>>();
  private clearPending = false;
  stderr = "";
  errors: string[] = [];
  executionCount: number | null = null;
  /** Reports of uncaught exceptions / unhandled rejections that reached this cell's output. */
  uncaught: string[] = [];
  /** The server's note that it dropped output (IOPub rate limit), if it sent one. */
  dropped: string | null = null;
  /** Set once the cell's reply arrived: what comes later is "late". */
  replied = false;
  /** Whether an uncaught-error report arrived after the reply. */
  lateUncaught = false;
  /**
   * The execution counts of the cells that started the failing code, one per report that names it
   * (kernel-guards.js: "started in execution N"): the cell to blame, which may be an earlier one.
   */
  uncaughtOrigins: number[] = [];

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
        if (name === "stderr") this.noteStderr(text);
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

  private noteStderr(text: string): void {
    this.stderr += text;
    const m = UNCAUGHT_LINE.exec(text);
    if (m) {
      // Each report is one write, so one message: keep it from the mark on.
      this.uncaught.push(text.slice(m.index).trim());
      const origin = /^genlab: uncaught [^\n]*; started in execution (\d+)\)/m.exec(text.slice(m.index));
      if (origin) this.uncaughtOrigins.push(Number(origin[1]));
      if (this.replied) this.lateUncaught = true;
    }
    if (this.dropped === null && RATE_LIMIT_NOTE.test(text)) this.dropped = text.trim().split("\n")[0];
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

  /** The uncaught-error reports alone (for a cell whose reply was "ok"). */
  uncaughtText(): string {
    return trimKernelError(this.uncaught.join("\n").replace(ANSI, ""));
  }
}

/**
 * The error text without the kernel's own stack frames (tslab's executor, node:vm, the lab's
 * kernel launcher), which say nothing about the notebook; the executed copy keeps the full text.
 */
export function trimKernelError(text: string): string {
  return text
    .split("\n")
    .filter((l) => !/^\s+at .*(node_modules[\\/]tslab[\\/]|kernel-setup[\\/]kernel-guards\.js|\(node:|sigintHandlersWrap|^\s+at async JupyterHandlerImpl)/.test(l))
    .join("\n")
    .trim();
}

/** Store texts as lists of lines, as Jupyter writes them (smaller diffs, same meaning). */
export function normaliseOutputs(cell: CodeCell): void {
  for (const o of cell.outputs) {
    if (o.output_type === "stream") o.text = splitLines(joinText(o.text));
    if (o.output_type === "display_data" || o.output_type === "execute_result") {
      for (const [mime, v] of Object.entries(o.data)) {
        if (typeof v === "string" && !/json$/.test(mime)) o.data[mime] = splitLines(v);
      }
    }
  }
}
