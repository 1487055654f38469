/**
 * `npm run nb -- <notebook.ipynb>... [-p key=value]... [--out DIR] [--server URL --token T]
 *                [--timeout S] [--jobs N] [--section N]...`
 *
 * Exit codes: 0 all notebooks ran; 1 a cell failed or timed out; 2 usage or input error (nothing
 * ran); 3 no Jupyter server / kernel could start; 130 / 143 / 129 interrupted by SIGINT (Ctrl-C) /
 * SIGTERM / SIGHUP. docs/runner.md has the whole table of faults and what each leaves on disk.
 */
import * as path from "path";
import {
  DEFAULT_OUT_DIR, GivenParam, LocalServer, NotebookInputError, NotebookReport, PreparedNotebook,
  RunnerSetupError, ServerInfo, checkOutputs, executeNotebook, handleStopSignals, killServerNow,
  normaliseUrl, parseParamArgs, prepareNotebook, serverRootFor, startServer, summaryLine,
  waitForServer, writeReport,
} from "../runner";
import { OptionReader, UsageError } from "./options";

const USAGE = `usage: npm run nb -- <notebook.ipynb>... [options]

options:
  -p, --param key=value   set a parameter (JSON when valid: 3, true, [1,2], "text"; else a string); repeatable
  --out DIR               folder for executed copies and report.json (default ${DEFAULT_OUT_DIR})
  --timeout S             per-cell timeout in seconds (default 600; 0 = none)
  --server URL            use a running Jupyter server (JupyterHub: https://hub/user/NAME/) instead of starting one
  --token T               its token (default: $JUPYTER_TOKEN)
  --jobs N                run N notebooks at once, each on its own kernel (default 1)
  --kernel NAME           kernel name (default: the notebook's kernelspec, else tslab)
  --allow-errors          record a failing cell and go on (the run still ends ok)
  --section N             run only numbered section N ("## N · ..."), with the set-up, the summary and the
                          earlier cells it needs; repeatable (a part of a chapter, not the chapter: compare
                          its numbers only with a run of the same sections)
  -h, --help              this help

exit codes: 0 ok, 1 a cell failed, 2 usage/input error, 3 no server/kernel, 130/143 interrupted (SIGINT/SIGTERM)`;

interface Args {
  notebooks: string[];
  params: string[];
  outDir: string;
  timeoutSec: number;
  server?: string;
  token?: string;
  jobs: number;
  kernel?: string;
  allowErrors: boolean;
  sections: number[];
}

function parseArgs(argv: string[]): Args | "help" {
  const a: Args = { notebooks: [], params: [], outDir: DEFAULT_OUT_DIR, timeoutSec: 600, jobs: 1, allowErrors: false, sections: [] };
  const r = new OptionReader(argv);
  for (let arg = r.next(); arg !== undefined; arg = r.next()) {
    switch (arg) {
      case "-h": case "--help": return "help";
      case "-p": case "--param": a.params.push(r.value()); break;
      case "--out": a.outDir = r.value(); break;
      case "--timeout": a.timeoutSec = r.number(0); break;
      case "--server": a.server = r.value(); break;
      case "--token": a.token = r.value(); break;
      case "--jobs": a.jobs = Math.floor(r.number(1)); break;
      case "--kernel": a.kernel = r.value(); break;
      case "--allow-errors": a.allowErrors = true; break;
      case "--section": {
        const n = r.number(1);
        if (!Number.isInteger(n)) throw new UsageError(`--section ${n}: a section number (1, 2, ...)`);
        a.sections.push(n);
        break;
      }
      default:
        if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option ${arg}`);
        a.notebooks.push(arg);
    }
  }
  if (a.notebooks.length === 0) throw new UsageError("no notebook given");
  if (a.token !== undefined && a.server === undefined) throw new UsageError("--token needs --server");
  return a;
}

/**
 * The report of a notebook whose run threw (a bug, not a failing cell): status "error", so the
 * command goes on with the other notebooks, writes report.json and exits 3.
 */
function crashReport(prep: PreparedNotebook, why: string): NotebookReport {
  return {
    notebook: prep.file, output: "", status: "error", seconds: 0, cellsExecuted: 0,
    codeCells: prep.notebook.cells.filter((c) => c.cell_type === "code").length,
    parameters: prep.parameters, kernel: "", startedAt: new Date().toISOString(), cells: [],
    error: { cell: null, executionCount: null, source: "", kernelError: "", message: `${prep.file}: the runner failed unexpectedly: ${why}` },
  };
}

async function main(): Promise<number> {
  let args: Args | "help";
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) { console.error(`nb: ${e.message}\n\n${USAGE}`); return 2; }
    throw e;
  }
  if (args === "help") { console.log(USAGE); return 0; }

  // Everything that can be checked without a kernel is checked first, so a typo costs no server start.
  const prepared: PreparedNotebook[] = [];
  let rootDir: string | undefined;
  try {
    const given: Record<string, GivenParam> = parseParamArgs(args.params);
    const names = new Map<string, string>();
    for (const file of args.notebooks) {
      const base = path.basename(file);
      if (names.has(base)) throw new NotebookInputError(`${file}: same file name as ${names.get(base)}; their executed copies would overwrite each other in ${args.outDir}`);
      names.set(base, file);
      prepared.push(prepareNotebook(file, given, args.sections));
    }
    // The output folder must take every copy (and never a source) before anything runs.
    checkOutputs(args.outDir, args.notebooks);
    // A private server serves the project, or the notebooks' common folder when they lie outside it.
    if (!args.server) rootDir = serverRootFor(args.notebooks);
  } catch (e) {
    if (e instanceof NotebookInputError) { console.error(`nb: ${e.message}`); return 2; }
    throw e;
  }

  // @jupyterlab/services logs WebSocket chatter on console.debug; keep the CLI output readable.
  console.debug = () => undefined;

  let own: LocalServer | null = null;
  const stop = handleStopSignals("nb", () => { if (own) killServerNow(own); });
  // Last resort: whatever happens, do not leave a server (and its kernels) behind.
  process.on("exit", () => { if (own) killServerNow(own); });

  const reports: NotebookReport[] = [];
  const tty = process.stderr.isTTY && args.jobs === 1;
  try {
    let server: ServerInfo;
    try {
      if (args.server) {
        const token = args.token ?? process.env.JUPYTER_TOKEN ?? "";
        server = { url: normaliseUrl(args.server), token };
        await waitForServer(server, 15000);
      } else {
        server = own = await startServer({ rootDir });
        process.stderr.write(`nb: started Jupyter server ${own.url} (pid ${own.process.pid})\n`);
      }
    } catch (e) {
      if (e instanceof RunnerSetupError) { console.error(`nb: ${e.message}`); return 3; }
      throw e;
    }

    let next = 0;
    const worker = async () => {
      while (next < prepared.length && !stop.signal.aborted) {
        const prep = prepared[next++];
        if (!tty) process.stderr.write(`nb: running ${prep.file}\n`);
        else process.stderr.write(`\r\x1b[K${path.basename(prep.file)}: starting the kernel`);
        const report = await executeNotebook(prep, server, {
          outDir: args.outDir,
          timeoutSec: args.timeoutSec,
          kernelName: args.kernel,
          allowErrors: args.allowErrors,
          signal: stop.signal,
          onProgress: tty ? (p) => process.stderr.write(`\r\x1b[K${path.basename(p.notebook)}: cell ${p.codeCell}/${p.codeCells}`) : undefined,
        }).catch((e: unknown) => crashReport(prep, (e as Error).stack ?? String(e)));
        if (tty) process.stderr.write("\r\x1b[K");
        reports.push(report);
        console.log(summaryLine(report));
        if (report.error) console.error(report.error.message);
        if (report.status !== "ok" && report.output) console.error(`executed copy (up to the failing cell): ${report.output}`);
        if (report.kept) console.error(`the good copy of an earlier run was kept: ${report.kept}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(args.jobs, prepared.length) }, worker));
  } finally {
    await own?.stop();
  }
  let reportFailed = false;
  if (reports.length > 0) {
    const order = new Map(prepared.map((p, i) => [p.file, i]));
    reports.sort((x, y) => (order.get(x.notebook) ?? 0) - (order.get(y.notebook) ?? 0));
    try {
      console.log(`report: ${writeReport(args.outDir, reports)}`);
    } catch (e) {
      reportFailed = true;
      console.error(`nb: cannot write ${path.join(args.outDir, "report.json")}: ${(e as Error).message}`);
    }
  }
  const signalled = stop.exitCode();
  if (signalled !== null) return signalled;
  if (reports.some((r) => r.status === "error")) return 3;
  return !reportFailed && reports.every((r) => r.status === "ok") && reports.length === prepared.length ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`nb: unexpected error: ${(e as Error).stack ?? e}`);
    process.exit(1);
  },
);
