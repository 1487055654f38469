import { test } from "node:test";
import assert from "node:assert/strict";
import type * as tfjs from "@tensorflow/tfjs";
import { network, Network } from "../../../src/train/network";
import { fit } from "../../../src/train/fit";
import { lossTensor, LossName } from "../../../src/train/losses";
import { hessianOperator, hessianVectorProduct, ntkTopEigenvalue, sharpness, sharpnessMetric, topEigenpair } from "../../../src/train/curvature";
import { eigh, eigvalsh } from "../../../src/linalg";
import { tfReady } from "../../../src/tf";
import { Rng } from "../../../src/random";
import type { Activation } from "../../../src/activations";
import type { Parameterization } from "../../../src/train/spec";

function unit(rng: Rng, n: number): Float64Array {
  const v = rng.normals(n);
  const s = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
  return v.map((x) => x / s);
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / den);
}

/** Flattened gradient of the loss at params + s v (autodiff, on the unfused traced forward). */
function gradientAt(tf: typeof tfjs, net: Network, X: tfjs.Tensor2D, Y: tfjs.Tensor2D, loss: LossName, v: Float64Array, s: number): Float64Array {
  const vars = net.variables();
  const out = new Float64Array(net.numParams);
  tf.tidy(() => {
    let o = 0;
    const shifted = vars.map((w) => { const t = tf.add(w, tf.mul(s, tf.tensor(Float32Array.from(v.subarray(o, o + w.size)), w.shape))); o += w.size; return t; });
    const gs = tf.grads((...ps: tfjs.Tensor[]) => lossTensor(tf, loss, net.apply(ps, X, true).post.at(-1) as tfjs.Tensor2D, Y))(shifted);
    o = 0;
    for (const g of gs) { out.set(g.dataSync(), o); o += g.size; }
  });
  return out;
}

async function problem(act: Activation, param: Parameterization, loss: LossName, seed: number) {
  const tf = await tfReady();
  const rng = new Rng(seed);
  const k = loss === "softmax-ce" ? 3 : 2;
  const net = await network({ inputDim: 5, hidden: [16, 12], outputDim: k, activation: act, parameterization: param, cb: 0.1, baseWidth: 8 }, { rng: rng.fork("net") });
  const n = 20;
  const X = tf.tensor2d(Float32Array.from(rng.fork("x").normals(n * 5)), [n, 5]);
  const raw = tf.tensor2d(Float32Array.from(rng.fork("y").normals(n * k)), [n, k]);
  const Y = loss === "softmax-ce" ? tf.softmax(raw) as tfjs.Tensor2D : raw;
  return { tf, rng, net, X, Y };
}

// The R-operator against a central difference of autodiff gradients (smooth activations; step 1e-2 along a
// unit vector: truncation ~1e-6, float32 rounding ~1e-5) and, where TensorFlow.js can take second
// derivatives (relu, erf, linear; not tanh nor softmax), against double backpropagation.
for (const loss of ["half-mse", "mse", "softmax-ce"] as const) {
  for (const [act, param] of [["tanh", "standard"], ["tanh", "ntk"], ["erf", "mup"], ["relu", "standard"], ["relu", "ntk"], ["linear", "mup"]] as const) {
    if (act === "relu" && loss === "softmax-ce") continue; // neither reference works there (kinks; softmax has no second derivative in tfjs)
    test(`Hessian-vector product (${loss}, ${act}, ${param}) equals finite differences of gradients / double backprop`, async () => {
      const { tf, rng, net, X, Y } = await problem(act, param, loss, 3);
      const v = unit(rng.fork("v"), net.numParams);
      const Hv = hessianVectorProduct(net, { x: X, y: Y }, v, { loss });
      if (act !== "relu") {
        const h = 1e-2;
        const gp = gradientAt(tf, net, X, Y, loss, v, h), gm = gradientAt(tf, net, X, Y, loss, v, -h);
        const fd = gp.map((g, i) => (g - gm[i]) / (2 * h));
        assert.ok(relErr(Hv, fd) < 1e-3, `vs finite differences: relative error ${relErr(Hv, fd)}`);
      }
      if (act !== "tanh" && loss !== "softmax-ce") {
        const vars = net.variables();
        const exact = new Float64Array(net.numParams);
        tf.tidy(() => {
          let o = 0;
          const vt = vars.map((w) => { const t = tf.tensor(Float32Array.from(v.subarray(o, o + w.size)), w.shape); o += w.size; return t; });
          const L = (...ps: tfjs.Tensor[]) => lossTensor(tf, loss, net.apply(ps, X, true).post.at(-1) as tfjs.Tensor2D, Y);
          const gDotV = (...ps: tfjs.Tensor[]) => tf.addN(tf.grads(L)(ps).map((g, i) => tf.sum(tf.mul(g, vt[i])))) as tfjs.Scalar;
          o = 0;
          for (const g of tf.grads(gDotV)(vars)) { exact.set(g.dataSync(), o); o += g.size; }
        });
        assert.ok(relErr(Hv, exact) < 1e-5, `vs double backprop: relative error ${relErr(Hv, exact)}`);
      }
      net.dispose();
    });
  }
}

test("tanh: TensorFlow.js cannot take the second derivative itself (why the R-operator is written out)", async () => {
  const tf = await tfReady();
  const x = tf.tensor1d([0.3, -0.7]);
  assert.throws(() => tf.grad((z: tfjs.Tensor) => tf.sum(tf.grad((y: tfjs.Tensor) => tf.sum(tf.tanh(y)))(z)))(x), /Cannot compute gradient/);
  x.dispose();
});

test("the sharpness of a quadratic loss (linear regression) is the top eigenvalue of [X 1]^T [X 1] / n", async () => {
  const rng = new Rng(11);
  const n = 40, d = 6;
  const x = rng.fork("x").normals(n * d);
  for (let i = 0; i < n; i++) x[i * d] *= 3; // one stretched direction: a clear top eigenvalue
  const y = rng.fork("y").normals(n);
  const net = await network({ inputDim: d, hidden: [], bias: true }, { rng: rng.fork("net") });
  // the Hessian in closed form: A^T A / n with A = [X 1] (weights first, then the bias, as in variables())
  const A = new Float64Array((d + 1) * (d + 1));
  for (let i = 0; i < n; i++) {
    const row = [...Array.from(x.subarray(i * d, i * d + d)), 1];
    for (let p = 0; p <= d; p++) for (let q = 0; q <= d; q++) A[p * (d + 1) + q] += row[p] * row[q] / n;
  }
  const e = eigh({ rows: d + 1, cols: d + 1, data: A });
  const top = e.values[d];
  for (const [loss, factor] of [["half-mse", 1], ["mse", 2]] as const) {
    const s = sharpness(net, { x: { rows: n, cols: d, data: x }, y: { rows: n, cols: 1, data: y } }, { loss, tol: 1e-6 });
    assert.ok(Math.abs(s.value - factor * top) < 1e-5 * top, `${loss}: sharpness ${s.value}, closed form ${factor * top}`);
    assert.ok(s.converged && s.iterations <= d + 1);
    const u = Array.from({ length: d + 1 }, (_, p) => e.vectors.data[p * (d + 1) + d]);
    const overlap = Math.abs(u.reduce((acc, up, p) => acc + up * s.vector[p], 0));
    assert.ok(overlap > 1 - 1e-5, `eigenvector overlap ${overlap}`);
  }
  net.dispose();
});

test("Lanczos: the largest algebraic eigenvalue of an explicit symmetric matrix; a warm start converges at once", () => {
  const rng = new Rng(5);
  const n = 80;
  const G = rng.fork("g").normals(n * n);
  const M = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M[i * n + j] = (G[i * n + j] + G[j * n + i]) / 2;
  for (let i = 0; i < n; i++) M[i * n + i] += i === 0 ? 12 : 0; // a top eigenvalue apart from the bulk
  const op = { dim: n, apply: (v: ArrayLike<number>) => { const o = new Float64Array(n); for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += M[i * n + j] * v[j]; o[i] = s; } return o; } };
  const w = eigvalsh({ rows: n, cols: n, data: M });
  const r = topEigenpair(op, { tol: 1e-8, maxIter: n });
  assert.ok(Math.abs(r.value - w[n - 1]) < 1e-9 * Math.abs(w[n - 1]), `${r.value} vs ${w[n - 1]}`);
  const again = topEigenpair(op, { tol: 1e-6, start: r.vector });
  assert.equal(again.iterations, 1);
  assert.ok(Math.abs(again.value - r.value) < 1e-9 * Math.abs(r.value));
  // the most negative matrix: the largest algebraic eigenvalue, not the largest in magnitude
  const neg = { dim: n, apply: (v: ArrayLike<number>) => op.apply(v).map((x, i) => -x - 30 * v[i]) };
  const rn = topEigenpair(neg, { tol: 1e-8, maxIter: n });
  assert.ok(Math.abs(rn.value - (-w[0] - 30)) < 1e-8 * 30, `${rn.value} vs ${-w[0] - 30}`);
  assert.throws(() => topEigenpair(op, { start: new Float64Array(3) }), /start has 3 entries/);
});

test("Gauss-Newton curvature of half-mse equals the top eigenvalue of the empirical NTK / n", async () => {
  const rng = new Rng(8);
  const n = 30, d = 4;
  for (const param of ["standard", "ntk"] as const) {
    const net = await network({ inputDim: d, hidden: [24, 24], activation: "tanh", parameterization: param, cb: 0.2 }, { rng: rng.fork(param) });
    const X = { rows: n, cols: d, data: rng.fork("x").normals(n * d) }, Y = { rows: n, cols: 1, data: rng.fork("y").normals(n) };
    const gn = sharpness(net, { x: X, y: Y }, { loss: "half-mse", gaussNewton: true, tol: 1e-7, maxIter: 200 });
    const ntk = ntkTopEigenvalue(net, X) / n;
    assert.ok(Math.abs(gn.value - ntk) < 1e-4 * ntk, `${param}: Gauss-Newton ${gn.value}, NTK / n ${ntk}`);
    net.dispose();
  }
});

test("lrScaled: the operator is S^1/2 H S^1/2 with the muP learning-rate scales", async () => {
  const rng = new Rng(9);
  const net = await network({ inputDim: 3, hidden: [6], activation: "erf", parameterization: "mup", baseWidth: 2 }, { rng: rng.fork("net") });
  const data = { x: { rows: 10, cols: 3, data: rng.fork("x").normals(30) }, y: { rows: 10, cols: 1, data: rng.fork("y").normals(10) } };
  const s = net.layers.flatMap((l) => [...Array(l.fanIn * l.fanOut).fill(l.lrScale.sgd), ...(l.b ? Array(l.fanOut).fill(l.biasLrScale.sgd) : [])]);
  assert.ok(new Set(s).size > 1, "muP has different scales per layer");
  const v = unit(rng.fork("v"), net.numParams);
  const scaled = hessianVectorProduct(net, data, v, { lrScaled: true });
  const plain = hessianVectorProduct(net, data, v.map((x, i) => x * Math.sqrt(s[i])));
  assert.ok(relErr(scaled, plain.map((x, i) => x * Math.sqrt(s[i]))) < 1e-6);
  net.dispose();
});

test("sharpnessMetric records the sharpness during fit (warm-started), keeps its options as own properties, and gives the same numbers when reused", async () => {
  const rng = new Rng(12);
  const n = 40, d = 4;
  const data = { x: { rows: n, cols: d, data: rng.fork("x").normals(n * d) }, y: { rows: n, cols: 1, data: rng.fork("y").normals(n) } };
  const metric = sharpnessMetric({ tol: 1e-4 });
  assert.deepEqual(Object.keys(metric).sort(), ["gaussNewton", "loss", "lrScaled", "maxIter", "tol"]);
  assert.equal(metric.tol, 1e-4);
  const runs = [];
  for (let r = 0; r < 2; r++) {
    const net = await network({ inputDim: d, hidden: [16, 16], activation: "tanh" }, { rng: rng.fork("net") });
    runs.push(await fit(net, data, { optimizer: { kind: "sgd", lr: 0.05 }, loss: "half-mse", steps: 60, evalEvery: 20, metrics: { sharpness: metric } }));
    if (r === 0) {
      const direct = sharpness(net, data, { loss: "half-mse", tol: 1e-6 });
      const last = runs[0].history.at(-1)!.sharpness as number;
      assert.ok(Math.abs(last - direct.value) < 1e-4 * direct.value, `metric ${last} vs direct ${direct.value}`);
    }
    net.dispose();
  }
  assert.deepEqual(runs[0].history.map((h) => h.sharpness), runs[1].history.map((h) => h.sharpness));
  assert.ok(runs[0].history.every((h) => (h.sharpness as number) > 0));
});

test("hessianOperator: clear errors for wrong shapes and after dispose", async () => {
  const rng = new Rng(1);
  const net = await network({ inputDim: 3, hidden: [4] }, { rng: rng.fork("net") });
  const data = { x: { rows: 5, cols: 3, data: rng.normals(15) }, y: { rows: 5, cols: 1, data: rng.normals(5) } };
  const H = hessianOperator(net, data);
  assert.throws(() => H.apply(new Float64Array(3)), /v has 3 entries, the network has 21 parameters/);
  H.dispose();
  assert.throws(() => H.apply(new Float64Array(21)), /disposed/);
  assert.throws(() => hessianOperator(net, { x: { rows: 5, cols: 2, data: rng.normals(10) }, y: data.y }), /x has 2 columns/);
  net.dispose();
});
