/**
 * The Jupyter server the runner talks to: find Python with jupyter_server, start a private server
 * on a free loopback port with a random token, wait until it answers, and stop it (kernels
 * included). A remote server (JupyterHub, Enterprise Gateway, ...) is described by the same
 * `ServerInfo` and is never started or stopped by us.
 */
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { ChildProcess, spawn, spawnSync } from "child_process";
import { randomBytes } from "crypto";
import { findProjectRoot, readJupyterConfig } from "../project/paths";
import { NotebookInputError } from "./nbformat";

/** Where a Jupyter server is and how to authenticate. */
export interface ServerInfo {
  /** Base URL, e.g. http://127.0.0.1:8888/ or https://hub.example.org/user/me/ */
  url: string;
  token: string;
  /**
   * The server's root folder on this machine when it is local (kernel sessions are opened with
   * paths relative to it so the kernel's cwd is the notebook's folder). Undefined for a remote
   * server: then the notebook's path relative to the current directory is used.
   */
  rootDir?: string;
}

/** A server this process started; `stop()` shuts it and its kernels down. */
export interface LocalServer extends ServerInfo {
  process: ChildProcess;
  /** JUPYTER_RUNTIME_DIR of this server (kernel connection files). */
  runtimeDir: string;
  /** The tail of the server's own output (its log), token redacted. */
  log(): string;
  stop(): Promise<void>;
}

/** Infrastructure failure (no Jupyter, server or kernel did not start): exit code 3. */
export class RunnerSetupError extends Error {
  override name = "RunnerSetupError";
}

/** The project root (tools/project/paths.ts's findProjectRoot), as a RunnerSetupError when not inside the project. */
function runnerProjectRoot(from: string = __dirname): string {
  try {
    return findProjectRoot(from);
  } catch (e) {
    throw new RunnerSetupError((e as Error).message);
  }
}

function hasJupyterServer(python: string): boolean {
  const r = spawnSync(python, ["-c", "import jupyter_server"], { stdio: "ignore", timeout: 20000 });
  return r.status === 0;
}

/**
 * The Python that can run `-m jupyter_server`: the one recorded by `npm run setup` in
 * .jupyter-local/jupyter.json, else /usr/bin/python3, else python3 on PATH. Throws a
 * RunnerSetupError telling the user to run `npm run setup` when none has the module.
 */
export function findPython(root: string): string {
  const candidates = [readJupyterConfig(root)?.python, "/usr/bin/python3", "python3"].filter((p): p is string => !!p);
  for (const py of [...new Set(candidates)]) if (hasJupyterServer(py)) return py;
  throw new RunnerSetupError(`no Jupyter server found (tried ${[...new Set(candidates)].join(", ")} with "import jupyter_server"); run \`npm run setup\` first`);
}

/** A free TCP port on 127.0.0.1 (bind port 0, read it, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolve when GET {url}api/status answers 200 with the token; throw after timeoutMs. */
export async function waitForServer(info: ServerInfo, timeoutMs = 30000, alive: () => string | null = () => null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const dead = alive();
    if (dead) throw new RunnerSetupError(dead);
    try {
      const res = await fetch(new URL("api/status", info.url), {
        headers: { Authorization: `token ${info.token}` },
        signal: AbortSignal.timeout(2000),
      });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
      if (res.status === 403 || res.status === 401) throw new RunnerSetupError(`Jupyter server at ${info.url} refused the token (${last})`);
    } catch (e) {
      if (e instanceof RunnerSetupError) throw e;
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      last = cause?.code ?? cause?.message ?? (e as Error).message;
    }
    await sleep(150);
  }
  throw new RunnerSetupError(`Jupyter server at ${info.url} did not answer within ${Math.round(timeoutMs / 1000)} s (${last})`);
}

export interface StartServerOptions {
  /** Project root (for .jupyter-local); default: found from this file. */
  root?: string;
  /**
   * Folder the server serves: its contents API reaches nothing outside it, and a kernel can only
   * start in a folder under it. Default: the project root. A file-system root ("/") is refused.
   * `serverRootFor(notebooks)` gives the folder for a set of notebooks.
   */
  rootDir?: string;
  /** How long to wait for the server to answer (ms, default 60000). */
  timeoutMs?: number;
  /** More jupyter_server arguments, after the lab's own (so they win), e.g. `--ServerApp.iopub_data_rate_limit=1e6`. */
  serverArgs?: string[];
}

/**
 * Make the project-local tslab kernelspec this checkout's own (kernel-setup/register.js): a copied
 * or moved checkout's kernel.json names the original folder's launcher, which would rebuild and
 * run the original's dist/ (or, moved, not start at all); it is rewritten, with a note on stderr.
 * Throws a RunnerSetupError when there is none (`npm run setup` has not run).
 */
export function ensureOwnKernelSpec(root: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const register = require(path.join(root, "kernel-setup", "register.js")) as {
    ensureKernelSpec(root: string): { state: "ok" | "missing" | "rewritten"; why?: string };
    kernelSpecFile(root: string): string;
  };
  const r = register.ensureKernelSpec(root);
  if (r.state === "missing") {
    throw new RunnerSetupError(`the project's tslab kernelspec is missing (${path.dirname(register.kernelSpecFile(root))}); run \`npm run setup\` first`);
  }
  if (r.state === "rewritten") process.stderr.write(`genlab: re-registered the tslab kernelspec for this checkout (${r.why})\n`);
}

/** kernel-setup/serve.py: the wrapper every Jupyter server of the lab runs under. */
export function serveScript(root: string): string {
  return path.join(root, "kernel-setup", "serve.py");
}

/**
 * The folder a private server must serve for these notebooks: the project when they all lie inside
 * it, else the notebooks' own folder when they share one. Notebooks outside the project in several
 * folders are served from the deepest folder that holds them all, unless that is a file-system root,
 * the home folder or the system's temporary folder (or above them): serving those would put every
 * file there behind the server, so that is a NotebookInputError (run such notebooks in separate
 * commands, one folder each).
 */
export function serverRootFor(files: string[], project: string = runnerProjectRoot()): string {
  const dirs = files.map((f) => path.dirname(path.resolve(f)));
  const inside = (dir: string, parent: string) => dir === parent || dir.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
  const proj = path.resolve(project);
  if (dirs.length === 0 || dirs.every((d) => inside(d, proj))) return proj;
  if (dirs.every((d) => d === dirs[0])) {
    if (path.parse(dirs[0]).root === dirs[0]) throw new NotebookInputError(`${files.join(", ")}: a notebook at the top of the disk; the runner will not serve the whole disk: move it into a folder`);
    return dirs[0];
  }
  let common = dirs[0];
  while (!dirs.every((d) => inside(d, common))) common = path.dirname(common);
  const broad = [path.parse(common).root, os.homedir(), os.tmpdir()].map((d) => path.resolve(d));
  if (broad.some((b) => inside(b, common))) {
    throw new NotebookInputError(`${files.join(", ")}: these notebooks lie in different folders whose only common folder is ${common}, and the runner will not serve all of it; run the notebooks of each folder in a separate command`);
  }
  return common;
}

/**
 * Start a private Jupyter server on a free loopback port with a random token and wait until it
 * answers. The token travels in the server's environment (JUPYTER_TOKEN), which only this user can
 * read, never on its command line, which every local user can. The server runs under
 * kernel-setup/serve.py, which stops it when this process is gone, even after a SIGKILL (it watches
 * a pipe we hold), and in its own process group, so a Ctrl-C in the terminal reaches us (and we
 * stop it cleanly) instead of jupyter_server's interactive "shutdown? (y/n)" prompt.
 */
export async function startServer(opts: StartServerOptions = {}): Promise<LocalServer> {
  const root = opts.root ?? runnerProjectRoot();
  const python = findPython(root);
  // Always this checkout's own kernelspec (a copied jupyter.json may name another checkout's folder),
  // naming this checkout's launcher (a copied kernel.json names the original's).
  const jupyterPath = path.join(root, ".jupyter-local", "share", "jupyter");
  ensureOwnKernelSpec(root);
  const rootDir = path.resolve(opts.rootDir ?? root);
  if (path.parse(rootDir).root === rootDir) throw new RunnerSetupError(`refusing to serve ${rootDir}: a Jupyter server of the lab serves the project or the notebooks' folder, never the whole disk`);
  const port = await freePort();
  const token = randomBytes(24).toString("hex");
  const args = [
    serveScript(root), "--private", "jupyter_server", "--no-browser",
    "--ServerApp.ip=127.0.0.1", `--port=${port}`, "--port-retries=0",
    `--ServerApp.root_dir=${rootDir}`,
    // Hidden folders (.cache, ...) should not block a kernel's cwd in the project; a folder outside
    // it (the user's) keeps Jupyter's default: hidden files are not served.
    `--ContentsManager.allow_hidden=${rootDir === path.resolve(root) || rootDir.startsWith(path.resolve(root) + path.sep) ? "True" : "False"}`,
    // No IOPub rate limit: a runner records all output (the defaults drop output after 1000
    // messages or 1 MB per second, with only a note on stderr).
    "--ServerApp.iopub_msg_rate_limit=0", "--ServerApp.iopub_data_rate_limit=0",
  ];
  if (process.getuid?.() === 0) args.push("--allow-root");
  // traitlets refuses a setting given twice: an extra argument replaces the lab's for the same setting.
  for (const extra of opts.serverArgs ?? []) {
    const key = extra.split("=")[0];
    const at = args.findIndex((a) => a.split("=")[0] === key);
    if (at >= 0) args.splice(at, 1);
    args.push(extra);
  }
  // A private runtime dir: kernels get their connection file there, so their command line names it
  // and we can find them. jupyter_client starts each kernel in a new session (setsid), so killing
  // the server's process group alone would orphan kernels when the server cannot stop gracefully.
  const runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-jupyter-runtime-"));
  const env = { ...process.env, JUPYTER_PATH: jupyterPath, JUPYTER_RUNTIME_DIR: runtimeDir, JUPYTER_TOKEN: token };
  // stdin is a pipe we hold and never write: serve.py stops the server when it closes (we are gone).
  const child = spawn(python, args, { cwd: rootDir, env, stdio: ["pipe", "pipe", "pipe"], detached: true });
  let log = "";
  const keep = (d: Buffer) => { log = (log + d.toString().split(token).join("<token>")).slice(-4000); };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.stdin?.on("error", () => undefined); // EPIPE when the server is gone: nothing to do
  let exited: string | null = null;
  child.on("exit", (code, signal) => { exited = `Jupyter server exited early (code ${code ?? signal}):\n${log.trim().split("\n").slice(-8).join("\n")}`; });
  child.on("error", (e) => { exited = `cannot start ${python}: ${e.message}`; });

  let stopping: Promise<void> | null = null;
  const server: LocalServer = {
    url: `http://127.0.0.1:${port}/`,
    token,
    rootDir,
    runtimeDir,
    process: child,
    log: () => log,
    stop() {
      stopping ??= stopProcessGroup(child).then(() => {
        child.stdin?.destroy();
        killProcessesNaming(runtimeDir);
        fs.rmSync(runtimeDir, { recursive: true, force: true });
      });
      return stopping;
    },
  };
  try {
    await waitForServer(server, opts.timeoutMs ?? 60000, () => exited);
  } catch (e) {
    await server.stop();
    throw e;
  }
  // Once running, the server's output is not ours to print; keep only the tail for diagnostics.
  return server;
}

/**
 * Stop a server started by startServer: SIGTERM (jupyter_server then shuts its kernels down),
 * and SIGKILL the whole process group (kernels included) if it is not gone within 5 s.
 */
export async function stopProcessGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const gone = new Promise<void>((r) => child.once("exit", () => r()));
  const kill = (sig: NodeJS.Signals) => {
    try { process.kill(-child.pid!, sig); } catch { try { child.kill(sig); } catch { /* already gone */ } }
  };
  kill("SIGTERM");
  const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), graceMs).unref());
  if ((await Promise.race([gone, timer])) === "timeout") {
    kill("SIGKILL");
    await Promise.race([gone, sleep(2000)]);
  } else {
    // The server is gone; make sure no kernel it started is left behind in its group.
    kill("SIGKILL");
  }
}

/**
 * SIGKILL every process whose command line contains `marker` (Linux /proc; a no-op elsewhere).
 * Used with a server's private runtime dir to find kernels that outlived their server.
 */
export function killProcessesNaming(marker: string): number {
  let killed = 0;
  let pids: string[];
  try {
    pids = fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker)) {
        process.kill(Number(pid), "SIGKILL");
        killed++;
      }
    } catch { /* gone or not ours to read */ }
  }
  return killed;
}

/** Synchronous last-resort kill (for process 'exit' handlers, where nothing async runs): server and its kernels. */
export function killServerNow(server: LocalServer): void {
  if (server.process.pid !== undefined && server.process.exitCode === null) {
    try { process.kill(-server.process.pid, "SIGKILL"); } catch { /* gone */ }
  }
  server.process.stdin?.destroy();
  killProcessesNaming(server.runtimeDir);
  try { fs.rmSync(server.runtimeDir, { recursive: true, force: true }); } catch { /* best effort */ }
}

/** Normalise a user-given server URL (ensure a trailing slash so relative API paths resolve under it). */
export function normaliseUrl(url: string): string {
  const u = new URL(url);
  if (!u.pathname.endsWith("/")) u.pathname += "/";
  return u.toString();
}
