/**
 * The build removes compiled files whose source is gone: tsc never deletes an output, and Node
 * resolves `./cache` to a stale `cache.js` before a new `cache/index.js`, so without the prune an
 * updated checkout would keep running a module's old code.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const { pruneStale } = require(path.resolve(__dirname, "../../../../scripts/build.js")) as {
  pruneStale: (outDir: string, srcDir: string) => string[];
};

test("pruneStale removes the outputs of a deleted source (a module turned into a folder) and keeps the rest", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-prune-"));
  const src = path.join(root, "src"), out = path.join(root, "dist", "src");
  fs.mkdirSync(path.join(src, "cache"), { recursive: true });
  fs.mkdirSync(path.join(out, "cache"), { recursive: true });
  fs.mkdirSync(path.join(out, "gone"), { recursive: true });
  fs.writeFileSync(path.join(src, "index.ts"), "");
  fs.writeFileSync(path.join(src, "cache", "index.ts"), "");
  for (const f of ["index.js", "index.d.ts", "cache.js", "cache.js.map", "cache.d.ts", "cache/index.js", "gone/old.js", ".tsbuildinfo"]) fs.writeFileSync(path.join(out, f), "x");
  const removed = pruneStale(out, src).sort();
  assert.deepEqual(removed, ["cache.d.ts", "cache.js", "cache.js.map", path.join("gone", "old.js")].sort());
  assert.ok(fs.existsSync(path.join(out, "index.js")) && fs.existsSync(path.join(out, "cache", "index.js")) && fs.existsSync(path.join(out, ".tsbuildinfo")));
  assert.ok(!fs.existsSync(path.join(out, "gone")), "an emptied folder goes too");
  fs.rmSync(root, { recursive: true, force: true });
});
