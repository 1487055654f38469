/**
 * The mutation harness: runs chapters against planted mistakes, each in a private copy of the
 * project, never in the user's tree.
 *
 * A workspace is a copy of the project's files as they are now (tracked and untracked, ignored ones
 * left out), with `node_modules` made of links to the project's packages (and its own
 * `genlab -> ..` self-link, so the chapters import the copy's library), the native addon linked, its
 * own kernelspec and its own results cache. For each mutant the harness patches the copy, rebuilds
 * when a library file changed, runs the chapters with the cache off and GENLAB_CHECK_CONTINUE=1 (every
 * check runs after a failure), reads the printed checks, and restores the file.
 */
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Mutant, Size, checkTarget } from "./list";
import { ChapterRun, MutantResult, checksOfNotebook, judge } from "./outcome";

/** The files of a project as they are now: tracked (not deleted) and untracked, not ignored. */
export function projectFiles(root: string): string[] {
  const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 });
  return [...new Set(out.split("\0").filter(Boolean))].filter((f) => fs.existsSync(path.join(root, f)) && fs.statSync(path.join(root, f)).isFile());
}

/** The commit and whether the tree differs from it. */
export function gitState(root: string): { commit: string; dirty: boolean } {
  const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root, encoding: "utf8" }).trim().length > 0;
  return { commit, dirty };
}

export interface Workspace {
  dir: string;
  /** The library needs a rebuild before the next run (a src/ file was patched or restored). */
  stale: boolean;
}

function log(msg: string): void {
  process.stderr.write(`mutants: ${msg}\n`);
}

/** Copy the project into `dir` and build it there. */
export function makeWorkspace(root: string, dir: string): Workspace {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const f of projectFiles(root)) {
    const to = path.join(dir, f);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(root, f), to);
  }
  // packages: links to the project's, except the self-link, which must point at the copy
  const nm = path.join(dir, "node_modules");
  fs.mkdirSync(nm);
  for (const e of fs.readdirSync(path.join(root, "node_modules"))) {
    if (e === "genlab") continue;
    fs.symlinkSync(path.join(root, "node_modules", e), path.join(nm, e));
  }
  fs.symlinkSync("..", path.join(nm, "genlab"), "dir");
  const addon = path.join(root, "native", "build");
  if (fs.existsSync(addon)) fs.symlinkSync(addon, path.join(dir, "native", "build"), "dir");
  // the compiled tree and its build info: the first build in the copy then only checks them
  if (fs.existsSync(path.join(root, "dist"))) fs.cpSync(path.join(root, "dist"), path.join(dir, "dist"), { recursive: true });
  const cfgFile = path.join(root, ".jupyter-local", "jupyter.json");
  if (!fs.existsSync(cfgFile)) throw new Error("no .jupyter-local/jupyter.json: run `npm run setup` first");
  const cfg = JSON.parse(fs.readFileSync(cfgFile, "utf8")) as { python: string; source: string; ui: string; serverVersion: string };
  execFileSync(process.execPath, [path.join(dir, "kernel-setup", "register.js"), "--python", cfg.python, "--source", cfg.source, "--ui", cfg.ui, "--server-version", cfg.serverVersion], { cwd: dir, stdio: "ignore" });
  const ws = { dir, stale: true };
  build(ws);
  return ws;
}

/** Compile the copy's library; false when it does not compile. */
export function build(ws: Workspace): boolean {
  try {
    execFileSync(process.execPath, [path.join(ws.dir, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(ws.dir, "tsconfig.json")], { cwd: ws.dir, stdio: "pipe" });
    ws.stale = false;
    return true;
  } catch {
    return false;
  }
}

/** The chapter notebook of a workspace, `notebooks/NN-*.ipynb`. */
export function chapterFile(dir: string, chapter: string): string | null {
  const hit = fs.readdirSync(path.join(dir, "notebooks")).find((f) => f.startsWith(`${chapter}-`) && f.endsWith(".ipynb"));
  return hit ? path.join("notebooks", hit) : null;
}

/** Run chapters in a workspace (one private Jupyter server, one kernel per chapter in turn). */
export async function runChapters(ws: Workspace, chapters: string[], size: Size, label: string, timeoutSec: number, sections: number[] = []): Promise<ChapterRun[]> {
  if (ws.stale && !build(ws)) throw new Error("the workspace's library does not compile");
  const out = path.join(ws.dir, "build", "mutants", label);
  fs.rmSync(out, { recursive: true, force: true });
  const files = chapters.map((c) => chapterFile(ws.dir, c));
  const present = chapters.filter((_, i) => files[i]);
  const args = [path.join(ws.dir, "dist", "tools", "cli", "nb.js"), ...files.filter((f): f is string => !!f), "--out", out, "--timeout", String(timeoutSec)];
  if (size === "quick") args.push("-p", "quick=true");
  for (const n of sections) args.push("--section", String(n));
  const env: NodeJS.ProcessEnv = { ...process.env, GENLAB_NO_CACHE: "1", GENLAB_CHECK_CONTINUE: "1", GENLAB_CACHE_DIR: path.join(ws.dir, ".cache", "results") };
  delete env.npm_lifecycle_event;
  const t0 = Date.now();
  if (present.length) {
    await new Promise<void>((resolve) => {
      const p = spawn(process.execPath, args, { cwd: ws.dir, env, stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      p.stderr.on("data", (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
      p.on("close", (code) => { if (code !== 0 && code !== 1) log(`${label}: the runner exited with ${code}: ${err.trim().split("\n").slice(-3).join(" / ")}`); resolve(); });
    });
  }
  const seconds = (Date.now() - t0) / 1000;
  let report: { notebooks: { notebook: string; output: string; status: string; seconds: number; error?: { message: string; kernelError: string } }[] } = { notebooks: [] };
  try { report = JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8")); } catch { /* no report: every chapter is an error below */ }
  return chapters.map((chapter, i): ChapterRun => {
    const file = files[i];
    if (!file) return { chapter, status: "error", seconds: 0, checks: [], error: `no notebook ${chapter}-*.ipynb` };
    const r = report.notebooks.find((n) => path.basename(n.notebook) === path.basename(file));
    if (!r) return { chapter, status: "error", seconds, checks: [], error: "the runner wrote no report for it" };
    let checks: ChapterRun["checks"] = [];
    try { checks = checksOfNotebook(fs.readFileSync(r.output, "utf8")); } catch { /* no executed copy */ }
    const firstLine = (s: string | undefined) => (s ?? "").split("\n").find((l) => l.trim()) ?? "";
    const error = r.status === "ok" ? undefined : firstLine(r.error?.kernelError) || firstLine(r.error?.message) || r.status;
    return { chapter, ...(sections.length ? { sections } : {}), status: r.status === "ok" ? "ok" : r.status === "failed" ? "failed" : "error", seconds: r.seconds, checks, ...(error ? { error } : {}) };
  });
}

/** The baseline key of a chapter run: the chapter, and the sections when only some ran ("12§4"). */
export function runKey(chapter: string, sections?: number[]): string {
  return sections?.length ? `${chapter}§${sections.join(",")}` : chapter;
}

/** The chapter runs a mutant needs: its claim's chapter (only `m.sections` when given), then the others whole. */
export function mutantRuns(m: Mutant): { chapter: string; sections: number[] }[] {
  return m.chapters.map((chapter, i) => ({ chapter, sections: i === 0 ? m.sections ?? [] : [] }));
}

/** Run a mutant's chapters in a workspace: one runner call per distinct set of sections. */
export async function runMutantChapters(ws: Workspace, m: Mutant, size: Size, label: string, timeoutSec: number): Promise<ChapterRun[]> {
  const groups = new Map<string, { sections: number[]; chapters: string[] }>();
  for (const r of mutantRuns(m)) {
    const k = r.sections.join(",");
    groups.set(k, { sections: r.sections, chapters: [...(groups.get(k)?.chapters ?? []), r.chapter] });
  }
  const out: ChapterRun[] = [];
  let i = 0;
  for (const g of groups.values()) out.push(...await runChapters(ws, g.chapters, size, groups.size > 1 ? `${label}-${++i}` : label, timeoutSec, g.sections));
  return out;
}

/** Apply one mutant in a workspace, run its chapters, restore the file; judge it against the baseline. */
export async function runMutant(ws: Workspace, m: Mutant, size: Size, baseline: Map<string, ChapterRun>, timeoutSec: number): Promise<MutantResult> {
  const base = { name: m.name, chapters: m.chapters, claim: m.claim, kind: m.kind, size, ...(m.sections ? { sections: m.sections } : {}), caughtBy: [] as string[], margin: null, seconds: 0 };
  const { file, result } = checkTarget(ws.dir, m);
  if (!file || !result.ok) return { ...base, verdict: "not-applied", detail: `${m.file}: ${result.ok ? "file not found" : result.why}` };
  const abs = path.join(ws.dir, file);
  const original = fs.readFileSync(abs, "utf8");
  const isLibrary = file.startsWith("src/");
  const t0 = Date.now();
  try {
    fs.writeFileSync(abs, result.text);
    if (isLibrary) {
      ws.stale = true;
      if (!build(ws)) return { ...base, verdict: "build-failed", detail: "the mutated library does not compile", seconds: (Date.now() - t0) / 1000 };
    }
    const runs = await runMutantChapters(ws, m, size, m.name, timeoutSec);
    const own = new Map<string, ChapterRun>();
    for (const r of runs) { const b = baseline.get(runKey(r.chapter, r.sections)); if (b) own.set(r.chapter, b); }
    const verdict = judge(runs, own);
    if (verdict.verdict === "missed" && m.resolution) return { ...base, ...verdict, verdict: "below-resolution", detail: m.resolution, seconds: (Date.now() - t0) / 1000 };
    return { ...base, ...verdict, seconds: (Date.now() - t0) / 1000 };
  } finally {
    fs.writeFileSync(abs, original);
    if (isLibrary) ws.stale = true;
  }
}

/** The machine a result was measured on. */
export function machine(): { cpu: string; cores: number; memGiB: number; loadAvg: number[]; node: string; platform: string } {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model ?? "unknown", cores: cpus.length, memGiB: Math.round(os.totalmem() / 2 ** 30), loadAvg: os.loadavg().map((x) => Number(x.toFixed(2))), node: process.version, platform: `${os.platform()} ${os.release()}` };
}
