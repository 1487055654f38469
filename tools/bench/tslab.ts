/**
 * tslab cell overhead: start a private Jupyter server (the runner's startServer, which uses the
 * project's kernelspec under .jupyter-local), start a `tslab` kernel, run a first cell (the
 * TypeScript compiler warms up), then time trivial cells; the median is the per-cell overhead.
 */
import { Timing } from "./timing";

export interface TslabResult {
  first_cell_s: number;
  kernel_start_s: number;
  cell: Timing;
}

export async function measureTslab(cells: number, log: (m: string) => void): Promise<{ result?: TslabResult; note: string }> {
  let runner: typeof import("../runner/server");
  let exec: typeof import("../runner/execute");
  let services: typeof import("@jupyterlab/services");
  try {
    runner = require("../runner/server");
    exec = require("../runner/execute");
    services = require("@jupyterlab/services");
  } catch (e) {
    return { note: `tslab column skipped: the runner (tools/runner) could not be loaded (${(e as Error).message.split("\n")[0]})` };
  }
  let server: Awaited<ReturnType<typeof runner.startServer>> | undefined;
  let kernel: import("@jupyterlab/services").Kernel.IKernelConnection | undefined;
  const t = (): number => Number(process.hrtime.bigint()) / 1e9;
  try {
    log("  starting a Jupyter server and a tslab kernel ...");
    server = await runner.startServer({ timeoutMs: 60000 });
    const km = new services.KernelManager({ serverSettings: exec.serverSettings(server) });
    const k0 = t();
    kernel = await km.startNew({ name: "tslab" });
    const run = async (code: string): Promise<number> => {
      const s = t();
      const reply = await kernel!.requestExecute({ code, store_history: false }).done;
      const status = (reply.content as { status: string }).status;
      if (status !== "ok") throw new Error(`cell \`${code}\` ended with status ${status}`);
      return t() - s;
    };
    const first = await run("const benchWarmUp = 1 + 1;");
    const kernelStart = t() - k0 - first;
    const ts: number[] = [];
    for (let i = 0; i < cells; i++) ts.push(await run(`const benchCell${i} = ${i} * 2;`));
    ts.sort((a, b) => a - b);
    await km.shutdownAll().catch(() => undefined);
    km.dispose();
    return {
      result: { first_cell_s: first, kernel_start_s: kernelStart, cell: { median_s: ts[Math.floor(ts.length / 2)], reps: ts.length } },
      note: `tslab kernel through jupyter_server (runner's startServer), ${cells} trivial cells after the first`,
    };
  } catch (e) {
    return { note: `tslab column skipped: ${(e as Error).message.split("\n")[0]}` };
  } finally {
    try { kernel?.dispose(); } catch { /* ignore */ }
    await server?.stop();
  }
}
