/**
 * Worker thread behind `staticImage.ts`: keeps one headless Chromium page with plotly.js loaded and
 * turns figures into PNG / SVG with `Plotly.toImage`. It answers on the port it was given and then
 * wakes the waiting kernel thread through the shared flag.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pathToFileURL } from "url";
import { createHash } from "crypto";
import { MessagePort, threadId, workerData } from "worker_threads";
import { CHROMIUM_ARGS } from "./chromium";

interface Request { figure: { data: unknown[]; layout: Record<string, unknown> }; width: number; height: number; formats: ("png" | "svg")[] }
export interface RenderReply { png?: string; svg?: string; error?: string }

const { port, flag, executablePath, plotlyPath, prewarm } = workerData as { port: MessagePort; flag: Int32Array; executablePath: string; plotlyPath: string; prewarm: boolean };

type Page = import("playwright-core").Page;
let pagePromise: Promise<Page> | null = null;
let closeBrowser: (() => Promise<void>) | null = null;

async function page(): Promise<Page> {
  if (!pagePromise) {
    pagePromise = (async () => {
      const { chromium } = require("playwright-core") as typeof import("playwright-core");
      const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
      closeBrowser = () => browser.close();
      const p = await browser.newPage();
      // a page file beside nothing but plotly.js: loading the script from a file:// URL is several
      // times faster than injecting 4 MB of source through the DevTools protocol
      // one page file per plotly.js location, shared by every kernel (written to a private name and
      // renamed, so concurrent kernels never read half a file; nothing is left behind per process)
      const page = `<!doctype html><html><body style="margin:0"><div id="g"></div><script src="${pathToFileURL(plotlyPath).href}"></script></body></html>`;
      const html = path.join(os.tmpdir(), `genlab-render-${createHash("sha256").update(page).digest("hex").slice(0, 16)}.html`);
      if (!fs.existsSync(html)) {
        const tmp = `${html}.${process.pid}.${threadId}`;
        fs.writeFileSync(tmp, page);
        fs.renameSync(tmp, html);
      }
      // no time limit here: the kernel thread's wait bounds it, and a busy machine parses plotly slowly
      await p.goto(pathToFileURL(html).href, { timeout: 0 });
      return p;
    })();
  }
  return pagePromise;
}

async function render(req: Request): Promise<RenderReply> {
  const p = await page();
  return p.evaluate(async ({ figure, width, height, formats }) => {
    const P = (window as unknown as { Plotly: { newPlot: Function; toImage: Function; purge: Function } }).Plotly;
    const el = document.getElementById("g")!;
    const layout = { ...figure.layout, width, height };
    await P.newPlot(el, figure.data, layout, { staticPlot: true });
    const out: { png?: string; svg?: string } = {};
    for (const f of formats) {
      const url: string = await P.toImage(el, { format: f, width, height, scale: f === "png" ? 1.5 : 1 });
      out[f] = f === "png" ? url.slice(url.indexOf(",") + 1) : decodeURIComponent(url.slice(url.indexOf(",") + 1));
    }
    P.purge(el);
    return out;
  }, req);
}

// in a kernel the browser starts while the first cells compute, so the first figure does not wait
if (prewarm) page().catch(() => undefined);

port.on("message", (req: Request | { close: true }) => {
  const work = "close" in req ? (closeBrowser ? closeBrowser() : Promise.resolve()).then(() => ({})) : render(req);
  work.then(
    (r) => r,
    (e: Error) => ({ error: String(e?.message ?? e).split("\n")[0] }),
  ).then((reply) => {
    port.postMessage(reply);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
});
