/**
 * Where cached results live and how they are read and written: one JSON file per key in
 * `<project>/.cache/results/<hash>.json`, written atomically; `cached`, `isCached`, `clearCache`.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../projectRoot";
import { decodeValue, encodeValue } from "./codec";
import { CacheKey, Compute, KeyOptions, Unkeyable, buildKey, rngState } from "./key";

export interface CacheOptions extends KeyOptions {
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
   * see, and the values it captured are not read; the library's code hash and `id` (with `key`) are
   * its key.
   */
  libraryCode?: boolean;
}

/** Where results are stored. */
export function cacheDir(opts: CacheOptions = {}): string {
  return opts.dir ?? process.env.GENLAB_CACHE_DIR ?? path.join(projectRoot, ".cache", "results");
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
