/**
 * `npm run bench`: the lab's kernels side by side with numpy on the same machine, plus the tslab
 * cell overhead; prints a table and writes build/bench/bench.json. See docs/performance.md.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as la from "../../src/linalg";
import { nativeAddon } from "../../src/linalg/backend";
import { backendInfo } from "../../src/tf";
import { LabResult, runLabOps } from "./ops";
import { NumpyReport, runNumpy } from "./numpy";
import { measureTslab, TslabResult } from "./tslab";
import { Timing } from "./timing";
import { projectRoot } from "../project/paths";

export { timeit } from "./timing";
export type { Timing } from "./timing";

export interface BenchOptions {
  quick?: boolean;
  numpy?: boolean;
  tslab?: boolean;
  /** Also time the float64 operations on the pure-JS fallback (GENLAB_LINALG=js). */
  js?: boolean;
  /** BLAS threads for both the lab's OpenBLAS and numpy (default: OpenBLAS's own choice, all cores). */
  threads?: number;
  log?: (m: string) => void;
}

export interface BenchRow {
  id: string;
  op: string;
  lab_ms: number;
  numpy_ms?: number;
  /** lab time / numpy time (> 1: the lab is slower). */
  ratio?: number;
  lab_gflops?: number;
  numpy_gflops?: number;
  js_ms?: number;
  path: string;
  reps: number;
}

export interface Goal {
  goal: string;
  measured: string;
  met: boolean | null;
}

export interface BenchReport {
  date: string;
  quick: boolean;
  machine: { cpu: string; cores: number; memory_gib: number; node: string; platform: string; loadavg_start: number[]; loadavg_end: number[] };
  linalg: { name: string; reason: string; blas_threads: number };
  tfjs: string;
  numpy: { note: string; version?: string; blas?: string };
  tslab: { note: string; result?: TslabResult };
  rows: BenchRow[];
  goals: Goal[];
  wall_s: number;
}


function cpuModel(): string {
  try {
    const m = /model name\s*:\s*(.+)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"));
    if (m) return m[1].trim();
  } catch { /* not Linux */ }
  return os.cpus()[0]?.model ?? "unknown CPU";
}

const ms = (t: Timing): number => t.median_s * 1e3;

export async function runBench(opts: BenchOptions = {}): Promise<BenchReport> {
  const quick = !!opts.quick, log = opts.log ?? ((m: string) => console.error(m));
  const t0 = Date.now();
  const root = projectRoot;
  const loadStart = os.loadavg();
  const budget_s = quick ? 0.15 : 0.6;
  const addon = nativeAddon().mod;
  if (opts.threads) addon?.threads?.(opts.threads);
  const blasThreads = addon?.threads?.() ?? -1;

  log("lab operations:");
  const lab = await runLabOps({ quick, budget_s, log });
  let jsRows: LabResult[] = [];
  if (opts.js) {
    log("lab float64 operations on the pure-JS fallback (GENLAB_LINALG=js):");
    const old = process.env.GENLAB_LINALG;
    process.env.GENLAB_LINALG = "js";
    la.resetLinalgBackend();
    try {
      jsRows = await runLabOps({ quick, budget_s: quick ? 0.1 : 0.3, log, only64: true });
    } finally {
      if (old === undefined) delete process.env.GENLAB_LINALG;
      else process.env.GENLAB_LINALG = old;
      la.resetLinalgBackend();
    }
  }
  let np: { report?: NumpyReport; note: string } = { note: "numpy column skipped (--no-numpy)" };
  if (opts.numpy !== false) {
    log("numpy (tools/bench/numpy_bench.py) ...");
    np = runNumpy(root, quick, opts.threads);
    log(`  ${np.note}`);
  }
  let ts: { result?: TslabResult; note: string } = { note: "tslab row skipped (--no-tslab)" };
  if (opts.tslab !== false) {
    log("tslab cell overhead:");
    ts = await measureTslab(quick ? 5 : 15, log);
    log(`  ${ts.note}`);
  }

  const rows: BenchRow[] = lab.map((r) => {
    const n = np.report?.results[r.numpyId ?? r.id];
    const j = jsRows.find((x) => x.id === r.id);
    const row: BenchRow = { id: r.id, op: r.op, lab_ms: ms(r.lab), path: r.path, reps: r.lab.reps };
    if (n) {
      row.numpy_ms = ms(n);
      row.ratio = r.lab.median_s / n.median_s;
    }
    if (r.flops) {
      row.lab_gflops = r.flops / r.lab.median_s / 1e9;
      if (n) row.numpy_gflops = r.flops / n.median_s / 1e9;
    }
    if (j) row.js_ms = ms(j.lab);
    return row;
  });
  if (ts.result) {
    rows.push({ id: "tslab_cell", op: "tslab cell overhead (after the first)", lab_ms: ms(ts.result.cell), path: "tslab via jupyter_server", reps: ts.result.cell.reps });
    rows.push({ id: "tslab_first_cell", op: "tslab first cell (compiler warm-up)", lab_ms: ts.result.first_cell_s * 1e3, path: "tslab via jupyter_server", reps: 1 });
  }

  const row = (id: string): BenchRow | undefined => rows.find((r) => r.id === id);
  const goals: Goal[] = [];
  const mmId = quick ? "matmul_f32_512" : "matmul_f32_1024";
  const mm = row(mmId);
  goals.push(
    mm?.numpy_gflops && mm.lab_gflops
      ? { goal: `f32 matmul ${quick ? "512 (quick)" : "1024"}: >= 0.5x numpy GFLOP/s`, measured: `${(mm.lab_gflops / mm.numpy_gflops).toFixed(2)}x (${mm.lab_gflops.toFixed(1)} vs ${mm.numpy_gflops.toFixed(1)} GFLOP/s)`, met: mm.lab_gflops / mm.numpy_gflops >= 0.5 }
      : { goal: "f32 matmul 1024: >= 0.5x numpy GFLOP/s", measured: "no numpy column", met: null },
  );
  for (const [id, label] of [["mlp_step", "MLP training step (512 wide, Adam)"], ["small_mlp_step", "small MLP training step (256 wide, SGD)"], ["eigh_512", "f64 eigh 512"], ["cholesky_solve_512", "f64 Cholesky solve 512"]] as const) {
    const r = row(id);
    goals.push(
      r?.ratio !== undefined
        ? { goal: `${label}: <= 3x numpy time`, measured: `${r.ratio.toFixed(2)}x (${r.lab_ms.toFixed(1)} vs ${r.numpy_ms!.toFixed(1)} ms)`, met: r.ratio <= 3 }
        : { goal: `${label}: <= 3x numpy time`, measured: "no numpy column", met: null },
    );
  }
  const cell = row("tslab_cell");
  goals.push(cell ? { goal: "tslab cell overhead < 100 ms after the first", measured: `${cell.lab_ms.toFixed(1)} ms`, met: cell.lab_ms < 100 } : { goal: "tslab cell overhead < 100 ms after the first", measured: ts.note, met: null });

  const info = await backendInfo();
  const report: BenchReport = {
    date: new Date().toISOString(),
    quick,
    machine: {
      cpu: cpuModel(), cores: os.cpus().length, memory_gib: Math.round(os.totalmem() / 2 ** 30),
      node: process.version, platform: `${os.type()} ${os.release()} ${os.arch()}`,
      loadavg_start: loadStart.map((x) => +x.toFixed(2)), loadavg_end: os.loadavg().map((x) => +x.toFixed(2)),
    },
    linalg: { ...la.linalgBackend(), blas_threads: blasThreads },
    tfjs: `${info.name}${info.patches.length ? " + " + info.patches.join("; ") : ""} (${info.reason})`,
    numpy: { note: np.note, version: np.report?.numpy, blas: np.report?.blas },
    tslab: ts,
    rows,
    goals,
    wall_s: (Date.now() - t0) / 1e3,
  };
  return report;
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

/** The report as a plain-text (Markdown-compatible) table plus the goals. */
export function formatReport(r: BenchReport): string {
  const hasJs = r.rows.some((x) => x.js_ms !== undefined);
  const f = (x: number | undefined, d = 1): string => (x === undefined ? "-" : x >= 100 ? x.toFixed(0) : x.toFixed(d));
  const head = ["operation", "lab ms", "numpy ms", "lab/numpy", "lab GFLOP/s", "numpy GFLOP/s", ...(hasJs ? ["JS fallback ms"] : []), "path"];
  const body = r.rows.map((x) => [
    x.op, f(x.lab_ms, 2), f(x.numpy_ms, 2), x.ratio === undefined ? "-" : `${x.ratio.toFixed(2)}x`,
    f(x.lab_gflops), f(x.numpy_gflops), ...(hasJs ? [f(x.js_ms)] : []), x.path,
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => pad(c, w[i], i > 0 && i < cells.length - 1)).join(" | ")} |`;
  const out: string[] = [];
  out.push(`Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memory_gib} GiB, ${r.machine.platform}, Node ${r.machine.node}`);
  out.push(`Load average at start ${r.machine.loadavg_start.join(" ")}, at end ${r.machine.loadavg_end.join(" ")}${r.machine.loadavg_start[0] > 0.5 ? "  (other work was running: timings are noisy)" : ""}`);
  out.push(`linalg: ${r.linalg.name} (${r.linalg.reason})${r.linalg.blas_threads > 0 ? `, ${r.linalg.blas_threads} BLAS thread(s)` : ""}`);
  out.push(`tfjs: ${r.tfjs}`);
  out.push(`numpy: ${r.numpy.note}`);
  out.push("");
  out.push(line(head));
  out.push(`|${w.map((n, i) => (i > 0 && i < w.length - 1 ? "-".repeat(n + 1) + ":" : ":" + "-".repeat(n + 1))).join("|")}|`);
  for (const b of body) out.push(line(b));
  out.push("");
  out.push("Goals (issues 3 and 11):");
  for (const g of r.goals) out.push(`  [${g.met === null ? "n/a" : g.met ? "met" : "NOT met"}] ${g.goal}: ${g.measured}`);
  out.push("");
  out.push(`${r.quick ? "quick run; " : ""}medians after one warm-up call; total ${r.wall_s.toFixed(0)} s`);
  return out.join("\n");
}

/** Write the report as JSON (default build/bench/bench.json under the project root). */
export function writeReport(r: BenchReport, file = path.join(projectRoot, "build", "bench", "bench.json")): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(r, null, 2) + "\n");
  fs.renameSync(tmp, file);
  return file;
}
