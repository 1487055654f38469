import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cached, isCached } from "../../src/cache";

test("isCached says whether cached() would reuse a stored result, without computing it", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-iscached-"));
  try {
    const id = { exp: "is-cached-test", n: 3 };
    const compute = (): number => 42;
    assert.equal(isCached(id, compute, { dir }), false);
    assert.equal(await cached(id, compute, { dir, quiet: true }), 42);
    assert.equal(isCached(id, compute, { dir }), true);
    assert.equal(isCached({ ...id, n: 4 }, compute, { dir }), false, "another configuration");
    assert.equal(isCached(id, () => 43, { dir }), false, "other code");
    assert.equal(isCached(id, compute, { dir, ignore: true }), false, "ignored cache");
    const saved = process.env.GENLAB_NO_CACHE;
    process.env.GENLAB_NO_CACHE = "1";
    try { assert.equal(isCached(id, compute, { dir }), false); } finally { if (saved === undefined) delete process.env.GENLAB_NO_CACHE; else process.env.GENLAB_NO_CACHE = saved; }
    // a corrupt entry is not a cached result
    for (const f of fs.readdirSync(dir)) fs.writeFileSync(path.join(dir, f), "{");
    assert.equal(isCached(id, compute, { dir }), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
