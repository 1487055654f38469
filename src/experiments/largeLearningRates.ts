/**
 * Chapter 07: large learning rates. Full-batch gradient descent with the sharpness (top Hessian
 * eigenvalue of the training loss) recorded along the way (`sharpnessRuns`: progressive sharpening and
 * the edge of stability), and the three regimes of the first steps (`learningRateRuns`, `catapultStudy`,
 * `learningRateThreshold`):
 * lazy below eta = 2 / lambda0, catapult between 2 / lambda0 and eta_max, divergence above.
 */
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import { yieldToKernel } from "../progress";
import { reluTeacherTask } from "../data/teacherTask";
import { network } from "../train/network";
import { fit } from "../train/fit";
import { ntkTopEigenvalue, sharpness, sharpnessMetric } from "../train/curvature";
import type { LossName } from "../train/losses";
import type { NetworkSpec } from "../train/spec";

/** The task of the chapter: n points in d dimensions labelled by a random ReLU teacher (standardised). */
export interface TaskSize {
  n: number;
  d: number;
  teacherWidth?: number;
}

/** One run of full-batch GD with its sharpness recorded every `evalEvery` steps. */
export interface SharpnessRun {
  eta: number;
  seed: number;
  /** Steps of the evaluations. */
  steps: number[];
  /** Training loss and sharpness at those steps. */
  loss: number[];
  sharpness: number[];
  /** The training loss before every step (thinned to every `lossEvery`-th step when asked). */
  stepLoss: number[];
  diverged: boolean;
}

/**
 * Full-batch GD of `spec` at each learning rate of `etas` for `steps` steps, `seeds` times: seed s
 * draws its task from `rng.fork("seed s").fork("task")` and its network from `...fork("net")`, the same
 * for every learning rate (so the runs of one seed differ only by eta). The sharpness of the training
 * loss is measured every `evalEvery` steps by Lanczos, warm-started from the previous evaluation.
 */
export async function sharpnessRuns(o: {
  spec: NetworkSpec; task: TaskSize; etas: number[]; seeds: number; steps: number; evalEvery: number;
  loss?: LossName; lossEvery?: number; rng: Rng; onProgress?: OnProgress;
}): Promise<SharpnessRun[]> {
  const loss = o.loss ?? "mse";
  const out: SharpnessRun[] = [];
  const total = o.etas.length * o.seeds * o.steps;
  for (let s = 0; s < o.seeds; s++) {
    const r = o.rng.fork(`seed ${s}`);
    const task = reluTeacherTask({ ...o.task, rng: r.fork("task") });
    for (const eta of o.etas) {
      const net = await network(o.spec, { rng: r.fork("net") });
      const base = out.length * o.steps;
      const run = await fit(net, task.train, {
        optimizer: { kind: "sgd", lr: eta }, loss, steps: o.steps, evalEvery: o.evalEvery, onDivergence: "stop",
        metrics: { sharpness: sharpnessMetric({ tol: 1e-3 }) },
        onProgress: o.onProgress ? (p) => o.onProgress?.({ done: base + p.done, total, label: `seed ${s}, eta ${eta}`, values: p.values }) : undefined,
      });
      net.dispose();
      const every = o.lossEvery ?? 1;
      out.push({
        eta, seed: s, steps: run.history.map((h) => h.step), loss: run.history.map((h) => h.trainLoss),
        sharpness: run.history.map((h) => h.sharpness as number),
        stepLoss: run.stepLoss.filter((_, i) => i % every === 0), diverged: run.diverged !== null,
      });
      await yieldToKernel();
    }
  }
  return out;
}

/** The first steps of one run at learning rate eta = etaTimesLambda0 / lambda0. */
export interface LearningRateRun {
  /** eta lambda0. */
  x: number;
  eta: number;
  /** Training loss before every step (up to divergence). */
  stepLoss: number[];
  /** Sharpness at the evaluation steps (empty without `evalEvery`). */
  steps: number[];
  sharpness: number[];
  diverged: boolean;
  /**
   * The largest rise of the loss over its lowest value so far, max_t L_t / min_{s<=t} L_s: exactly 1
   * for a loss that only decreases (the lazy regime), large for a catapult.
   */
  spike: number;
  /** Sharpness at the end (NaN when diverged). */
  finalSharpness: number;
}

/** The curvature of one seed's network at initialisation, three ways. */
export interface InitialCurvature {
  seed: number;
  /** Top eigenvalue of the Hessian of the loss. */
  hessian: number;
  /** Top eigenvalue of its Gauss-Newton part (for mse: 2 J^T J / n). */
  gaussNewton: number;
  /** Top eigenvalue of the empirical NTK on the training inputs, times the loss's curvature in f (2 / n for mse, 1 / n for half-mse). */
  ntk: number;
}

/** Hessian, Gauss-Newton and NTK curvature at initialisation for `seeds` seeds (tasks and networks as in `sharpnessRuns`). */
export async function initialCurvature(o: { spec: NetworkSpec; task: TaskSize; seeds: number; loss?: "mse" | "half-mse"; rng: Rng }): Promise<InitialCurvature[]> {
  const loss = o.loss ?? "mse";
  const out: InitialCurvature[] = [];
  for (let s = 0; s < o.seeds; s++) {
    const r = o.rng.fork(`seed ${s}`);
    const task = reluTeacherTask({ ...o.task, rng: r.fork("task") });
    const net = await network(o.spec, { rng: r.fork("net") });
    const opts = { loss, tol: 1e-8, maxIter: 300 };
    out.push({
      seed: s, hessian: sharpness(net, task.train, opts).value, gaussNewton: sharpness(net, task.train, { ...opts, gaussNewton: true }).value,
      ntk: ((loss === "mse" ? 2 : 1) * ntkTopEigenvalue(net, task.train.x)) / o.task.n,
    });
    net.dispose();
  }
  return out;
}

/** Initial curvature lambda0 (top Hessian eigenvalue of the loss at initialisation) of one seed's network and task. */
export async function initialSharpness(o: { spec: NetworkSpec; task: TaskSize; seed: number; loss?: LossName; rng: Rng }): Promise<number> {
  const r = o.rng.fork(`seed ${o.seed}`);
  const task = reluTeacherTask({ ...o.task, rng: r.fork("task") });
  const net = await network(o.spec, { rng: r.fork("net") });
  const s = sharpness(net, task.train, { loss: o.loss ?? "mse", tol: 1e-7, maxIter: 200 }).value;
  net.dispose();
  return s;
}

/**
 * GD from one seed's initialisation (as in `sharpnessRuns`) at eta = x / lambda0 for each x, for
 * `steps` steps (stopping at divergence), with the sharpness every `evalEvery` steps when given.
 */
export async function learningRateRuns(o: {
  spec: NetworkSpec; task: TaskSize; seed: number; xs: number[]; steps: number; evalEvery?: number;
  loss?: LossName; lambda0?: number; rng: Rng; onProgress?: OnProgress;
}): Promise<{ lambda0: number; runs: LearningRateRun[] }> {
  const loss = o.loss ?? "mse";
  const r = o.rng.fork(`seed ${o.seed}`);
  const task = reluTeacherTask({ ...o.task, rng: r.fork("task") });
  const lambda0 = o.lambda0 ?? await initialSharpness({ spec: o.spec, task: o.task, seed: o.seed, loss, rng: o.rng });
  const runs: LearningRateRun[] = [];
  for (const x of o.xs) {
    const eta = x / lambda0;
    const net = await network(o.spec, { rng: r.fork("net") });
    const run = await fit(net, task.train, {
      optimizer: { kind: "sgd", lr: eta }, loss, steps: o.steps, onDivergence: "stop",
      evalEvery: o.evalEvery ?? o.steps, ...(o.evalEvery ? { metrics: { sharpness: sharpnessMetric({ tol: 1e-3 }) } } : {}),
    });
    const diverged = run.diverged !== null;
    let spike = 1, low = Infinity;
    for (const v of run.stepLoss) {
      if (!Number.isFinite(v)) break;
      low = Math.min(low, v);
      spike = Math.max(spike, v / low);
    }
    const finalSharpness = diverged ? NaN : sharpness(net, task.train, { loss, tol: 1e-5 }).value;
    net.dispose();
    runs.push({
      x, eta, stepLoss: run.stepLoss, diverged, spike, finalSharpness,
      steps: o.evalEvery ? run.history.map((h) => h.step) : [], sharpness: o.evalEvery ? run.history.map((h) => h.sharpness as number) : [],
    });
    o.onProgress?.({ done: runs.length, total: o.xs.length, label: `eta lambda0 = ${x}` });
    await yieldToKernel();
  }
  return { lambda0, runs };
}

/** A run "spiked" when its loss rose by more than 1% above its lowest value so far (float32 noise is far below). */
export const SPIKE = 1.01;

/** A threshold learning rate of one seed, as a bracket in x = eta lambda0, and the runs that found it. */
export interface Threshold {
  seed: number;
  lambda0: number;
  /** Largest x seen on the "below" side, smallest x seen on the "above" side. */
  bracket: [number, number];
  probes: { x: number; spike: number; diverged: boolean }[];
}

/**
 * A threshold learning rate of one seed (task and network as in `learningRateRuns`) by bisection in
 * x = eta lambda0 until the bracket is narrower than `resolution`. criterion "spike": the loss rises
 * by more than 1% above its lowest value so far within `steps` steps (the edge of the lazy regime,
 * 2 / lambda0 in theory); "diverge": the loss becomes infinite or NaN within `steps` steps (eta_max).
 * The ends of `bracket` are run first, and an error says when they do not bracket the threshold.
 */
export async function learningRateThreshold(o: {
  spec: NetworkSpec; task: TaskSize; seed: number; criterion: "spike" | "diverge"; bracket: [number, number];
  resolution: number; steps: number; lambda0?: number; loss?: LossName; rng: Rng; onProgress?: OnProgress;
}): Promise<Threshold> {
  const loss = o.loss ?? "mse";
  const lambda0 = o.lambda0 ?? await initialSharpness({ spec: o.spec, task: o.task, seed: o.seed, loss, rng: o.rng });
  const probes: Threshold["probes"] = [];
  const total = 2 + Math.max(0, Math.ceil(Math.log2((o.bracket[1] - o.bracket[0]) / o.resolution)));
  const above = async (x: number): Promise<boolean> => {
    const { runs } = await learningRateRuns({ spec: o.spec, task: o.task, seed: o.seed, xs: [x], steps: o.steps, loss, lambda0, rng: o.rng });
    probes.push({ x, spike: runs[0].spike, diverged: runs[0].diverged });
    o.onProgress?.({ done: probes.length, total, label: `seed ${o.seed}: eta lambda0 = ${x.toFixed(3)}` });
    return o.criterion === "spike" ? runs[0].spike > SPIKE || runs[0].diverged : runs[0].diverged;
  };
  let [lo, hi] = o.bracket;
  const what = o.criterion === "spike" ? "spiked" : "diverged";
  if (await above(lo)) throw new Error(`learningRateThreshold (seed ${o.seed}): the run at eta lambda0 = ${lo} already ${what}; lower the start of the bracket`);
  if (!(await above(hi))) throw new Error(`learningRateThreshold (seed ${o.seed}): the run at eta lambda0 = ${hi} has not ${what}; raise the end of the bracket`);
  while (hi - lo > o.resolution) {
    const mid = (lo + hi) / 2;
    if (await above(mid)) hi = mid; else lo = mid;
  }
  return { seed: o.seed, lambda0, bracket: [lo, hi], probes };
}

/** One seed of `catapultStudy`: runs at fixed x = eta lambda0 and the bracket of eta_max. */
export interface CatapultSeed {
  seed: number;
  lambda0: number;
  runs: LearningRateRun[];
  max: Threshold;
}

/**
 * For each seed: GD runs at the fixed values `xs` of eta lambda0 (`steps` steps each) and the maximal
 * learning rate by bisection on divergence within `maxSteps` steps (start bracket `maxBracket`).
 */
export async function catapultStudy(o: {
  spec: NetworkSpec; task: TaskSize; seeds: number; xs: number[]; steps: number;
  maxBracket: [number, number]; resolution: number; maxSteps: number; loss?: LossName; rng: Rng; onProgress?: OnProgress;
}): Promise<CatapultSeed[]> {
  const out: CatapultSeed[] = [];
  for (let s = 0; s < o.seeds; s++) {
    const report = (label: string, f: number) => o.onProgress?.({ done: s + f, total: o.seeds, label: `seed ${s}: ${label}` });
    const fixed = await learningRateRuns({ spec: o.spec, task: o.task, seed: s, xs: o.xs, steps: o.steps, loss: o.loss, rng: o.rng,
      onProgress: (p) => report(p.label ?? "", (0.5 * p.done) / p.total) });
    const max = await learningRateThreshold({ spec: o.spec, task: o.task, seed: s, criterion: "diverge", bracket: o.maxBracket, resolution: o.resolution,
      steps: o.maxSteps, lambda0: fixed.lambda0, loss: o.loss, rng: o.rng, onProgress: (p) => report(p.label ?? "", 0.5 + (0.5 * p.done) / p.total) });
    out.push({ seed: s, lambda0: fixed.lambda0, runs: fixed.runs, max });
  }
  return out;
}
