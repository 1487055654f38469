/**
 * On-disk cache for expensive results, that never returns a result for code that has changed.
 *
 *   const sweep = await cached("02-rf-sweep", () => experiments.rfSweep({ Ps: Ps, ridges: ridges, rng: rng.fork("sweep") }));
 *
 * A result is reused only when everything that computes it is unchanged. The key is a hash of:
 * - the name (or, in the older form `cached({ ...config }, compute)`, the configuration object),
 *   and `opts.key` / `opts.version` when given;
 * - the source of `compute` itself;
 * - the values `compute` captured from functions around it (its closure, read through V8's
 *   inspector): `() => run(n)` inside `function study(n)` depends on `n`;
 * - inside a notebook, everything `compute` uses from the notebook: the source of every notebook
 *   function it calls (and of the functions those call, transitively), with the values each of them
 *   captured (`const f = makeScale(2)`: the 2), and the value of every notebook variable it reads
 *   (parameters such as `quick`, sizes, data sets, generators in their current state). tslab keeps
 *   a notebook's top-level names on one object (`__tslab__.exports`), so they are found from the
 *   compiled source of `compute`, read with the TypeScript parser (./scan.ts);
 * - a module of the user's own (a helper file next to the notebook, any module outside the package
 *   and node_modules) whose exports the computation uses: the content of its file;
 * - the library package's code (a hash of the compiled src/: science, display, checks and this
 *   cache) as this process loaded it (hashed at load time, so a dist/ rebuilt under a running
 *   kernel does not describe code the kernel is not running); the tools (tools/: runner, CLI, bench,
 *   API reference) are outside the package and never do;
 * - the compute path: float64 linear algebra backend (with the native addon's binary and C source
 *   hashes and its BLAS build, version and thread count), the TensorFlow.js backend and the versions
 *   of tfjs-core and its backends, and the environment overrides of matmul or optimizer paths.
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
 *
 * The parts: ./key.ts (the key), ./closure.ts (captured values), ./scan.ts (names in source),
 * ./codec.ts (JSON for values and keys), ./store.ts (files, `cached`).
 */
export { cached, isCached, keyOf, clearCache, cacheDir } from "./store";
export type { CacheOptions } from "./store";
export { stableStringify } from "./codec";
export { scienceCodeHash, libraryVersion, computeEnvironment, setNotebookScope } from "./key";
export type { CacheKey } from "./key";
