/**
 * The key of a cached computation: everything that decides its result (the list and the reasons
 * are in ./index.ts and docs/runner.md's "The cache's key").
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../projectRoot";
import { linalgBackend } from "../linalg";
import { nativeAddon, addonPath } from "../linalg/backend";
import { Rng } from "../random";
import { expectedBackend } from "../tf";
import { stableStringify } from "./codec";
import { referencedNames } from "./scan";
import { capturedVariables } from "./closure";

/** The compiled library package this module belongs to (dist/src, or build/ts/src in the tests). */
export const PACKAGE_DIR = path.resolve(__dirname, "..");

/** Options that shape a key (see CacheOptions in ./store.ts). */
export interface KeyOptions {
  key?: unknown;
  version?: string;
  libraryCode?: boolean;
}

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

function versionOf(dir: string): string {
  let version = "0", hash = "unreadable";
  try {
    version = String((JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { version?: string }).version ?? "0");
    hash = scienceCodeHash(dir);
  } catch { /* unreadable: the package version alone */ }
  return `${version}+${hash}`;
}

/**
 * Hashed when the library is loaded, which is when the process reads the code it will run: a
 * dist/ rebuilt later (while a kernel runs) changes the files but not the code this process
 * executes, so the key must keep describing the code as loaded.
 */
const LOADED_VERSION = versionOf(PACKAGE_DIR);

/**
 * The science code's version: the package version plus `scienceCodeHash` of the compiled library as
 * it was when this process loaded it, so a change to a model invalidates cached results without
 * anyone remembering to bump a version, and a change to the tools (outside the package) does not.
 */
export function libraryVersion(): string {
  return LOADED_VERSION;
}

const fileHash = (file: string): string => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex").slice(0, 16);

/**
 * The content of the user's own modules (a helper file next to the notebook) as the process
 * compiled them. Like the package, a helper edited after it was loaded is not the code that runs:
 * its key must describe what was loaded. Modules compiled after the library are recorded by a hook
 * on Node's CommonJS compile step; those loaded before it, by their file when the library loads.
 */
const loadedModules = new Map<string, string>();
function recordLoadedModules(): void {
  for (const m of Object.values(require.cache)) {
    if (m && !isLibraryModule(m.filename) && !loadedModules.has(m.filename)) {
      try { loadedModules.set(m.filename, fileHash(m.filename)); } catch { /* not a file */ }
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require("module") as { prototype: { _compile?: (content: string, filename: string) => unknown } };
  const compile = Module.prototype._compile;
  if (typeof compile !== "function" || (compile as { genlabRecords?: boolean }).genlabRecords) return;
  const recording = function (this: unknown, content: string, filename: string): unknown {
    if (!isLibraryModule(filename)) loadedModules.set(filename, crypto.createHash("sha256").update(content).digest("hex").slice(0, 16));
    return compile.call(this, content, filename);
  };
  Module.prototype._compile = Object.assign(recording, { genlabRecords: true });
}

/** The hash of a user module's code as loaded (its file now, when it was loaded before anything recorded it). */
function loadedModuleHash(file: string): string {
  let h = loadedModules.get(file);
  if (h === undefined) {
    h = fileHash(file);
    loadedModules.set(file, h);
  }
  return h;
}

/** A package's version as installed next to the library, or "absent". */
function installedVersion(name: string): string {
  try {
    const pkg = require.resolve(`${name}/package.json`, { paths: [PACKAGE_DIR] });
    return String((JSON.parse(fs.readFileSync(pkg, "utf8")) as { version?: string }).version ?? "?");
  } catch {
    return "absent";
  }
}

let numericEnv: Record<string, string> | null = null;
/**
 * The numerical code outside the package, read once per process (it is loaded once): the float64
 * addon as built (a hash of its binary and of its C source, and the BLAS it was linked with, with
 * its version, CPU kernel and thread count), and the versions of TensorFlow.js and its backends.
 */
function numericalCode(): Record<string, string> {
  if (numericEnv) return numericEnv;
  const env: Record<string, string> = {};
  if (linalgBackend().name !== "js") {
    const addon = addonPath();
    const mod = nativeAddon().mod;
    try {
      if (addon) env.addonBinary = fileHash(addon);
      const source = addon && path.resolve(path.dirname(addon), "..", "..", "genlab_linalg.c");
      env.addonSource = source && fs.existsSync(source) ? fileHash(source) : "not found";
      env.blas = mod ? `${mod.blas}: ${mod.config()}` : "unknown";
    } catch (e) {
      env.addon = `unreadable (${(e as Error).message.split("\n")[0]})`;
    }
  }
  for (const name of ["@tensorflow/tfjs-core", "@tensorflow/tfjs-backend-wasm", "@tensorflow/tfjs-backend-cpu", "@tensorflow/tfjs-node"]) {
    env[name] = installedVersion(name);
  }
  numericEnv = env;
  return env;
}

/**
 * What else decides the numbers besides the code and its inputs: the float64 linear-algebra path
 * (OpenBLAS and the JS kernels differ in the last bits; the addon's build and BLAS version too), the
 * TensorFlow.js backend (wasm, or native tfjs-node when installed later) and its version, and the
 * environment overrides that pick a matmul or optimizer path.
 */
export function computeEnvironment(): Record<string, string> {
  const env: Record<string, string> = { linalg: linalgBackend().name, tfjs: expectedBackend(), ...numericalCode() };
  for (const v of ["GENLAB_TF_MATMUL", "GENLAB_WASM_MATMUL_PATCH", "GENLAB_FUSED_OPTIMIZER"]) {
    if (process.env[v]) env[v] = process.env[v] as string;
  }
  return env;
}

// ------------------------------------------------------------------ what a computation depends on

/** A value the cache cannot key on; the result is then computed and not cached. */
export class Unkeyable extends Error {}

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

/**
 * Whether a loaded module is library code, covered by the key's package hash and versions: the
 * package itself, and installed packages (node_modules). Any other module (a helper file next to
 * the notebook) is the user's code and is keyed on its content.
 */
function isLibraryModule(file: string): boolean {
  return file.startsWith(PACKAGE_DIR + path.sep) || file.split(path.sep).includes("node_modules");
}

let moduleValues = { library: new WeakSet<object>(), local: new WeakMap<object, string>(), size: -1 };
/**
 * Objects and functions that belong to loaded modules: every module's exports and their own
 * properties, sorted into library code (skipped: the package hash covers it) and the user's own
 * modules (keyed on their file's content). Rebuilt when a module is loaded.
 */
function moduleOf(v: object): { library: true } | { library: false; file: string } | null {
  const cache = require.cache;
  const size = Object.keys(cache).length;
  if (size !== moduleValues.size) {
    moduleValues = { library: new WeakSet(), local: new WeakMap(), size };
    for (const m of Object.values(cache)) {
      const ex = m?.exports as unknown;
      if (!m || (typeof ex !== "object" && typeof ex !== "function") || ex === null) continue;
      const lib = isLibraryModule(m.filename);
      const note = (o: object) => (lib ? moduleValues.library.add(o) : moduleValues.local.has(o) || moduleValues.local.set(o, m.filename));
      note(ex as object);
      for (const k of Object.keys(ex as object)) {
        let p: unknown;
        try { p = (ex as Record<string, unknown>)[k]; } catch { continue; }
        if ((typeof p === "object" || typeof p === "function") && p !== null) note(p as object);
      }
    }
  }
  if (moduleValues.library.has(v)) return { library: true };
  const file = moduleValues.local.get(v);
  return file ? { library: false, file } : null;
}

function isLibraryValue(v: unknown): boolean {
  return (typeof v === "object" || typeof v === "function") && v !== null && moduleOf(v)?.library === true;
}

function isTensorLike(v: object): v is { shape: number[]; dtype: string; dataSync(): ArrayLike<number>; isDisposed: boolean } {
  const t = v as { shape?: unknown; dtype?: unknown; dataSync?: unknown };
  return Array.isArray(t.shape) && typeof t.dtype === "string" && typeof t.dataSync === "function";
}

/** CommonJS wrapper names a closure may hold: the module machinery, not inputs of a computation. */
const MODULE_NAMES = new Set(["exports", "require", "module", "__filename", "__dirname"]);

/** State of one key computation: the sources of the functions met (to scan for notebook names) and the generators read. */
interface Walk { fns: string[]; rngs: Rng[]; scope: Record<string, unknown> | null; closures: boolean }

/**
 * Feed a canonical encoding of `v` into `h`. Functions contribute their source, their own
 * properties (where a factory records its parameters) and the values they captured (their
 * closure), and are queued so the notebook names they use are found too.
 */
function hashInto(h: crypto.Hash, v: unknown, where: string, stack: object[], w: Walk): void {
  switch (typeof v) {
    case "undefined": h.update("u;"); return;
    case "boolean": h.update(v ? "T;" : "F;"); return;
    case "number": h.update(`n${Object.is(v, -0) ? "-0" : String(v)};`); return;
    case "bigint": h.update(`B${v};`); return;
    case "string": h.update(`s${v.length}:`).update(v); return;
    case "symbol": h.update("y;"); return;
  }
  if (v === null) { h.update("N;"); return; }
  const o = v as object;
  const mod = moduleOf(o);
  if (mod?.library) { h.update("L;"); return; }
  if (mod) h.update(`m${mod.file}:${loadedModuleHash(mod.file)};`);
  if (stack.includes(o)) throw new Unkeyable(`${where} refers to itself (a cycle)`);
  if (typeof v === "function") { hashFunction(h, v as (...a: never[]) => unknown, where, stack, w); return; }
  if (ArrayBuffer.isView(v)) {
    const b = v as ArrayBufferView;
    h.update(`a${v.constructor.name}${b.byteLength}:`).update(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    return;
  }
  if (v instanceof ArrayBuffer) { h.update(`b${v.byteLength}:`).update(new Uint8Array(v)); return; }
  if (v instanceof Promise) throw new Unkeyable(`${where} is a Promise (await it first)`);
  if (v instanceof Date) { h.update(`d${v.toISOString()};`); return; }
  if (v instanceof Rng) w.rngs.push(v);
  if (isTensorLike(o)) {
    if (o.isDisposed) throw new Unkeyable(`${where} is a disposed tensor`);
    const data = o.dataSync() as ArrayBufferView & ArrayLike<number>;
    h.update(`t${o.dtype}[${o.shape.join(",")}]`).update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return;
  }
  stack.push(o);
  if (Array.isArray(v)) {
    h.update(`[${v.length}:`);
    v.forEach((x, i) => hashInto(h, x, `${where}[${i}]`, stack, w));
    h.update("]");
  } else if (v instanceof Map) {
    h.update(`M${v.size}:`);
    for (const [k, x] of v) { hashInto(h, k, `${where} key`, stack, w); hashInto(h, x, `${where}.get(...)`, stack, w); }
  } else if (v instanceof Set) {
    h.update(`S${v.size}:`);
    for (const x of v) hashInto(h, x, `${where} element`, stack, w);
  } else {
    h.update(`o${(o.constructor && o.constructor.name) || ""}{`);
    for (const k of Object.keys(o).sort()) {
      let x: unknown;
      try { x = (o as Record<string, unknown>)[k]; } catch (e) { throw new Unkeyable(`${where}.${k} cannot be read (${(e as Error).message})`); }
      h.update(`${k}=`);
      hashInto(h, x, `${where}.${k}`, stack, w);
    }
    h.update("}");
  }
  stack.pop();
}

function hashFunction(h: crypto.Hash, fn: (...a: never[]) => unknown, where: string, stack: object[], w: Walk): void {
  const src = Function.prototype.toString.call(fn);
  w.fns.push(src);
  h.update(`f${src.length}:`).update(src);
  stack.push(fn);
  for (const k of Object.keys(fn).sort()) {
    h.update(`.${k}=`);
    hashInto(h, (fn as unknown as Record<string, unknown>)[k], `${where}.${k}`, stack, w);
  }
  if (w.closures) hashClosure(h, fn, where, stack, w);
  stack.pop();
}

/**
 * The values `fn` captured, by name. A captured function or object already being hashed (a
 * recursive helper, an object whose method refers to it) is a back-reference, not a cycle.
 */
function hashClosure(h: crypto.Hash, fn: (...a: never[]) => unknown, where: string, stack: object[], w: Walk): void {
  const captured = capturedVariables(fn);
  if (captured === null) throw new Unkeyable(`${where}: the values it captured cannot be read (Node's inspector is unavailable)`);
  for (const { name, value } of captured) {
    if (MODULE_NAMES.has(name) || (w.scope !== null && value === w.scope)) continue;
    h.update(`c${name}=`);
    const back = (typeof value === "object" || typeof value === "function") && value !== null ? stack.indexOf(value) : -1;
    if (back >= 0) h.update(`^${back};`);
    else hashInto(h, value, `${where} (captured ${name})`, stack, w);
  }
}

export interface Dependencies {
  /** Notebook name -> hash of its value or source; "(captured)" -> hash of what `compute` captured. */
  names: Record<string, string>;
  /** Generators read by the computation, with their state before it ran. */
  rngs: { rng: Rng; state: string }[];
}

/** A generator's state, to tell whether a computation drew from it directly. */
export function rngState(r: Rng): string {
  return JSON.stringify(r);
}

/**
 * Everything `compute` uses: the values it captured from enclosing functions, and from the
 * notebook every name its compiled source refers to (and those the functions it finds refer to,
 * transitively), hashed by value or source.
 */
function dependencies(compute: (...args: never[]) => unknown): Dependencies {
  const scope = notebookScope();
  const names: Record<string, string> = {};
  const w: Walk = { fns: [], rngs: [], scope, closures: true };
  const own = crypto.createHash("sha256");
  hashClosure(own, compute, "the computation", [compute], w);
  names["(captured)"] = own.digest("hex").slice(0, 16);
  w.fns.push(Function.prototype.toString.call(compute));
  const seen = new Set<string>();
  while (scope && w.fns.length > 0) {
    for (const name of referencedNames(w.fns.pop() as string)) {
      if (seen.has(name)) continue;
      seen.add(name);
      if (!Object.prototype.hasOwnProperty.call(scope, name)) continue;
      const v = scope[name];
      if (isLibraryValue(v)) continue;
      const h = crypto.createHash("sha256");
      hashInto(h, v, name, [], w);
      names[name] = h.digest("hex").slice(0, 16);
    }
  }
  return { names, rngs: Array.from(new Set(w.rngs), (rng) => ({ rng, state: rngState(rng) })) };
}

/** The key of a computation: its hash, the canonical text it hashes, and the notebook names it depends on. */
export interface CacheKey {
  hash: string;
  canonical: string;
  dependsOn: string[];
}

export type Compute<T> = () => Promise<T> | T;

/** The key of `cached(id, compute, opts)`, and the generators to watch while it runs. Throws Unkeyable. */
export function buildKey(id: string | object, compute: Compute<unknown>, opts: KeyOptions): { key: CacheKey; rngs: Dependencies["rngs"] } {
  const deps: Dependencies = opts.libraryCode ? { names: {}, rngs: [] } : dependencies(compute);
  const keyHash = opts.key === undefined ? undefined : crypto.createHash("sha256").update(stableStringify(opts.key)).digest("hex").slice(0, 16);
  const canonical = stableStringify({
    id, key: keyHash, version: opts.version ?? "", code: Function.prototype.toString.call(compute),
    uses: deps.names, library: libraryVersion(), env: computeEnvironment(),
  });
  const hash = crypto.createHash("sha256").update(canonical).digest("hex").slice(0, 40);
  return { key: { hash, canonical, dependsOn: Object.keys(deps.names).filter((n) => n !== "(captured)").sort() }, rngs: deps.rngs };
}

// Record the user's modules from the moment the library is loaded (see loadedModuleHash).
recordLoadedModules();
