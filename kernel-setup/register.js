#!/usr/bin/env node
// Registers the project-local tslab kernelspec and records which Jupyter the project uses.
//
//   node kernel-setup/register.js --python /usr/bin/python3 --source debian --ui nbclassic --server-version 1.23.3
//   node kernel-setup/register.js --user     # also install the kernelspec for the user's Jupyter (opt-in)
//
// The kernelspec goes to <project>/.jupyter-local/share/jupyter/kernels/tslab/kernel.json; the project
// puts <project>/.jupyter-local/share/jupyter first on JUPYTER_PATH whenever it starts Jupyter, so the
// user's global Jupyter configuration is never touched unless --user is given. The kernel runs
// kernel-setup/launch.js with this very Node binary. Idempotent: files are rewritten only when their
// content changes.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.resolve(__dirname, "..");
const local = path.join(root, ".jupyter-local");
const jupyterPath = path.join(local, "share", "jupyter");

function arg(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function writeIfChanged(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) return false;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
  return true;
}

/**
 * The kernelspec of the checkout at `projectRoot`, as text. Jupyter runs a kernelspec's argv as
 * given, from the notebook's folder, so the paths in it are absolute: they name this checkout, and
 * a copied or moved checkout must write its own (`ensureKernelSpec`).
 */
function kernelSpecText(projectRoot = root, node = process.execPath) {
  const spec = {
    argv: [node, path.join(projectRoot, "kernel-setup", "launch.js"), "{connection_file}"],
    display_name: "TypeScript (genlab)",
    language: "typescript",
    interrupt_mode: "signal",
    metadata: { genlab: { root: projectRoot } },
  };
  return JSON.stringify(spec, null, 1) + "\n";
}

/** Where the project-local tslab kernelspec of the checkout at `projectRoot` lives. */
function kernelSpecFile(projectRoot = root) {
  return path.join(projectRoot, ".jupyter-local", "share", "jupyter", "kernels", "tslab", "kernel.json");
}

/**
 * Make sure the project-local kernelspec names this checkout's launcher and a Node binary that
 * exists; rewrite it when it does not (a copied checkout names the original's launcher, which
 * would rebuild and run the original's dist/; a moved one names a folder that is gone). Returns
 * "ok", "rewritten" (with the reason) or "missing" (never registered: run `npm run setup`).
 */
function ensureKernelSpec(projectRoot = root) {
  const file = kernelSpecFile(projectRoot);
  let spec;
  try {
    spec = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    if (e.code === "ENOENT") return { state: "missing" };
    spec = null;
  }
  const launcher = path.join(projectRoot, "kernel-setup", "launch.js");
  const argv = spec && Array.isArray(spec.argv) ? spec.argv : [];
  let why = null;
  if (!spec) why = "unreadable";
  else if (argv[1] !== launcher) why = `it named ${argv[1]}, not this checkout's launcher`;
  else if (!argv[0] || !fs.existsSync(argv[0])) why = `its Node binary ${argv[0]} is gone`;
  if (why === null) return { state: "ok" };
  const node = argv[0] && fs.existsSync(argv[0]) ? argv[0] : process.execPath;
  writeIfChanged(file, kernelSpecText(projectRoot, node));
  return { state: "rewritten", why };
}

function main() {
  const specText = kernelSpecText();
  const changed = writeIfChanged(kernelSpecFile(), specText);

  // Remember which Jupyter to start (read by the runner, `npm start` and `npm run doctor`).
  const configFile = path.join(local, "jupyter.json");
  let config = {};
  try { config = JSON.parse(fs.readFileSync(configFile, "utf8")); } catch { /* first run */ }
  for (const [key, flag] of [["python", "--python"], ["source", "--source"], ["ui", "--ui"], ["serverVersion", "--server-version"]]) {
    const v = arg(flag);
    if (v !== undefined) config[key] = v;
  }
  config.jupyterPath = jupyterPath;
  writeIfChanged(configFile, JSON.stringify(config, null, 1) + "\n");

  if (process.argv.includes("--user")) {
    const userDir = process.platform === "darwin"
      ? path.join(os.homedir(), "Library", "Jupyter", "kernels", "genlab-tslab")
      : path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share"), "jupyter", "kernels", "genlab-tslab");
    writeIfChanged(path.join(userDir, "kernel.json"), specText);
    console.log(`kernel: also installed for your user Jupyter as 'genlab-tslab' in ${userDir}`);
  }
  console.log(`kernel: tslab kernelspec ${changed ? "written" : "up to date"} in ${path.join(jupyterPath, "kernels", "tslab")}`);
}

module.exports = { kernelSpecText, kernelSpecFile, ensureKernelSpec };
if (require.main === module) main();
