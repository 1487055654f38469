/**
 * Static renderings of plotly figures (PNG, SVG) made by headless Chromium, so an executed notebook
 * still shows its figures where scripts do not run: a code host's notebook view, a PDF print, an
 * untrusted notebook. `show` is synchronous (a cell calls it and moves on), while a browser is
 * driven asynchronously: a worker thread owns the browser and the kernel thread waits on a shared
 * flag (`Atomics.wait`) for each image. The browser starts on the first figure (a few seconds) and
 * then renders a figure in a fraction of a second.
 *
 * Off when the machine has no Chromium, when playwright-core is missing, or with
 * GENLAB_STATIC_FIGURES=0; after a failure it stays off for the session and says so once.
 */
import * as fs from "fs";
import * as path from "path";
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from "worker_threads";
import { chromiumPath } from "./chromium";
import type { RenderReply } from "./staticImageWorker";

export interface StaticImages { png?: string; svg?: string }

let worker: { w: Worker; port: MessagePort; flag: Int32Array } | null = null;
let disabled: string | null = null;
let firstDone = false;

/** Why static images are not made in this process (null: they are). */
export function staticImagesOff(): string | null {
  if (disabled) return disabled;
  const env = process.env.GENLAB_STATIC_FIGURES;
  if (env === "0" || env === "false") return "GENLAB_STATIC_FIGURES=0";
  if (!chromiumPath()) return "no Chromium on this machine (apt-get install chromium)";
  try { require.resolve("playwright-core"); } catch { return "playwright-core is not installed"; }
  return null;
}

function start(prewarm = false): NonNullable<typeof worker> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const w = new Worker(path.join(__dirname, "staticImageWorker.js"), {
    workerData: { port: port2, flag, executablePath: chromiumPath(), plotlyPath: require.resolve("plotly.js-dist-min/plotly.min.js"), prewarm },
    transferList: [port2],
  });
  w.unref();
  port1.unref();
  w.on("error", (e) => {
    disabled = `static figure images are off for this session: the image worker stopped: ${e.message}`;
    process.stderr.write(`genlab: ${disabled}\n`);
    worker = null;
  });
  return { w, port: port1, flag };
}

/**
 * Render `figure` (plain JSON) to the given formats; null when static images are off or the render
 * failed (the first failure is reported once on stderr and turns them off for the session).
 */
export function renderStatic(figure: { data: unknown[]; layout?: Record<string, unknown> }, opts: { width?: number; height?: number; formats?: ("png" | "svg")[] } = {}): StaticImages | null {
  if (staticImagesOff()) return null;
  if (!fs.existsSync(path.join(__dirname, "staticImageWorker.js"))) return null;
  worker ??= start();
  const height = opts.height ?? Number(figure.layout?.height ?? 420);
  const width = opts.width ?? Number(figure.layout?.width ?? 800);
  Atomics.store(worker.flag, 0, 0);
  worker.port.postMessage({ figure: { data: figure.data, layout: figure.layout ?? {} }, width, height, formats: opts.formats ?? ["png"] });
  // the first image waits for the browser to start and parse plotly.js: about 4 s on a quiet machine,
  // over a minute on an overloaded one; later images take well under a second
  const waited = Atomics.wait(worker.flag, 0, 0, firstDone ? 60_000 : 300_000);
  const msg = receiveMessageOnPort(worker.port)?.message as RenderReply | undefined;
  if (waited === "timed-out" || !msg || msg.error) {
    disabled = `static figure images are off for this session: ${waited === "timed-out" ? "the browser did not answer in time" : msg?.error ?? "no reply"}`;
    process.stderr.write(`genlab: ${disabled}\n`);
    void worker.w.terminate();
    worker = null;
    return null;
  }
  firstDone = true;
  return msg;
}

/** Start the browser in the background now (a kernel calls this when the library loads). */
export function prewarmStaticRenderer(): void {
  if (worker || staticImagesOff() || !fs.existsSync(path.join(__dirname, "staticImageWorker.js"))) return;
  worker = start(true);
}

/** Stop the browser (tests; a kernel's exit stops it anyway). */
export async function stopStaticRenderer(): Promise<void> {
  if (!worker) return;
  const { w, port, flag } = worker;
  worker = null;
  Atomics.store(flag, 0, 0);
  port.postMessage({ close: true });
  Atomics.wait(flag, 0, 0, 10_000);
  receiveMessageOnPort(port);
  await w.terminate();
}
