#!/usr/bin/env node
// Runs after `npm install` / `npm ci` in the project root:
//  1. links node_modules/genlab -> .. so notebooks (and tests) import the library as "genlab";
//  2. builds the optional native float64 linear-algebra addon (falls back to pure JS silently);
//  3. compiles src/ and tools/ to dist/.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const link = path.join(root, "node_modules", "genlab");
try {
  if (fs.realpathSync(link) !== fs.realpathSync(root)) throw new Error("stale");
} catch {
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync("..", link, "dir");
}

function run(label, args) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`postinstall: ${label} failed (exit ${r.status}).`);
    process.exit(r.status || 1);
  }
}
const native = path.join(root, "scripts", "build-native.js");
if (fs.existsSync(native) && !process.env.GENLAB_SKIP_NATIVE) run("native addon build", [native]);
run("TypeScript build", [path.join(root, "scripts", "build.js")]);
