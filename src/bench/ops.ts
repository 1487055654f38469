/**
 * The lab's side of `npm run bench`: the same operations as src/bench/numpy_bench.py, through the
 * lab's own code paths (tfjs active backend for float32, src/linalg for float64).
 */
import { tf, tfReady, backendInfo, configureWasmMatMul } from "../tf";
import * as la from "../linalg";
import { Rng } from "../random";
import { Timing, timeit } from "./timing";

export interface OpSpec {
  id: string;
  /** Human description for the table. */
  op: string;
  /** Floating-point operations per call, when meaningful (for GFLOP/s). */
  flops?: number;
  /** The numpy_bench.py result to compare with (default: id). */
  numpyId?: string;
  /** "tfjs" or "linalg": which path it measures. */
  kind: "tfjs" | "linalg" | "tslab";
}

export interface LabResult extends OpSpec {
  lab: Timing;
  path: string;
}

export interface OpsOptions {
  quick: boolean;
  budget_s: number;
  log: (msg: string) => void;
  /** Only the float64 (linalg) operations, e.g. to time the JS fallback. */
  only64?: boolean;
}

export function sizes(quick: boolean): { mm: number[]; rf: [number, number, number]; nk: number } {
  return quick ? { mm: [256, 512], rf: [1000, 100, 500], nk: 1000 } : { mm: [256, 512, 1024], rf: [2000, 100, 1000], nk: 2000 };
}

/** y = max(x, 0) in place. */
function relu(m: la.Matrix): la.Matrix {
  const d = m.data;
  for (let i = 0; i < d.length; i++) if (d[i] < 0) d[i] = 0;
  return m;
}

/** RBF kernel exp(-|xi - xj|^2 / (2 * ell2)) from the Gram matrix (one BLAS call + n^2 exps). */
export function rbfKernel(x: la.Matrix, ell2: number): la.Matrix {
  const n = x.rows, c = x.cols;
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < c; j++) s += x.data[i * c + j] ** 2;
    sq[i] = s;
  }
  const k = la.outerGram(x);
  const d = k.data, f = -0.5 / ell2;
  for (let i = 0; i < n; i++) {
    const si = sq[i], o = i * n;
    for (let j = 0; j < n; j++) d[o + j] = Math.exp(f * Math.max(si + sq[j] - 2 * d[o + j], 0));
  }
  return k;
}

export async function runLabOps(opts: OpsOptions): Promise<LabResult[]> {
  const { quick, budget_s, log } = opts;
  const out: LabResult[] = [];
  const sz = sizes(quick);
  const rng = new Rng(0);
  const f64Path = (): string => {
    const b = la.linalgBackend();
    return b.name === "js" ? "linalg: pure JS" : `linalg: ${b.name} (native addon)`;
  };
  const time = async (spec: OpSpec, path: string, f: () => unknown): Promise<void> => {
    log(`  ${spec.op} ...`);
    const lab = await timeit(f, { budget_s });
    out.push({ ...spec, lab, path });
  };

  let tfPath = "";
  let viaBlas = false;
  if (!opts.only64) {
    await tfReady();
    const info = await backendInfo();
    const mmc = configureWasmMatMul();
    viaBlas = info.name === "wasm" && info.patches.length > 0 && mmc.native && mmc.sgemmAvailable;
    tfPath = `tfjs ${info.name}` + (viaBlas ? " + OpenBLAS sgemm" : info.patches.length ? " (XNNPACK, transpose patch)" : "");
    for (const n of sz.mm) {
      const a = tf.randomNormal([n, n]), b = tf.randomNormal([n, n]);
      const f = (): void => {
        const c = tf.matMul(a, b);
        c.dataSync();
        c.dispose();
      };
      await time({ id: `matmul_f32_${n}`, op: `matmul f32 ${n}`, flops: 2 * n ** 3, kind: "tfjs" }, tfPath, f);
      if (viaBlas && n === sz.mm[sz.mm.length - 1]) {
        // the same product on XNNPACK alone, to show what the wasm path reaches
        configureWasmMatMul({ native: false });
        try {
          await time({ id: `matmul_f32_${n}_xnnpack`, numpyId: `matmul_f32_${n}`, op: `matmul f32 ${n}, XNNPACK only`, flops: 2 * n ** 3, kind: "tfjs" }, "tfjs wasm (XNNPACK, 1 thread)", f);
        } finally {
          configureWasmMatMul({ native: true });
        }
      }
      a.dispose();
      b.dispose();
    }
  }
  for (const n of sz.mm) {
    const a = la.matrix(n, n, rng.normals(n * n)), b = la.matrix(n, n, rng.normals(n * n));
    await time({ id: `matmul_f64_${n}`, op: `matmul f64 ${n}`, flops: 2 * n ** 3, kind: "linalg" }, f64Path(), () => la.matmul(a, b));
  }

  if (!opts.only64) {
    // MLP training step: 512 -> 512 -> 512 -> 10, ReLU, MSE, batch 256, Adam (as numpy_bench.py)
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [512], units: 512, activation: "relu" }),
        tf.layers.dense({ units: 512, activation: "relu" }),
        tf.layers.dense({ units: 10 }),
      ],
    });
    const opt = tf.train.adam(1e-3);
    const x = tf.randomNormal([256, 512]), y = tf.randomNormal([256, 10]);
    const step = (): void => {
      tf.tidy(() => {
        const loss = opt.minimize(() => tf.losses.meanSquaredError(y, model.apply(x) as ReturnType<typeof tf.randomNormal>), true);
        loss?.dataSync();
      });
    };
    const flops = 3 * 2 * 256 * (512 * 512 * 2 + 512 * 10); // forward + two backward products per layer
    await time({ id: "mlp_step", op: "MLP step (512 wide, batch 256, Adam)", flops, kind: "tfjs" }, tfPath, step);
    if (viaBlas) {
      configureWasmMatMul({ native: false });
      try {
        await time({ id: "mlp_step_xnnpack", numpyId: "mlp_step", op: "MLP step, XNNPACK only", flops, kind: "tfjs" }, "tfjs wasm (XNNPACK, transpose patch)", step);
      } finally {
        configureWasmMatMul({ native: true });
      }
    }
    x.dispose();
    y.dispose();
    model.dispose();
    opt.dispose();
  }

  {
    const n = 512;
    const g = la.matrix(n, n, rng.normals(n * n));
    const sym = la.add(g, la.transpose(g));
    const spd = la.gram(g);
    for (let i = 0; i < n; i++) spd.data[i * n + i] += n;
    const rhs = rng.normals(n);
    await time({ id: "eigh_512", op: "eigh f64 512 (values + vectors)", kind: "linalg" }, f64Path(), () => la.eigh(sym));
    await time({ id: "eigvalsh_512", op: "eigvalsh f64 512", kind: "linalg" }, f64Path(), () => la.eigvalsh(sym));
    await time({ id: "cholesky_512", op: "Cholesky factor f64 512", flops: n ** 3 / 3, kind: "linalg" }, f64Path(), () => la.cholesky(spd));
    await time({ id: "cholesky_solve_512", op: "Cholesky solve f64 512", flops: n ** 3 / 3 + 2 * n * n, kind: "linalg" }, f64Path(), () => la.choleskySolve(spd, rhs));
    await time({ id: "solve_512", op: "LU solve f64 512", flops: (2 * n ** 3) / 3, kind: "linalg" }, f64Path(), () => la.solve(spd, rhs));
  }
  {
    const [n, d, p] = sz.rf;
    const x = la.matrix(n, d, rng.normals(n * d));
    const w = la.scale(la.matrix(d, p, rng.normals(d * p)), 1 / Math.sqrt(d));
    const y = rng.normals(n);
    await time({ id: "rf_ridge", op: `random-feature ridge (n=${n}, P=${p}, d=${d})`, flops: 2 * n * d * p + n * p * p + p ** 3 / 3, kind: "linalg" }, f64Path(), () => {
      const f = relu(la.matmul(x, w));
      return la.lstsq(f, y, { ridge: 1e-3 });
    });
  }
  {
    const n = sz.nk;
    const x = la.matrix(n, 100, rng.normals(n * 100));
    const y = rng.normals(n);
    await time({ id: "kernel_regression", op: `kernel regression (RBF build + Cholesky, n=${n})`, flops: n * n * 100 + n ** 3 / 3, kind: "linalg" }, f64Path(), () => {
      const k = rbfKernel(x, 100);
      for (let i = 0; i < n; i++) k.data[i * n + i] += 1e-3;
      return la.choleskySolve(k, y);
    });
  }
  return out;
}
