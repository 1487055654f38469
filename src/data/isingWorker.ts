/**
 * The worker thread of `isingPool`: runs Ising Monte-Carlo tasks sent by the pool and posts the
 * results back (their typed arrays transferred, not copied). Each task names its generator by its
 * fork path, rebuilt here with `Rng.atPath`, so the thread draws what the main thread would have.
 */
import { parentPort } from "worker_threads";
import { Rng } from "../random";
import { isingDataSet, sampleIsing } from "./ising";
import type { IsingTask, IsingTaskResult } from "./isingPool";

/** Runs one task in this thread (the pool's in-process fallback calls it too). */
export function runIsingTask(task: IsingTask): IsingTaskResult {
  const rng = Rng.atPath(task.rngPath);
  if (task.kind === "dataSet") {
    const { kind, rngPath, ...opts } = task;
    void kind; void rngPath;
    return { kind: "dataSet", dataSet: isingDataSet({ ...opts, rng }) };
  }
  const s = sampleIsing({ L: task.L, T: task.T, samples: task.samples, algorithm: task.algorithm, rng });
  let absM = 0, m2 = 0, m4 = 0, energy = 0;
  for (let i = 0; i < s.magnetization.length; i++) { const m = s.magnetization[i]; absM += Math.abs(m); m2 += m * m; m4 += m ** 4; energy += s.energy[i]; }
  const n = s.magnetization.length;
  return { kind: "chainMeans", absM: absM / n, m2: m2 / n, m4: m4 / n, energy: energy / n };
}

if (parentPort) {
  const port = parentPort;
  port.on("message", (msg: { id: number; task: IsingTask }) => {
    try {
      const result = runIsingTask(msg.task);
      const transfer = result.kind === "dataSet"
        ? [result.dataSet.x.data.buffer, result.dataSet.temperature.buffer, result.dataSet.energy.buffer, result.dataSet.magnetization.buffer] as ArrayBuffer[]
        : [];
      port.postMessage({ id: msg.id, result }, transfer);
    } catch (e) {
      port.postMessage({ id: msg.id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    }
  });
}
