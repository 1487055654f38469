/** Helpers shared by the runner's live tests: running the CLIs, files, and looking at processes (Linux /proc). */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import { ChildProcess, spawn, spawnSync } from "child_process";

export const root = path.resolve(__dirname, "../../../..");
export const fixtures = path.join(root, "tests", "fixtures", "runner");
export const fx = (name: string): string => path.join(fixtures, name);
/** The CLIs compiled by the same tsc run as the tests (build/ts/tools/cli/*.js), so never stale. */
export const cliPath = (name: string): string => path.resolve(__dirname, `../../tools/cli/${name}.js`);

export interface CliResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }

/** Run a command to its end; `onOutput` sees stdout+stderr so far (and the child) after every chunk. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; onOutput?: (all: string, child: ChildProcess) => void } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { cwd: opts.cwd ?? root, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => { stdout += d; opts.onOutput?.(stdout + stderr, child); });
    child.stderr!.on("data", (d) => { stderr += d; opts.onOutput?.(stdout + stderr, child); });
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 }));
  });
}
export const runCli = (name: string, args: string[], opts: Parameters<typeof run>[2] = {}): Promise<CliResult> =>
  run(process.execPath, [cliPath(name), ...args], opts);

export const sha = (f: string): string => createHash("sha256").update(fs.readFileSync(f)).digest("hex");
export const text = (t: string | string[]): string => (Array.isArray(t) ? t.join("") : t);
export const readJson = (f: string): any => JSON.parse(fs.readFileSync(f, "utf8"));
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Validate with Python's nbformat when it is installed (Debian: python3-nbformat). */
export function pythonValidate(file: string): void {
  const r = spawnSync("/usr/bin/python3", ["-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", file], { encoding: "utf8" });
  if (r.error || /No module named/.test(r.stderr)) return;
  assert.equal(r.status, 0, `nbformat.validate failed for ${file}:\n${r.stderr}`);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie is dead for our purposes (its parent has not reaped it yet).
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Every pid on the machine with its command line (NULs as spaces). */
export function processes(): Array<{ pid: number; ppid: number; cmdline: string }> {
  const out: Array<{ pid: number; ppid: number; cmdline: string }> = [];
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0").join(" ");
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      out.push({ pid: Number(d), ppid, cmdline });
    } catch { /* gone */ }
  }
  return out;
}

/** The children of a pid (direct). */
export const childrenOf = (pid: number): number[] => processes().filter((p) => p.ppid === pid).map((p) => p.pid);

/** A variable of a process's environment (same user only: /proc/PID/environ is private). */
export function environOf(pid: number, name: string): string | undefined {
  const env = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
  const hit = env.find((e) => e.startsWith(`${name}=`));
  return hit?.slice(name.length + 1);
}

/** Poll until `cond` is true; false after `ms`. */
export async function waitFor(cond: () => boolean, ms: number, every = 200): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (cond()) return true;
    await sleep(every);
  }
  return cond();
}

/** Every file under `dir` (recursively) whose content contains `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        try { if (fs.readFileSync(p, "latin1").includes(needle)) hits.push(p); } catch { /* unreadable */ }
      }
    }
  };
  walk(dir);
  return hits;
}
