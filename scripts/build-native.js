#!/usr/bin/env node
// Builds the optional float64 BLAS/LAPACK addon native/build/Release/genlab_linalg.node from
// native/genlab_linalg.c (N-API, C, OpenBLAS + LAPACKE). Run by `npm run build:native`, by
// postinstall and by kernel-setup. It never fails the install: on any problem it prints one line
// saying why and that src/linalg will use its pure-JS kernels, and exits 0.
//
//   1. a direct `cc` call with Node's own headers (<node>/include/node/node_api.h) and the
//      flags of `pkg-config openblas lapacke` (or the usual Debian/Homebrew locations);
//   2. if Node's headers are not installed next to node: node-gyp with native/binding.gyp
//      (needs the headers from node-gyp's cache or a download).
// The result is loaded in a child process and checked on a small product before it is installed.
// Options: --force (rebuild even when up to date), --quiet. GENLAB_SKIP_NATIVE=1 skips the build.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const src = path.join(root, "native", "genlab_linalg.c");
const outDir = path.join(root, "native", "build", "Release");
const out = path.join(outDir, "genlab_linalg.node");
const force = process.argv.includes("--force");
const quiet = process.argv.includes("--quiet");
const FALLBACK = "src/linalg will use its pure-JS kernels (slower, same results).";

function done(msg, ok) {
  console.log(`build-native: ${msg}${ok ? "" : ` ${FALLBACK}`}`);
  process.exit(0);
}
function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", ...opts });
  const text = `${r.stdout || ""}${r.stderr || ""}${r.error ? r.error.message : ""}`.trim();
  return { ok: r.status === 0 && !r.error, out: text, error: r.error };
}
function which(cmd) {
  return sh("sh", ["-c", `command -v ${cmd}`]).ok;
}
function firstLine(s) {
  const lines = s.split("\n").filter((l) => /error|fatal|cannot|undefined/i.test(l));
  return (lines[0] || s.split("\n")[0] || "").trim().slice(0, 240);
}

if (process.env.GENLAB_SKIP_NATIVE) done("skipped (GENLAB_SKIP_NATIVE is set);", false);
if (process.platform === "win32") done("not supported on Windows;", false);
if (fs.existsSync(out)) {
  const fresh = fs.statSync(out).mtimeMs > fs.statSync(src).mtimeMs;
  const ok = verify(out).ok;
  if (!force && fresh && ok) {
    if (!quiet) console.log(`build-native: ${path.relative(root, out)} is up to date.`);
    process.exit(0);
  }
  // an addon that no longer loads (its libraries were removed, another Node ABI...) must not stay
  if (!ok) fs.rmSync(out, { force: true });
}

function verify(file) {
  // load in a child process so a crash or a missing library cannot take this script down
  const code = `const m=require(${JSON.stringify(file)});const c=new Float64Array(4);` +
    `m.gemm(false,true,2,2,3,new Float64Array([1,2,3,4,5,6]),new Float64Array([1,0,0,0,1,0]),c);` +
    `const w=new Float64Array(2);const a=new Float64Array([2,1,1,2]);if(m.syevd(2,a,w,true)!==0)throw new Error("syevd");` +
    `if(c.join()!=="1,2,4,5"||Math.abs(w[0]-1)>1e-12||Math.abs(w[1]-3)>1e-12)throw new Error("wrong results "+c.join()+" "+w.join());` +
    `console.log(m.config())`;
  const r = sh(process.execPath, ["-e", code]);
  return { ok: r.ok, out: r.ok ? r.out : firstLine(r.out) };
}

function nodeHeaders() {
  const cands = [
    path.resolve(path.dirname(process.execPath), "..", "include", "node"),
    path.join(os.homedir(), ".cache", "node-gyp", process.versions.node, "include", "node"),
    path.join(os.homedir(), ".node-gyp", process.versions.node, "include", "node"),
    "/usr/include/node",
    "/usr/local/include/node",
  ];
  return cands.find((d) => fs.existsSync(path.join(d, "node_api.h"))) || null;
}

function blasFlags() {
  if (which("pkg-config")) {
    const r = sh("pkg-config", ["--cflags", "--libs", "openblas", "lapacke"]);
    if (r.ok) {
      const flags = r.out.split(/\s+/).filter(Boolean);
      if (!flags.includes("-llapacke")) flags.push("-llapacke");
      return { cflags: flags.filter((f) => f.startsWith("-I")), libs: flags.filter((f) => !f.startsWith("-I")) };
    }
  }
  const cflags = [], libs = [];
  const multiarch = sh("gcc", ["-print-multiarch"]).out;
  for (const d of [
    `/usr/include/${multiarch}/openblas-pthread`, "/usr/include/openblas",
    "/opt/homebrew/opt/openblas/include", "/usr/local/opt/openblas/include",
  ]) if (multiarch && fs.existsSync(d)) cflags.push(`-I${d}`);
  for (const d of ["/opt/homebrew/opt/openblas/lib", "/usr/local/opt/openblas/lib"]) if (fs.existsSync(d)) libs.push(`-L${d}`);
  libs.push("-llapacke", "-lopenblas");
  return { cflags, libs };
}

function tryDirect(headers) {
  const cc = process.env.CC || ["cc", "gcc", "clang"].find(which);
  if (!cc) return { ok: false, why: "no C compiler (cc/gcc/clang) found" };
  const { cflags, libs } = blasFlags();
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = path.join(outDir, `genlab_linalg.${process.pid}.tmp.node`);
  const args = ["-O3", "-fno-math-errno", "-fPIC", "-shared", "-std=c11", "-DGENLAB_HAVE_OPENBLAS_CONFIG", `-I${headers}`, ...cflags, src, "-o", tmp, ...libs];
  if (process.platform === "darwin") args.push("-undefined", "dynamic_lookup");
  const r = sh(cc, args);
  if (!r.ok) {
    fs.rmSync(tmp, { force: true });
    // retry without openblas_get_config (a CBLAS/LAPACKE that is not OpenBLAS)
    const r2 = sh(cc, args.filter((a) => a !== "-DGENLAB_HAVE_OPENBLAS_CONFIG"));
    if (!r2.ok) {
      fs.rmSync(tmp, { force: true });
      const msg = firstLine(r.out);
      const hint = /cblas\.h|lapacke\.h|-llapacke|-lopenblas/.test(r.out)
        ? " (install libopenblas-dev liblapacke-dev on Debian/Ubuntu, `brew install openblas` on macOS)" : "";
      return { ok: false, why: `${cc} failed: ${msg}${hint}` };
    }
  }
  return { ok: true, tmp };
}

function tryNodeGyp() {
  const gyp = path.join(path.dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js");
  if (!fs.existsSync(gyp)) return { ok: false, why: "Node's headers are not installed and node-gyp was not found" };
  const r = sh(process.execPath, [gyp, "rebuild", "--directory", path.join(root, "native")], { timeout: 120000 });
  if (!r.ok || !fs.existsSync(out)) return { ok: false, why: `node-gyp failed: ${firstLine(r.out)}` };
  return { ok: true, tmp: null };
}

const headers = nodeHeaders();
const built = headers ? tryDirect(headers) : tryNodeGyp();
if (!built.ok) done(`could not build the native linear-algebra addon: ${built.why};`, false);
const candidate = built.tmp || out;
const v = verify(candidate);
if (!v.ok) {
  fs.rmSync(candidate, { force: true });
  done(`the addon built but does not load or compute correctly (${v.out});`, false);
}
if (built.tmp) fs.renameSync(built.tmp, out);
done(`built ${path.relative(root, out)} (${v.out}).`, true);
