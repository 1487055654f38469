/**
 * The one place that chooses the TensorFlow.js backend, in this order:
 *   1. `tensorflow` from @tensorflow/tfjs-node (native libtensorflow) when it can be loaded;
 *   2. `wasm` (XNNPACK, SIMD) from @tensorflow/tfjs-backend-wasm;
 *   3. `cpu` (pure JS), the last resort.
 * `GENLAB_BACKEND=tensorflow|wasm|cpu` forces one. The tfjs "install tfjs-node" banner is silenced
 * (PROD mode) because the lab reports its own choice through `backendInfo()` and `npm run doctor`.
 *
 * Note: danfojs-node depends on "@tensorflow/tfjs-node", which package.json overrides with plain
 * @tensorflow/tfjs (the real one cannot install without Google storage). So a successful
 * `require("@tensorflow/tfjs-node")` proves nothing: we check that the `tensorflow` backend registered.
 *
 * wasm matmul fix: the wasm backend hands a product to XNNPACK only when neither operand is
 * transposed; with `transposeA`/`transposeB` it falls back to a naive loop 30-60x slower, and every
 * MLP gradient (dW = X^T dY, dX = dY W^T) takes that path. `patchWasmMatMul()` re-registers the wasm
 * kernels BatchMatMul and _FusedMatMul so that a transposed operand is transposed explicitly first
 * (the wasm Transpose kernel, O(size)) and the product runs untransposed on XNNPACK. Inputs, bias,
 * activation, preluActivationWeights and leakyreluAlpha pass through unchanged, and gradients are
 * unaffected (they are registered per kernel name, not per backend). `GENLAB_WASM_MATMUL_PATCH=0`
 * turns it off (for comparisons).
 *
 * wasm threads are not enabled: tfjs disables them under Node, and forcing them needs three patches
 * to tfjs internals (flag, a real worker file instead of a blob URL, the core count), adds 0.3-0.4 s
 * of start-up and keeps the process alive until process.exit(); the measured gain here (2 cores) is
 * 1.25-1.5x per training step (docs/performance.md). Not worth the fragility in a teaching lab.
 */
import * as tfjs from "@tensorflow/tfjs";

export type BackendName = "tensorflow" | "wasm" | "cpu";

export interface BackendInfo {
  /** The active backend. */
  name: BackendName;
  /** Why this backend was chosen, in one sentence. */
  reason: string;
  /** What was tried before it and why it was skipped. */
  skipped: string[];
  /** Threads used by the wasm backend (1 when not applicable). */
  threads: number;
  /** tfjs-core version. */
  version: string;
  /** Kernel patches in effect (e.g. "wasm BatchMatMul/_FusedMatMul: explicit transpose"). */
  patches: string[];
}

export const tf = tfjs;
let info: BackendInfo | null = null;
let pending: Promise<BackendInfo> | null = null;

function tryTfjsNode(): string | null {
  try {
    require("@tensorflow/tfjs-node");
  } catch (e) {
    return `@tensorflow/tfjs-node is not installed (${(e as Error).message.split("\n")[0]})`;
  }
  if (!tfjs.findBackendFactory("tensorflow")) {
    return "@tensorflow/tfjs-node resolves to plain @tensorflow/tfjs (the danfojs-node override), not the native build";
  }
  return null;
}

const PATCHED = Symbol.for("genlab.wasmMatMulPatch");
type AnyKernelFunc = (args: { inputs: Record<string, tfjs.TensorInfo | undefined>; backend: unknown; attrs: Record<string, unknown> }) => tfjs.TensorInfo;

/** True when the wasm BatchMatMul and _FusedMatMul kernels are the explicit-transpose versions. */
export function isWasmMatMulPatched(): boolean {
  return ["BatchMatMul", "_FusedMatMul"].every((n) => {
    const k = tfjs.getKernel(n, "wasm");
    return !!k && (k.kernelFunc as unknown as Record<symbol, boolean>)[PATCHED] === true;
  });
}

/**
 * Re-register the wasm BatchMatMul and _FusedMatMul kernels so that transposed operands are
 * transposed explicitly and the product goes to XNNPACK untransposed (see the note at the top).
 * Idempotent; returns false when the wasm kernels are not registered.
 */
export function patchWasmMatMul(): boolean {
  const transposeK = tfjs.getKernel("Transpose", "wasm");
  if (!transposeK) return false;
  const transpose = transposeK.kernelFunc as unknown as AnyKernelFunc;
  let done = 0;
  for (const name of ["BatchMatMul", "_FusedMatMul"]) {
    const orig = tfjs.getKernel(name, "wasm");
    if (!orig) continue;
    const origFunc = orig.kernelFunc as unknown as AnyKernelFunc & Record<symbol, boolean>;
    if (origFunc[PATCHED]) { done++; continue; }
    const kernelFunc: AnyKernelFunc = (args) => {
      const { inputs, backend, attrs } = args;
      if (!attrs.transposeA && !attrs.transposeB) return origFunc(args);
      const temps: tfjs.TensorInfo[] = [];
      const flip = (t: tfjs.TensorInfo): tfjs.TensorInfo => {
        const r = t.shape.length;
        const perm = Array.from({ length: r }, (_, i) => i);
        perm[r - 2] = r - 1;
        perm[r - 1] = r - 2;
        const out = transpose({ inputs: { x: t }, backend, attrs: { perm } });
        temps.push(out);
        return out;
      };
      try {
        const a = attrs.transposeA ? flip(inputs.a as tfjs.TensorInfo) : inputs.a;
        const b = attrs.transposeB ? flip(inputs.b as tfjs.TensorInfo) : inputs.b;
        return origFunc({ inputs: { ...inputs, a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
      } finally {
        const be = backend as { disposeData(id: object): void };
        for (const t of temps) be.disposeData(t.dataId);
      }
    };
    (kernelFunc as unknown as Record<symbol, boolean>)[PATCHED] = true;
    tfjs.unregisterKernel(name, "wasm");
    tfjs.registerKernel({ ...orig, kernelFunc: kernelFunc as unknown as tfjs.KernelFunc });
    done++;
  }
  return done === 2;
}

function tryWasm(): string | null {
  try {
    require("@tensorflow/tfjs-backend-wasm");
    if (!tfjs.findBackendFactory("wasm")) return "the wasm backend did not register";
    if (process.env.GENLAB_WASM_MATMUL_PATCH !== "0") patchWasmMatMul();
    return null;
  } catch (e) {
    return `@tensorflow/tfjs-backend-wasm failed to load (${(e as Error).message.split("\n")[0]})`;
  }
}

async function choose(): Promise<BackendInfo> {
  tfjs.env().set("PROD", true);
  const forced = process.env.GENLAB_BACKEND as BackendName | undefined;
  if (forced && !["tensorflow", "wasm", "cpu"].includes(forced)) {
    throw new Error(`GENLAB_BACKEND must be tensorflow, wasm or cpu; got '${forced}'`);
  }
  const skipped: string[] = [];
  const order: BackendName[] = forced ? [forced] : ["tensorflow", "wasm", "cpu"];
  for (const name of order) {
    const why = name === "tensorflow" ? tryTfjsNode() : name === "wasm" ? tryWasm() : null;
    if (why) {
      skipped.push(`${name}: ${why}`);
      continue;
    }
    try {
      if (!(await tfjs.setBackend(name))) throw new Error("setBackend returned false");
      await tfjs.ready();
    } catch (e) {
      skipped.push(`${name}: initialisation failed (${(e as Error).message})`);
      continue;
    }
    const reason = forced
      ? `forced by GENLAB_BACKEND=${forced}`
      : name === "tensorflow"
        ? "native @tensorflow/tfjs-node is installed"
        : name === "wasm"
          ? "tfjs-node is not available; wasm (XNNPACK, SIMD) is the fastest backend that installs from npm alone"
          : "neither tfjs-node nor wasm could be loaded";
    const patches = name === "wasm" && isWasmMatMulPatched() ? ["wasm BatchMatMul/_FusedMatMul: transposed operands transposed explicitly, product on XNNPACK"] : [];
    return { name, reason, skipped, threads: 1, version: tfjs.version_core, patches };
  }
  throw new Error(`no TensorFlow.js backend could be initialised:\n  ${skipped.join("\n  ")}`);
}

/**
 * Initialise (once) and return TensorFlow.js with the best backend. Call it at the top of a chapter:
 * `const tf = await lab.tfReady();`. Later calls return at once.
 */
export async function tfReady(): Promise<typeof tfjs> {
  await backendInfo();
  return tfjs;
}

/** Which backend is active and why (initialises on first call). */
export async function backendInfo(): Promise<BackendInfo> {
  if (info) return info;
  pending ??= choose().then((i) => (info = i));
  return pending;
}

/** One line describing the active backend, for chapter headers and `npm run doctor`. */
export async function describeBackend(): Promise<string> {
  const i = await backendInfo();
  return `TensorFlow.js ${i.version}, backend '${i.name}': ${i.reason}`;
}
