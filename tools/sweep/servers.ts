/**
 * The servers a sweep runs on: private local servers it starts, Jupyter servers given by URL and
 * token, and the single-user servers of a JupyterHub, found (and started when needed) through the
 * hub's REST API the way JupyterHub's own clients do: GET /hub/api/users/NAME, POST
 * /hub/api/users/NAME/server, then poll until the server is ready.
 */
import * as fs from "fs";
import { ServerInfo, normaliseUrl } from "../runner";

/** A problem with a server (unreachable, token refused, hub refused to start it): one line. */
export class ServerError extends Error {
  override name = "ServerError";
}

/** Where a token comes from on the command line: the value, an environment variable or a file. */
export type TokenSource = { value: string } | { env: string } | { file: string };

/** Resolve a token source; throws ServerError naming the variable or file (never the token). */
export function readToken(src: TokenSource): string {
  if ("value" in src) return src.value;
  if ("env" in src) {
    const v = process.env[src.env];
    if (v === undefined || v === "") throw new ServerError(`--token-env ${src.env}: the environment variable is not set`);
    return v.trim();
  }
  let text: string;
  try {
    text = fs.readFileSync(src.file, "utf8");
  } catch (e) {
    throw new ServerError(`--token-file ${src.file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const t = text.trim();
  if (!t) throw new ServerError(`--token-file ${src.file}: the file is empty`);
  return t;
}

/**
 * A server URL as shown in messages and result files: no credentials, no query. A token in the
 * URL (`?token=...`) is refused, since the URL is printed and recorded: pass it with --token.
 */
export function cleanServerUrl(url: string, option = "--server"): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ServerError(`${option} ${JSON.stringify(url)}: not a URL (expected e.g. http://127.0.0.1:8888/)`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new ServerError(`${option} ${url}: only http and https URLs are supported`);
  if (u.search || u.username || u.password) throw new ServerError(`${option}: the URL carries credentials or a query; give the bare URL and the token with --token, --token-env or --token-file`);
  return normaliseUrl(u.toString());
}

const describeFetchError = (e: unknown): string => {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e as Error).message;
};

/** GET with the token in the Authorization header (never in the URL), with a timeout. */
async function get(url: URL, token: string, timeoutMs: number): Promise<Response> {
  return fetch(url, { headers: { Authorization: `token ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
}

/**
 * Check that a Jupyter server answers and accepts the token: GET api (its version), then
 * api/kernelspecs (the first may answer without asking for the token). Not api/status: it lists the
 * kernels, and jupyter_server 1.23 answers HTTP 500 while a kernel restarts (AttributeError on
 * last_activity), which would take a healthy server out of a sweep whose kernel just died.
 * Resolves to null when usable, else the reason in a few words.
 */
export async function probeServer(info: ServerInfo, timeoutMs = 5000): Promise<string | null> {
  for (const p of ["api", "api/kernelspecs"]) {
    try {
      const res = await get(new URL(p, info.url), info.token, timeoutMs);
      await res.arrayBuffer().catch(() => undefined);
      if (res.status === 401 || res.status === 403) return `token refused (HTTP ${res.status})`;
      if (res.redirected && /\/login|\/hub\//.test(res.url)) return "token refused (redirected to the login page)";
      if (!res.ok) return `HTTP ${res.status} from ${p}`;
    } catch (e) {
      return `unreachable (${describeFetchError(e)})`;
    }
  }
  return null;
}

/**
 * Check a hub and its token once (GET /hub/api/user, "who am I"), so a wrong token is one line and
 * not one per user. Throws ServerError.
 */
export async function checkHubToken(hubUrl: string, token: string): Promise<void> {
  const hub = normaliseUrl(hubUrl);
  let res: Response;
  try {
    res = await get(new URL("hub/api/user", hub), token, 10000);
  } catch (e) {
    throw new ServerError(`hub ${hub}: unreachable (${describeFetchError(e)})`);
  }
  await res.arrayBuffer().catch(() => undefined);
  if (res.status === 401 || res.status === 403) throw new ServerError(`hub ${hub}: token refused (HTTP ${res.status})`);
  if (res.status === 404) throw new ServerError(`hub ${hub}: no JupyterHub API there (HTTP 404 from hub/api/user)`);
  if (!res.ok) throw new ServerError(`hub ${hub}: HTTP ${res.status} from hub/api/user`);
}

interface HubUser {
  name: string;
  server: string | null;
  pending: string | null;
  servers?: Record<string, { ready?: boolean; url?: string; pending?: string | null }>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A user's default single-user server on a JupyterHub: started when it is not running, waited for
 * until ready (`timeoutMs`), and returned with its URL (through the hub's proxy) and the same token.
 * `onWait` hears what it is waiting for. Throws ServerError with one line on any refusal.
 */
export async function hubUserServer(hubUrl: string, token: string, user: string, opts: { timeoutMs?: number; onWait?: (msg: string) => void } = {}): Promise<ServerInfo> {
  const hub = normaliseUrl(hubUrl);
  const api = (p: string) => new URL(`hub/api/${p}`, hub);
  const who = `hub ${hub} user ${user}`;
  const readUser = async (): Promise<HubUser> => {
    let res: Response;
    try {
      res = await get(api(`users/${encodeURIComponent(user)}`), token, 10000);
    } catch (e) {
      throw new ServerError(`${who}: unreachable (${describeFetchError(e)})`);
    }
    const body = await res.text();
    if (res.status === 401 || res.status === 403) throw new ServerError(`${who}: token refused (HTTP ${res.status}); the token needs the scopes read:users, servers and access:servers`);
    if (res.status === 404) throw new ServerError(`${who}: no such user on the hub`);
    if (!res.ok) throw new ServerError(`${who}: HTTP ${res.status} from the hub API`);
    try {
      return JSON.parse(body) as HubUser;
    } catch {
      throw new ServerError(`${who}: the hub API answered something that is not JSON (is ${hub} a JupyterHub?)`);
    }
  };
  const ready = (u: HubUser): string | null => (u.server && !u.pending ? u.server : null);
  let u = await readUser();
  if (!ready(u) && !u.pending) {
    opts.onWait?.(`${who}: starting the server`);
    let res: Response;
    try {
      res = await fetch(api(`users/${encodeURIComponent(user)}/server`), { method: "POST", headers: { Authorization: `token ${token}` }, signal: AbortSignal.timeout(30000) });
    } catch (e) {
      throw new ServerError(`${who}: unreachable (${describeFetchError(e)})`);
    }
    const body = await res.text();
    // 201: started; 202: spawn pending; 400 "already running/pending" is a race with another client.
    if (res.status === 401 || res.status === 403) throw new ServerError(`${who}: the token may not start servers (HTTP ${res.status}); it needs the scope servers`);
    if (!res.ok && res.status !== 400) throw new ServerError(`${who}: starting the server failed (HTTP ${res.status}: ${body.slice(0, 200).replace(/\s+/g, " ")})`);
  }
  const deadline = Date.now() + (opts.timeoutMs ?? 120000);
  for (;;) {
    u = await readUser();
    const at = ready(u);
    if (at) {
      const info: ServerInfo = { url: normaliseUrl(new URL(at, hub).toString()), token };
      const problem = await probeServer(info, 10000);
      if (!problem) return info;
      if (/token refused/.test(problem)) throw new ServerError(`${who}: ${info.url}: ${problem}; the token needs the scope access:servers`);
    }
    if (!u.pending && !at) throw new ServerError(`${who}: the server stopped while starting (see the hub's log)`);
    if (Date.now() > deadline) throw new ServerError(`${who}: the server was not ready within ${Math.round((opts.timeoutMs ?? 120000) / 1000)} s (pending: ${u.pending ?? "-"})`);
    await sleep(500);
  }
}
