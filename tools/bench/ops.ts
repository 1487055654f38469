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

/**
 * What every group of operations below needs: the seeded stream the float64 inputs come from, the
 * time budget per operation, where progress goes, and the rows collected so far. One shared context
 * keeps each group a small function while the rows come out in the table's order.
 */
interface OpsContext {
  rng: Rng;
  budget_s: number;
  log: (msg: string) => void;
  out: LabResult[];
}

/** Time one operation and add its row (the progress line first, so a slow one shows what it is). */
async function timeOp(ctx: OpsContext, spec: OpSpec, path: string, f: () => unknown): Promise<void> {
  ctx.log(`  ${spec.op} ...`);
  const lab = await timeit(f, { budget_s: ctx.budget_s });
  ctx.out.push({ ...spec, lab, path });
}

/** How the float64 path is named in the table; asked at every row, as the backend is what ran it. */
function f64Path(): string {
  const b = la.linalgBackend();
  return b.name === "js" ? "linalg: pure JS" : `linalg: ${b.name} (native addon)`;
}

/** The tfjs backend in use, and whether its float32 matmul goes through OpenBLAS sgemm. */
interface TfjsPath {
  /** How the table names the float32 path. */
  tfPath: string;
  /** True when matmul goes to OpenBLAS: then the XNNPACK-only rows are timed as well, for comparison. */
  viaBlas: boolean;
}

async function tfjsPath(): Promise<TfjsPath> {
  await tfReady();
  const info = await backendInfo();
  const mmc = configureWasmMatMul();
  const viaBlas = info.name === "wasm" && info.patches.length > 0 && mmc.native && mmc.sgemmAvailable;
  const tfPath = `tfjs ${info.name}` + (viaBlas ? " + OpenBLAS sgemm" : info.patches.length ? " (XNNPACK, transpose patch)" : "");
  return { tfPath, viaBlas };
}

/** Run `f` with the wasm matmul on XNNPACK alone, restoring the OpenBLAS route even if `f` throws. */
async function withXnnpackOnly(f: () => Promise<void>): Promise<void> {
  configureWasmMatMul({ native: false });
  try {
    await f();
  } finally {
    configureWasmMatMul({ native: true });
  }
}

/** float32 matmul through the active tfjs backend, at each size. */
async function timeF32Matmuls(ctx: OpsContext, mm: number[], tp: TfjsPath): Promise<void> {
  for (const n of mm) {
    const a = tf.randomNormal([n, n]), b = tf.randomNormal([n, n]);
    const f = (): void => {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    };
    await timeOp(ctx, { id: `matmul_f32_${n}`, op: `matmul f32 ${n}`, flops: 2 * n ** 3, kind: "tfjs" }, tp.tfPath, f);
    if (tp.viaBlas && n === mm[mm.length - 1]) {
      // the same product on XNNPACK alone, to show what the wasm path reaches
      await withXnnpackOnly(() => timeOp(ctx, { id: `matmul_f32_${n}_xnnpack`, numpyId: `matmul_f32_${n}`, op: `matmul f32 ${n}, XNNPACK only`, flops: 2 * n ** 3, kind: "tfjs" }, "tfjs wasm (XNNPACK, 1 thread)", f));
    }
    a.dispose();
    b.dispose();
  }
}

/** float64 matmul through src/linalg, at each size (inputs drawn from the lab's seeded stream). */
async function timeF64Matmuls(ctx: OpsContext, mm: number[]): Promise<void> {
  for (const n of mm) {
    const a = la.matrix(n, n, ctx.rng.normals(n * n)), b = la.matrix(n, n, ctx.rng.normals(n * n));
    await timeOp(ctx, { id: `matmul_f64_${n}`, op: `matmul f64 ${n}`, flops: 2 * n ** 3, kind: "linalg" }, f64Path(), () => la.matmul(a, b));
  }
}

/** What one training-step row times: its table entry, the network, the optimizer and the batch. */
interface StepSpec {
  id: string;
  op: string;
  spec: NetworkSpec;
  optimizer: OptimizerSpec;
  batch: number;
  numpyId?: string;
}

/** One training step through the lab's own path (train.network + train.trainingStep, what train.fit runs at every step). */
async function timeLabStep(ctx: OpsContext, s: StepSpec, pathNote: string): Promise<void> {
  const { id, op, spec, optimizer, batch, numpyId } = s;
  const net = await network(spec, { rng: ctx.rng.fork(id) });
  const x = tf.randomNormal([batch, spec.inputDim]) as Tensor2D, y = tf.randomNormal([batch, spec.outputDim ?? 1]) as Tensor2D;
  const st = trainingStep(net, x, y, { optimizer, loss: "mse" });
  const widths = [spec.inputDim, ...spec.hidden, spec.outputDim ?? 1];
  const flops = 3 * 2 * batch * widths.slice(1).reduce((acc, w, i) => acc + widths[i] * w, 0); // forward + two backward products per layer
  try {
    await timeOp(ctx, { id, op, flops, kind: "tfjs", numpyId }, pathNote, () => st.step(optimizer.lr));
  } finally {
    st.dispose();
    net.dispose();
    x.dispose();
    y.dispose();
  }
}

/**
 * Training steps through the lab's own path, as numpy_bench.py does them by hand:
 *   mlp_step        512 -> 512 -> 512 -> 10, ReLU, MSE, batch 256, Adam
 *   small_mlp_step  32 -> 256 -> 256 -> 1, ReLU, MSE, full batch of 256, SGD (the chapters' typical small network)
 */
async function timeTrainingSteps(ctx: OpsContext, tp: TfjsPath): Promise<void> {
  const big: NetworkSpec = { inputDim: 512, hidden: [512, 512], outputDim: 10 };
  const small: NetworkSpec = { inputDim: 32, hidden: [256, 256], outputDim: 1 };
  const stepPath = `${tp.tfPath}, train.trainingStep${fusedOptimizerAvailable(tf) ? ", native optimizer update" : ""}`;
  await timeLabStep(ctx, { id: "mlp_step", op: "MLP step (512 wide, batch 256, Adam)", spec: big, optimizer: { kind: "adam", lr: 1e-3 }, batch: 256 }, stepPath);
  await timeLabStep(ctx, { id: "small_mlp_step", op: "small MLP step (32-256-256-1, batch 256, SGD)", spec: small, optimizer: { kind: "sgd", lr: 0.01 }, batch: 256 }, stepPath);
  if (tp.viaBlas) {
    await withXnnpackOnly(() => timeLabStep(ctx, { id: "mlp_step_xnnpack", op: "MLP step, XNNPACK only", spec: big, optimizer: { kind: "adam", lr: 1e-3 }, batch: 256, numpyId: "mlp_step" }, "tfjs wasm (XNNPACK, transpose patch)"));
  }
}

/** The same big step through tf.layers and tf.train.adam, for comparison (what a tfjs user would write). */
async function timeTfLayersStep(ctx: OpsContext, tfPath: string): Promise<void> {
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
  await timeOp(ctx, { id: "mlp_step_tflayers", numpyId: "mlp_step", op: "MLP step via tf.layers + tf.train.adam", flops, kind: "tfjs" }, tfPath, step);
  x.dispose();
  y.dispose();
  model.dispose();
  opt.dispose();
}

/** The float64 factorizations and solves at n = 512: eigh, eigvalsh, Cholesky (factor and solve), LU solve. */
async function timeDecompositions(ctx: OpsContext): Promise<void> {
  const n = 512;
  const g = la.matrix(n, n, ctx.rng.normals(n * n));
  const sym = la.add(g, la.transpose(g));
  const spd = la.gram(g);
  for (let i = 0; i < n; i++) spd.data[i * n + i] += n;
  const rhs = ctx.rng.normals(n);
  await timeOp(ctx, { id: "eigh_512", op: "eigh f64 512 (values + vectors)", kind: "linalg" }, f64Path(), () => la.eigh(sym));
  await timeOp(ctx, { id: "eigvalsh_512", op: "eigvalsh f64 512", kind: "linalg" }, f64Path(), () => la.eigvalsh(sym));
  await timeOp(ctx, { id: "cholesky_512", op: "Cholesky factor f64 512", flops: n ** 3 / 3, kind: "linalg" }, f64Path(), () => la.cholesky(spd));
  await timeOp(ctx, { id: "cholesky_solve_512", op: "Cholesky solve f64 512", flops: n ** 3 / 3 + 2 * n * n, kind: "linalg" }, f64Path(), () => la.choleskySolve(spd, rhs));
  await timeOp(ctx, { id: "solve_512", op: "LU solve f64 512", flops: (2 * n ** 3) / 3, kind: "linalg" }, f64Path(), () => la.solve(spd, rhs));
}

/** Random-feature ridge regression as the chapters run it: ReLU features of a random projection, then lstsq with a ridge. */
async function timeRfRidge(ctx: OpsContext, [n, d, p]: [number, number, number]): Promise<void> {
  const x = la.matrix(n, d, ctx.rng.normals(n * d));
  const w = la.scale(la.matrix(d, p, ctx.rng.normals(d * p)), 1 / Math.sqrt(d));
  const y = ctx.rng.normals(n);
  await timeOp(ctx, { id: "rf_ridge", op: `random-feature ridge (n=${n}, P=${p}, d=${d})`, flops: 2 * n * d * p + n * p * p + p ** 3 / 3, kind: "linalg" }, f64Path(), () => {
    const f = relu(la.matmul(x, w));
    return la.lstsq(f, y, { ridge: 1e-3 });
  });
}

/** Kernel regression: build the RBF kernel of n points in 100 dimensions, add a small ridge, solve by Cholesky. */
async function timeKernelRegression(ctx: OpsContext, n: number): Promise<void> {
  const x = la.matrix(n, 100, ctx.rng.normals(n * 100));
  const y = ctx.rng.normals(n);
  await timeOp(ctx, { id: "kernel_regression", op: `kernel regression (RBF build + Cholesky, n=${n})`, flops: n * n * 100 + n ** 3 / 3, kind: "linalg" }, f64Path(), () => {
    const k = rbfKernel(x, 100);
    for (let i = 0; i < n; i++) k.data[i * n + i] += 1e-3;
    return la.choleskySolve(k, y);
  });
}

/**
 * Time the lab's operations, in the table's order. The groups run in this fixed order because the
 * float64 inputs are drawn one after another from one seeded stream: reordering them would change
 * the matrices each row times. `only64` skips everything that goes through tfjs.
 */
export async function runLabOps(opts: OpsOptions): Promise<LabResult[]> {
  const ctx: OpsContext = { rng: new Rng(0), budget_s: opts.budget_s, log: opts.log, out: [] };
  const sz = sizes(opts.quick);
  let tp: TfjsPath = { tfPath: "", viaBlas: false };
  if (!opts.only64) {
    tp = await tfjsPath();
    await timeF32Matmuls(ctx, sz.mm, tp);
  }
  await timeF64Matmuls(ctx, sz.mm);
  if (!opts.only64) {
    await timeTrainingSteps(ctx, tp);
    await timeTfLayersStep(ctx, tp.tfPath);
  }
  await timeDecompositions(ctx);
  await timeRfRidge(ctx, sz.rf);
  await timeKernelRegression(ctx, sz.nk);
  return ctx.out;
}
