/**
 * `npm run sweep -- NOTEBOOK --grid GRID.json [--workers N] [--local K]
 *                 [--server URL (--token T | --token-env VAR | --token-file FILE)]...
 *                 [--hub URL (--token ...) --users a,b]... [--out DIR] [--timeout S]`
 *
 * Exit codes: 0 every run finished; 1 a run failed; 2 usage or input error (nothing ran); 3 no
 * usable server, or runs left unrun because every server went down; 130 / 143 interrupted.
 */
import * as path from "path";
import {
  LocalServer, NotebookInputError, RunnerSetupError, handleStopSignals, killServerNow, serverRootFor, startServer,
} from "../runner";
import {
  PoolServer, ServerError, TokenSource, checkHubToken, checkSweepOut, cleanServerUrl, hubUserServer, planSweep, poolServer, probeServer,
  readGrid, readToken, runSweep,
} from "../sweep";
import { OptionReader, UsageError } from "./options";

const USAGE = `usage: npm run sweep -- NOTEBOOK --grid GRID.json [options]

GRID.json is an object of lists ({"width": [8, 16], "seed": [0, 1]}: every combination) or a list
of points ([{"width": 8, "seed": 0}, ...]); each key must be assigned in the notebook's parameters cell.

options:
  --grid FILE             the grid (required)
  --out DIR               output folder (default build/sweeps/NOTEBOOK-NAME); rerunning resumes it
  --workers N             kernels at once over all servers (default: one per server)
  --local K               start K private local Jupyter servers (default 1 when no --server/--hub is given)
  --server URL            a running Jupyter server (repeatable); its token follows it:
  --token T | --token-env VAR | --token-file FILE
                          the token of the --server or --hub just before it (an environment variable or
                          a file keeps it out of the process list and shell history)
  --hub URL --users a,b   a JupyterHub (its public URL) and the users whose servers to use; the token
                          needs the scopes read:users, servers and access:servers
  --timeout S             per-cell timeout in seconds (default 600; 0 = none)
  --kernel NAME           kernel name (default: the notebook's kernelspec, else tslab)
  -h, --help              this help

exit codes: 0 all runs finished, 1 a run failed, 2 usage/input error, 3 no usable server or runs left unrun,
130/143 interrupted (rerun the same command to finish)`;

interface Remote { kind: "server" | "hub"; url: string; token?: TokenSource; users?: string[] }
interface Args { notebook?: string; grid?: string; out?: string; workers?: number; local?: number; remotes: Remote[]; timeoutSec: number; kernel?: string }

function parseArgs(argv: string[]): Args | "help" {
  const a: Args = { remotes: [], timeoutSec: 600 };
  const r = new OptionReader(argv);
  for (let arg = r.next(); arg !== undefined; arg = r.next()) {
    const setToken = (t: TokenSource) => {
      const last = a.remotes[a.remotes.length - 1];
      if (!last) throw new UsageError(`${arg} must follow the --server or --hub it belongs to`);
      if (last.token) throw new UsageError(`${arg}: ${last.url} already has a token`);
      last.token = t;
    };
    switch (arg) {
      case "-h": case "--help": return "help";
      case "--grid": a.grid = r.value(); break;
      case "--out": a.out = r.value(); break;
      case "--workers": a.workers = r.integer(1); break;
      case "--local": a.local = r.integer(0); break;
      case "--timeout": a.timeoutSec = r.integer(0); break;
      case "--kernel": a.kernel = r.value(); break;
      case "--server": a.remotes.push({ kind: "server", url: r.value() }); break;
      case "--hub": a.remotes.push({ kind: "hub", url: r.value() }); break;
      case "--token": setToken({ value: r.value() }); break;
      case "--token-env": setToken({ env: r.value() }); break;
      case "--token-file": setToken({ file: r.value() }); break;
      case "--users": {
        const last = a.remotes[a.remotes.length - 1];
        if (!last || last.kind !== "hub") throw new UsageError("--users must follow the --hub it belongs to");
        last.users = r.value().split(",").map((u) => u.trim()).filter(Boolean);
        break;
      }
      default:
        if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
        if (a.notebook) throw new UsageError(`one notebook per sweep (got ${a.notebook} and ${arg})`);
        a.notebook = arg;
    }
  }
  if (!a.notebook) throw new UsageError("no notebook given");
  if (!a.grid) throw new UsageError("--grid is required");
  for (const r of a.remotes) {
    if (!r.token) throw new UsageError(`${r.kind === "hub" ? "--hub" : "--server"} ${r.url} has no token (--token, --token-env or --token-file after it)`);
    if (r.kind === "hub" && !r.users?.length) throw new UsageError(`--hub ${r.url} needs --users a,b`);
  }
  return a;
}

const hostLabel = (url: string) => { const u = new URL(url); return `${u.host}${u.pathname === "/" ? "" : u.pathname.replace(/\/$/, "")}`; };

async function main(): Promise<number> {
  let args: Args | "help";
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) { console.error(`sweep: ${e.message}\n\n${USAGE}`); return 2; }
    throw e;
  }
  if (args === "help") { console.log(USAGE); return 0; }
  const notebook = args.notebook!;
  const outDir = args.out ?? path.join("build", "sweeps", path.basename(notebook).replace(/\.ipynb$/, ""));

  // Everything about the input is checked before any server is contacted or started.
  let plan: ReturnType<typeof planSweep>;
  let grid: ReturnType<typeof readGrid>;
  const tokens: string[] = [];
  try {
    grid = readGrid(args.grid!);
    plan = planSweep(notebook, grid, args.grid!);
    checkSweepOut(outDir);
    for (const r of args.remotes) { r.url = cleanServerUrl(r.url, r.kind === "hub" ? "--hub" : "--server"); tokens.push(readToken(r.token!)); }
  } catch (e) {
    if (e instanceof NotebookInputError || e instanceof ServerError) { console.error(`sweep: ${e.message}`); return 2; }
    throw e;
  }
  console.debug = () => undefined;

  const own: LocalServer[] = [];
  const stop = handleStopSignals("sweep", () => own.forEach(killServerNow));
  process.on("exit", () => own.forEach(killServerNow));
  try {
    const pool: PoolServer[] = [];
    // Remote servers and hub users: each checked now; one that cannot be used is reported and left out.
    await Promise.all(args.remotes.map(async (r, i) => {
      const token = tokens[i];
      if (r.kind === "server") {
        const why = await probeServer({ url: r.url, token }, 10000);
        if (why) console.error(`sweep: server ${hostLabel(r.url)}: ${why}; left out`);
        else pool.push(poolServer(hostLabel(r.url), { url: r.url, token }));
        return;
      }
      try {
        await checkHubToken(r.url, token);
      } catch (e) {
        if (!(e instanceof ServerError)) throw e;
        console.error(`sweep: ${e.message}; left out`);
        return;
      }
      for (const user of r.users!) {
        try {
          const info = await hubUserServer(r.url, token, user, { onWait: (m) => console.log(`sweep: ${m}`) });
          pool.push(poolServer(hostLabel(info.url), info));
        } catch (e) {
          if (!(e instanceof ServerError)) throw e;
          console.error(`sweep: ${e.message}; left out`);
        }
      }
    }));
    const nLocal = args.local ?? (args.remotes.length === 0 ? 1 : 0);
    if (nLocal > 0) {
      const rootDir = serverRootFor([notebook]);
      try {
        const started = await Promise.all(Array.from({ length: nLocal }, () => startServer({ rootDir })));
        own.push(...started);
        started.forEach((s, i) => pool.push(poolServer(`local${nLocal > 1 ? i + 1 : ""} (${new URL(s.url).host})`, s)));
      } catch (e) {
        if (!(e instanceof RunnerSetupError)) throw e;
        console.error(`sweep: ${e.message}`);
      }
    }
    if (stop.signal.aborted) return stop.exitCode() ?? 130;
    if (pool.length === 0) { console.error("sweep: no usable server; nothing ran"); return 3; }
    const summary = await runSweep({
      notebook, parameters: grid.parameters, nbKey: plan.nbKey, points: plan.points, outDir, servers: pool,
      workers: args.workers, timeoutSec: args.timeoutSec, kernelName: args.kernel, signal: stop.signal,
    });
    const signalled = stop.exitCode();
    if (signalled !== null) return signalled;
    if (summary.failed > 0) return 1;
    return summary.notRun > 0 ? 3 : 0;
  } finally {
    await Promise.all(own.map((s) => s.stop()));
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`sweep: unexpected error: ${(e as Error).stack ?? e}`);
    process.exit(1);
  },
);
