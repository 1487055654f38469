/**
 * `npm run book [-- --quick] [--out DIR] [--jobs N] [--timeout S] [--from DIR] [chapters...]`: execute
 * every chapter (full size unless --quick) on one Jupyter server, up to N kernels at once (default:
 * one per core), and write a portable static book (tools/book): one page per chapter with
 * previous/next/contents links, an index with summaries, times and checks, checks.html, the API
 * reference, and MathJax and plotly.js copied once under assets/. The results cache is reused as
 * for `npm run nb`. Progress shows each chapter's cell, the elapsed time and an estimate of the time
 * left (from the last book's times). A failing chapter is reported with its cell and the book is
 * still written. `--from DIR` builds the book from notebooks already executed into DIR (no kernel).
 * `--figures` also writes every figure as JSON, PNG and SVG under build/figures/<chapter>/ (named from
 * its title; `--figures-out DIR` elsewhere), for slides.
 * Each cell has a timeout (default 600 s); SIGINT, SIGTERM and SIGHUP stop the run cleanly.
 *
 * Exit codes: 0 every chapter ok; 1 a chapter failed; 2 bad arguments or output folder; 3 no
 * Jupyter server; 130 / 143 / 129 interrupted.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../project/paths";
import {
  LocalServer, NotebookInputError, NotebookReport, RunnerSetupError, checkOutputs, handleStopSignals,
  killServerNow, readNotebook, runNotebook, serverRootFor, startServer, summaryLine,
} from "../runner";
import { BookChapter, writeBook } from "../book/build";
import { exportFigures } from "../book/figures";
import { buildReference } from "../reference/typedoc";
import { OptionReader, UsageError } from "./options";

interface BookArgs { quick: boolean; outDir: string; timeoutSec: number; jobs: number; from: string | null; chapters: string[]; api: boolean; figures: string | null }

function parseArgs(argv: string[]): BookArgs {
  const a: BookArgs = {
    quick: false, outDir: path.join(projectRoot, "build", "book"), timeoutSec: 600,
    jobs: Math.max(1, os.availableParallelism?.() ?? os.cpus().length), from: null, chapters: [], api: true, figures: null,
  };
  const r = new OptionReader(argv);
  for (let arg = r.next(); arg !== undefined; arg = r.next()) {
    if (arg === "--quick") a.quick = true;
    else if (arg === "--out") a.outDir = path.resolve(r.value());
    else if (arg === "--from") a.from = path.resolve(r.value());
    else if (arg === "--no-api") a.api = false;
    else if (arg === "--figures") a.figures = path.join(projectRoot, "build", "figures");
    else if (arg === "--figures-out") a.figures = path.resolve(r.value());
    else if (arg === "--jobs") a.jobs = r.integer(1);
    else if (arg === "--timeout") a.timeoutSec = r.number(0);
    else if (arg.endsWith(".ipynb")) a.chapters.push(path.resolve(arg));
    else throw new UsageError(`unknown argument ${arg} (usage: npm run book -- [--quick] [--out DIR] [--jobs N] [--timeout S] [--from DIR] [--no-api] [--figures | --figures-out DIR] [chapters.ipynb...])`);
  }
  if (a.chapters.length === 0) {
    const dir = path.join(projectRoot, "notebooks");
    a.chapters = fs.readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort().map((f) => path.join(dir, f));
  }
  if (a.from && !fs.existsSync(a.from)) throw new NotebookInputError(`--from ${a.from}: no such folder`);
  return a;
}

/** Seconds each chapter took in the last book of this size (for the time-left estimate). */
function readTimes(file: string): Record<string, number> {
  try { return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, number>; } catch { return {}; }
}

const mmss = (s: number) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, "0")}`;

async function executeAll(args: BookArgs, nbDir: string, server: LocalServer, signal: AbortSignal): Promise<BookChapter[]> {
  const timesFile = path.join(args.outDir, `times-${args.quick ? "quick" : "full"}.json`);
  const last = readTimes(timesFile);
  const known = Object.values(last);
  const typical = known.length ? known.reduce((x, y) => x + y, 0) / known.length : NaN;
  const expected = (f: string) => last[path.basename(f)] ?? typical;
  const start = Date.now();
  const running = new Map<string, { started: number; cell: string }>();
  const done: BookChapter[] = new Array(args.chapters.length);
  let finished = 0;
  const eta = (): string => {
    const now = Date.now();
    let left = 0;
    for (const f of args.chapters.filter((_, i) => !done[i] && !running.has(args.chapters[i]))) left += expected(f);
    for (const [f, r] of running) left += Math.max(0, expected(f) - (now - r.started) / 1000);
    return Number.isFinite(left) ? `, about ${mmss(left / Math.min(args.jobs, Math.max(1, args.chapters.length - finished)))} left` : "";
  };
  const status = (): void => {
    const parts = [...running].map(([f, r]) => `${path.basename(f, ".ipynb")} ${r.cell}`);
    process.stderr.write(`book: ${finished}/${args.chapters.length} done, ${mmss((Date.now() - start) / 1000)} elapsed${eta()}; running: ${parts.join(", ") || "-"}\n`);
  };
  const ticker = setInterval(status, 15_000);
  ticker.unref();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < args.chapters.length && !signal.aborted) {
      const i = next++;
      const file = args.chapters[i];
      running.set(file, { started: Date.now(), cell: "starting" });
      console.log(`book: running ${path.relative(projectRoot, file)}${args.quick ? " (quick)" : ""} ...`);
      let report: NotebookReport;
      try {
        report = await runNotebook(file, {
          parameters: args.quick ? { quick: true } : {}, outDir: nbDir, server, writeReport: false, timeoutSec: args.timeoutSec, signal,
          onProgress: (p) => { const r = running.get(file); if (r) r.cell = `cell ${p.codeCell}/${p.codeCells}`; },
        });
      } finally {
        running.delete(file);
      }
      finished += 1;
      console.log(summaryLine(report));
      if (report.error) console.error(report.error.message);
      const firstLine = (report.error?.kernelError ?? "").split("\n").find((l) => l.trim()) ?? "";
      done[i] = {
        source: file, executed: fs.existsSync(report.output) ? report.output : null, status: report.status, seconds: report.seconds,
        ...(report.error ? { failure: `${report.error.cell ? `cell ${report.error.cell}` : "before the first cell"}${firstLine ? `: ${firstLine.slice(0, 200)}` : ""}` } : {}),
      };
      if (report.status === "ok") last[path.basename(file)] = report.seconds;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(args.jobs, args.chapters.length) }, () => worker()));
  } finally {
    clearInterval(ticker);
  }
  fs.mkdirSync(args.outDir, { recursive: true });
  fs.writeFileSync(timesFile, JSON.stringify(last, null, 1) + "\n");
  console.log(`book: executed ${finished} chapter(s) in ${mmss((Date.now() - start) / 1000)} with up to ${args.jobs} kernel(s)`);
  return done.filter(Boolean);
}

function fromExecuted(args: BookArgs): BookChapter[] {
  return args.chapters.map((file) => {
    const executed = path.join(args.from!, path.basename(file));
    if (!fs.existsSync(executed)) return { source: file, executed: null, status: "error" as const, seconds: 0, failure: `no executed copy in ${args.from}` };
    const meta = (readNotebook(executed).metadata.genlab ?? {}) as { execution?: { seconds?: number; status?: string } };
    const st = meta.execution?.status;
    return { source: file, executed, status: st === "failed" || st === "interrupted" || st === "error" ? st : "ok", seconds: Number(meta.execution?.seconds ?? 0) };
  });
}

/**
 * The API reference under OUT/api, naming (and linking to) only the chapters this book has: a book
 * of some chapters must not link to pages it does not contain.
 */
async function reference_(outDir: string, chapters: string[]): Promise<string> {
  const only = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-book-chapters-"));
  try {
    for (const c of chapters) fs.copyFileSync(c, path.join(only, path.basename(c)));
    const r = await buildReference({ out: path.join(outDir, "api"), notebooksDir: only });
    console.log(`book: API reference in ${path.join(outDir, "api")} (${r.unused.length} exports used by no chapter of this book)`);
    return `<p><a href="api/index.html">API reference</a>: every function of the library, with the chapters that use it.</p>\n`;
  } catch (e) {
    console.error(`book: the API reference was not built: ${(e as Error).message}`);
    return `<p>API reference: not built (${(e as Error).message.split("\n")[0].replace(/[<>&]/g, "")}).</p>\n`;
  } finally {
    fs.rmSync(only, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  // @jupyterlab/services logs WebSocket chatter on console.debug; keep the output readable.
  console.debug = () => undefined;
  let args: BookArgs;
  let rootDir: string;
  const nbDirOf = (a: BookArgs) => path.join(a.outDir, "notebooks");
  try {
    args = parseArgs(process.argv.slice(2));
    for (const file of args.chapters) readNotebook(file);
    checkOutputs(args.outDir, args.chapters);
    fs.mkdirSync(nbDirOf(args), { recursive: true });
    checkOutputs(nbDirOf(args), args.chapters);
    rootDir = serverRootFor(args.chapters);
  } catch (e) {
    if (e instanceof NotebookInputError || e instanceof UsageError) { console.error(`book: ${e.message}`); return 2; }
    throw e;
  }
  let chapters: BookChapter[];
  let code: number | null = null;
  if (args.from) {
    chapters = fromExecuted(args);
  } else {
    let server: LocalServer | null = null;
    const stop = handleStopSignals("book", () => { if (server) killServerNow(server); });
    process.on("exit", () => { if (server) killServerNow(server); });
    try {
      server = await startServer({ rootDir });
      process.stderr.write(`book: started Jupyter server ${server.url} (pid ${server.process.pid}); up to ${args.jobs} kernel(s) at once\n`);
    } catch (e) {
      if (e instanceof RunnerSetupError) { console.error(`book: ${e.message}`); return 3; }
      throw e;
    }
    try {
      chapters = await executeAll(args, nbDirOf(args), server, stop.signal);
    } finally {
      await server.stop();
    }
    code = stop.exitCode();
  }
  const reference = args.api ? await reference_(args.outDir, args.chapters) : "<p>API reference: not built (--no-api).</p>\n";
  const notes: string[] = [];
  const result = writeBook(chapters, args.outDir, { quick: args.quick, reference, notes, notebooksDir: path.join(projectRoot, "notebooks") });
  const skipped = result.figures - result.staticImages;
  const imageNote = result.figures === 0 ? "" : skipped === 0
    ? `${result.figures} figures, each with a static image beside the interactive one.`
    : `static images skipped for ${skipped} of ${result.figures} figures (no headless Chromium when they ran: apt-get install chromium); they stay interactive.`;
  if (imageNote) {
    console.log(`book: ${imageNote}`);
    // the index says it too
    const idx = path.join(args.outDir, "index.html");
    fs.writeFileSync(idx, fs.readFileSync(idx, "utf8").replace("</p>\n<p><a href=\"checks.html\">", ` ${imageNote}</p>\n<p><a href="checks.html">`));
  }
  if (args.figures) {
    let n = 0;
    let skipped: string | null = null;
    for (const c of chapters) {
      if (!c.executed) continue;
      const r = exportFigures(c.executed, args.figures);
      n += r.figures;
      skipped ??= r.skippedImages;
    }
    console.log(`book: ${n} figures written to ${args.figures} as JSON${skipped ? ` (PNG and SVG skipped: ${skipped})` : ", PNG and SVG"}`);
  }
  const failed = chapters.filter((c) => c.status !== "ok").length;
  console.log(`book: ${chapters.length - failed}/${chapters.length} chapters ok, ${result.checks} checks; open ${path.join(args.outDir, "index.html")}`);
  return code ?? (failed ? 1 : 0);
}

main().then(
  (code) => process.exit(code),
  (e) => { console.error(`book: ${(e as Error).stack ?? e}`); process.exit(1); },
);
