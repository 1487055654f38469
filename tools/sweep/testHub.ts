/**
 * A real JupyterHub on loopback, for tests and for trying a sweep on a hub by hand: Debian's
 * `jupyterhub` with configurable-http-proxy from npm, configured by kernel-setup/hub/jupyterhub_config.py
 * (dummy authenticator, single-user servers spawned as this user, the lab's kernel visible). The
 * API token is random and travels in the hub's environment only.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ChildProcess, spawn, spawnSync } from "child_process";
import { randomBytes } from "crypto";
import { freePort, stopProcessGroup } from "../runner";
import { findProjectRoot } from "../project/paths";

/** Why a hub cannot run on this machine (jupyterhub or the proxy is not installed). */
export class HubUnavailable extends Error {
  override name = "HubUnavailable";
}

export interface TestHub {
  /** Public URL (the proxy), e.g. http://127.0.0.1:PORT/ */
  url: string;
  /** API token with the scopes read:users, servers, access:servers. */
  token: string;
  users: string[];
  /** Its private folder (database, pid files, users' homes); removed by stop(). */
  state: string;
  process: ChildProcess;
  /** The tail of the hub's log, token redacted. */
  log(): string;
  /** Stop the hub, its proxy, every single-user server and kernel it started; remove its state. */
  stop(): Promise<void>;
}

/** What is missing for a hub here, or null when one can start. */
export function hubMissing(root: string = findProjectRoot(__dirname)): string | null {
  const r = spawnSync("/usr/bin/python3", ["-c", "import jupyterhub, jupyter_server"], { stdio: "ignore", timeout: 20000 });
  if (r.status !== 0) return "Debian's jupyterhub is not installed (kernel-setup/hub/install.sh installs it as root)";
  if (spawnSync("sh", ["-c", "command -v jupyterhub-singleuser"], { stdio: "ignore" }).status !== 0) return "jupyterhub-singleuser is not on PATH";
  if (!fs.existsSync(proxyPath(root))) return "configurable-http-proxy is not installed (npm install brings it as a devDependency)";
  return null;
}

const proxyPath = (root: string) => path.join(root, "node_modules", ".bin", "configurable-http-proxy");

/** The processes a hub started (its servers and their kernels): every pid whose environment names its state folder. */
export function hubProcesses(state: string): number[] {
  return pidsWithEnv("GENLAB_HUB_STATE", state);
}

/** Every pid whose environment has NAME=VALUE (Linux /proc; same user, or root). */
function pidsWithEnv(name: string, value: string): number[] {
  const want = `${name}=${value}`;
  const out: number[] = [];
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/environ`, "utf8").split("\0").includes(want)) out.push(Number(d));
    } catch { /* gone or not ours */ }
  }
  return out;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Start a hub with these users and wait until its API answers (throws HubUnavailable when it cannot run here). */
export async function startTestHub(opts: { users: string[]; root?: string; timeoutMs?: number }): Promise<TestHub> {
  const root = opts.root ?? findProjectRoot(__dirname);
  const missing = hubMissing(root);
  if (missing) throw new HubUnavailable(missing);
  const state = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-hub-"));
  fs.chmodSync(state, 0o700);
  const [port, apiPort, proxyApiPort] = [await freePort(), await freePort(), await freePort()];
  const token = randomBytes(24).toString("hex");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GENLAB_HUB_STATE: state, GENLAB_ROOT: root, GENLAB_HUB_USERS: opts.users.join(","), GENLAB_HUB_TOKEN: token,
    GENLAB_HUB_PORT: String(port), GENLAB_HUB_API_PORT: String(apiPort), GENLAB_HUB_PROXY_API_PORT: String(proxyApiPort),
    GENLAB_HUB_PROXY: proxyPath(root),
  };
  delete env.JUPYTER_TOKEN;
  const config = path.join(root, "kernel-setup", "hub", "jupyterhub_config.py");
  const child = spawn("jupyterhub", ["-f", config], { cwd: state, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let log = "";
  const keep = (d: Buffer) => { log = (log + d.toString().split(token).join("<token>")).slice(-8000); };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  let exited: string | null = null;
  child.on("exit", (code, sig) => { exited = `jupyterhub exited (code ${code ?? sig})`; });
  child.on("error", (e) => { exited = `cannot start jupyterhub: ${e.message}`; });
  const url = `http://127.0.0.1:${port}/`;
  let stopping: Promise<void> | null = null;
  const hub: TestHub = {
    url, token, users: opts.users, state, process: child, log: () => log,
    stop() {
      stopping ??= (async () => {
        // SIGTERM: the hub stops the users' servers and the proxy itself (cleanup_servers).
        await stopProcessGroup(child, 20000);
        // Whatever survived (servers spawned in their own session, their kernels, the proxy).
        for (let round = 0; round < 2; round++) {
          const left = pidsWithEnv("GENLAB_HUB_STATE", state);
          try {
            const proxyPid = Number(fs.readFileSync(path.join(state, "proxy.pid"), "utf8"));
            if (proxyPid > 0) left.push(proxyPid);
          } catch { /* no pid file */ }
          for (const pid of left) { try { process.kill(pid, round === 0 ? "SIGTERM" : "SIGKILL"); } catch { /* gone */ } }
          if (left.length === 0) break;
          await sleep(1500);
        }
        fs.rmSync(state, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 90000);
  try {
    for (;;) {
      if (exited) throw new Error(`${exited}:\n${log.trim().split("\n").slice(-15).join("\n")}`);
      try {
        const res = await fetch(new URL("hub/api/", url), { signal: AbortSignal.timeout(2000) });
        if (res.ok) break;
      } catch { /* not yet */ }
      if (Date.now() > deadline) throw new Error(`the hub did not answer within ${Math.round((opts.timeoutMs ?? 90000) / 1000)} s:\n${log.trim().split("\n").slice(-15).join("\n")}`);
      await sleep(300);
    }
  } catch (e) {
    await hub.stop();
    throw e;
  }
  return hub;
}
