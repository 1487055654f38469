/**
 * The one place that talks to the notebook front end. tslab's public `display` API sends one MIME
 * type per call; a figure needs a bundle (plotly JSON + HTML fallback + text), so we use tslab's
 * internal writer (`tslab/dist/jupyter`'s `lastWriteDisplayData`, the function its public API calls).
 * Outside a kernel (plain Node, tests) every call falls back to printing the `text/plain` part.
 */
export type MimeBundle = Record<string, unknown> & { "text/plain": string };

interface DisplayContent {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient?: { display_id: string };
}
type Writer = (content: DisplayContent, update: boolean) => void;

function kernelWriter(): Writer | null {
  try {
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: Writer | null };
    return jupyter.lastWriteDisplayData ?? null;
  } catch {
    return null;
  }
}

/** True when running inside a tslab kernel that can show rich output. */
export function inKernel(): boolean {
  return kernelWriter() !== null;
}

/** Where plain-text fallbacks go outside a kernel; tests may replace it. */
export let textSink: (text: string) => void = (text) => console.log(text);

/** Replace the plain-text sink (returns the previous one). Used by tests to capture output. */
export function setTextSink(sink: (text: string) => void): (text: string) => void {
  const prev = textSink;
  textSink = sink;
  return prev;
}

/**
 * Emit one display bundle (a new output); with `displayId` it can later be updated in place.
 * `metadata` travels with the output into the saved notebook (e.g. a check's structured record).
 */
export function emit(bundle: MimeBundle, displayId?: string, update = false, metadata: Record<string, unknown> = {}): void {
  const write = kernelWriter();
  if (!write) {
    textSink(bundle["text/plain"]);
    return;
  }
  const content: DisplayContent = { data: bundle, metadata };
  if (displayId) content.transient = { display_id: displayId };
  write(content, update);
}

let displayCounter = 0;
/** A fresh display id, unique within this kernel process. */
export function newDisplayId(): string {
  displayCounter += 1;
  return `genlab-${process.pid}-${Date.now().toString(36)}-${displayCounter}`;
}

/** Escape text for inclusion in HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
