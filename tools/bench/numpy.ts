/** Runs tools/bench/numpy_bench.py when `python3 -c "import numpy"` works; otherwise says why not. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Timing } from "./timing";

export interface NumpyReport {
  numpy: string;
  python: string;
  blas: string;
  threads_env: Record<string, string>;
  results: Record<string, Timing>;
}

export function runNumpy(root: string, quick: boolean, threads?: number): { report?: NumpyReport; note: string } {
  const python = process.env.GENLAB_BENCH_PYTHON ?? "python3";
  const probe = spawnSync(python, ["-c", "import numpy; print(numpy.__version__)"], { encoding: "utf8" });
  if (probe.status !== 0) {
    return { note: `numpy column skipped: \`${python} -c "import numpy"\` failed (${(probe.stderr || String(probe.error ?? "")).trim().split("\n").pop()})` };
  }
  const script = path.join(root, "tools", "bench", "numpy_bench.py");
  if (!fs.existsSync(script)) return { note: `numpy column skipped: ${script} not found` };
  const env = threads ? { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) } : process.env;
  const r = spawnSync(python, [script, ...(quick ? ["--quick"] : [])], { encoding: "utf8", timeout: 180000, env });
  if (r.status !== 0) return { note: `numpy column skipped: numpy_bench.py failed: ${(r.stderr || "").trim().split("\n").pop()}` };
  try {
    const report = JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as NumpyReport;
    return { report, note: `numpy ${report.numpy} (${report.blas || "BLAS unknown"}), Python ${report.python}` };
  } catch (e) {
    return { note: `numpy column skipped: could not parse numpy_bench.py output (${(e as Error).message})` };
  }
}
