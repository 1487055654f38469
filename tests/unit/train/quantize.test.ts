import { test } from "node:test";
import assert from "node:assert/strict";
import { network } from "../../../src/train/network";
import { hessianVectorProduct } from "../../../src/train/curvature";
import {
  fitQuantized, lossGradient, lossWith, parameterRanges, quantizationLevels, quantizeMatrix, quantizeNetwork, quantizeTensor, rangeWeightedTrace, weightRanges,
} from "../../../src/train/quantize";
import { tfReady } from "../../../src/tf";
import { Rng } from "../../../src/random";

/** A [fanIn, fanOut] Gaussian matrix whose columns have different scales (what makes per-channel ranges differ). */
function matrix(rng: Rng, fanIn: number, fanOut: number): Float64Array {
  const w = rng.normals(fanIn * fanOut);
  for (let i = 0; i < fanIn; i++) for (let j = 0; j < fanOut; j++) w[i * fanOut + j] *= 0.2 + (2 * j) / fanOut;
  return w;
}

function sqError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

test("levels of a symmetric b-bit grid: 2^(b-1) - 1, ternary at 2 bits", () => {
  assert.deepEqual([2, 3, 4, 8].map(quantizationLevels), [1, 3, 7, 127]);
  assert.throws(() => quantizationLevels(1), RangeError);
  assert.throws(() => quantizationLevels(4.5), RangeError);
});

test("round trip: every weight moves by at most step / 2 and lands on the grid, per tensor and per channel", () => {
  const rng = new Rng(1);
  const fanIn = 37, fanOut = 11;
  const w = matrix(rng, fanIn, fanOut);
  for (const granularity of ["tensor", "channel"] as const) {
    for (const bits of [2, 3, 4, 6, 8]) {
      const q = quantizeMatrix(w, fanIn, fanOut, { bits, granularity });
      const levels = quantizationLevels(bits);
      for (let i = 0; i < fanIn; i++) {
        for (let j = 0; j < fanOut; j++) {
          const k = i * fanOut + j, s = q.steps[j];
          // float32 storage of the quantized value: allow its rounding (1e-6 relative)
          assert.ok(Math.abs(q.values[k] - w[k]) <= s / 2 + 1e-6 * Math.abs(w[k]) + 1e-12, `${granularity}, ${bits} bits: |w - Q(w)| = ${Math.abs(q.values[k] - w[k])} > step/2 = ${s / 2}`);
          const code = q.values[k] / s;
          assert.ok(Math.abs(code - Math.round(code)) < 1e-5 && Math.abs(Math.round(code)) <= levels, `${granularity}, ${bits} bits: code ${code} is not an integer within ±${levels}`);
        }
      }
      // the largest weight sits exactly on the top level: nothing is clipped
      const r = weightRanges(w, fanIn, fanOut, granularity);
      q.steps.forEach((s, j) => assert.ok(Math.abs(s * levels - r[j]) < 1e-12 * r[j]));
    }
  }
});

test("per-channel error is below per-tensor error, and the error falls with every added bit", () => {
  const rng = new Rng(2);
  const fanIn = 64, fanOut = 16;
  const w = matrix(rng, fanIn, fanOut);
  let prev = { tensor: Infinity, channel: Infinity };
  for (const bits of [2, 3, 4, 5, 6, 7, 8]) {
    const et = sqError(quantizeMatrix(w, fanIn, fanOut, { bits, granularity: "tensor" }).values, w);
    const ec = sqError(quantizeMatrix(w, fanIn, fanOut, { bits, granularity: "channel" }).values, w);
    assert.ok(ec < et, `${bits} bits: per-channel squared error ${ec} is not below per-tensor ${et}`);
    assert.ok(et < prev.tensor && ec < prev.channel, `${bits} bits: the error did not fall (${et}, ${ec} after ${prev.tensor}, ${prev.channel})`);
    prev = { tensor: et, channel: ec };
    // per column, the channel step is at most the tensor step
    const st = quantizeMatrix(w, fanIn, fanOut, { bits, granularity: "tensor" }).steps, sc = quantizeMatrix(w, fanIn, fanOut, { bits, granularity: "channel" }).steps;
    sc.forEach((s, j) => assert.ok(s <= st[j]));
  }
});

test("rounding noise has variance step^2 / 12 on a fine grid (not step^2 / 6 nor / 4); dither makes it exactly uniform", () => {
  const rng = new Rng(3);
  const n = 20000;
  const w = rng.normals(n);
  for (const dither of [undefined, rng.fork("dither")]) {
    const q = quantizeMatrix(w, n, 1, { bits: 8, dither });
    const s = q.steps[0];
    const u = Array.from(q.values, (v, i) => ((v - w[i]) / s) ** 2);
    const m = u.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(u.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
    const se = sd / Math.sqrt(n);
    // (e/step)^2 of a uniform on [-1/2, 1/2]: mean 1/12, sd sqrt(1/80 - 1/144) = 0.0745
    assert.ok(Math.abs(m - 1 / 12) < 4 * se, `${dither ? "dithered" : "rounded"}: mean (e/step)^2 = ${m} vs 1/12 = ${1 / 12} (s.e. ${se})`);
    assert.ok(Math.abs(sd - Math.sqrt(1 / 80 - 1 / 144)) < 0.01);
  }
});

test("quantizeTensor (TensorFlow.js ops) gives the same grid as quantizeMatrix", async () => {
  const tf = await tfReady();
  const rng = new Rng(4);
  const fanIn = 20, fanOut = 7;
  const w = Float32Array.from(matrix(rng, fanIn, fanOut));
  for (const granularity of ["tensor", "channel"] as const) {
    for (const bits of [2, 3, 5, 8]) {
      const a = quantizeMatrix(w, fanIn, fanOut, { bits, granularity }).values;
      const b = tf.tidy(() => quantizeTensor(tf, tf.tensor2d(w, [fanIn, fanOut]), bits, granularity).dataSync());
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-5 * (1 + Math.abs(a[i])), `${granularity}, ${bits} bits, entry ${i}: ${a[i]} vs ${b[i]}`);
    }
  }
});

async function smallProblem(seed: number) {
  const rng = new Rng(seed);
  const net = await network({ inputDim: 5, hidden: [6], activation: "tanh" }, { rng: rng.fork("net") });
  const n = 30;
  const x = { rows: n, cols: 5, data: Float32Array.from(rng.fork("x").normals(n * 5)) };
  const y = { rows: n, cols: 1, data: Float32Array.from(rng.fork("y").normals(n)) };
  return { rng, net, data: { x, y } };
}

test("quantizeNetwork quantizes the weight matrices only and counts bits x weights", async () => {
  const { net } = await smallProblem(5);
  const snap = net.snapshot();
  const q = quantizeNetwork(net, { bits: 4, granularity: "channel" });
  assert.equal(q.memoryBits, 4 * (5 * 6 + 6 * 1));
  assert.deepEqual(Array.from(q.values[1]), Array.from(snap[1]));       // b1 untouched
  assert.deepEqual(Array.from(q.values[3]), Array.from(snap[3]));       // b2 untouched
  assert.notDeepEqual(Array.from(q.values[0]), Array.from(snap[0]));
  assert.deepEqual(Array.from(net.snapshot()[0]), Array.from(snap[0])); // the network itself is unchanged
  net.dispose();
});

test("quantization-aware training: one SGD step moves the float weights by -lr times the gradient at the quantized weights (STE)", async () => {
  const { net, data } = await smallProblem(6);
  const bits = 3, lr = 0.05;
  const w = net.snapshot();
  const q = quantizeNetwork(net, { bits, granularity: "channel" });
  net.restore(q.values);
  const gq = lossGradient(net, data).gradient;           // the float gradient evaluated at Q(w)
  const gw = (net.restore(w), lossGradient(net, data).gradient);
  await fitQuantized(net, data, { bits, granularity: "channel", optimizer: { kind: "sgd", lr }, steps: 1 });
  const after = net.snapshot();
  let o = 0, maxDiff = 0, moved = 0;
  after.forEach((a, k) => { for (let i = 0; i < a.length; i++, o++) { maxDiff = Math.max(maxDiff, Math.abs(a[i] - (w[k][i] - lr * gq[o]))); moved = Math.max(moved, Math.abs(gq[o] - gw[o])); } });
  assert.ok(maxDiff < 1e-6, `w_new differs from w - lr grad L(Q(w)) by ${maxDiff}`);
  assert.ok(moved > 1e-3, "the gradient at Q(w) should differ from the gradient at w at 3 bits (else the test shows nothing)");
  net.dispose();
});

test("rangeWeightedTrace: Hutchinson's estimate agrees with sum_i H_ii r_i^2 from unit vectors", async () => {
  const { rng, net, data } = await smallProblem(7);
  const r = parameterRanges(net, "channel");
  let exact = 0;
  for (let i = 0; i < r.length; i++) {
    if (r[i] === 0) continue;
    const e = new Float64Array(r.length); e[i] = 1;
    exact += hessianVectorProduct(net, data, e)[i] * r[i] * r[i];
  }
  const est = rangeWeightedTrace(net, data, { granularity: "channel", probes: 300, rng: rng.fork("probes") });
  assert.equal(est.probes.length, 300);
  assert.ok(Math.abs(est.value - exact) < 4 * est.se, `Hutchinson ${est.value} ± ${est.se} vs exact ${exact}`);
  net.dispose();
});

test("lossWith: the loss of given parameters (float64 sum) equals the network's own loss after restore", async () => {
  const { net, data } = await smallProblem(8);
  const q = quantizeNetwork(net, { bits: 5 });
  const direct = lossWith(net, q.values, data);
  net.restore(q.values);
  assert.ok(Math.abs(lossWith(net, null, data) - direct) < 1e-12);
  assert.ok(Math.abs(lossGradient(net, data).loss - direct) < 1e-5 * direct);
  net.dispose();
});
