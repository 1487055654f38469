/**
 * Chapter 07: how far beyond eta lambda0 = 4 a network can be trained depends on where its initial
 * residual lies. In Lewkowycz et al.'s solvable two-layer linear network (arXiv 2003.02218) with the
 * residual in the top mode of the NTK, a large residual raises the curvature once eta lambda0 > 4, and
 * the run diverges. With several modes, a lower mode k with 2 < eta lambda_k < 4 catapults on its own:
 * its growing residual shrinks the readout that every mode shares, and with it the top curvature, which
 * can rescue a top mode that alone would diverge. So eta_max depends on the residual's direction.
 *
 * `catapultModeThresholds` measures eta_max (divergence within `steps` steps of full-batch GD, by
 * bisection) for the same network and inputs with several kinds of labels: the task's own, and labels
 * that put the initial residual entirely in one NTK mode, or split it equally between a few modes
 * (always with the norm of the task's residual).
 * lambda0 and lambda_k are the loss curvatures of the NTK modes at initialisation, (2/n) times the
 * eigenvalues of the empirical NTK for the "mse" loss (its Gauss-Newton curvature).
 */
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import { yieldToKernel } from "../progress";
import { reluTeacherTask } from "../data/teacherTask";
import { eigh } from "../linalg";
import { network, fit, empiricalNtk, sharpness } from "../train";
import type { NetworkSpec } from "../train";
import type { TaskSize } from "./largeLearningRates";

/** eta_max of one residual direction, as a bracket in x = eta lambda0. */
export interface ModeThreshold {
  /** "task": the task's labels; [k]: the residual in NTK mode k (0 = top); [j, k]: split equally between modes j and k. */
  residual: "task" | number[];
  /** Largest x that did not diverge, smallest x that did. */
  bracket: [number, number];
  /**
   * Top eigenvalue of the full Hessian of the loss at initialisation with these labels, over lambda0
   * (the Gauss-Newton curvature): at finite width the residual term r . grad^2 f moves it away from 1.
   */
  hessianRatio: number;
  probes: { x: number; diverged: boolean }[];
}

/** One seed: the NTK's mode curvatures at initialisation and eta_max for each residual direction. */
export interface CatapultModes {
  seed: number;
  /** Loss curvature of the top NTK mode, (2/n) lambda_max(K). */
  lambda0: number;
  /** Loss curvatures of the NTK modes, descending (the non-zero ones: at most rank of the inputs for a linear network). */
  modeCurvatures: number[];
  /** Share of the task's initial residual (squared norm) in each mode, same order. */
  taskShares: number[];
  thresholds: ModeThreshold[];
}

/**
 * For one seed (task and network drawn as in `learningRateRuns`), eta_max lambda0 by bisection to
 * `resolution` within `bracket`, for the task's labels (unless `taskLabels` is false) and for each entry of `modes`: a list of NTK
 * modes (0 = top) over which the initial residual is split equally ([1]: all in the second mode). Every probe trains the same initial network afresh with full-batch GD ("mse" loss).
 */
export async function catapultModeThresholds(o: {
  spec: NetworkSpec; task: TaskSize; seed: number; modes: number[][]; bracket: [number, number]; resolution: number; steps: number;
  /** Also measure the task's own labels (default true). */
  taskLabels?: boolean;
  rng: Rng; onProgress?: OnProgress;
}): Promise<CatapultModes> {
  const r = o.rng.fork(`seed ${o.seed}`);
  const task = reluTeacherTask({ ...o.task, rng: r.fork("task") });
  const n = o.task.n;
  const net0 = await network(o.spec, { rng: r.fork("net") });
  const f0 = Float64Array.from(net0.predict(task.train.x).data);
  const K = empiricalNtk(net0, task.train.x);
  net0.dispose();
  const { values, vectors } = eigh(K);   // ascending
  const order = Array.from(values, (_, i) => i).sort((a, b) => values[b] - values[a]);
  const top = values[order[0]];
  const significant = order.filter((i) => values[i] > 1e-6 * top);
  const y = Float64Array.from(task.train.y.data as ArrayLike<number>);
  const r0 = f0.map((v, i) => v - y[i]);
  const r0Norm = Math.sqrt(r0.reduce((s, v) => s + v * v, 0));
  const mode = (i: number) => Float64Array.from({ length: n }, (_, a) => vectors.data[a * n + i]);
  const taskShares = significant.map((i) => { const u = mode(i); const p = u.reduce((s, v, a) => s + v * r0[a], 0); return (p * p) / (r0Norm * r0Norm); });
  const lambda0 = (2 / n) * top;
  const labelSets: { residual: "task" | number[]; y: Float64Array }[] = o.taskLabels === false ? [] : [{ residual: "task", y }];
  for (const ks of o.modes) {
    if (ks.length === 0) throw new RangeError("catapultModeThresholds: an entry of `modes` is empty");
    const dir = new Float64Array(n);
    for (const k of ks) {
      if (!(Number.isInteger(k) && k >= 0 && k < significant.length)) throw new RangeError(`catapultModeThresholds: mode ${k} is not one of the ${significant.length} non-zero NTK modes`);
      const u = mode(significant[k]);
      for (let a = 0; a < n; a++) dir[a] += u[a] / Math.sqrt(ks.length);
    }
    labelSets.push({ residual: ks.slice(), y: f0.map((v, a) => v - r0Norm * dir[a]) });
  }
  const total = labelSets.length * (2 + Math.ceil(Math.log2((o.bracket[1] - o.bracket[0]) / o.resolution)));
  let done = 0;
  const thresholds: ModeThreshold[] = [];
  for (const set of labelSets) {
    const data = { x: task.train.x, y: { rows: n, cols: 1, data: set.y } };
    const netH = await network(o.spec, { rng: r.fork("net") });
    const hessianRatio = sharpness(netH, data, { loss: "mse", tol: 1e-8, maxIter: 300 }).value / lambda0;
    netH.dispose();
    const probes: ModeThreshold["probes"] = [];
    const diverges = async (x: number): Promise<boolean> => {
      const net = await network(o.spec, { rng: r.fork("net") });
      const run = await fit(net, data, { optimizer: { kind: "sgd", lr: x / lambda0 }, loss: "mse", steps: o.steps, onDivergence: "stop", evalEvery: o.steps });
      net.dispose();
      const d = run.diverged !== null;
      probes.push({ x, diverged: d });
      o.onProgress?.({ done: ++done, total, label: `seed ${o.seed}, residual ${set.residual === "task" ? "of the task" : `in modes ${set.residual.join(", ")}`}: eta lambda0 = ${x.toFixed(3)}` });
      await yieldToKernel();
      return d;
    };
    let [lo, hi] = o.bracket;
    const what = set.residual === "task" ? "the task's residual" : `the residual in modes ${set.residual.join(", ")}`;
    if (await diverges(lo)) throw new Error(`catapultModeThresholds (seed ${o.seed}, ${what}): already diverges at eta lambda0 = ${lo}; lower the bracket`);
    if (!(await diverges(hi))) throw new Error(`catapultModeThresholds (seed ${o.seed}, ${what}): still converges at eta lambda0 = ${hi}; raise the bracket`);
    while (hi - lo > o.resolution) {
      const mid = (lo + hi) / 2;
      if (await diverges(mid)) hi = mid; else lo = mid;
    }
    thresholds.push({ residual: set.residual, bracket: [lo, hi], hessianRatio, probes });
  }
  return { seed: o.seed, lambda0, modeCurvatures: significant.map((i) => (2 / n) * values[i]), taskShares, thresholds };
}
