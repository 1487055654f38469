import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cached, cacheKey, clearCache, stableStringify } from "../../src/cache";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-cache-"));
process.env.GENLAB_CACHE_DIR = dir;
delete process.env.GENLAB_NO_CACHE;

test("computes once, then reads; key order does not matter; version and config change the key", async () => {
  let calls = 0;
  const f = () => { calls++; return { curve: [1, 2, 3], best: 0.5 }; };
  const a = await cached({ exp: "x", n: 10, p: [1, 2] }, f);
  const b = await cached({ p: [1, 2], n: 10, exp: "x" }, f);
  assert.deepEqual(a, b);
  assert.equal(calls, 1);
  await cached({ exp: "x", n: 11, p: [1, 2] }, f);
  assert.equal(calls, 2);
  await cached({ exp: "x", n: 10, p: [1, 2] }, f, { version: "2" });
  assert.equal(calls, 3);
  assert.notEqual(cacheKey({ a: 1 }, "1"), cacheKey({ a: 1 }, "2"));
  assert.equal(stableStringify({ b: 1, a: [new Float64Array([0.5])] }), '{"a":[{"$typed":"Float64Array","b64":"AAAAAAAA4D8="}],"b":1}');
});

test("Float64Array, matrices, NaN/Infinity/-0 and async results round-trip exactly", async () => {
  const data = Float64Array.from([Math.PI, 1e-310, -0, NaN, Infinity, 0.1 + 0.2]);
  const value = { m: { rows: 2, cols: 3, data }, f32: new Float32Array([1.5, 2.25]), xs: [NaN, -Infinity, -0, 3], s: "ok" };
  const key = { test: "roundtrip" };
  await cached(key, async () => value);
  const got = await cached<typeof value>(key, () => { throw new Error("must not recompute"); });
  assert.ok(got.m.data instanceof Float64Array);
  assert.deepEqual(Array.from(got.m.data).map(String), Array.from(data).map(String));
  assert.ok(Object.is(got.m.data[2], -0));
  assert.ok(got.f32 instanceof Float32Array && got.f32[1] === 2.25);
  assert.ok(Number.isNaN(got.xs[0]) && got.xs[1] === -Infinity && Object.is(got.xs[2], -0));
});

test("ignore / GENLAB_NO_CACHE recompute and overwrite; a corrupt file is recomputed with a warning", async () => {
  let calls = 0;
  const key = { test: "ignore" };
  await cached(key, () => ++calls);
  assert.equal(await cached(key, () => ++calls), 1);
  assert.equal(await cached(key, () => ++calls, { ignore: true }), 2);
  process.env.GENLAB_NO_CACHE = "1";
  assert.equal(await cached(key, () => ++calls), 3);
  delete process.env.GENLAB_NO_CACHE;
  assert.equal(await cached(key, () => ++calls), 3, "the overwritten value is read back");
  // corrupt it
  const file = path.join(dir, `${cacheKey(key)}.json`);
  assert.ok(fs.existsSync(file));
  fs.writeFileSync(file, '{"canonical": "trunc');
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => warnings.push(m);
  try {
    assert.equal(await cached(key, () => ++calls), 4);
  } finally {
    console.warn = warn;
  }
  assert.match(warnings.join("\n"), /corrupt.*recomputing/);
  assert.equal(await cached(key, () => ++calls), 4);
  // no temporary files left behind
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp")), []);
});

test("concurrent calls with one key share one computation; clearCache empties the folder", async () => {
  let calls = 0;
  const slow = () => new Promise<number>((r) => setTimeout(() => r(++calls), 20));
  const [a, b] = await Promise.all([cached({ test: "conc" }, slow), cached({ test: "conc" }, slow)]);
  assert.equal(a, 1);
  assert.equal(b, 1);
  assert.ok(clearCache() > 0);
  assert.equal(fs.readdirSync(dir).length, 0);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("the code version combines the package version with a hash of the compiled library", async () => {
  const { libraryVersion } = await import("../../src/cache");
  const v = libraryVersion();
  assert.match(v, /^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);
  assert.equal(libraryVersion(), v, "computed once, stable");
});

test("results computed on another linear-algebra path or tfjs override are not reused", async () => {
  const { cacheKey } = await import("../../src/cache");
  const before = cacheKey({ exp: "x" });
  const prev = process.env.GENLAB_TF_MATMUL;
  process.env.GENLAB_TF_MATMUL = "xnnpack";
  try {
    assert.notEqual(cacheKey({ exp: "x" }), before);
  } finally {
    if (prev === undefined) delete process.env.GENLAB_TF_MATMUL; else process.env.GENLAB_TF_MATMUL = prev;
  }
  assert.equal(cacheKey({ exp: "x" }), before);
});
