/**
 * Ising Monte Carlo on every core: independent chains and data sets run in worker threads.
 *
 *   const sets = await isingPool.run([{ kind: "dataSet", L: 16, temperatures, perTemperature: 100, rngPath: rng.fork("train").path }]);
 *
 * Why: Wolff sampling is plain JavaScript on one thread, and chapter 12 spends most of its time in
 * it; its chains are independent, so two cores halve that wall time. The results are the same as in
 * process: each task names its generator by its fork path (`Rng.atPath`), so a thread draws exactly
 * what the main thread would have (tests/unit/physics/isingPool.test.ts compares them).
 *
 * Threads: `GENLAB_WORKERS` (0 or 1: run in process), else one per core (at most one per task).
 * If a worker cannot start, the tasks run in process.
 */
import os from "os";
import path from "path";
import { Worker } from "worker_threads";
import type { IsingDataSet } from "./ising";
import type { OnProgress } from "../progress";

/** A whole data set as `isingDataSet` makes it (its generator given by path). */
export interface IsingDataSetTask {
  kind: "dataSet";
  L: number;
  temperatures: number[];
  perTemperature: number;
  every?: number;
  chains?: number;
  /** The fork path of the generator `isingDataSet` would get (`rng.path`). */
  rngPath: string;
}

/** One chain as `sampleIsing` runs it (from its ordered start), reduced to its means. */
export interface IsingChainTask {
  kind: "chainMeans";
  L: number;
  T: number;
  samples: number;
  algorithm?: "wolff" | "metropolis";
  rngPath: string;
}

/** A task for the pool: a data set or one chain's means. */
export type IsingTask = IsingDataSetTask | IsingChainTask;

/** A chain's means of |m|, m^2, m^4 and the energy per site. */
export interface IsingChainMeans { absM: number; m2: number; m4: number; energy: number }

/** What a task gives back: the data set, or the chain's means (per site). */
export type IsingTaskResult = ({ kind: "dataSet"; dataSet: IsingDataSet }) | ({ kind: "chainMeans" } & IsingChainMeans);

/** How many worker threads `run` would use for `tasks` tasks. */
export function workerCount(tasks: number): number {
  const env = process.env.GENLAB_WORKERS;
  const wanted = env !== undefined && env !== "" ? Number(env) : os.cpus().length;
  if (!Number.isFinite(wanted) || wanted < 0) throw new RangeError(`GENLAB_WORKERS must be a non-negative number, got ${JSON.stringify(env)}`);
  return Math.max(0, Math.min(Math.floor(wanted), tasks));
}

function checkTask(t: IsingTask, i: number): void {
  if (!t || (t.kind !== "dataSet" && t.kind !== "chainMeans")) throw new TypeError(`isingPool.run: task ${i} needs kind "dataSet" or "chainMeans"`);
  if (typeof t.rngPath !== "string" || !t.rngPath.includes("/")) throw new TypeError(`isingPool.run: task ${i} needs the rngPath of a forked generator (rng.fork("...").path), got ${JSON.stringify(t.rngPath)}`);
}

/**
 * Runs the tasks (in worker threads when there are two or more cores) and returns their results in
 * the order given. Tasks are handed out largest first, one at a time, to whichever thread is free.
 */
export async function run(tasks: IsingTask[], opts: { onProgress?: OnProgress; label?: string } = {}): Promise<IsingTaskResult[]> {
  tasks.forEach(checkTask);
  const results: IsingTaskResult[] = new Array(tasks.length);
  let done = 0;
  const report = () => opts.onProgress?.({ done: ++done, total: tasks.length, label: opts.label ?? "Ising Monte Carlo" });
  const threads = workerCount(tasks.length);
  const { runIsingTask } = await import("./isingWorker");
  if (threads <= 1) {
    tasks.forEach((t, i) => { results[i] = runIsingTask(t); report(); });
    return results;
  }
  const size = (t: IsingTask) => t.L * t.L * (t.kind === "dataSet" ? t.temperatures.length * t.perTemperature * (t.every ?? 2) : t.samples);
  const queue = tasks.map((_, i) => i).sort((a, b) => size(tasks[b]) - size(tasks[a]) || a - b);
  const workers: Worker[] = [];
  try {
    for (let k = 0; k < threads; k++) workers.push(new Worker(path.join(__dirname, "isingWorker.js")));
  } catch {
    workers.forEach((w) => void w.terminate());
    tasks.forEach((t, i) => { results[i] = runIsingTask(t); report(); });
    return results;
  }
  try {
    await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
      let current = -1;
      const next = () => {
        current = queue.shift() ?? -1;
        if (current < 0) { resolve(); return; }
        w.postMessage({ id: current, task: tasks[current] });
      };
      w.on("message", (msg: { id: number; result?: IsingTaskResult; error?: string }) => {
        if (msg.error !== undefined) { queue.length = 0; reject(new Error(`isingPool: task ${msg.id} failed in a worker: ${msg.error}`)); return; }
        results[msg.id] = msg.result as IsingTaskResult;
        report();
        next();
      });
      w.on("error", (e) => { queue.length = 0; reject(e); });
      w.on("exit", (code) => { if (current >= 0 && results[current] === undefined) reject(new Error(`isingPool: a worker exited (code ${code}) during task ${current}`)); });
      next();
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/** `isingDataSet` for each request, in worker threads (see `run`). */
export async function dataSets(requests: Omit<IsingDataSetTask, "kind">[], opts: { onProgress?: OnProgress; label?: string } = {}): Promise<IsingDataSet[]> {
  const out = await run(requests.map((r) => ({ kind: "dataSet" as const, ...r })), opts);
  return out.map((r) => (r as { dataSet: IsingDataSet }).dataSet);
}

/** One chain's means for each request, in worker threads (see `run`). */
export async function chainMeans(requests: Omit<IsingChainTask, "kind">[], opts: { onProgress?: OnProgress; label?: string } = {}): Promise<IsingChainMeans[]> {
  const out = await run(requests.map((r) => ({ kind: "chainMeans" as const, ...r })), opts);
  return out.map((r) => { const { absM, m2, m4, energy } = r as IsingChainMeans; return { absM, m2, m4, energy }; });
}
