/**
 * Chapter 06: lazy versus feature learning. Two-layer networks in the NTK parameterization and in muP,
 * trained by full-batch gradient descent on the half-mse loss of one task at many widths: how far
 * their weights and their empirical NTK move (`changeVsWidth`), and the lazy network against its own
 * linearisation and against kernel regression with the spec's infinite-width NTK (`lazyVsKernel`).
 */
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import { yieldToKernel } from "../progress";
import type { Matrix } from "../linalg/matrix";
import { eigvalsh } from "../linalg";
import type { Activation } from "../activations";
import { network } from "../train/network";
import { fit } from "../train/fit";
import { empiricalNtk, kernelOf } from "../train/kernels";
import { relativeKernelChange, weightChange } from "../train/measures";
import type { NetworkSpec } from "../train/spec";
import { kernelGradientDescent } from "../models/kernelDynamics";

/** A regression data set as matrices (targets n x 1). */
export interface MatrixData {
  x: Matrix;
  y: Matrix;
}

/** The two-layer network of the chapter. */
export function twoLayerSpec(o: { inputDim: number; width: number; parameterization: "ntk" | "mup" | "standard"; activation?: Activation; baseWidth?: number }): NetworkSpec {
  return {
    inputDim: o.inputDim, hidden: [o.width], activation: o.activation ?? "relu", parameterization: o.parameterization,
    bias: false, ...(o.parameterization === "mup" ? { baseWidth: o.baseWidth ?? 64 } : {}),
  };
}

/** One trained network of `changeVsWidth`. */
export interface WidthRun {
  parameterization: "ntk" | "mup";
  width: number;
  seed: number;
  /** ||theta - theta0|| / ||theta0|| over all parameters. */
  weightChange: number;
  /** ||W_l - W_l0||_F / ||W_l0||_F for each layer (input layer first). */
  layerChange: number[];
  /** ||K - K0||_F / ||K0||_F of the (learning-rate weighted) empirical NTK on the training inputs. */
  kernelChange: number;
  initialLoss: number;
  finalLoss: number;
}

/**
 * Train one two-layer network per (parameterization, width, seed) for `steps` steps of full-batch GD
 * with the parameterization's learning rate `lr[p]` (the same at every width: that is the point), and
 * measure how far its weights and its empirical NTK moved. The network of width w and seed s is drawn
 * from `rng.fork("width w").fork("seed s")` in both parameterizations, so the two see the same random
 * numbers (scaled differently).
 */
export async function changeVsWidth(o: {
  data: MatrixData; widths: number[]; seeds: number; steps: number;
  parameterizations: ("ntk" | "mup")[]; lr: { ntk?: number; mup?: number };
  activation?: Activation; baseWidth?: number; rng: Rng; onProgress?: OnProgress;
}): Promise<WidthRun[]> {
  const out: WidthRun[] = [];
  const total = o.parameterizations.length * o.widths.length * o.seeds;
  for (const p of o.parameterizations) {
    const lr = o.lr[p];
    if (!(lr !== undefined && lr > 0)) throw new RangeError(`changeVsWidth: give a positive learning rate for "${p}" (lr: { ${p}: ... })`);
    for (const w of o.widths) {
      for (let s = 0; s < o.seeds; s++) {
        const spec = twoLayerSpec({ inputDim: o.data.x.cols, width: w, parameterization: p, activation: o.activation, baseWidth: o.baseWidth });
        const net = await network(spec, { rng: o.rng.fork(`width ${w}`).fork(`seed ${s}`) });
        const w0 = net.snapshot(), K0 = empiricalNtk(net, o.data.x);
        const run = await fit(net, o.data, { optimizer: { kind: "sgd", lr }, loss: "half-mse", steps: o.steps, evalEvery: o.steps });
        const change = weightChange(net, w0);
        out.push({
          parameterization: p, width: w, seed: s, weightChange: change.overall, layerChange: change.layers.map((l) => l.weights),
          kernelChange: relativeKernelChange(K0, empiricalNtk(net, o.data.x)),
          initialLoss: run.history[0].trainLoss, finalLoss: run.history[run.history.length - 1].trainLoss,
        });
        net.dispose();
        o.onProgress?.({ done: out.length, total, label: `${p}, width ${w}` });
        await yieldToKernel();
      }
    }
  }
  return out;
}

/** One network of `lazyVsKernel` and the two linear models it is compared with. */
export interface LazyKernelRun {
  width: number;
  seed: number;
  /** f_T(x) - f_0(x) at the test inputs: the trained network. */
  net: number[];
  /** The same for the network linearised at initialisation (its own empirical NTK, fixed). */
  linearized: number[];
  /** The same for kernel gradient descent with the spec's infinite-width NTK on the residual y - f_0(X). */
  kernel: number[];
  /** The initial training residual f_0(X) - y (to redo the kernel prediction with another kernel). */
  residual0: number[];
  /** Half-mse training loss at `steps`: the network, and the infinite-width kernel's prediction. */
  lossNet: number[];
  lossKernel: number[];
}

/** Networks against their linearisation around initialisation (the lazy kernel): losses at each recorded step. */
export interface LazyKernelResult {
  /** Steps at which the losses were recorded (0 .. T). */
  steps: number[];
  runs: LazyKernelRun[];
  /** Top eigenvalue of the infinite-width NTK on the training inputs divided by n (the curvature of half-mse). */
  lambda: number;
}

function matrixBlock(K: Matrix, r0: number, r1: number, c0: number, c1: number): Matrix {
  const rows = r1 - r0, cols = c1 - c0, data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = K.data[(r0 + i) * K.cols + (c0 + j)];
  return { rows, cols, data };
}

/**
 * NTK-parameterized two-layer networks at each width (`seeds` per width, `rng.fork("width w").fork("seed s")`),
 * trained for `steps` steps of full-batch GD (learning rate `lr`, half-mse), against (a) the same
 * network linearised at initialisation and (b) gradient descent with the spec's infinite-width NTK,
 * both in closed form (models.kernelGradientDescent) from the network's own initial function f_0: all
 * three start from f_0, so their changes f_T - f_0 at the test inputs are compared.
 */
export async function lazyVsKernel(o: {
  data: MatrixData; test: { x: Matrix }; widths: number[]; seeds: number; steps: number; lr: number;
  evalEvery?: number; activation?: "relu" | "erf"; rng: Rng; onProgress?: OnProgress;
}): Promise<LazyKernelResult> {
  const n = o.data.x.rows, m = o.test.x.rows, d = o.data.x.cols;
  const every = o.evalEvery ?? Math.max(1, Math.round(o.steps / 50));
  const all: Matrix = { rows: n + m, cols: d, data: new Float64Array((n + m) * d) };
  all.data.set(o.data.x.data, 0);
  all.data.set(o.test.x.data, n * d);
  const specOf = (w: number) => twoLayerSpec({ inputDim: d, width: w, parameterization: "ntk", activation: o.activation ?? "relu" });
  const Kinf = kernelOf(specOf(1)).ntk(all);
  const Ktrain = matrixBlock(Kinf, 0, n, 0, n), Kcross = matrixBlock(Kinf, n, n + m, 0, n);
  const steps: number[] = [];
  for (let t = 0; t <= o.steps; t += every) steps.push(t);
  if (steps[steps.length - 1] !== o.steps) steps.push(o.steps);
  const runs: LazyKernelRun[] = [];
  const total = o.widths.length * o.seeds;
  for (const w of o.widths) {
    for (let s = 0; s < o.seeds; s++) {
      const net = await network(specOf(w), { rng: o.rng.fork(`width ${w}`).fork(`seed ${s}`) });
      const f0 = net.predict(all).data;
      const r0 = Float64Array.from({ length: n }, (_, i) => f0[i] - o.data.y.data[i]);
      const Ke = empiricalNtk(net, all);
      const lin = kernelGradientDescent(matrixBlock(Ke, 0, n, 0, n), r0, { lr: o.lr, steps: [o.steps], cross: matrixBlock(Ke, n, n + m, 0, n) });
      const ker = kernelGradientDescent(Ktrain, r0, { lr: o.lr, steps, cross: Kcross });
      const run = await fit(net, o.data, { optimizer: { kind: "sgd", lr: o.lr }, loss: "half-mse", steps: o.steps, evalEvery: every });
      const fT = net.predict(o.test.x).data;
      net.dispose();
      runs.push({
        width: w, seed: s,
        net: Array.from({ length: m }, (_, i) => fT[i] - f0[n + i]),
        linearized: Array.from(lin.change), kernel: Array.from(ker.change), residual0: Array.from(r0),
        lossNet: run.history.map((h) => h.trainLoss), lossKernel: ker.loss,
      });
      o.onProgress?.({ done: runs.length, total, label: `width ${w}` });
      await yieldToKernel();
    }
  }
  const ev = eigvalsh(Ktrain);
  return { steps, runs, lambda: ev[ev.length - 1] / n };
}

/** One NTK-parameterized network at initialisation, from `ntkAtInitialisation`. */
export interface InitialNtkRun {
  width: number;
  seed: number;
  /**
   * <Theta_N, Theta_inf>_F / <Theta_inf, Theta_inf>_F on the training inputs: the empirical NTK projected
   * on the spec's infinite-width NTK. For a two-layer network Theta_N is an average of N independent
   * units' kernels whose expectation is Theta_inf, so this projection has expectation exactly 1 at every width.
   */
  kernelProjection: number;
  /**
   * The relative weight change of the first full-batch GD step on the half-mse loss at learning rate lr:
   * lr ||grad L|| / ||theta0||, with ||grad L||^2 = r^T Theta_N r / n^2 and r = f0(X) - y. Under NTK
   * scaling it falls as N^-1/2 (each weight's gradient carries the readout multiplier sqrt(C_W / N)).
   */
  firstStepChange: number;
}

/**
 * NTK-parameterized two-layer networks at initialisation, before any training: for each width and seed
 * (the network drawn from rng.fork("width w").fork("seed s"), as in `changeVsWidth`, so passing the same
 * rng gives the very networks that `changeVsWidth` trains), the empirical NTK's projection on the
 * infinite-width NTK and the relative weight change of a first GD step at learning rate `lr`. Both test
 * the parameterization itself, at no training cost: a multiplier off by a power of the width moves the
 * first by a power of N and the slope of the second away from -1/2.
 */
export async function ntkAtInitialisation(o: { data: MatrixData; widths: number[]; seeds: number; lr: number; activation?: Activation; rng: Rng }): Promise<InitialNtkRun[]> {
  if (!(o.lr > 0)) throw new RangeError(`ntkAtInitialisation: lr must be positive, got ${o.lr}`);
  const X = o.data.x, n = X.rows;
  const inf = kernelOf(twoLayerSpec({ inputDim: X.cols, width: 1, parameterization: "ntk", activation: o.activation })).ntk(X).data;
  let infSq = 0;
  for (const v of inf) infSq += v * v;
  const out: InitialNtkRun[] = [];
  for (const w of o.widths) {
    for (let s = 0; s < o.seeds; s++) {
      const net = await network(twoLayerSpec({ inputDim: X.cols, width: w, parameterization: "ntk", activation: o.activation }), { rng: o.rng.fork(`width ${w}`).fork(`seed ${s}`) });
      const K = empiricalNtk(net, X).data;
      const f0 = net.predict(X).data;
      let theta0 = 0;
      for (const a of net.snapshot()) for (let i = 0; i < a.length; i++) theta0 += a[i] * a[i];
      net.dispose();
      let dot = 0, quad = 0;
      const r = Array.from({ length: n }, (_, i) => f0[i] - o.data.y.data[i]);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { dot += K[i * n + j] * inf[i * n + j]; quad += r[i] * K[i * n + j] * r[j]; }
      out.push({ width: w, seed: s, kernelProjection: dot / infSq, firstStepChange: (o.lr * Math.sqrt(Math.max(0, quad))) / n / Math.sqrt(theta0) });
    }
    await yieldToKernel();
  }
  return out;
}
