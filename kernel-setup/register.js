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

const spec = {
  argv: [process.execPath, path.join(root, "kernel-setup", "launch.js"), "{connection_file}"],
  display_name: "TypeScript (genlab)",
  language: "typescript",
  interrupt_mode: "signal",
  metadata: { genlab: { root } },
};
const specText = JSON.stringify(spec, null, 1) + "\n";
const changed = writeIfChanged(path.join(jupyterPath, "kernels", "tslab", "kernel.json"), specText);

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
