/**
 * `npm start`: open the chapters in Jupyter. Runs after kernel-setup/setup.sh (which installs
 * everything); starts the UI the machine has (JupyterLab, else the classic notebook via nbclassic or
 * notebook) on 127.0.0.1 with a random token, with notebooks/ as the root folder and the project's
 * tslab kernel on JUPYTER_PATH.
 *
 * The token is handed to Jupyter in its environment (JUPYTER_TOKEN), which only this user can read,
 * never on its command line, which every local user can. The server runs under
 * kernel-setup/serve.py, which stops it if this process is killed outright (SIGKILL); SIGINT,
 * SIGTERM and SIGHUP are passed on and we exit with the server. The address is printed only once
 * the server answers on it with our token, so it never names a port another program holds.
 * Flags: --port N (default: 8888 or the next free one; a taken N is an error), --no-browser.
 */
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as net from "net";
import * as path from "path";
import { jupyterEnv, projectRoot, readJupyterConfig } from "../project/paths";

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

const TARGETS: Record<string, string> = { lab: "jupyterlab", nbclassic: "nbclassic", notebook: "notebook" };
const SIGNAL_CODES: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** Resolve true once GET /api/status answers 200 to our token; false when the server exits or times out. */
async function answers(url: string, token: string, exited: () => boolean, timeoutMs = 90_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited()) {
    try {
      const res = await fetch(new URL("api/status", url), { headers: { Authorization: `token ${token}` }, signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return true;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

async function main(): Promise<number> {
  const config = readJupyterConfig();
  if (!config) {
    console.error("start: the lab is not set up yet; run `npm run setup` (or `npm start`, which runs it first).");
    return 1;
  }
  const args = process.argv.slice(2);
  const portArg = args.indexOf("--port");
  let port = portArg >= 0 ? Number(args[portArg + 1]) : 8888;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error(`start: --port must be an integer in 1..65535, got '${args[portArg + 1]}'`);
    return 2;
  }
  if (portArg < 0) while (!(await portFree(port))) port += 1;
  else if (!(await portFree(port))) {
    console.error(`start: port ${port} on 127.0.0.1 is taken by another program; choose another --port, or leave it out to use the next free one`);
    return 2;
  }
  const target = TARGETS[config.ui];
  if (!target) {
    console.error("start: this Jupyter has no browser UI (neither jupyterlab, nbclassic nor notebook). " +
      "Install one (`pip install jupyterlab`, or `apt-get install python3-nbclassic`) and rerun `npm run setup`.");
    return 1;
  }
  const token = randomBytes(24).toString("hex");
  const notebooks = path.join(projectRoot, "notebooks");
  const server = [
    `--ServerApp.ip=127.0.0.1`, `--ServerApp.port=${port}`,
    `--ServerApp.root_dir=${notebooks}`, `--ServerApp.port_retries=0`,
    ...(args.includes("--no-browser") || process.env.CI ? ["--ServerApp.open_browser=False"] : []),
    ...(process.getuid?.() === 0 ? ["--ServerApp.allow_root=True"] : []),
  ];
  console.log(`start: opening the chapters in ${config.ui} (Jupyter server ${config.serverVersion}, kernel 'TypeScript (genlab)')`);
  // stdin is a pipe we hold: serve.py stops Jupyter when it closes (this process is gone).
  const child = spawn(config.python, [path.join(projectRoot, "kernel-setup", "serve.py"), target, ...server], {
    env: { ...jupyterEnv(config), JUPYTER_TOKEN: token }, stdio: ["pipe", "inherit", "inherit"], cwd: notebooks,
  });
  child.stdin?.on("error", () => undefined);
  let exitedWith: number | null = null;
  const exited = new Promise<number>((resolve) => {
    child.on("exit", (code, signal) => resolve((exitedWith = code ?? (signal ? SIGNAL_CODES[signal] ?? 1 : 1))));
    child.on("error", (e) => { console.error(`start: cannot run ${config.python}: ${e.message}`); resolve((exitedWith = 1)); });
  });
  let signalled: number | null = null;
  const forward = (sig: NodeJS.Signals): void => {
    signalled ??= SIGNAL_CODES[sig] ?? 1;
    try { child.kill(sig); } catch { /* gone */ }
    // A server that does not stop within 10 s is killed.
    setTimeout(() => { try { child.kill("SIGKILL"); } catch { /* gone */ } }, 10_000).unref();
  };
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, forward);
  const url = `http://127.0.0.1:${port}/`;
  if (await answers(url, token, () => exitedWith !== null)) {
    console.log(`start: ${url}?token=${token}`);
    console.log("start: Ctrl-C stops the server.");
  } else if (exitedWith === null) {
    console.error(`start: Jupyter did not answer on ${url} within 90 s; stopping it`);
    forward("SIGTERM");
  } else {
    console.error(`start: Jupyter stopped before it answered on ${url} (see its messages above)`);
  }
  const code = await exited;
  return signalled ?? code;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`start: ${(e as Error).message}`);
    process.exit(1);
  },
);
