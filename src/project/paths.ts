/**
 * Where the project lives and which Jupyter it uses. `kernel-setup/register.js` writes
 * `.jupyter-local/jupyter.json`; everything that starts Jupyter (npm start, the runner, doctor)
 * reads it here and puts the project-local kernelspec folder first on JUPYTER_PATH.
 */
import * as fs from "fs";
import * as path from "path";

/**
 * The project root: the nearest folder above `from` whose package.json is named "genlab". The
 * library is compiled both to dist/ and (with the tests) to build/ts/, so the root is found by
 * walking up rather than by a fixed relative path.
 */
export function findProjectRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, "utf8")) as { name?: string }).name === "genlab") return dir;
      } catch { /* unreadable package.json: keep walking */ }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the genlab project root above ${from}`);
    dir = up;
  }
}

/** The project root of this copy of the library. */
export const projectRoot: string = findProjectRoot();

export interface JupyterConfig {
  /** Python interpreter that has jupyter_server. */
  python: string;
  /** How it was obtained: debian (apt), venv (pip into .venv), existing (found on the machine). */
  source: string;
  /** Which browser UI that Python has: lab, nbclassic, notebook or none. */
  ui: string;
  serverVersion: string;
  /** Folder with the project-local kernelspec (kernels/tslab). */
  jupyterPath: string;
}

/** The recorded Jupyter configuration, or null when `npm run setup` has not run. */
export function readJupyterConfig(root = projectRoot): JupyterConfig | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, ".jupyter-local", "jupyter.json"), "utf8")) as JupyterConfig;
  } catch {
    return null;
  }
}

/** Environment for a Jupyter process: the project's kernelspecs first on JUPYTER_PATH. */
export function jupyterEnv(config: JupyterConfig, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const rest = base.JUPYTER_PATH ? path.delimiter + base.JUPYTER_PATH : "";
  return { ...base, JUPYTER_PATH: config.jupyterPath + rest };
}
