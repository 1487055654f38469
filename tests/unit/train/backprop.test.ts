import { test } from "node:test";
import assert from "node:assert/strict";
import type * as tfjs from "@tensorflow/tfjs";
import { tfReady } from "../../../src/tf";
import { network } from "../../../src/train/network";
import { backprop } from "../../../src/train/backprop";
import { lossTensor, LossName } from "../../../src/train/losses";
import { fit, trainingStep } from "../../../src/train/fit";
import { NetworkSpec } from "../../../src/train/spec";
import { Rng } from "../../../src/random";

// Backpropagation by hand against tf.variableGrads' tape, for every parameterization, activation and loss.
const specs: NetworkSpec[] = [
  { inputDim: 5, hidden: [16, 12], outputDim: 3, activation: "relu" },
  { inputDim: 5, hidden: [16, 12], outputDim: 3, activation: "tanh", parameterization: "ntk", cb: 0.1 },
  { inputDim: 5, hidden: [16, 12], outputDim: 3, activation: "erf", parameterization: "mup", baseWidth: 8 },
  { inputDim: 5, hidden: [16], outputDim: 3, activation: "linear", bias: false },
  { inputDim: 5, hidden: [], outputDim: 3 },
  { inputDim: 5, hidden: [16, 16], outputDim: 3, activation: "relu", parameterization: "mup", baseWidth: 4, init: "orthogonal" },
];
const losses: LossName[] = ["mse", "half-mse", "softmax-ce"];

for (const spec of specs) {
  test(`backprop = tape: ${JSON.stringify(spec)}`, async () => {
    const tf = await tfReady();
    const rng = new Rng(3);
    const net = await network(spec, { rng: rng.fork("net") });
    const x = tf.tensor2d(Float32Array.from(rng.fork("x").normals(20 * 5)), [20, 5]);
    const yr = rng.fork("y").uniforms(20 * 3);
    const probs = Float32Array.from(yr, (v, i) => v / (yr[i - (i % 3)] + yr[i - (i % 3) + 1] + yr[i - (i % 3) + 2]));
    for (const loss of losses) {
      // probabilities (rows summing to 1) for the cross-entropy, any targets for the squared losses
      const y = tf.tensor2d(loss === "softmax-ce" ? probs : Float32Array.from(yr), [20, 3]);
      const { mine, ref } = tf.tidy(() => {
        const b = backprop(net, x, y, loss);
        const vars = net.variables();
        const r = tf.variableGrads(() => lossTensor(tf, loss, net.forward(x), y), vars);
        return { mine: [b.loss, ...b.grads].map((t: tfjs.Tensor) => Array.from(t.dataSync())), ref: [r.value, ...vars.map((v) => r.grads[v.name])].map((t: tfjs.Tensor) => Array.from(t.dataSync())) };
      });
      mine.forEach((arr, k) => {
        const scale = Math.max(1e-3, ...ref[k].map(Math.abs));
        arr.forEach((v, i) => assert.ok(Math.abs(v - ref[k][i]) <= 2e-5 * scale, `${loss}, tensor ${k}[${i}]: ${v} vs tape ${ref[k][i]}`));
      });
      y.dispose();
    }
    x.dispose();
    net.dispose();
  });
}

test("fit with backprop and with the tape give the same run to float32 round-off (SGD momentum, Adam, minibatches)", async () => {
  const tf = await tfReady();
  const rng = new Rng(5);
  const n = 48, x = rng.fork("x").normals(n * 4), y = Float64Array.from({ length: n }, (_, i) => Math.tanh(x[4 * i] - x[4 * i + 2]));
  const data = { x: { rows: n, cols: 4, data: x }, y: { rows: n, cols: 1, data: y } };
  for (const optimizer of [{ kind: "sgd" as const, lr: 0.05, momentum: 0.9 }, { kind: "adam" as const, lr: 0.01 }]) {
    const runs: { loss: number[]; w: number[] }[] = [];
    for (const gradient of ["backprop", "tape"] as const) {
      const net = await network({ inputDim: 4, hidden: [32, 32], activation: "tanh" }, { rng: rng.fork("net") });
      const run = await fit(net, data, { optimizer, steps: 60, batchSize: 16, rng: rng.fork("batches"), evalEvery: 20, gradient });
      runs.push({ loss: run.history.map((h) => h.trainLoss), w: Array.from(net.variables()[2].dataSync()) });
      net.dispose();
    }
    runs[0].loss.forEach((l, i) => assert.ok(Math.abs(l - runs[1].loss[i]) <= 1e-4 * Math.abs(runs[1].loss[i]), `${optimizer.kind}: loss ${l} vs ${runs[1].loss[i]}`));
    runs[0].w.forEach((w, i) => assert.ok(Math.abs(w - runs[1].w[i]) <= 1e-4, `${optimizer.kind}: weight ${w} vs ${runs[1].w[i]}`));
  }
  assert.equal(tf.memory().numTensors >= 0, true);
});

test("softmax-ce with targets whose rows do not sum to 1: the tape path's gradient is p s - y, as backprop's (not softmax - y)", async () => {
  const tf = await tfReady();
  const rng = new Rng(7);
  const n = 12, d = 4, k = 3;
  const xs = Float32Array.from(rng.fork("x").normals(n * d));
  // row sums from 0.5 to 3: soft labels that are not probabilities (e.g. weighted or summed counts)
  const ys = Float32Array.from(rng.fork("y").uniforms(n * k), (v, i) => v * (0.5 + Math.floor(i / k) / 4));
  const x = tf.tensor2d(xs, [n, d]), y = tf.tensor2d(ys, [n, k]);
  const spec: NetworkSpec = { inputDim: d, hidden: [], outputDim: k };
  const after: number[][] = [];
  for (const gradient of ["backprop", "tape"] as const) {
    const net = await network(spec, { rng: rng.fork("net") });
    const step = trainingStep(net, x, y, { optimizer: { kind: "sgd", lr: 1 }, loss: "softmax-ce", gradient });
    step.step(1);
    after.push(net.variables().flatMap((v) => Array.from(v.dataSync())));
    step.dispose();
    net.dispose();
  }
  // the exact gradient J^T g with g = dL/df = (p s - y) / n, each parameter's J^T g taken by the tape from sum(f o g)
  const net = await network(spec, { rng: rng.fork("net") });
  const before = net.variables().flatMap((v) => Array.from(v.dataSync()));
  const { exact, textbook } = tf.tidy(() => {
    const f = net.forward(x), p = tf.softmax(f), s = tf.sum(y, 1, true);
    const vars = net.variables();
    const gOf = (g: tfjs.Tensor) => tf.variableGrads(() => tf.sum(tf.mul(net.forward(x), g)) as tfjs.Scalar, vars);
    const flat = (r: { grads: Record<string, tfjs.Tensor> }) => vars.flatMap((v) => Array.from(r.grads[v.name].dataSync()));
    return { exact: flat(gOf(tf.div(tf.sub(tf.mul(p, s), y), n))), textbook: flat(gOf(tf.div(tf.sub(p, y), n))) };
  });
  net.dispose();
  const scale = Math.max(...exact.map(Math.abs));
  for (const run of after) run.forEach((w, i) => assert.ok(Math.abs(before[i] - w - exact[i]) <= 1e-5 * scale, `step ${before[i] - w} vs exact gradient ${exact[i]}`));
  // and the test has power: softmax - y differs from the exact gradient by far more than that
  assert.ok(Math.max(...exact.map((g, i) => Math.abs(g - textbook[i]))) > 0.05 * scale);
  x.dispose(); y.dispose();
});
