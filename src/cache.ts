/**
 * On-disk cache for expensive results, that never returns a result for code that has changed.
 *
 *   const sweep = await cached("02-rf-sweep", () => experiments.rfSweep({ Ps: Ps, ridges: ridges, rng: rng.fork("sweep") }));
 *
 * A result is reused only when everything that computes it is unchanged. The key is a hash of:
 * - the name (or, in the older form `cached({ ...config }, compute)`, the configuration object);
 * - the source of `compute` itself;
 * - inside a notebook, everything `compute` uses from the notebook: the source of every notebook
 *   function it calls (and of the functions those call, transitively) and the value of every notebook
 *   variable it reads (parameters such as `quick`, sizes, data sets, generators in their current state).
 *   tslab keeps a notebook's top-level names on one object (`__tslab__.exports`), so they are found
 *   from the compiled source of `compute` without a list written by hand;
 * - the library package's code (a hash of the compiled src/: science, display, checks and this
 *   cache), so editing a model invalidates its results; the tools (tools/: runner, CLI, bench, API
 *   reference) are outside the package and never do;
 * - the compute path (float64 linear algebra backend, TensorFlow.js overrides).
 * Anything the library cannot key on (a value with cycles, a promise) means the result is computed and
 * not cached, with a note saying why.
 *
 * A reused result says so in one line (when it was computed, how long it took, how to recompute).
 * Results are stored as JSON in `<project>/.cache/results/<hash>.json` (git-ignored); typed arrays are
 * stored exactly and NaN / Infinity / -0 preserved. A corrupt or unreadable entry is recomputed with a
 * warning; a folder that cannot be written keeps the computed value and warns.
 *
 *   GENLAB_NO_CACHE=1      ignore the cache: recompute and overwrite (same as opts.ignore)
 *   GENLAB_CACHE_DIR=dir   store results elsewhere
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "./projectRoot";
import { linalgBackend } from "./linalg";
import { Rng } from "./random";
import { expectedBackend } from "./tf";

export interface CacheOptions {
  /** Extra values that decide the result and are not visible to the cache (e.g. data read from disk). */
  key?: unknown;
  /** A version string of the computation; part of the key. */
  version?: string;
  /** Recompute and overwrite even when a cached result exists. */
  ignore?: boolean;
  /** Directory to use instead of <project>/.cache/results. */
  dir?: string;
  /** Do not print the one-line "reused" note. */
  quiet?: boolean;
  /**
   * The computation is library code, called from inside the library (e.g. a study caching each of its
   * runs under `id`): its closure's words are not looked up in the notebook, whose names it cannot
   * see; the library's code hash and `id` are its key.
   */
  libraryCode?: boolean;
}

const TYPED: Record<string, { new (buf: ArrayBuffer): ArrayBufferView & ArrayLike<number> }> = {
  Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array,
};

/**
 * A hash of the compiled library package under `dir` (dist/src/, or build/ts/src/ in the tests): every
 * .js file in it. The package is what chapters import: the science, and the display, check and cache
 * code beside it; the tools (runner, CLI, bench, API reference) live in tools/, outside it, so a change
 * to them never invalidates a result while any change to the package does (a figure-style edit costs a
 * recompute; a stale result would cost a wrong number).
 */
export function scienceCodeHash(dir: string): string {
  const h = crypto.createHash("sha256");
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".js")) h.update(path.relative(dir, p)).update("\0").update(fs.readFileSync(p));
    }
  };
  walk(dir);
  return h.digest("hex").slice(0, 12);
}

let codeVersion: string | null = null;
/**
 * The science code's version: the package version plus `scienceCodeHash` of the compiled library, so
 * a change to a model invalidates cached results without anyone remembering to bump a version, and a
 * change to the tools (outside the package) does not. Computed once per process.
 */
export function libraryVersion(): string {
  if (codeVersion === null) {
    let version = "0", hash = "unreadable";
    try {
      version = String((JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { version?: string }).version ?? "0");
      hash = scienceCodeHash(__dirname);
    } catch { /* unreadable: the package version alone */ }
    codeVersion = `${version}+${hash}`;
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
  if (v instanceof Map || v instanceof Set) throw new TypeError("cache: Map and Set values cannot be stored; return plain objects or arrays");
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
 * What else decides the numbers besides the code and its inputs: the float64 linear-algebra path
 * (OpenBLAS and the JS kernels differ in the last bits), the TensorFlow.js backend (wasm, or native
 * tfjs-node when installed later) and the environment overrides that pick a matmul or optimizer path.
 */
export function computeEnvironment(): Record<string, string> {
  const env: Record<string, string> = { linalg: linalgBackend().name, tfjs: expectedBackend() };
  for (const v of ["GENLAB_TF_MATMUL", "GENLAB_WASM_MATMUL_PATCH", "GENLAB_FUSED_OPTIMIZER"]) {
    if (process.env[v]) env[v] = process.env[v] as string;
  }
  return env;
}

// ------------------------------------------------------------------ what a computation depends on

/** A value the cache cannot key on; the result is then computed and not cached. */
class Unkeyable extends Error {}

let scopeOverride: Record<string, unknown> | null | undefined;
/**
 * The notebook's top-level names: tslab keeps them on `globalThis.__tslab__.exports`. Tests (and
 * other front ends) can set a scope of their own; `undefined` restores the default.
 */
export function setNotebookScope(scope: Record<string, unknown> | null | undefined): void {
  scopeOverride = scope;
}
function notebookScope(): Record<string, unknown> | null {
  if (scopeOverride !== undefined) return scopeOverride;
  const g = globalThis as { __tslab__?: { exports?: Record<string, unknown> } };
  return g.__tslab__?.exports ?? null;
}

let libSet: WeakSet<object> = new WeakSet();
let libSetSize = -1;
/**
 * Objects and functions that belong to loaded modules (the lab's library, TensorFlow.js, ...): every
 * module's exports and their own properties. Their code is covered by the library version, so they
 * are skipped, not hashed.
 */
function isLibraryValue(v: unknown): boolean {
  if ((typeof v !== "object" && typeof v !== "function") || v === null) return false;
  const cache = require.cache;
  const size = Object.keys(cache).length;
  if (size !== libSetSize) {
    libSet = new WeakSet();
    for (const m of Object.values(cache)) {
      const ex = m?.exports as unknown;
      if ((typeof ex !== "object" && typeof ex !== "function") || ex === null) continue;
      libSet.add(ex as object);
      for (const k of Object.keys(ex as object)) {
        let p: unknown;
        try { p = (ex as Record<string, unknown>)[k]; } catch { continue; }
        if ((typeof p === "object" || typeof p === "function") && p !== null) libSet.add(p as object);
      }
    }
    libSetSize = size;
  }
  return libSet.has(v as object);
}

const IDENT = /\bexports\.([A-Za-z_$][\w$]*)|(?<![\w$.])([A-Za-z_$][\w$]*)/g;
/** Names a piece of compiled code mentions (over-approximate: words in strings and comments count too). */
function identifiers(src: string): Set<string> {
  const out = new Set<string>();
  for (const m of src.matchAll(IDENT)) {
    const name = m[1] ?? m[2];
    if (name && name !== "exports") out.add(name);
  }
  return out;
}

function isTensorLike(v: object): v is { shape: number[]; dtype: string; dataSync(): ArrayLike<number>; isDisposed: boolean } {
  const t = v as { shape?: unknown; dtype?: unknown; dataSync?: unknown };
  return Array.isArray(t.shape) && typeof t.dtype === "string" && typeof t.dataSync === "function";
}

/**
 * Feed a canonical encoding of `v` into `h`. Functions contribute their source (and their own
 * properties, where a factory records its parameters) and are queued so the notebook names they use
 * are found too.
 */
function hashInto(h: crypto.Hash, v: unknown, where: string, stack: object[], fns: string[], rngs: Rng[]): void {
  switch (typeof v) {
    case "undefined": h.update("u;"); return;
    case "boolean": h.update(v ? "T;" : "F;"); return;
    case "number": h.update(`n${Object.is(v, -0) ? "-0" : String(v)};`); return;
    case "bigint": h.update(`B${v};`); return;
    case "string": h.update(`s${v.length}:`).update(v); return;
    case "symbol": h.update("y;"); return;
  }
  if (v === null) { h.update("N;"); return; }
  if (isLibraryValue(v)) { h.update("L;"); return; }
  const o = v as object;
  if (stack.includes(o)) throw new Unkeyable(`${where} refers to itself (a cycle)`);
  if (typeof v === "function") {
    const src = Function.prototype.toString.call(v);
    fns.push(src);
    h.update(`f${src.length}:`).update(src);
    const keys = Object.keys(v).sort();
    if (keys.length) {
      stack.push(o);
      for (const k of keys) { h.update(`.${k}=`); hashInto(h, (v as unknown as Record<string, unknown>)[k], `${where}.${k}`, stack, fns, rngs); }
      stack.pop();
    }
    return;
  }
  if (ArrayBuffer.isView(v)) {
    const b = v as ArrayBufferView;
    h.update(`a${v.constructor.name}${b.byteLength}:`).update(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    return;
  }
  if (v instanceof ArrayBuffer) { h.update(`b${v.byteLength}:`).update(new Uint8Array(v)); return; }
  if (v instanceof Promise) throw new Unkeyable(`${where} is a Promise (await it first)`);
  if (v instanceof Date) { h.update(`d${v.toISOString()};`); return; }
  if (v instanceof Rng) rngs.push(v);
  if (isTensorLike(o)) {
    if (o.isDisposed) throw new Unkeyable(`${where} is a disposed tensor`);
    const data = o.dataSync() as ArrayBufferView & ArrayLike<number>;
    h.update(`t${o.dtype}[${o.shape.join(",")}]`).update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return;
  }
  stack.push(o);
  if (Array.isArray(v)) {
    h.update(`[${v.length}:`);
    v.forEach((x, i) => hashInto(h, x, `${where}[${i}]`, stack, fns, rngs));
    h.update("]");
  } else if (v instanceof Map) {
    h.update(`M${v.size}:`);
    for (const [k, x] of v) { hashInto(h, k, `${where} key`, stack, fns, rngs); hashInto(h, x, `${where}.get(...)`, stack, fns, rngs); }
  } else if (v instanceof Set) {
    h.update(`S${v.size}:`);
    for (const x of v) hashInto(h, x, `${where} element`, stack, fns, rngs);
  } else {
    h.update(`o${(o.constructor && o.constructor.name) || ""}{`);
    for (const k of Object.keys(o).sort()) {
      let x: unknown;
      try { x = (o as Record<string, unknown>)[k]; } catch (e) { throw new Unkeyable(`${where}.${k} cannot be read (${(e as Error).message})`); }
      h.update(`${k}=`);
      hashInto(h, x, `${where}.${k}`, stack, fns, rngs);
    }
    h.update("}");
  }
  stack.pop();
}

interface Dependencies {
  /** Notebook name -> hash of its value or source. */
  names: Record<string, string>;
  /** Generators read by the computation, with their state before it ran. */
  rngs: { rng: Rng; state: string }[];
}

function rngState(r: Rng): string {
  return JSON.stringify(r);
}

/** Everything `compute` uses from the notebook, found from its compiled source (see the file's note). */
function dependencies(compute: (...args: never[]) => unknown): Dependencies {
  const scope = notebookScope();
  const names: Record<string, string> = {};
  const rngs: Rng[] = [];
  if (!scope) return { names, rngs: [] };
  const queue = [Function.prototype.toString.call(compute)];
  const seen = new Set<string>();
  while (queue.length > 0) {
    for (const name of identifiers(queue.pop() as string)) {
      if (seen.has(name)) continue;
      seen.add(name);
      if (!Object.prototype.hasOwnProperty.call(scope, name)) continue;
      const v = scope[name];
      if (isLibraryValue(v)) continue;
      const h = crypto.createHash("sha256");
      hashInto(h, v, name, [], queue, rngs);
      names[name] = h.digest("hex").slice(0, 16);
    }
  }
  return { names, rngs: Array.from(new Set(rngs), (rng) => ({ rng, state: rngState(rng) })) };
}

/** The key of a computation: its hash, the canonical text it hashes, and the notebook names it depends on. */
export interface CacheKey {
  hash: string;
  canonical: string;
  dependsOn: string[];
}

type Compute<T> = () => Promise<T> | T;

function buildKey(id: string | object, compute: Compute<unknown>, opts: CacheOptions): { key: CacheKey; rngs: Dependencies["rngs"] } {
  const deps: Dependencies = opts.libraryCode ? { names: {}, rngs: [] } : dependencies(compute);
  const keyHash = opts.key === undefined ? undefined : crypto.createHash("sha256").update(stableStringify(opts.key)).digest("hex").slice(0, 16);
  const canonical = stableStringify({
    id, key: keyHash, version: opts.version ?? "", code: Function.prototype.toString.call(compute),
    uses: deps.names, library: libraryVersion(), env: computeEnvironment(),
  });
  const hash = crypto.createHash("sha256").update(canonical).digest("hex").slice(0, 40);
  return { key: { hash, canonical, dependsOn: Object.keys(deps.names).sort() }, rngs: deps.rngs };
}

/**
 * The key `cached(id, compute, opts)` would use (throws if the computation cannot be keyed): two
 * computations share a cached result exactly when their keys are equal.
 */
export function keyOf(id: string | object, compute: Compute<unknown>, opts: CacheOptions = {}): CacheKey {
  return buildKey(id, compute, opts).key;
}

/**
 * Whether `cached(id, compute, opts)` would return a stored result now (without computing anything):
 * false when the cache is ignored (GENLAB_NO_CACHE=1 or opts.ignore), the computation cannot be keyed,
 * or no valid entry exists. A study that trains many runs at once uses it to find the runs still to
 * do, trains those together, then stores each with `cached` (experiments/scalingStudy.ts).
 */
export function isCached(id: string | object, compute: Compute<unknown>, opts: CacheOptions = {}): boolean {
  if (cacheIgnored(opts)) return false;
  let key: CacheKey;
  try {
    key = buildKey(id, compute, opts).key;
  } catch (e) {
    if (e instanceof Unkeyable) return false;
    throw e;
  }
  const file = path.join(cacheDir(opts), `${key.hash}.json`);
  if (!fs.existsSync(file)) return false;
  try {
    return readEntry(file).canonical === key.canonical;
  } catch {
    return false;
  }
}

/** Whether the cache is to be ignored: `opts.ignore` or GENLAB_NO_CACHE=1. */
function cacheIgnored(opts: CacheOptions): boolean {
  return !!opts.ignore || ["1", "true", "yes"].includes((process.env.GENLAB_NO_CACHE ?? "").toLowerCase());
}

/** A stored entry as written by `cached` (throws when unreadable or not JSON). */
interface Entry<T> { canonical?: string; value: T; undef?: boolean; created?: string; seconds?: number }
function readEntry<T>(file: string): Entry<T> {
  return JSON.parse(fs.readFileSync(file, "utf8"), decodeValue) as Entry<T>;
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

function label(id: string | object): string {
  if (typeof id === "string") return `'${id}'`;
  const o = id as Record<string, unknown>;
  const name = o.exp ?? o.name ?? o.experiment;
  return typeof name === "string" ? `'${name}'` : "result";
}

function ago(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "at an unknown time" : `on ${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

const inflight = new Map<string, Promise<unknown>>();

/**
 * The result of `compute()`: read from the cache when this exact computation (see the file's note)
 * has run before, else computed, stored and returned. `id` names it (a string), or is a configuration
 * object (the older form). Concurrent calls with the same key in one process share one computation.
 */
export async function cached<T>(id: string | object, compute: Compute<T>, opts: CacheOptions = {}): Promise<T> {
  if (typeof id !== "string" && (typeof id !== "object" || id === null)) throw new TypeError("cached: the first argument names the result (a string) or is a configuration object");
  if (typeof compute !== "function") throw new TypeError("cached: the second argument must be the function that computes the result");
  let built: ReturnType<typeof buildKey>;
  try {
    built = buildKey(id, compute as Compute<unknown>, opts);
  } catch (e) {
    if (!(e instanceof Unkeyable)) throw e;
    console.log(`cache: ${label(id)} is computed and not cached: ${e.message}; the cache cannot tell whether it changed. Pass the numbers it needs instead.`);
    return compute();
  }
  const { key, rngs } = built;
  const file = path.join(cacheDir(opts), `${key.hash}.json`);
  const ignore = cacheIgnored(opts);
  const running = inflight.get(file);
  if (running) return running as Promise<T>;
  const job = (async (): Promise<T> => {
    if (!ignore && fs.existsSync(file)) {
      try {
        const stored = readEntry<T>(file);
        if (stored.canonical === key.canonical) {
          if (!opts.quiet) {
            const secs = typeof stored.seconds === "number" ? ` in ${stored.seconds < 10 ? stored.seconds.toFixed(2) : stored.seconds.toFixed(0)} s` : "";
            console.log(`cache: reused ${label(id)}, computed ${ago(stored.created ?? "")}${secs}; to recompute, run with GENLAB_NO_CACHE=1 or pass { ignore: true }`);
          }
          return stored.undef ? (undefined as T) : stored.value;
        }
        console.warn(`cache: ${file} holds a different computation (edited by hand?); recomputing`);
      } catch (e) {
        console.warn(`cache: ${file} is unreadable or corrupt (${(e as Error).message.split("\n")[0]}); recomputing`);
      }
    }
    const t0 = Date.now();
    const value = await compute();
    const seconds = (Date.now() - t0) / 1000;
    for (const { rng, state } of rngs) {
      if (rngState(rng) !== state) {
        console.warn(`cache: ${label(id)} drew numbers directly from the generator with path "${rng.path}"; a cached rerun skips those draws and later results change. Derive what it needs with rng.fork("a name") instead.`);
      }
    }
    const record = { canonical: key.canonical, created: new Date().toISOString(), seconds, undef: value === undefined, value: value === undefined ? null : value };
    let text: string;
    try {
      text = JSON.stringify(record, encodeValue);
    } catch (e) {
      console.warn(`cache: ${label(id)} is not stored (${(e as Error).message}); it is returned as computed`);
      return value;
    }
    try {
      writeAtomic(file, text);
    } catch (e) {
      console.warn(`cache: could not write ${file} (${(e as Error).message.split("\n")[0]}); the result is kept for this run only`);
    }
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
