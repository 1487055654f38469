/**
 * Chapter 09: our own scaling study. A family of one-hidden-layer ReLU networks (students) of several
 * widths learns a teacher-student task on a low-dimensional data manifold (`data.manifoldTask`), each
 * for several data budgets, single-epoch: every update sees `batch` fresh samples, so a run of S
 * steps uses D = S * batch samples and C = 6 N D FLOPs, as in the language-model studies (each
 * sample costs about 2N FLOPs forward and 4N backward). Every run has its own cosine learning-rate
 * schedule over its own budget (Hoffmann et al.'s point against Kaplan et al.: a schedule longer than
 * the run overestimates the loss of short runs).
 *
 * The loss reported is the expected squared error on a fresh noisy sample, (f_hat - f)^2 averaged
 * over a test set plus the label-noise variance sigma^2: so the irreducible loss E of the Chinchilla
 * form is known (sigma^2), as the entropy of text is not.
 *
 * Caching: every finished run is stored on its own with `cached`, keyed by its configuration (task,
 * width, steps, batch, optimizer, schedule, seed stream). A rerun finds the stored runs, trains only
 * the missing ones (all missing runs of one seed together, as one `train.trainEnsemble` program), and
 * stores each; growing the grid trains only the new runs.
 *
 * A run's result does not depend on which other widths were trained beside it: runs of one width are
 * one stacked pack in `train.fitBatched`, packs of different widths share only the (read-only) data,
 * and every random draw comes from a fork named by the run (seed, width, steps) or by its seed
 * (data stream, test set). So the study of one width alone gives exactly the numbers that width has
 * in the whole grid (bit for bit on one machine; tests/unit/experiments/scaling.test.ts), which is
 * what lets a sweep (`npm run sweep`, notebooks/points/09-scaling-point.ipynb) run the grid one width
 * per point on any number of servers; `scalingRunsFromSweep` reads it back. Which budgets share a
 * width's pack does matter, by float32 round-off: the stacked products of a pack of 4 and of 6
 * members may round differently (measured: 2 of 8 runs moved, by at most 1.1e-4 of the loss), so a
 * cache filled at one grid size and read at another gives runs equal to round-off, not bit for bit.
 */
import * as path from "path";
import type { Rng } from "../random";
import { projectRoot } from "../projectRoot";
import type { OnProgress } from "../progress";
import { cached, isCached, stableStringify } from "../cache";
import { readSweep, assertSweepComplete } from "../sweepResults";
import { manifoldTask, ManifoldTaskOptions } from "../data/manifold";
import { trainEnsemble, EnsembleMember } from "../train/ensemble";
import type { Schedule } from "../train/schedules";
import { parameterCount } from "../train/spec";

/** The grid of a scaling study: the task, the student widths, the step budgets, the seeds and the optimiser. */
export interface ScalingStudyConfig {
  /** The task (intrinsic dimension d, input dimension, teacher, label noise sigma). */
  task: ManifoldTaskOptions;
  /** Student hidden widths. */
  widths: number[];
  /** Data budgets, in optimizer steps (D = steps * batch samples). */
  steps: number[];
  /** Fresh samples per step. */
  batch: number;
  /** Adam learning rate and schedule (default cosine to 10% after a 10-step warm-up, as Hoffmann et al.). */
  lr: number;
  schedule?: Schedule;
  /** Independent repetitions (data stream, initialisation and test set per seed; one teacher). */
  seeds: number;
  /** Test points per seed (default 4096). */
  testSize?: number;
}

/** One finished run (a type alias, not an interface, so that it is `Recordable`: a sweep point records its runs). */
export type ScalingRunRecord = {
  seed: number;
  width: number;
  steps: number;
  /** Trainable parameters N, training samples D = steps * batch, compute C = 6 N D. */
  N: number;
  D: number;
  C: number;
  /** Expected test loss on noisy labels: test MSE against the clean teacher + sigma^2. */
  loss: number;
  /** Test MSE against the clean teacher (loss - sigma^2). */
  excess: number;
  /** Mean minibatch training loss over the last 10% of the run. */
  trainLoss: number;
};

const DEFAULT_SCHEDULE: Schedule = { kind: "cosine", warmup: 10, final: 0.1 };

/** The parameters chapter 09 builds its study from (its parameters cell), shared with its sweep point notebook. */
export interface ManifoldStudyParams {
  /** Intrinsic dimension d of the data manifold. */
  manifoldDim: number;
  /** Label-noise standard deviation (the irreducible loss is sigma^2). */
  sigma: number;
  /** Student hidden widths. */
  widths: number[];
  /** Data budgets in steps. */
  budgets: number[];
  /** Fresh samples per step. */
  batch: number;
  /** Adam learning rate. */
  lr: number;
  /** Independent repetitions. */
  seeds: number;
}

/**
 * Chapter 09's study: students on `data.manifoldTask` (inputs in R^16 on a `manifoldDim`-dimensional
 * subspace, teacher two tanh layers of 64 with C_W = 1, label noise sigma), Adam with a cosine
 * schedule to 0 after 10 warm-up steps. The chapter and its sweep point notebook
 * (notebooks/points/09-scaling-point.ipynb) both build their configuration here.
 */
export function manifoldStudyConfig(p: ManifoldStudyParams): ScalingStudyConfig {
  return {
    task: { d: p.manifoldDim, inputDim: 16, hidden: [64, 64], cw: 1, sigma: p.sigma },
    widths: p.widths, steps: p.budgets, batch: p.batch, lr: p.lr, seeds: p.seeds,
    schedule: { kind: "cosine", warmup: 10, final: 0 },
  };
}

/**
 * Everything that decides a study's runs except which widths it has: the configuration without
 * `widths`, with its defaults filled in, and the generator's path, as one canonical string. A sweep
 * point records it, and `scalingRunsFromSweep` accepts only points whose string is the reader's own.
 */
export function scalingStudyIdentity(cfg: ScalingStudyConfig, rng: Rng): string {
  const rest: Partial<ScalingStudyConfig> = { ...cfg, testSize: cfg.testSize ?? 4096, schedule: cfg.schedule ?? DEFAULT_SCHEDULE };
  delete rest.widths;
  return stableStringify({ study: rest, rng: rng.path });
}

/**
 * The runs of the study `cfg` (generator `rng`) from a sweep's output folder (`npm run sweep`, see
 * docs/sweeps.md) of a point notebook that trains some widths with `scalingStudy` and records
 * `study` = `scalingStudyIdentity` of its own configuration and generator, and `runs` = its
 * records (notebooks/points/09-scaling-point.ipynb). Returns them in `scalingStudy`'s order (seed,
 * width, steps), so a chapter reads what it would have computed itself. Throws, saying why, when a
 * grid point is missing or failed, when a point ran another configuration or generator, and when
 * the sweep does not hold every run of `cfg` exactly once. A relative `dir` is taken from the
 * project root.
 */
export function scalingRunsFromSweep(dir: string, cfg: ScalingStudyConfig, rng: Rng): ScalingRunRecord[] {
  const t = readSweep(path.isAbsolute(dir) ? dir : path.join(projectRoot, dir));
  assertSweepComplete(t, dir);
  const want = scalingStudyIdentity(cfg, rng);
  const label = (r: { seed: number; width: number; steps: number }): string => `seed ${r.seed}, width ${r.width}, ${r.steps} steps`;
  const found = new Map<string, ScalingRunRecord>();
  for (const row of t.rows) {
    const point = t.manifest.parameters.map((p) => `${p}=${JSON.stringify(row[p])}`).join(", ");
    if (row.study !== want) {
      throw new Error(`${dir}: the point ${point} ran another study than this one (rerun the sweep with the same parameters):\n  the point's: ${String(row.study)}\n  this one's:  ${want}`);
    }
    for (const r of JSON.parse(String(row.runs)) as ScalingRunRecord[]) {
      if (found.has(label(r))) throw new Error(`${dir}: the run ${label(r)} comes from two points (the last: ${point}); give each point its own widths`);
      found.set(label(r), r);
    }
  }
  const out: ScalingRunRecord[] = [];
  for (let seed = 0; seed < cfg.seeds; seed++) for (const width of cfg.widths) for (const steps of cfg.steps) {
    const r = found.get(label({ seed, width, steps }));
    if (!r) throw new Error(`${dir}: the sweep has no run ${label({ seed, width, steps })}; its widths are ${[...new Set([...found.values()].map((x) => x.width))].join(", ")}, this study's ${cfg.widths.join(", ")}`);
    out.push(r);
  }
  if (found.size !== out.length) {
    const extra = [...found.keys()].filter((k) => !out.some((r) => label(r) === k));
    throw new Error(`${dir}: the sweep has ${extra.length} run(s) this study does not (${extra.slice(0, 3).join("; ")}); sweep exactly this study's widths`);
  }
  return out;
}

/** Per-run identity for the cache: everything that decides its result. */
function runKey(cfg: ScalingStudyConfig, streamPath: string, seed: number, width: number, steps: number): object {
  return {
    exp: "scaling-study-run", task: cfg.task, batch: cfg.batch, lr: cfg.lr, schedule: cfg.schedule ?? DEFAULT_SCHEDULE,
    testSize: cfg.testSize ?? 4096, stream: streamPath, seed, width, steps,
  };
}

/**
 * Train (or reuse) every run of the grid widths x steps x seeds; returns one record per run (plain
 * data). Streams: the teacher from rng.fork("task"); for seed s, rng.fork(`seed ${s}`) gives the
 * data stream (fork "stream"), the test set (fork "test") and each run's initialisation
 * (fork `width ${w} steps ${S}`).
 */
export async function scalingStudy(cfg: ScalingStudyConfig, opts: { rng: Rng; onProgress?: OnProgress; cache?: boolean }): Promise<ScalingRunRecord[]> {
  const useCache = opts.cache ?? true;
  const task = manifoldTask(cfg.task, opts.rng.fork("task"));
  const sigma2 = (cfg.task.sigma ?? 0) ** 2;
  const nTest = cfg.testSize ?? 4096;
  const schedule = cfg.schedule ?? DEFAULT_SCHEDULE;
  const grid: { seed: number; width: number; steps: number }[] = [];
  for (let s = 0; s < cfg.seeds; s++) for (const width of cfg.widths) for (const steps of cfg.steps) grid.push({ seed: s, width, steps });
  const keyOfRun = (r: { seed: number; width: number; steps: number }): object =>
    runKey(cfg, opts.rng.fork(`seed ${r.seed}`).path, r.seed, r.width, r.steps);

  // the runs trained in this call, by "seed width steps"
  const fresh = new Map<string, ScalingRunRecord>();
  const label = (r: { seed: number; width: number; steps: number }): string => `${r.seed} ${r.width} ${r.steps}`;
  // what the cache stores for a run: the freshly trained record (or, if a stored entry turned out
  // unreadable, the run trained alone)
  const trainedOrTrain = async (scalingRunSpec: { seed: number; width: number; steps: number }): Promise<ScalingRunRecord> =>
    fresh.get(label(scalingRunSpec)) ?? (await trainSeed(scalingRunSpec.seed, [scalingRunSpec]))[0];

  const trainSeed = async (seed: number, runs: { seed: number; width: number; steps: number }[]): Promise<ScalingRunRecord[]> => {
    const sr = opts.rng.fork(`seed ${seed}`);
    const test = task.sample(nTest, sr.fork("test"));
    const stream = sr.fork("stream");
    const chunkSteps = Math.max(1, Math.floor(65536 / cfg.batch));
    let chunk = -1, cur: { x: Float32Array; y: Float32Array } | null = null;
    const members: EnsembleMember[] = runs.map((r) => ({ width: r.width, steps: r.steps, rng: sr.fork(`width ${r.width} steps ${r.steps}`) }));
    const res = await trainEnsemble({
      inputDim: cfg.task.inputDim, members, optimizer: { lr: cfg.lr }, schedule,
      batch: (t) => {
        const c = Math.floor(t / chunkSteps);
        if (c !== chunk) { chunk = c; cur = task.sample(chunkSteps * cfg.batch, stream.fork(`chunk ${c}`)); }
        const o = (t - c * chunkSteps) * cfg.batch;
        const b = cur as { x: Float32Array; y: Float32Array };
        return { x: b.x.subarray(o * cfg.task.inputDim, (o + cfg.batch) * cfg.task.inputDim), y: b.y.subarray(o, o + cfg.batch), rows: cfg.batch };
      },
      test: { x: test.x, y: test.f, rows: nTest },
      onProgress: opts.onProgress ? (p) => opts.onProgress!({ ...p, label: `seed ${seed}: ${runs.length} runs at once` }) : undefined,
    });
    return runs.map((r, k) => {
      const m = res.members[k];
      const N = parameterCount({ inputDim: cfg.task.inputDim, hidden: [r.width] });
      const D = r.steps * cfg.batch;
      return { seed: r.seed, width: r.width, steps: r.steps, N, D, C: 6 * N * D, loss: m.testLoss + sigma2, excess: m.testLoss, trainLoss: m.trainLoss };
    });
  };

  // 1. which runs are missing; 2. train them, one ensemble per seed; 3. store and collect every run
  // (the two closures below must read the same, character for character: their source is part of the
  // key; keyOfRun holds the configuration, and `libraryCode` keeps notebook names out of the key)
  const libraryCode = true;
  const missing = useCache ? grid.filter((scalingRunSpec) => !isCached(keyOfRun(scalingRunSpec), () => trainedOrTrain(scalingRunSpec), { libraryCode })) : grid;
  for (let s = 0; s < cfg.seeds; s++) {
    const todo = missing.filter((r) => r.seed === s);
    if (todo.length === 0) continue;
    for (const rec of await trainSeed(s, todo)) fresh.set(label(rec), rec);
  }
  const out: ScalingRunRecord[] = [];
  for (const scalingRunSpec of grid) {
    out.push(useCache ? await cached(keyOfRun(scalingRunSpec), () => trainedOrTrain(scalingRunSpec), { quiet: true, libraryCode }) : (fresh.get(label(scalingRunSpec)) as ScalingRunRecord));
  }
  if (useCache) console.log(`scaling study: ${grid.length - missing.length} of ${grid.length} runs reused from the cache, ${missing.length} trained`);
  return out;
}
