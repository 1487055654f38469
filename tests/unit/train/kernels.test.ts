import { test } from "node:test";
import assert from "node:assert/strict";
import { network } from "../../../src/train/network";
import { empiricalNtk, kernelOf, nngpEstimate } from "../../../src/train/kernels";
import { tfReady } from "../../../src/tf";
import { Rng } from "../../../src/random";

// The empirical NTK from the layer-by-layer formula equals J J^T from per-example gradients (autodiff).
for (const [param, act] of [["standard", "relu"], ["ntk", "tanh"], ["ntk", "erf"], ["mup", "relu"]] as const) {
  test(`empirical NTK (${param}, ${act}) equals the Gram matrix of per-example gradients`, async () => {
    const tf = await tfReady();
    const rng = new Rng(7);
    const net = await network({ inputDim: 4, hidden: [12, 9], activation: act, parameterization: param, cb: 0.3, baseWidth: 6 }, { rng: rng.fork("net") });
    const n = 5, X = { rows: n, cols: 4, data: rng.fork("x").normals(n * 4) };
    const theta = empiricalNtk(net, X);
    const vars = net.variables();
    const scales = net.layers.flatMap((l) => (l.b ? [l.lrScale.sgd, l.biasLrScale.sgd] : [l.lrScale.sgd]));
    const J: Float32Array[][] = [];
    for (let i = 0; i < n; i++) {
      const xi = tf.tensor2d(Float32Array.from(X.data.subarray(i * 4, i * 4 + 4)), [1, 4]);
      const { grads } = tf.variableGrads(() => tf.sum(net.forward(xi)) as never, vars);
      J.push(vars.map((v) => grads[v.name].dataSync() as Float32Array));
      Object.values(grads).forEach((g) => g.dispose());
      xi.dispose();
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      J[i].forEach((g, p) => { for (let q = 0; q < g.length; q++) s += scales[p] * g[q] * J[j][p][q]; });
      const got = theta.data[i * n + j];
      assert.ok(Math.abs(got - s) < 2e-4 * (1 + Math.abs(s)), `[${i},${j}] formula ${got} vs autodiff ${s}`);
    }
    net.dispose();
  });
}

test("kernelOf: wide random networks average to the closed-form NNGP and NTK (z-scores over 16 networks)", async () => {
  const rng = new Rng(9);
  const spec = { inputDim: 6, hidden: [512, 512], parameterization: "ntk" as const, cb: 0.1 };
  const X = { rows: 4, cols: 6, data: rng.fork("x").normals(24) };
  const exact = kernelOf(spec);
  const K = exact.nngp(X).data, T = exact.ntk(X).data;
  const nets = 16, sumK = new Float64Array(16), sqK = new Float64Array(16), sumT = new Float64Array(16), sqT = new Float64Array(16);
  for (let t = 0; t < nets; t++) {
    const net = await network(spec, { rng: rng.fork(`net ${t}`) });
    const k = nngpEstimate(net, X).data, th = empiricalNtk(net, X).data;
    for (let i = 0; i < 16; i++) { sumK[i] += k[i]; sqK[i] += k[i] ** 2; sumT[i] += th[i]; sqT[i] += th[i] ** 2; }
    net.dispose();
  }
  for (const [sum, sq, ref, name] of [[sumK, sqK, K, "NNGP"], [sumT, sqT, T, "NTK"]] as const) {
    for (let i = 0; i < 16; i++) {
      const m = sum[i] / nets, se = Math.sqrt(Math.max(1e-30, (sq[i] - nets * m * m) / (nets - 1)) / nets);
      // 5 s.e.: 32 comparisons, a false alarm about 1e-5; a wrong C_W or depth moves them by 10-100 s.e.
      assert.ok(Math.abs(m - ref[i]) < 5 * se + 1e-6, `${name}[${i}]: MC ${m} ± ${se}, exact ${ref[i]}`);
    }
  }
  assert.throws(() => kernelOf({ inputDim: 2, hidden: [4], activation: "tanh" }), /relu and erf/);
  assert.throws(() => kernelOf({ inputDim: 2, hidden: [4], parameterization: "mup", baseWidth: 4 }), /muP/);
});
