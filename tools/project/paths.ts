/**
 * Where the project lives and which Jupyter it uses. `kernel-setup/register.js` writes
 * `.jupyter-local/jupyter.json`; everything that starts Jupyter (npm start, the runner, doctor)
 * reads it here and puts the project-local kernelspec folder first on JUPYTER_PATH.
 */
import * as fs from "fs";
import * as path from "path";

export { findProjectRoot, projectRoot } from "../../src/projectRoot";
import { projectRoot } from "../../src/projectRoot";

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
