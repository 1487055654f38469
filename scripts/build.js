#!/usr/bin/env node
// `npm run build`: compiles src/ and tools/ to dist/ (tsc -p tsconfig.json), then removes compiled
// files whose source is gone. tsc never deletes an output, and Node resolves `./cache` to a stale
// dist/src/cache.js before the new dist/src/cache/index.js: after a module becomes a folder (or is
// deleted), an old checkout would keep running the old code. The launcher and the test script call
// the same prune, so every path that builds also prunes.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const OUTPUT = /\.(js|js\.map|d\.ts|d\.ts\.map)$/;

/**
 * Deletes files under `outDir` compiled from a `.ts` file that no longer exists under `srcDir` (same
 * relative path), and then empty folders. Returns the removed paths (relative to outDir).
 */
function pruneStale(outDir, srcDir) {
  const removed = [];
  const walk = (d) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        walk(p);
        if (fs.readdirSync(p).length === 0) fs.rmdirSync(p);
        continue;
      }
      if (!OUTPUT.test(e.name)) continue;
      const rel = path.relative(outDir, p);
      const source = path.join(srcDir, rel.replace(OUTPUT, ".ts"));
      if (!fs.existsSync(source)) { fs.rmSync(p); removed.push(rel); }
    }
  };
  walk(outDir);
  return removed;
}

/** Prunes dist/src and dist/tools of the project at `root` against src/ and tools/. */
function pruneDist(root) {
  return ["src", "tools"].flatMap((d) => pruneStale(path.join(root, "dist", d), path.join(root, d)).map((r) => path.join("dist", d, r)));
}

module.exports = { pruneStale, pruneDist };

if (require.main === module) {
  const root = path.resolve(__dirname, "..");
  const r = spawnSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(root, "tsconfig.json")], { stdio: "inherit" });
  const removed = pruneDist(root);
  if (removed.length) console.log(`build: removed ${removed.length} compiled file(s) whose source is gone (${removed.slice(0, 3).join(", ")}${removed.length > 3 ? ", ..." : ""})`);
  process.exit(r.status ?? 1);
}
