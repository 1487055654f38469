#!/usr/bin/env node
// Kernel launcher registered in the project-local kernelspec (see kernel-setup/register.js).
// Why a launcher instead of the bare `tslab` command: notebooks import the library as
// `import * as lab from "genlab"`, which resolves to the compiled `dist/` through the self-link
// node_modules/genlab -> .. . Before starting tslab we (1) make sure that link exists and (2) rebuild
// dist/ when any file under src/ is newer than the last build, so an edit to src/ needs at most a
// kernel restart. Then tslab runs in this same process (no extra process to keep alive), with the
// guards of kernel-guards.js: output that cannot stall, errors from timers and promises reported,
// and an exit when the Jupyter server that started the kernel is gone.
"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const connectionFile = process.argv[2];
if (!connectionFile) {
  console.error("usage: launch.js <connection_file>");
  process.exit(2);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

function ensureSelfLink() {
  const link = path.join(root, "node_modules", "genlab");
  try {
    if (fs.realpathSync(link) === fs.realpathSync(root)) return;
    fs.rmSync(link, { recursive: true, force: true });
  } catch { /* missing: create below */ }
  fs.symlinkSync("..", link, "dir");
}

function rebuildIfStale() {
  // tsc leaves unchanged outputs untouched but rewrites its build-info file on every build that
  // changed anything, so the newer of the two is the time of the last build.
  const stamp = path.join(root, "dist", "src", "index.js");
  const info = path.join(root, "dist", ".tsbuildinfo");
  const built = Math.max(...[stamp, info].map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0)));
  if (newestMtime(path.join(root, "src")) <= built) return;
  process.stderr.write("genlab: src/ changed since the last build, recompiling dist/ ...\n");
  try {
    execFileSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", root], {
      stdio: ["ignore", "inherit", "inherit"],
    });
  } catch {
    process.stderr.write("genlab: the build failed (errors above); the kernel starts with the previous dist/.\n");
  }
  // tsc never deletes an output: drop compiled files whose source is gone (a module that became a
  // folder would otherwise shadow it)
  try { require(path.join(root, "scripts", "build.js")).pruneDist(root); } catch { /* keep the kernel starting */ }
  // tsc leaves index.js untouched when it did not change; touch it so the next start skips the check.
  if (fs.existsSync(stamp)) fs.utimesSync(stamp, new Date(), new Date());
}

ensureSelfLink();
rebuildIfStale();
// The server's token reaches the kernel in its environment (the lab passes it to Jupyter that way,
// never on a command line); cell code and the processes it starts have no use for it.
delete process.env.JUPYTER_TOKEN;
const guards = require("./kernel-guards");
const tslabDir = path.join(root, "node_modules", "tslab");
guards.serializeSends(require(require.resolve("zeromq", { paths: [tslabDir] })));
guards.exitWithParent();
process.argv = [process.argv[0], path.join(tslabDir, "bin", "tslab"), "kernel", "--config-path", connectionFile];
require(path.join(tslabDir, "dist", "main.js")).main();
// main() registered tslab's own handlers synchronously; replace them.
guards.reportAsyncErrors(require(path.join(tslabDir, "dist", "jupyter.js")));
