import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cached, keyOf, clearCache, stableStringify, scienceCodeHash, setNotebookScope } from "../../src/cache";
import { Rng } from "../../src/random";
import * as stats from "../../src/stats";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-cache-"));
process.env.GENLAB_CACHE_DIR = dir;
delete process.env.GENLAB_NO_CACHE;

/** Run `fn`, returning what it printed with console.log / console.warn. */
async function printed<T>(fn: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const log = console.log, warn = console.warn;
  console.log = (...a: unknown[]) => lines.push(a.join(" "));
  console.warn = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    return { value: await fn(), lines };
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

/**
 * Call counters at module level: a closure's module scope is not part of its key (a computation
 * that captured a counter from the test around it would change its own key by counting).
 */
const counts: Record<string, number> = {};
const bump = (name: string): number => (counts[name] = (counts[name] ?? 0) + 1);

/**
 * A closure as tslab compiles a notebook cell: names from earlier cells are read as `exports.name`.
 * `body` is the arrow function's source.
 */
function notebookClosure<T>(scope: Record<string, unknown>, body: string): () => T {
  return new Function("exports", `return ${body};`)(scope) as () => T;
}

test("computes once, then reads and says so in one line; another name or other code is another result", async () => {
  const f = () => { bump("first"); return { curve: [1, 2, 3], best: 0.5 }; };
  const a = await cached("x", f);
  const { value: b, lines } = await printed(() => cached("x", f));
  assert.deepEqual(a, b);
  assert.equal(counts.first, 1);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^cache: reused 'x', computed on \d{4}-\d\d-\d\d \d\d:\d\d UTC in \d+\.\d\d s; to recompute, run with GENLAB_NO_CACHE=1 or pass \{ ignore: true \}$/);
  await cached("y", f);
  assert.equal(counts.first, 2);
  const g = () => { counts.first += 10; return 0; };
  await cached("x", g);
  assert.equal(counts.first, 12, "a different function under the same name computes");
  assert.notEqual(keyOf("x", f).hash, keyOf("x", g).hash);
  assert.notEqual(keyOf("x", f).hash, keyOf("x", f, { version: "2" }).hash);
  assert.notEqual(keyOf("x", f).hash, keyOf("x", f, { key: { n: 1 } }).hash);
  assert.equal(stableStringify({ b: 1, a: [new Float64Array([0.5])] }), '{"a":[{"$typed":"Float64Array","b64":"AAAAAAAA4D8="}],"b":1}');
});

test("an edited notebook function called by the computation (directly or through another) gives a new result", async () => {
  const scope: Record<string, unknown> = {
    n: 3,
    helper: new Function("x", "return x + 1"),
    stats: stats, // a library namespace: covered by the library version, not hashed
  };
  scope.teacherData = new Function("exports", "return function teacherData(k) { return exports.helper(k) * 10; }")(scope);
  setNotebookScope(scope);
  try {
    const compute = notebookClosure<number>(scope, "() => exports.teacherData(exports.n) + exports.stats.mean([0])");
    assert.equal(await cached("stale?", compute), 40);
    assert.deepEqual(keyOf("stale?", compute).dependsOn, ["helper", "n", "teacherData"]);
    const { value: again } = await printed(() => cached("stale?", compute));
    assert.equal(again, 40);
    // the reader edits teacherData in an earlier cell and reruns
    scope.teacherData = new Function("exports", "return function teacherData(k) { return exports.helper(k) * 100; }")(scope);
    assert.equal(await cached("stale?", compute), 400);
    // ... then edits the helper it calls
    scope.helper = new Function("x", "return x + 2");
    assert.equal(await cached("stale?", compute), 500);
    // ... then changes a parameter
    scope.n = 4;
    assert.equal(await cached("stale?", compute), 600);
    // back to the first version of everything: the first result is reused
    scope.n = 3;
    scope.helper = new Function("x", "return x + 1");
    scope.teacherData = new Function("exports", "return function teacherData(k) { return exports.helper(k) * 10; }")(scope);
    const { value, lines } = await printed(() => cached("stale?", compute));
    assert.equal(value, 40);
    assert.match(lines[0], /reused 'stale\?'/);
  } finally {
    setNotebookScope(undefined);
  }
});

test("data and generators the computation reads are part of the key; drawing from a generator directly is flagged", async () => {
  const scope: Record<string, unknown> = { xs: new Float64Array([1, 2, 3]), rng: new Rng(5) };
  setNotebookScope(scope);
  try {
    const sum = notebookClosure<number>(scope, "() => exports.xs.reduce((s, v) => s + v, 0) + exports.rng.fork(\"a\").uniform()");
    const k1 = keyOf("sum", sum).hash;
    (scope.xs as Float64Array)[1] = 5;
    assert.notEqual(keyOf("sum", sum).hash, k1, "a changed array entry changes the key");
    const draw = notebookClosure<number>(scope, "() => exports.rng.normal()");
    const { lines } = await printed(() => cached("draws", draw));
    assert.ok(lines.some((l) => /drew numbers directly from the generator with path "5"/.test(l)), lines.join("\n"));
    const { lines: quiet } = await printed(() => cached("forks", sum));
    assert.equal(quiet.filter((l) => /drew numbers/.test(l)).length, 0, "named forks do not advance the generator");
  } finally {
    setNotebookScope(undefined);
  }
});

test("a value the cache cannot key on is computed every time, with a note", async () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const scope: Record<string, unknown> = { cyclic };
  setNotebookScope(scope);
  try {
    let calls = 0;
    const f = notebookClosure<number>({ ...scope, count: () => ++calls }, "() => exports.count() + exports.cyclic.a");
    const { lines } = await printed(() => cached("cyc", f));
    await printed(() => cached("cyc", f));
    assert.equal(calls, 2);
    assert.match(lines[0], /is computed and not cached: cyclic\.self refers to itself/);
  } finally {
    setNotebookScope(undefined);
  }
});

test("Float64Array, matrices, NaN/Infinity/-0 and async results round-trip exactly", async () => {
  const data = Float64Array.from([Math.PI, 1e-310, -0, NaN, Infinity, 0.1 + 0.2]);
  const value = { m: { rows: 2, cols: 3, data }, f32: new Float32Array([1.5, 2.25]), xs: [NaN, -Infinity, -0, 3], s: "ok" };
  const make = async () => value;
  await cached("roundtrip", make);
  const got = await cached<typeof value>("roundtrip", make);
  assert.ok(got !== value, "read back from disk");
  assert.ok(got.m.data instanceof Float64Array);
  assert.deepEqual(Array.from(got.m.data).map(String), Array.from(data).map(String));
  assert.ok(Object.is(got.m.data[2], -0));
  assert.ok(got.f32 instanceof Float32Array && got.f32[1] === 2.25);
  assert.ok(Number.isNaN(got.xs[0]) && got.xs[1] === -Infinity && Object.is(got.xs[2], -0));
});

test("ignore / GENLAB_NO_CACHE recompute and overwrite; a corrupt entry is recomputed with a warning", async () => {
  const f = () => bump("ignore");
  await cached("ignore", f);
  assert.equal(await cached("ignore", f), 1);
  assert.equal(await cached("ignore", f, { ignore: true }), 2);
  process.env.GENLAB_NO_CACHE = "1";
  assert.equal(await cached("ignore", f), 3);
  delete process.env.GENLAB_NO_CACHE;
  assert.equal(await cached("ignore", f), 3, "the overwritten value is read back");
  const file = path.join(dir, `${keyOf("ignore", f).hash}.json`);
  fs.writeFileSync(file, "{ not json");
  const { value, lines } = await printed(() => cached("ignore", f));
  assert.equal(value, 4);
  assert.match(lines.join("\n"), /unreadable or corrupt .*recomputing/);
});

test("a cache folder that cannot be written warns and keeps the computed value", async () => {
  const blocked = path.join(dir, "blocked");
  fs.writeFileSync(blocked, "a file where the folder should be");
  const { value, lines } = await printed(() => cached("nowhere", () => 42, { dir: path.join(blocked, "results") }));
  assert.equal(value, 42);
  assert.match(lines.join("\n"), /could not write .*kept for this run only/);
});

test("concurrent calls share one computation; clearCache empties the folder", async () => {
  const f = async () => { bump("shared"); await new Promise((r) => setTimeout(r, 20)); return 7; };
  const [a, b] = await Promise.all([cached("shared", f), cached("shared", f)]);
  assert.equal(a + b, 14);
  assert.equal(counts.shared, 1);
  assert.ok(clearCache() > 0);
  assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith(".json")).length, 0);
});

test("the package hash covers every compiled file of the package, and the tools sit outside it", () => {
  // the package folder (dist/src): any change in it, a model or a figure style, changes the hash
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-lib-"));
  const lib = path.join(root, "src");
  for (const d of ["models", "show"]) fs.mkdirSync(path.join(lib, d), { recursive: true });
  fs.mkdirSync(path.join(root, "tools", "runner"), { recursive: true });
  fs.writeFileSync(path.join(lib, "models", "ridge.js"), "exports.fit = 1;");
  fs.writeFileSync(path.join(lib, "show", "figure.js"), "exports.f = 1;");
  fs.writeFileSync(path.join(root, "tools", "runner", "execute.js"), "exports.run = 1;");
  const h0 = scienceCodeHash(lib);
  fs.writeFileSync(path.join(root, "tools", "runner", "execute.js"), "exports.run = 2;");
  assert.equal(scienceCodeHash(lib), h0, "a tool's change leaves the hash");
  fs.writeFileSync(path.join(lib, "models", "ridge.js"), "exports.fit = 2;");
  const h1 = scienceCodeHash(lib);
  assert.notEqual(h1, h0, "a model's change changes it");
  fs.writeFileSync(path.join(lib, "show", "figure.js"), "exports.f = 2;");
  assert.notEqual(scienceCodeHash(lib), h1, "so does any other file of the package");
  fs.rmSync(root, { recursive: true, force: true });
});

test("the science package never imports the tools (imports point one way: tools -> src)", () => {
  const srcDir = path.resolve(__dirname, "../../../../src");
  const bad: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) {
        for (const m of fs.readFileSync(p, "utf8").matchAll(/(?:from|require\()\s*["']([^"']+)["']/g)) {
          const spec = m[1];
          if (!spec.startsWith(".")) continue;
          const target = path.resolve(path.dirname(p), spec);
          if (!target.startsWith(srcDir + path.sep)) bad.push(`${path.relative(srcDir, p)} imports ${spec}`);
        }
      }
    }
  };
  walk(srcDir);
  assert.ok(fs.existsSync(path.join(srcDir, "index.ts")), `the test looks for src/ at ${srcDir}`);
  assert.deepEqual(bad, []);
});

test("the compute environment names the float64 path and the TensorFlow.js backend (wasm here: the tfjs-node under node_modules is the danfojs override)", () => {
  const { computeEnvironment } = require("../../src/cache") as typeof import("../../src/cache");
  const env = computeEnvironment();
  assert.equal(env.tfjs, process.env.GENLAB_BACKEND ?? "wasm");
  assert.ok(["openblas", "accelerate", "js"].includes(env.linalg));
});

test("libraryCode: a closure inside the library is not keyed on notebook names that happen to match its words", () => {
  const scope: Record<string, unknown> = { run: 1 };
  setNotebookScope(scope);
  try {
    const run = () => 7;
    const f = () => run();
    assert.deepEqual(keyOf("lib", f).dependsOn, ["run"], "by default the word `run` is looked up in the notebook");
    const k = keyOf("lib", f, { libraryCode: true });
    assert.deepEqual(k.dependsOn, []);
    scope.run = 2;
    assert.equal(keyOf("lib", f, { libraryCode: true }).hash, k.hash, "the notebook's `run` does not change a library key");
  } finally {
    setNotebookScope(undefined);
  }
});
