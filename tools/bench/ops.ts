/**
 * The lab's side of `npm run bench`: the same operations as tools/bench/numpy_bench.py, through the
 * lab's own code paths (tfjs active backend for float32, src/linalg for float64).
 */
import type { Tensor2D } from "@tensorflow/tfjs";
import { tf, tfReady, backendInfo, configureWasmMatMul } from "../../src/tf";
import { network } from "../../src/train/network";
import { trainingStep } from "../../src/train/fit";
import { fusedOptimizerAvailable, OptimizerSpec } from "../../src/train/optimizers";
import type { NetworkSpec } from "../../src/train/spec";
import * as la from "../../src/linalg";
import { Rng } from "../../src/random";
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
    // Training steps through the lab's own path (train.network + train.trainingStep, what train.fit runs
    // at every step), as numpy_bench.py does them by hand:
    //   mlp_step        512 -> 512 -> 512 -> 10, ReLU, MSE, batch 256, Adam
    //   small_mlp_step  32 -> 256 -> 256 -> 1, ReLU, MSE, full batch of 256, SGD (the chapters' typical small network)
    const labStep = async (id: string, op: string, spec: NetworkSpec, optimizer: OptimizerSpec, batch: number, numpyId?: string, pathNote = tfPath): Promise<void> => {
      const net = await network(spec, { rng: rng.fork(id) });
      const x = tf.randomNormal([batch, spec.inputDim]) as Tensor2D, y = tf.randomNormal([batch, spec.outputDim ?? 1]) as Tensor2D;
      const st = trainingStep(net, x, y, { optimizer, loss: "mse" });
      const widths = [spec.inputDim, ...spec.hidden, spec.outputDim ?? 1];
      const flops = 3 * 2 * batch * widths.slice(1).reduce((acc, w, i) => acc + widths[i] * w, 0); // forward + two backward products per layer
      try {
        await time({ id, op, flops, kind: "tfjs", numpyId }, pathNote, () => st.step(optimizer.lr));
      } finally {
        st.dispose();
        net.dispose();
        x.dispose();
        y.dispose();
      }
    };
    const big: NetworkSpec = { inputDim: 512, hidden: [512, 512], outputDim: 10 };
    const small: NetworkSpec = { inputDim: 32, hidden: [256, 256], outputDim: 1 };
    const stepPath = `${tfPath}, train.trainingStep${fusedOptimizerAvailable(tf) ? ", native optimizer update" : ""}`;
    await labStep("mlp_step", "MLP step (512 wide, batch 256, Adam)", big, { kind: "adam", lr: 1e-3 }, 256, undefined, stepPath);
    await labStep("small_mlp_step", "small MLP step (32-256-256-1, batch 256, SGD)", small, { kind: "sgd", lr: 0.01 }, 256, undefined, stepPath);
    if (viaBlas) {
      configureWasmMatMul({ native: false });
      try {
        await labStep("mlp_step_xnnpack", "MLP step, XNNPACK only", big, { kind: "adam", lr: 1e-3 }, 256, "mlp_step", "tfjs wasm (XNNPACK, transpose patch)");
      } finally {
        configureWasmMatMul({ native: true });
      }
    }
    // the same big step through tf.layers and tf.train.adam, for comparison (what a tfjs user would write)
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
    const flops = 3 * 2 * 256 * (512 * 512 * 2 + 512 * 10);
    await time({ id: "mlp_step_tflayers", numpyId: "mlp_step", op: "MLP step via tf.layers + tf.train.adam", flops, kind: "tfjs" }, tfPath, step);
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
