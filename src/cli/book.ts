/**
 * `npm run book [-- --quick] [--out DIR] [chapters...]`: execute every chapter (full size unless
 * --quick) on one Jupyter server and export a readable book: each executed notebook as a standalone
 * HTML page (nbconvert; figures render offline) plus an index.html with each chapter's status, time
 * and number of passed checks. A failing chapter is reported and the book is still written.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { escapeHtml } from "../show/display";
import { projectRoot, readJupyterConfig } from "../project/paths";
import { NotebookReport, readNotebook, runNotebook, startServer, summaryLine } from "../runner";
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

async function main(): Promise<void> {
  // @jupyterlab/services logs WebSocket chatter on console.debug; keep the output readable.
  console.debug = () => undefined;
  const argv = process.argv.slice(2);
  const quick = argv.includes("--quick");
  const outIdx = argv.indexOf("--out");
  const outDir = path.resolve(outIdx >= 0 ? argv[outIdx + 1] : path.join(projectRoot, "build", "book"));
  const named = argv.filter((a, i) => a.endsWith(".ipynb") && argv[i - 1] !== "--out");
  const dir = path.join(projectRoot, "notebooks");
  const chapters = named.length ? named.map((f) => path.resolve(f)) :
    fs.readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort().map((f) => path.join(dir, f));
  fs.mkdirSync(outDir, { recursive: true });
  const python = readJupyterConfig()?.python;
  const server = await startServer();
  const entries: Entry[] = [];
  const stop = async (): Promise<void> => { await server.stop(); };
  process.once("SIGINT", () => { void stop().then(() => process.exit(130)); });
  try {
    for (const file of chapters) {
      console.log(`book: running ${path.relative(projectRoot, file)}${quick ? " (quick)" : ""} ...`);
      const report = await runNotebook(file, { parameters: quick ? { quick: true } : {}, outDir, server, writeReport: false });
      console.log(summaryLine(report));
      const executed = path.join(outDir, path.basename(file));
      let html: string | null = null;
      if (python && fs.existsSync(executed)) {
        try {
          execFileSync(python, ["-m", "nbconvert", "--to", "html", executed, "--output-dir", outDir], { stdio: "pipe" });
          html = path.basename(file, ".ipynb") + ".html";
        } catch (e) {
          console.error(`book: nbconvert failed for ${path.basename(file)}: ${String((e as { stderr?: Buffer }).stderr ?? e).split("\n").slice(-3).join(" ")}`);
        }
      }
      entries.push({ file, title: titleOf(file), report, html, checks: fs.existsSync(executed) ? countChecks(executed) : { passed: 0, failed: 0 } });
    }
  } finally {
    await stop();
  }
  const rows = entries.map((e) => `<tr><td>${e.html ? `<a href="${escapeHtml(e.html)}">${escapeHtml(e.title)}</a>` : escapeHtml(e.title)}</td>` +
    `<td style="color:${e.report.status === "ok" ? "#1a7f37" : "#cf222e"}">${e.report.status}</td><td>${e.report.seconds.toFixed(1)} s</td>` +
    `<td>${e.checks.passed} passed${e.checks.failed ? `, ${e.checks.failed} failed` : ""}</td></tr>`).join("\n");
  const index = `<!doctype html><meta charset="utf-8"><title>genlab — the book</title>
<style>body{font-family:system-ui,sans-serif;max-width:52em;margin:2em auto;padding:0 1em}td,th{padding:.3em .8em;text-align:left}</style>
<h1>Statistical Properties of Training &amp; Generalization — the lab</h1>
<p>Executed ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC at ${quick ? "test size (quick=true)" : "full size"}.</p>
<table><tr><th>chapter</th><th>status</th><th>time</th><th>checks</th></tr>
${rows}
</table>
${await bookReference(outDir)}`;
  fs.writeFileSync(path.join(outDir, "index.html"), index);
  const failed = entries.filter((e) => e.report.status !== "ok").length;
  console.log(`book: ${entries.length - failed}/${entries.length} chapters ok; open ${path.join(outDir, "index.html")}`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.error(`book: ${(e as Error).message}`); process.exit(3); });
