/**
 * On-disk cache for expensive experiment results.
 *
 *   const curve = await cached({ exp: "double-descent", n: 200, ps, seed }, () => sweep(...), { version: "2" });
 *
 * The key is a hash of the full JSON configuration (object keys sorted, typed arrays included) plus a
 * code version: the library's (package version + a hash of its compiled code, see `libraryVersion`)
 * and the caller's `version` string (bump it when a notebook's own computation changes), plus the
 * compute environment (linear-algebra path, tfjs overrides; see `computeEnvironment`). Results are
 * stored as JSON in `<project>/.cache/results/<hash>.json` (git-ignored), with
 * Float64Array / Float32Array / Int32Array / Uint8Array values stored exactly (base64 of their bytes)
 * and NaN / Infinity / -0 preserved, so `{rows, cols, data: Float64Array}` matrices round-trip.
 * Writes are atomic (temporary file + rename); a corrupt file is recomputed with a warning.
 *
 *   GENLAB_NO_CACHE=1      ignore the cache: recompute and overwrite (same as opts.ignore);
 *   GENLAB_CACHE_DIR=dir   store results elsewhere.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "./project/paths";
import { linalgBackend } from "./linalg";

export interface CacheOptions {
  /** Code version of the computation; part of the key. */
  version?: string;
  /** Recompute and overwrite even when a cached result exists. */
  ignore?: boolean;
  /** Directory to use instead of <project>/.cache/results. */
  dir?: string;
}

const TYPED: Record<string, { new (buf: ArrayBuffer): ArrayBufferView & ArrayLike<number> }> = {
  Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array,
};

let codeVersion: string | null = null;
/**
 * The library's code version: the package version plus a hash of the compiled library's JavaScript
 * (every .js file next to this one), so any change to src/ invalidates cached results without anyone
 * remembering to bump a version. Computed once per process (about 100 small files).
 */
export function libraryVersion(): string {
  if (codeVersion === null) {
    const h = crypto.createHash("sha256");
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith(".js")) h.update(e.name).update(fs.readFileSync(p));
      }
    };
    let version = "0";
    try {
      version = String((JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { version?: string }).version ?? "0");
      walk(__dirname);
    } catch { /* unreadable: the package version alone */ }
    codeVersion = `${version}+${h.digest("hex").slice(0, 12)}`;
  }
  return codeVersion;
}

/** Where results are stored. */
export function cacheDir(opts: CacheOptions = {}): string {
  return opts.dir ?? process.env.GENLAB_CACHE_DIR ?? path.join(projectRoot, ".cache", "results");
}

function encodeValue(_k: string, v: unknown): unknown {
  if (typeof v === "number") {
    if (Number.isNaN(v)) return { $num: "NaN" };
    if (v === Infinity) return { $num: "Infinity" };
    if (v === -Infinity) return { $num: "-Infinity" };
    if (v === 0 && 1 / v < 0) return { $num: "-0" };
    return v;
  }
  if (typeof v === "bigint") return { $bigint: v.toString() };
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const name = v.constructor.name;
    if (!(name in TYPED)) throw new TypeError(`cache: cannot store a ${name}`);
    return { $typed: name, b64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64") };
  }
  if (v instanceof Map || v instanceof Set) throw new TypeError("cache: Map and Set values are not supported; use plain objects or arrays");
  return v;
}

function decodeValue(_k: string, v: unknown): unknown {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.$num === "string" && Object.keys(o).length === 1) {
      return o.$num === "NaN" ? NaN : o.$num === "Infinity" ? Infinity : o.$num === "-Infinity" ? -Infinity : -0;
    }
    if (typeof o.$bigint === "string" && Object.keys(o).length === 1) return BigInt(o.$bigint);
    if (typeof o.$typed === "string" && typeof o.b64 === "string" && Object.keys(o).length === 2) {
      const Ctor = TYPED[o.$typed];
      if (!Ctor) throw new TypeError(`unknown typed array ${o.$typed}`);
      const bytes = Buffer.from(o.b64, "base64");
      const buf = new ArrayBuffer(bytes.length);
      new Uint8Array(buf).set(bytes);
      return new Ctor(buf);
    }
  }
  return v;
}

/** JSON with sorted object keys and exact typed arrays: the canonical text of a configuration. */
export function stableStringify(x: unknown): string {
  const norm = (v: unknown, k: string): unknown => {
    const e = encodeValue(k, v);
    if (e === undefined || typeof e === "function") return undefined;
    if (Array.isArray(e)) return e.map((y, i) => norm(y, String(i)) ?? null);
    if (e && typeof e === "object") {
      const src = e as Record<string, unknown>;
      const src2 = typeof (src as { toJSON?: () => unknown }).toJSON === "function" ? (src as { toJSON: () => unknown }).toJSON() : src;
      if (src2 !== src) return norm(src2, k);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(src).sort()) {
        const n = norm(src[key], key);
        if (n !== undefined) out[key] = n;
      }
      return out;
    }
    return e;
  };
  return JSON.stringify(norm(x, ""));
}

/**
 * What else decides the numbers besides the configuration and the code: the float64 linear-algebra
 * path (OpenBLAS and the JS kernels differ in the last bits) and the environment overrides that pick
 * a TensorFlow.js backend or matmul path. A result computed under one is not reused under another.
 */
export function computeEnvironment(): Record<string, string> {
  const env: Record<string, string> = { linalg: linalgBackend().name };
  for (const v of ["GENLAB_BACKEND", "GENLAB_TF_MATMUL", "GENLAB_WASM_MATMUL_PATCH"]) {
    if (process.env[v]) env[v] = process.env[v] as string;
  }
  return env;
}

function canonicalKey(key: unknown, version: string): string {
  return stableStringify({ key, version, package: libraryVersion(), env: computeEnvironment() });
}

/** The hash (hex) that names the result of `key` at `version`. */
export function cacheKey(key: unknown, version = ""): string {
  const text = canonicalKey(key, version);
  return crypto.createHash("sha256").update(text).digest("hex").slice(0, 40);
}

function writeAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

const inflight = new Map<string, Promise<unknown>>();

/**
 * The result of `compute()` for this configuration: read from the cache when present, else computed,
 * stored and returned. Concurrent calls with the same key in one process share one computation.
 */
export async function cached<T>(key: object, compute: () => Promise<T> | T, opts: CacheOptions = {}): Promise<T> {
  const version = opts.version ?? "";
  const canonical = canonicalKey(key, version);
  const hash = crypto.createHash("sha256").update(canonical).digest("hex").slice(0, 40);
  const file = path.join(cacheDir(opts), `${hash}.json`);
  const ignore = !!opts.ignore || ["1", "true", "yes"].includes((process.env.GENLAB_NO_CACHE ?? "").toLowerCase());
  const running = inflight.get(file);
  if (running) return running as Promise<T>;
  const job = (async (): Promise<T> => {
    if (!ignore && fs.existsSync(file)) {
      try {
        const stored = JSON.parse(fs.readFileSync(file, "utf8"), decodeValue) as { canonical?: string; value: T; undef?: boolean };
        if (stored.canonical === canonical) return stored.undef ? (undefined as T) : stored.value;
        console.warn(`cache: ${file} holds a different configuration (hash collision or edited file); recomputing`);
      } catch (e) {
        console.warn(`cache: ${file} is corrupt (${(e as Error).message.split("\n")[0]}); recomputing`);
      }
    }
    const value = await compute();
    const record = { canonical, created: new Date().toISOString(), undef: value === undefined, value: value === undefined ? null : value };
    writeAtomic(file, JSON.stringify(record, encodeValue));
    return value;
  })();
  inflight.set(file, job);
  try {
    return await job;
  } finally {
    inflight.delete(file);
  }
}

/** Delete every cached result (in `dir` or the default folder); returns how many files were removed. */
export function clearCache(opts: CacheOptions = {}): number {
  const dir = cacheDir(opts);
  if (!fs.existsSync(dir)) return 0;
  let n = 0;
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith(".json") || f.endsWith(".tmp")) {
      fs.rmSync(path.join(dir, f), { force: true });
      n++;
    }
  }
  return n;
}
