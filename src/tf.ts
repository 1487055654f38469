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
 * When the native addon (native/, `npm run build:native`) is built, the patched kernels go one step
 * further: float32 products of some size run on OpenBLAS sgemm, called directly on the wasm heap
 * (Float32Array views of wasm memory, no copies), with bias and activation applied in place. This
 * uses both cores with AVX2/FMA kernels where wasm SIMD is 4 lanes wide on one thread.
 * `GENLAB_TF_MATMUL=xnnpack` (or `configureWasmMatMul({native: false})`) keeps products on XNNPACK.
 *
 * wasm threads are not enabled: tfjs disables them under Node, and forcing them needs three patches
 * to tfjs internals (flag, a real worker file instead of a blob URL, the core count), adds 0.3-0.4 s
 * of start-up and keeps the process alive until process.exit(); the measured gain here (2 cores) is
 * 1.25-1.5x per training step (docs/performance.md). Not worth the fragility in a teaching lab.
 */
import * as fs from "fs";
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

/** The TensorFlow.js module the lab uses (one engine shared with danfojs); call `tfReady()` before the first op. */
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

/** How patched wasm products are computed; see configureWasmMatMul. */
const mm = {
  /** Use OpenBLAS sgemm from the native addon when it loads (GENLAB_TF_MATMUL=xnnpack turns it off). */
  native: (process.env.GENLAB_TF_MATMUL ?? "").toLowerCase() !== "xnnpack",
  /** Smallest m*n*k*batch sent to OpenBLAS; smaller products stay on XNNPACK. */
  nativeMinWork: 1 << 15,
  /** Products sent to OpenBLAS so far (for tests and the bench). */
  nativeCalls: 0,
};
type Sgemm = (tA: boolean, tB: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array) => void;
/** The product with its bias and ReLU applied in C (present in addons built from the current native/ sources; older builds lack it). */
type SgemmEp = (tA: boolean, tB: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array, bias: Float32Array | null, relu: boolean) => void;
function sgemm(): { f: Sgemm | null; ep: SgemmEp | null; why: string } {
  // nativeAddon() caches the load (and honours src/linalg's setNativeLoader, which tests use)
  const { nativeAddon } = require("./linalg/backend") as typeof import("./linalg/backend");
  const got = nativeAddon();
  const mod = got.mod as (typeof got.mod & { sgemm_ep?: SgemmEp }) | null;
  if (mod?.sgemm) return { f: mod.sgemm, ep: mod.sgemm_ep ?? null, why: "" };
  return { f: null, ep: null, why: got.mod ? "the native addon predates sgemm (run `npm run build:native`)" : got.why };
}

/**
 * Tune the patched wasm matmul: `native: false` keeps every product on XNNPACK (explicit transposes
 * only); `nativeMinWork` is the smallest m*n*k*batch sent to OpenBLAS. Returns the current settings
 * and whether OpenBLAS sgemm is available (and if not, why).
 */
export function configureWasmMatMul(opts: { native?: boolean; nativeMinWork?: number } = {}): {
  native: boolean; nativeMinWork: number; nativeCalls: number; sgemmAvailable: boolean; why: string;
} {
  if (opts.native !== undefined) mm.native = opts.native;
  if (opts.nativeMinWork !== undefined) mm.nativeMinWork = opts.nativeMinWork;
  const s = sgemm();
  return { native: mm.native, nativeMinWork: mm.nativeMinWork, nativeCalls: mm.nativeCalls, sgemmAvailable: !!s.f, why: s.why };
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: string): tfjs.TensorInfo;
  typedArrayFromHeap(t: tfjs.TensorInfo): Float32Array;
  disposeData(id: object): void;
}

const prod = (xs: number[]): number => xs.reduce((p, x) => p * x, 1);
const NATIVE_ACTIVATIONS = new Set(["linear", "relu", "relu6", "leakyrelu", "sigmoid", "elu"]);

/**
 * A float32 product (and, for _FusedMatMul, its bias and activation) computed by OpenBLAS sgemm
 * directly on the wasm heap (no copies: the addon receives Float32Array views of wasm memory).
 * Returns null when this path does not apply (small product, other dtype, prelu, broadcast bias,
 * general batch broadcasting): the caller then uses XNNPACK.
 */
function nativeMatMul(fused: boolean, args: Parameters<AnyKernelFunc>[0]): tfjs.TensorInfo | null {
  if (!mm.native) return null;
  const { f, ep } = sgemm();
  const backend = args.backend as WasmBackendLike;
  if (!f || typeof backend.typedArrayFromHeap !== "function") return null;
  const a = args.inputs.a as tfjs.TensorInfo, b = args.inputs.b as tfjs.TensorInfo;
  if (a.dtype !== "float32" || b.dtype !== "float32" || a.shape.length < 2 || b.shape.length < 2) return null;
  const tA = !!args.attrs.transposeA, tB = !!args.attrs.transposeB;
  const ar = a.shape.length, br = b.shape.length;
  const m = tA ? a.shape[ar - 1] : a.shape[ar - 2], k = tA ? a.shape[ar - 2] : a.shape[ar - 1];
  const k2 = tB ? b.shape[br - 1] : b.shape[br - 2], n = tB ? b.shape[br - 2] : b.shape[br - 1];
  if (k !== k2) return null; // the original kernel reports the shape error
  const outerA = a.shape.slice(0, -2), outerB = b.shape.slice(0, -2);
  const batchA = prod(outerA), batchB = prod(outerB);
  let outer: number[];
  try {
    outer = tfjs.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  } catch {
    return null;
  }
  const batch = prod(outer);
  if (!((batchA === batch || batchA === 1) && (batchB === batch || batchB === 1))) return null;
  if (m * n * k * batch < mm.nativeMinWork) return null;
  let bias: tfjs.TensorInfo | undefined;
  let activation = "linear";
  let alpha = 0.2;
  if (fused) {
    bias = args.inputs.bias as tfjs.TensorInfo | undefined;
    activation = String(args.attrs.activation ?? "linear");
    alpha = Number(args.attrs.leakyreluAlpha ?? 0.2);
    if (!NATIVE_ACTIVATIONS.has(activation) || args.inputs.preluActivationWeights) return null;
    if (bias && (bias.dtype !== "float32" || bias.shape.length !== 1 || (bias.shape[0] !== n && bias.shape[0] !== 1))) return null;
  }
  const out = backend.makeOutput([...outer, m, n], "float32");
  // views taken after makeOutput: an allocation can grow (and detach) the wasm memory
  const A = backend.typedArrayFromHeap(a), B = backend.typedArrayFromHeap(b), C = backend.typedArrayFromHeap(out);
  const sa = m * k, sb = k * n, sc = m * n;
  if (ep && (activation === "linear" || activation === "relu") && (!bias || bias.shape[0] === n)) {
    // bias and ReLU in C: a JavaScript loop over the output would cost as much as a small product
    const bv = bias ? backend.typedArrayFromHeap(bias) : null;
    for (let i = 0; i < batch; i++) {
      const ia = batchA === 1 ? 0 : i, ib = batchB === 1 ? 0 : i;
      ep.call(null, tA, tB, m, n, k, A.subarray(ia * sa, (ia + 1) * sa), B.subarray(ib * sb, (ib + 1) * sb), C.subarray(i * sc, (i + 1) * sc), bv, activation === "relu");
    }
    mm.nativeCalls++;
    return out;
  }
  for (let i = 0; i < batch; i++) {
    const ia = batchA === 1 ? 0 : i, ib = batchB === 1 ? 0 : i;
    f.call(null, tA, tB, m, n, k, A.subarray(ia * sa, (ia + 1) * sa), B.subarray(ib * sb, (ib + 1) * sb), C.subarray(i * sc, (i + 1) * sc));
  }
  mm.nativeCalls++;
  if (bias) {
    const bv = backend.typedArrayFromHeap(bias);
    if (bv.length === 1) {
      const c0 = bv[0];
      for (let i = 0; i < C.length; i++) C[i] += c0;
    } else {
      for (let r = 0; r < C.length; r += n) for (let j = 0; j < n; j++) C[r + j] += bv[j];
    }
  }
  switch (activation) {
    case "relu":
      for (let i = 0; i < C.length; i++) if (C[i] < 0) C[i] = 0;
      break;
    case "relu6":
      for (let i = 0; i < C.length; i++) C[i] = Math.min(Math.max(C[i], 0), 6);
      break;
    case "leakyrelu":
      for (let i = 0; i < C.length; i++) if (C[i] < 0) C[i] *= alpha;
      break;
    case "sigmoid":
      for (let i = 0; i < C.length; i++) C[i] = 1 / (1 + Math.exp(-C[i]));
      break;
    case "elu":
      for (let i = 0; i < C.length; i++) if (C[i] < 0) C[i] = Math.expm1(C[i]);
      break;
  }
  return out;
}

/**
 * Re-register the wasm BatchMatMul and _FusedMatMul kernels (see the note at the top): float32
 * products go to OpenBLAS sgemm when the native addon is built, else transposed operands are
 * transposed explicitly and the product runs untransposed on XNNPACK.
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
    const fused = name === "_FusedMatMul";
    const kernelFunc: AnyKernelFunc = (args) => {
      const { inputs, backend, attrs } = args;
      const viaBlas = nativeMatMul(fused, args);
      if (viaBlas) return viaBlas;
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

/**
 * The backend `tfReady()` picks (or picked) in this process, known without initialising TensorFlow.js:
 * the choice made, else GENLAB_BACKEND, else "tensorflow" when a real @tensorflow/tfjs-node is
 * installed (not the plain tfjs that the danfojs override puts under that name), else "wasm". For
 * cache keys: results computed on one backend are not reused on another.
 */
export function expectedBackend(): string {
  if (info) return info.name;
  if (process.env.GENLAB_BACKEND) return process.env.GENLAB_BACKEND;
  try {
    const pkg = require.resolve("@tensorflow/tfjs-node/package.json");
    const name = (JSON.parse(fs.readFileSync(pkg, "utf8")) as { name?: string }).name;
    if (name === "@tensorflow/tfjs-node") return "tensorflow";
  } catch { /* not installed */ }
  return "wasm";
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
    const patches: string[] = [];
    if (name === "wasm" && isWasmMatMulPatched()) {
      const s = sgemm();
      patches.push(
        mm.native && s.f
          ? "wasm BatchMatMul/_FusedMatMul: float32 products on OpenBLAS sgemm (native addon), small ones on XNNPACK"
          : `wasm BatchMatMul/_FusedMatMul: transposed operands transposed explicitly, products on XNNPACK${mm.native ? ` (no OpenBLAS: ${s.why})` : " (GENLAB_TF_MATMUL=xnnpack)"}`,
      );
    }
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
  return `TensorFlow.js ${i.version}, backend '${i.name}': ${i.reason}${i.patches.length ? `; ${i.patches.join("; ")}` : ""}`;
}
