/**
 * `npm start`: open the chapters in Jupyter. Runs after kernel-setup/setup.sh (which installs
 * everything); starts the UI the machine has (JupyterLab, else the classic notebook via nbclassic or
 * notebook 6) on 127.0.0.1 with a random token, with notebooks/ as the root folder and the project's
 * tslab kernel on JUPYTER_PATH.
 * Flags: --port N (default: 8888 or the next free one), --no-browser.
 */
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as net from "net";
import * as path from "path";
import { jupyterEnv, projectRoot, readJupyterConfig } from "../project/paths";

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

async function main(): Promise<void> {
  const config = readJupyterConfig();
  if (!config) {
    console.error("start: the lab is not set up yet; run `npm run setup` (or `npm start`, which runs it first).");
    process.exit(1);
  }
  const args = process.argv.slice(2);
  const portArg = args.indexOf("--port");
  let port = portArg >= 0 ? Number(args[portArg + 1]) : 8888;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error(`start: --port must be an integer in 1..65535, got '${args[portArg + 1]}'`);
    process.exit(2);
  }
  if (portArg < 0) while (!(await portFree(port))) port += 1;
  const token = randomBytes(24).toString("hex");
  const notebooks = path.join(projectRoot, "notebooks");
  const server = [
    `--ServerApp.ip=127.0.0.1`, `--ServerApp.port=${port}`, `--ServerApp.token=${token}`,
    `--ServerApp.root_dir=${notebooks}`, `--ServerApp.port_retries=0`,
    ...(args.includes("--no-browser") || process.env.CI ? ["--ServerApp.open_browser=False"] : []),
    ...(process.getuid?.() === 0 ? ["--ServerApp.allow_root=True"] : []),
  ];
  let cmd: string[];
  switch (config.ui) {
    case "lab":
      cmd = ["-m", "jupyterlab", ...server];
      break;
    case "nbclassic":
      cmd = ["-c", "import sys; from nbclassic.notebookapp import main; sys.exit(main())", ...server];
      break;
    case "notebook":
      // notebook >= 7 runs on jupyter_server (ServerApp flags); notebook 6 has its own NotebookApp.
      cmd = ["-m", "notebook", ...server];
      break;
    default:
      console.error("start: this Jupyter has no browser UI (neither jupyterlab, nbclassic nor notebook). " +
        "Install one (`pip install jupyterlab`, or `apt-get install python3-nbclassic`) and rerun `npm run setup`.");
      process.exit(1);
  }
  console.log(`start: opening the chapters in ${config.ui} (Jupyter server ${config.serverVersion}, kernel 'TypeScript (genlab)')`);
  console.log(`start: http://127.0.0.1:${port}/?token=${token}`);
  console.log("start: Ctrl-C stops the server.");
  const child = spawn(config.python, cmd, { env: jupyterEnv(config), stdio: "inherit", cwd: notebooks });
  const forward = (sig: NodeJS.Signals): void => { child.kill(sig); };
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  child.on("exit", (code) => process.exit(code ?? 0));
}

main().catch((e) => {
  console.error(`start: ${(e as Error).message}`);
  process.exit(1);
});
