/**
 * Chooses the float64 kernels: the native BLAS/LAPACK addon (native/genlab_linalg.c, built by
 * `npm run build:native`) when it loads, else the pure-JS kernels of ./js.
 *   GENLAB_LINALG=js      forces the pure-JS path;
 *   GENLAB_LINALG=native  requires the addon (throws if it cannot be loaded);
 *   unset / auto          addon if present, else JS.
 *   GENLAB_LINALG_ADDON=/path/to/genlab_linalg.node  loads the addon from elsewhere.
 */
import * as fs from "fs";
import * as path from "path";
import * as js from "./js";

/** Which implementation runs the linear algebra: OpenBLAS (the native addon), Apple's Accelerate, or plain JavaScript. */
export type LinalgBackendName = "openblas" | "accelerate" | "js";

/** The kernels every public function is built from (row-major Float64Arrays, results allocated by the caller where noted). */
export interface Kernels {
  name: LinalgBackendName;
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float64Array, b: Float64Array): Float64Array;
  syrk(trans: boolean, r: number, c: number, x: Float64Array): Float64Array;
  potrf(n: number, a: Float64Array): number;
  potrs(n: number, nrhs: number, l: Float64Array, b: Float64Array): void;
  gesv(n: number, nrhs: number, a: Float64Array, b: Float64Array): number;
  syevd(n: number, a: Float64Array, w: Float64Array, vectors: boolean): number;
  /** Minimum-norm least squares (SVD based); b has max(m, n) rows and returns the solution in its first n rows. Returns the rank, or -1 - info on failure. */
  gelsd?(m: number, n: number, nrhs: number, a: Float64Array, b: Float64Array, rcond: number): number;
  /** Thin SVD: a (m x n) = U diag(s) VT, U m x k, VT k x n, k = min(m, n). Returns info. */
  gesdd?(m: number, n: number, a: Float64Array, s: Float64Array, u: Float64Array, vt: Float64Array): number;
}

/** What the compiled addon exports (see native/genlab_linalg.c). */
export interface NativeAddon {
  blas: string;
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array): void;
  syrk(trans: boolean, r: number, c: number, x: Float64Array, g: Float64Array): void;
  potrf(n: number, a: Float64Array): number;
  potrs(n: number, nrhs: number, l: Float64Array, b: Float64Array): number;
  gesv(n: number, nrhs: number, a: Float64Array, b: Float64Array): number;
  syevd(n: number, a: Float64Array, w: Float64Array, vectors: boolean): number;
  gelsd(m: number, n: number, nrhs: number, a: Float64Array, b: Float64Array, rcond: number): number;
  gesdd(m: number, n: number, a: Float64Array, s: Float64Array, u: Float64Array, vt: Float64Array): number;
  /** OpenBLAS configuration string and thread count. */
  config(): string;
  /** float32 C = op(A) op(B) (src/tf.ts uses it on wasm tensor memory); absent in older builds. */
  sgemm?(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array): void;
  /** Set (n > 0) and return the BLAS thread count. */
  threads?(n?: number): number;
}

export const jsKernels: Kernels = {
  name: "js",
  gemm: js.gemm,
  syrk: js.syrk,
  potrf: js.potrf,
  potrs: js.potrs,
  gesv: js.gesv,
  syevd: js.syevd,
};

const ADDON_REL = path.join("native", "build", "Release", "genlab_linalg.node");

/** Where the addon is looked for: GENLAB_LINALG_ADDON, else native/build/Release/ in the first ancestor folder that has it. */
export function addonPath(): string | null {
  if (process.env.GENLAB_LINALG_ADDON) return process.env.GENLAB_LINALG_ADDON;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const p = path.join(dir, ADDON_REL);
    if (fs.existsSync(p)) return p;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/** A loader returns the addon, or throws an Error whose message says why it is unavailable. */
export type NativeLoader = () => NativeAddon;

export const defaultLoader: NativeLoader = () => {
  const p = addonPath();
  if (!p) throw new Error(`${ADDON_REL} not found (run \`npm run build:native\`; it needs a C compiler and OpenBLAS + LAPACKE)`);
  const mod = require(p) as NativeAddon;
  for (const f of ["gemm", "syrk", "potrf", "potrs", "gesv", "syevd", "gelsd", "gesdd"] as const) {
    if (typeof mod[f] !== "function") throw new Error(`${p} does not export ${f}() (stale build? run \`npm run build:native\`)`);
  }
  return mod;
};

function wrap(mod: NativeAddon): Kernels {
  const name: LinalgBackendName = mod.blas === "accelerate" ? "accelerate" : "openblas";
  return {
    name,
    gemm(tA, tB, m, n, k, a, b) {
      const c = new Float64Array(m * n);
      if (m > 0 && n > 0) {
        if (k === 0) return c;
        mod.gemm(tA, tB, m, n, k, a, b, c);
      }
      return c;
    },
    syrk(trans, r, c, x) {
      const p = trans ? c : r;
      const g = new Float64Array(p * p);
      if (p > 0 && r > 0 && c > 0) mod.syrk(trans, r, c, x, g);
      return g;
    },
    potrf: (n, a) => (n === 0 ? 0 : mod.potrf(n, a)),
    potrs(n, nrhs, l, b) {
      if (n === 0 || nrhs === 0) return;
      const info = mod.potrs(n, nrhs, l, b);
      if (info !== 0) throw new Error(`LAPACKE_dpotrs failed (info ${info})`);
    },
    gesv: (n, nrhs, a, b) => (n === 0 ? 0 : nrhs === 0 ? js.gesv(n, 0, a, b) : mod.gesv(n, nrhs, a, b)),
    syevd: (n, a, w, vectors) => (n === 0 ? 0 : mod.syevd(n, a, w, vectors)),
    gelsd: (m, n, nrhs, a, b, rcond) => mod.gelsd(m, n, nrhs, a, b, rcond),
    gesdd: (m, n, a, s, u, vt) => mod.gesdd(m, n, a, s, u, vt),
  };
}

let loader: NativeLoader = defaultLoader;
let chosen: { kernels: Kernels; reason: string } | null = null;
let addonCache: { mod: NativeAddon | null; why: string } | null = null;

/** The addon itself (for src/tf.ts's float32 products), whatever GENLAB_LINALG says; null with the reason when it cannot be loaded. */
export function nativeAddon(): { mod: NativeAddon | null; why: string } {
  if (!addonCache) {
    try {
      addonCache = { mod: loader(), why: "" };
    } catch (e) {
      addonCache = { mod: null, why: (e as Error).message.split("\n")[0] };
    }
  }
  return addonCache;
}

/** Replace the addon loader (tests use it to simulate a missing or broken addon); `null` restores the default. Resets the choice. */
export function setNativeLoader(l: NativeLoader | null): void {
  loader = l ?? defaultLoader;
  chosen = null;
  addonCache = null;
}

/** Forget the cached choice so the next call re-reads GENLAB_LINALG and reloads. */
export function resetLinalgBackend(): void {
  chosen = null;
  addonCache = null;
}

export function kernels(): Kernels {
  return choose().kernels;
}

export function choose(): { kernels: Kernels; reason: string } {
  if (chosen) return chosen;
  const mode = (process.env.GENLAB_LINALG ?? "auto").toLowerCase();
  if (!["js", "native", "auto", ""].includes(mode)) {
    throw new Error(`GENLAB_LINALG must be js, native or auto; got '${process.env.GENLAB_LINALG}'`);
  }
  if (mode === "js") {
    chosen = { kernels: jsKernels, reason: "forced by GENLAB_LINALG=js" };
    return chosen;
  }
  try {
    const got = nativeAddon();
    if (!got.mod) throw new Error(got.why);
    const mod = got.mod;
    const k = wrap(mod);
    chosen = { kernels: k, reason: `native addon over ${mod.blas} (BLAS/LAPACK) loaded` + (mode === "native" ? " (GENLAB_LINALG=native)" : "") };
  } catch (e) {
    const why = (e as Error).message.split("\n")[0];
    if (mode === "native") throw new Error(`GENLAB_LINALG=native but the addon cannot be used: ${why}`);
    chosen = { kernels: jsKernels, reason: `pure JS: ${why}` };
  }
  return chosen;
}
