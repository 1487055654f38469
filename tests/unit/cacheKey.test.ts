/**
 * One test per ingredient of the cache's key that used to be missing: the library's code as the
 * process loaded it (not as rebuilt later), values captured by closures, a helper module next to the
 * notebook (as loaded), the native addon's build and the numerical packages' versions; and the
 * TypeScript-parser scan that finds the notebook names a computation refers to.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { computeEnvironment, keyOf, libraryVersion, scienceCodeHash, setNotebookScope } from "../../src/cache";
import { referencedNames } from "../../src/cache/scan";
import { addonPath } from "../../src/linalg/backend";
import { linalgBackend } from "../../src/linalg";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-cachekey-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
const pkgDir = path.resolve(__dirname, "../../src"); // build/ts/src: the compiled package under test
const projectRoot = path.resolve(__dirname, "../../../..");

test("the library's code is hashed when it is loaded: a rebuild afterwards does not change the key of the running process", () => {
  // A copy of the compiled package, loaded fresh from its own folder.
  const copy = path.join(tmp, "lib");
  fs.cpSync(pkgDir, path.join(copy, "src"), { recursive: true });
  fs.writeFileSync(path.join(copy, "package.json"), JSON.stringify({ name: "genlab", version: "0.1.0" }));
  fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(copy, "node_modules"), "dir");
  const atLoad = scienceCodeHash(path.join(copy, "src"));
  const lib = require(path.join(copy, "src", "cache", "index.js")) as typeof import("../../src/cache");
  // The rebuild lands after the library was loaded and before its first cached() call.
  fs.appendFileSync(path.join(copy, "src", "random.js"), "\n// rebuilt\n");
  const rebuilt = scienceCodeHash(path.join(copy, "src"));
  assert.notEqual(rebuilt, atLoad);
  assert.equal(lib.libraryVersion(), `0.1.0+${atLoad}`, "the key describes the code this process runs");
  assert.match(libraryVersion(), /^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);
});

function makeScale(k: number): (x: number) => number {
  return (x) => x * k;
}

test("values captured by a closure are part of the key: makeScale(2) and makeScale(5) differ", () => {
  const scope: Record<string, unknown> = {};
  setNotebookScope(scope);
  try {
    scope.f = makeScale(2);
    const compute = new Function("exports", "return () => exports.f(3);")(scope) as () => number;
    const two = keyOf("scaled", compute);
    assert.deepEqual(two.dependsOn, ["f"]);
    scope.f = makeScale(5);
    assert.notEqual(keyOf("scaled", compute).hash, two.hash, "another captured scale, another key");
    scope.f = makeScale(2);
    assert.equal(keyOf("scaled", compute).hash, two.hash, "the same captured scale, the same key");
  } finally {
    setNotebookScope(undefined);
  }
  // The computation's own closure: `n` inside a function that calls cached().
  const study = (n: number) => keyOf("study", () => n * 2).hash;
  assert.notEqual(study(1), study(2));
  assert.equal(study(3), study(3));
  // A recursive helper refers to itself through its closure: a back-reference, not an unkeyable cycle.
  const make = (depth: number) => { const rec = (i: number): number => (i <= 0 ? depth : rec(i - 1)); return rec; };
  const r1 = make(1), r2 = make(2);
  assert.notEqual(keyOf("rec", () => r1(3)).hash, keyOf("rec", () => r2(3)).hash);
});

test("a helper module next to the notebook is keyed on its code as loaded (editing the file changes the key once it is reloaded)", () => {
  const file = path.join(tmp, "helpers.js");
  fs.writeFileSync(file, "const OFFSET = 1;\nexports.offset = () => OFFSET;\n");
  const scope: Record<string, unknown> = { helpers: require(file) };
  setNotebookScope(scope);
  try {
    const compute = new Function("exports", "return () => exports.helpers.offset();")(scope) as () => number;
    const before = keyOf("helper", compute).hash;
    fs.writeFileSync(file, "const OFFSET = 2;\nexports.offset = () => OFFSET;\n");
    assert.equal(keyOf("helper", compute).hash, before, "the process still runs the loaded helper: same key");
    delete require.cache[require.resolve(file)];
    scope.helpers = require(file);
    assert.notEqual(keyOf("helper", compute).hash, before, "the edited helper, loaded: a new key (the function's source alone is unchanged)");
  } finally {
    setNotebookScope(undefined);
  }
});

const sha16 = (f: string) => crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex").slice(0, 16);
const versionOf = (name: string) => (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;

test("the compute environment holds the native addon's binary and C source, its BLAS build, and the numerical packages' versions", () => {
  const env = computeEnvironment();
  assert.equal(env["@tensorflow/tfjs-core"], versionOf("@tensorflow/tfjs-core"));
  assert.equal(env["@tensorflow/tfjs-backend-wasm"], versionOf("@tensorflow/tfjs-backend-wasm"));
  if (linalgBackend().name === "js") {
    assert.equal(env.addonBinary, undefined, "no addon in use, none in the key");
    return;
  }
  const addon = addonPath()!;
  assert.equal(env.addonBinary, sha16(addon));
  assert.equal(env.addonSource, sha16(path.join(projectRoot, "native", "genlab_linalg.c")));
  assert.match(env.blas, /^openblas: OpenBLAS \d+\.\d+\.\d+ .*threads \d+/);
});

test("the names a computation refers to are read with the TypeScript parser", () => {
  const names = referencedNames('() => exports.sizes.map((n) => helper(n, { seed: seed }) + "quick rng").length');
  assert.ok(names.has("sizes") && names.has("helper") && names.has("seed"), [...names].join(","));
  assert.ok(!names.has("quick") && !names.has("rng"), "words in strings are not references");
  assert.ok(!names.has("map") && !names.has("length"), "property names are not references");
  assert.ok(referencedNames("run() { return study(3); }").has("study"), "a method's source parses too");
  assert.ok(referencedNames("async function go() { await train({ epochs }); }").has("epochs"), "shorthand properties count");
});
