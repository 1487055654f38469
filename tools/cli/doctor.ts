/**
 * `npm run doctor`: what the lab found on this machine, in a few lines, and for anything missing the
 * exact command that fixes it. Exit code 1 when something needed is missing.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { projectRoot, readJupyterConfig } from "../project/paths";

interface Finding { ok: boolean; needed: boolean; what: string; detail: string; fix?: string }
const findings: Finding[] = [];
const add = (f: Finding): void => { findings.push(f); };

function pkgVersion(name: string): string | null {
  try {
    return (JSON.parse(fs.readFileSync(path.join(projectRoot, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return null;
  }
}

function newest(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

function checkNode(): void {
  const major = Number(process.versions.node.split(".")[0]);
  add({ ok: major >= 20, needed: true, what: "Node.js", detail: `${process.version} (${process.execPath})`, fix: "install Node.js 20 or newer (e.g. `nvm install 20`)" });
}

function checkJupyter(): void {
  const config = readJupyterConfig();
  if (!config) {
    add({ ok: false, needed: true, what: "Jupyter", detail: "not set up", fix: "npm run setup" });
    return;
  }
  let version = "";
  try {
    version = execFileSync(config.python, ["-c", "import jupyter_server; print(jupyter_server.__version__)"], { encoding: "utf8" }).trim();
  } catch {
    add({ ok: false, needed: true, what: "Jupyter server", detail: `${config.python} can no longer import jupyter_server`, fix: "npm run setup" });
    return;
  }
  add({ ok: true, needed: true, what: "Jupyter server", detail: `jupyter_server ${version} from ${config.python} (${config.source}); UI: ${config.ui}` });
  if (config.ui === "none") {
    add({ ok: false, needed: false, what: "Jupyter UI", detail: "no browser UI; headless runs still work", fix: "pip install jupyterlab (or apt-get install python3-nbclassic), then npm run setup" });
  }
  const specFile = path.join(config.jupyterPath, "kernels", "tslab", "kernel.json");
  try {
    const spec = JSON.parse(fs.readFileSync(specFile, "utf8")) as { argv: string[] };
    const missing = spec.argv.slice(0, 2).filter((p) => !fs.existsSync(p));
    add({
      ok: missing.length === 0, needed: true, what: "kernel", detail: missing.length
        ? `kernelspec points at missing ${missing.join(", ")}` : `tslab ${pkgVersion("tslab")} via ${path.relative(projectRoot, specFile)} (node ${spec.argv[0]})`,
      fix: "npm run setup",
    });
  } catch {
    add({ ok: false, needed: true, what: "kernel", detail: `no kernelspec at ${specFile}`, fix: "npm run setup" });
  }
}

function checkLibrary(): void {
  const link = path.join(projectRoot, "node_modules", "genlab");
  let linked = false;
  try { linked = fs.realpathSync(link) === fs.realpathSync(projectRoot); } catch { /* missing */ }
  const built = path.join(projectRoot, "dist", "src", "index.js");
  // tsc leaves unchanged outputs untouched but rewrites its build-info file, so the newer of the two
  // is the time of the last build (the kernel launcher uses the same rule).
  const lastBuild = Math.max(...[built, path.join(projectRoot, "dist", ".tsbuildinfo")].map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0)));
  const stale = fs.existsSync(built) && newest(path.join(projectRoot, "src")) > lastBuild;
  add({
    ok: linked && fs.existsSync(built), needed: true, what: "library",
    detail: linked ? `import "genlab" -> dist/${stale ? " (src/ is newer: rebuilt at the next kernel start, or run `npm run build`)" : ""}` : "node_modules/genlab link missing",
    fix: "npm install",
  });
}

async function checkCompute(): Promise<void> {
  try {
    const { backendInfo } = await import("../../src/tf");
    const info = await backendInfo();
    add({ ok: true, needed: true, what: "TensorFlow.js", detail: `${info.version}, backend '${info.name}': ${info.reason}` });
    for (const p of info.patches) add({ ok: true, needed: true, what: "  matmul", detail: p });
    if (info.name !== "tensorflow") {
      add({ ok: false, needed: false, what: "tfjs-node", detail: "not installed (optional accelerator; needs Google storage at install time)", fix: "npm install @tensorflow/tfjs-node  (see environment.md)" });
    }
  } catch (e) {
    add({ ok: false, needed: true, what: "TensorFlow.js", detail: (e as Error).message, fix: "npm install" });
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const linalg = require("../../src/linalg") as { linalgBackend?: () => { name: string; reason: string } };
    if (linalg.linalgBackend) {
      const b = linalg.linalgBackend();
      add({ ok: true, needed: true, what: "float64 linear algebra", detail: `${b.name}: ${b.reason}`,
        fix: b.name === "js" ? "apt-get install libopenblas-dev liblapacke-dev && npm run build:native" : undefined });
    }
  } catch (e) {
    add({ ok: false, needed: true, what: "float64 linear algebra", detail: (e as Error).message, fix: "npm install" });
  }
}

function checkPackages(): void {
  const plotly = pkgVersion("plotly.js-dist-min");
  add({ ok: !!plotly, needed: true, what: "plotly.js", detail: plotly ?? "missing", fix: "npm install" });
  const danfo = pkgVersion("danfojs-node");
  add({ ok: !!danfo, needed: true, what: "danfojs", detail: danfo ? `danfojs-node ${danfo} (tfjs shared through the package.json override)` : "missing", fix: "npm install" });
}

async function main(): Promise<void> {
  checkNode();
  checkJupyter();
  checkLibrary();
  await checkCompute();
  checkPackages();
  for (const f of findings) {
    const mark = f.ok ? "✔" : f.needed ? "✘" : "·";
    console.log(`${mark} ${f.what}: ${f.detail}`);
    if (!f.ok && f.fix) console.log(`    ${f.needed ? "fix" : "to enable"}: ${f.fix}`);
  }
  const missing = findings.filter((f) => !f.ok && f.needed);
  console.log(missing.length ? `doctor: ${missing.length} problem(s); run the fix commands above.` : "doctor: everything the lab needs is here.");
  process.exit(missing.length ? 1 : 0);
}

void main();
