/**
 * `npm run book [-- --quick] [--out DIR] [--timeout S] [chapters...]`: execute every chapter (full
 * size unless --quick) on one Jupyter server and export a readable book: each executed notebook as
 * a standalone HTML page (nbconvert; figures render offline) plus an index.html with each chapter's
 * status, time and number of passed checks. A failing chapter is reported and the book is still
 * written. Each cell has a timeout (default 600 s), so a stuck chapter cannot hang the book; the
 * output folder is checked before anything runs (never a chapter's own folder); SIGINT, SIGTERM and
 * SIGHUP stop the run cleanly as for `npm run nb`.
 *
 * Exit codes: 0 every chapter ok; 1 a chapter failed; 2 bad arguments or output folder; 3 no
 * Jupyter server; 130 / 143 / 129 interrupted.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { escapeHtml } from "../../src/show/display";
import { projectRoot, readJupyterConfig } from "../project/paths";
import {
  LocalServer, NotebookInputError, NotebookReport, RunnerSetupError, checkOutputs, handleStopSignals,
  killServerNow, readNotebook, runNotebook, serverRootFor, startServer, summaryLine,
} from "../runner";
import { bookReference } from "./docs";

interface Entry { file: string; title: string; report: NotebookReport; html: string | null; checks: { passed: number; failed: number } }

function titleOf(file: string): string {
  const nb = readNotebook(file);
  const first = nb.cells.find((c) => c.cell_type === "markdown");
  const src = first ? (Array.isArray(first.source) ? first.source.join("") : first.source) : "";
  return /^#\s+(.+)$/m.exec(src)?.[1]?.trim() ?? path.basename(file, ".ipynb");
}

/** Checks printed by the chapter: one display output per check, whose text starts with its mark. */
function countChecks(executed: string): { passed: number; failed: number } {
  const nb = readNotebook(executed);
  let passed = 0, failed = 0;
  for (const cell of nb.cells) {
    for (const out of (cell as { outputs?: { data?: Record<string, unknown> }[] }).outputs ?? []) {
      const t = out.data?.["text/plain"];
      const text = Array.isArray(t) ? t.join("") : typeof t === "string" ? t : "";
      if (text.startsWith("✔ ")) passed += 1;
      else if (text.startsWith("✘ ")) failed += 1;
    }
  }
  return { passed, failed };
}

interface BookArgs { quick: boolean; outDir: string; timeoutSec: number; chapters: string[] }

function parseArgs(argv: string[]): BookArgs {
  const a: BookArgs = { quick: false, outDir: path.join(projectRoot, "build", "book"), timeoutSec: 600, chapters: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new NotebookInputError(`${arg} needs a value`);
      return v;
    };
    if (arg === "--quick") a.quick = true;
    else if (arg === "--out") a.outDir = path.resolve(value());
    else if (arg === "--timeout") {
      const v = value();
      a.timeoutSec = Number(v);
      if (!Number.isFinite(a.timeoutSec) || a.timeoutSec < 0) throw new NotebookInputError(`--timeout ${v}: expected seconds >= 0 (0 = none)`);
    } else if (arg.endsWith(".ipynb")) a.chapters.push(path.resolve(arg));
    else throw new NotebookInputError(`unknown argument ${arg} (usage: npm run book -- [--quick] [--out DIR] [--timeout S] [chapters.ipynb...])`);
  }
  if (a.chapters.length === 0) {
    const dir = path.join(projectRoot, "notebooks");
    a.chapters = fs.readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort().map((f) => path.join(dir, f));
  }
  return a;
}

async function main(): Promise<number> {
  // @jupyterlab/services logs WebSocket chatter on console.debug; keep the output readable.
  console.debug = () => undefined;
  let args: BookArgs;
  let rootDir: string;
  try {
    args = parseArgs(process.argv.slice(2));
    for (const file of args.chapters) readNotebook(file);
    checkOutputs(args.outDir, args.chapters);
    rootDir = serverRootFor(args.chapters);
  } catch (e) {
    if (e instanceof NotebookInputError) { console.error(`book: ${e.message}`); return 2; }
    throw e;
  }
  const { quick, outDir, chapters } = args;
  const python = readJupyterConfig()?.python;
  let server: LocalServer | null = null;
  const stop = handleStopSignals("book", () => { if (server) killServerNow(server); });
  process.on("exit", () => { if (server) killServerNow(server); });
  try {
    server = await startServer({ rootDir });
    process.stderr.write(`book: started Jupyter server ${server.url} (pid ${server.process.pid})\n`);
  } catch (e) {
    if (e instanceof RunnerSetupError) { console.error(`book: ${e.message}`); return 3; }
    throw e;
  }
  const entries: Entry[] = [];
  try {
    for (const file of chapters) {
      if (stop.signal.aborted) break;
      console.log(`book: running ${path.relative(projectRoot, file)}${quick ? " (quick)" : ""} ...`);
      const report = await runNotebook(file, {
        parameters: quick ? { quick: true } : {}, outDir, server, writeReport: false, timeoutSec: args.timeoutSec, signal: stop.signal,
      });
      console.log(summaryLine(report));
      if (report.error) console.error(report.error.message);
      const executed = report.output;
      let html: string | null = null;
      if (python && fs.existsSync(executed) && !stop.signal.aborted) {
        try {
          execFileSync(python, ["-m", "nbconvert", "--to", "html", executed, "--output-dir", outDir, "--output", path.basename(file, ".ipynb")], { stdio: "pipe" });
          html = path.basename(file, ".ipynb") + ".html";
        } catch (e) {
          console.error(`book: nbconvert failed for ${path.basename(file)}: ${String((e as { stderr?: Buffer }).stderr ?? e).split("\n").slice(-3).join(" ")}`);
        }
      }
      entries.push({ file, title: titleOf(file), report, html, checks: fs.existsSync(executed) ? countChecks(executed) : { passed: 0, failed: 0 } });
    }
  } finally {
    await server.stop();
  }
  const rows = entries.map((e) => `<tr><td>${e.html ? `<a href="${escapeHtml(e.html)}">${escapeHtml(e.title)}</a>` : escapeHtml(e.title)}</td>` +
    `<td style="color:${e.report.status === "ok" ? "#1a7f37" : "#cf222e"}">${e.report.status}</td><td>${e.report.seconds.toFixed(1)} s</td>` +
    `<td>${e.checks.passed} passed${e.checks.failed ? `, ${e.checks.failed} failed` : ""}</td></tr>`).join("\n");
  const index = `<!doctype html><meta charset="utf-8"><title>genlab — the book</title>
<style>body{font-family:system-ui,sans-serif;max-width:52em;margin:2em auto;padding:0 1em}td,th{padding:.3em .8em;text-align:left}td+td{white-space:nowrap}</style>
<h1>Statistical Properties of Training &amp; Generalization — the lab</h1>
<p>Executed ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC at ${quick ? "test size (quick=true)" : "full size"}.</p>
<table><tr><th>chapter</th><th>status</th><th>time</th><th>checks</th></tr>
${rows}
</table>
${await bookReference(outDir)}`;
  fs.writeFileSync(path.join(outDir, "index.html"), index);
  const failed = entries.filter((e) => e.report.status !== "ok").length;
  console.log(`book: ${entries.length - failed}/${entries.length} chapters ok; open ${path.join(outDir, "index.html")}`);
  return stop.exitCode() ?? (failed ? 1 : 0);
}

main().then(
  (code) => process.exit(code),
  (e) => { console.error(`book: ${(e as Error).stack ?? e}`); process.exit(1); },
);
