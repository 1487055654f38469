import { test } from "node:test";
import assert from "node:assert/strict";
import { tfReady } from "../../../src/tf";
import { network } from "../../../src/train/network";
import { gradientNoise } from "../../../src/train/gradientNoise";
import { layerStatistics, poolKurtosis, ratioOfMeans } from "../../../src/train/layerStats";
import { lossTensor } from "../../../src/train/losses";
import { reluKurtosis } from "../../../src/theory/criticality";
import { Rng } from "../../../src/random";

test("gradient noise: per-example norms from one backward pass equal a loop over examples", async () => {
  const tf = await tfReady();
  const rng = new Rng(7);
  const net = await network({ inputDim: 3, hidden: [8, 8], outputDim: 2, activation: "tanh", parameterization: "mup", baseWidth: 4, cb: 0.2 }, { rng: rng.fork("net") });
  const n = 10, x = rng.fork("x").normals(n * 3), y = rng.fork("y").normals(n * 2);
  const got = gradientNoise(net, { x: { rows: n, cols: 3, data: x }, y: { rows: n, cols: 2, data: y } }, { loss: "half-mse" });
  // by hand: each example's gradient with the tape, then mean, covariance trace
  const vars = net.variables();
  const per: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const g = tf.tidy(() => {
      const xi = tf.tensor2d(Float32Array.from(x.subarray(3 * i, 3 * i + 3)), [1, 3]), yi = tf.tensor2d(Float32Array.from(y.subarray(2 * i, 2 * i + 2)), [1, 2]);
      const r = tf.variableGrads(() => lossTensor(tf, "half-mse", net.forward(xi), yi), vars);
      return vars.flatMap((v) => Array.from(r.grads[v.name].dataSync()));
    });
    per.push(Float64Array.from(g));
  }
  const P = per[0].length, G = new Float64Array(P);
  per.forEach((g) => g.forEach((v, k) => (G[k] += v / n)));
  const g2 = G.reduce((s, v) => s + v * v, 0);
  const tr = per.reduce((s, g) => s + g.reduce((t, v, k) => t + (v - G[k]) ** 2, 0), 0) / n;
  assert.ok(Math.abs(got.gradNorm2 - g2) < 1e-4 * g2, `|G|^2 ${got.gradNorm2} vs ${g2}`);
  assert.ok(Math.abs(got.traceCov - tr) < 1e-4 * tr, `tr Sigma ${got.traceCov} vs ${tr}`);
  assert.ok(Math.abs(got.bSimple - tr / g2) < 1e-3 * (tr / g2));
  net.dispose();
});

test("ratio of means and pooled kurtosis: values and delta-method errors on known samples", () => {
  const rng = new Rng(1);
  const R = 4000;
  const b = Array.from({ length: R }, () => 1 + 0.1 * rng.normal());
  const a = b.map((v) => 0.9 * v + 0.01 * rng.normal());
  const r = ratioOfMeans(a, b);
  assert.ok(Math.abs(r.value - 0.9) < 4 * r.se && r.se < 1e-3, `${r.value} ± ${r.se}`);
  // Gaussian samples, one per "initialisation": kurtosis 0 with s.e. about sqrt(24 / R)
  const h = Array.from({ length: R }, () => rng.normal());
  const k = poolKurtosis(h.map((v) => v * v), h.map((v) => v ** 4));
  assert.ok(Math.abs(k.value) < 4 * k.se, `kurtosis ${k.value} ± ${k.se}`);
  assert.ok(Math.abs(k.se - Math.sqrt(24 / R)) < 0.3 * Math.sqrt(24 / R), `s.e. ${k.se}`);
});

test("layer statistics of a critical ReLU network: variance kept (C_W = 2) or scaled by C_W / 2, kurtosis as the exact finite-width formula", async () => {
  const rng = new Rng(11);
  const d = 16, m = 2;
  const X = { rows: m, cols: d, data: rng.fork("x").normals(m * d) };
  for (const cw of [2, 1.6]) {
    const s = await layerStatistics({ spec: { inputDim: d, hidden: [24, 24, 24], outputDim: 24, cw }, inits: 400, inputs: X, rng: rng.fork(`cw ${cw}`) });
    assert.deepEqual(s.layers, [1, 2, 3, 4]);
    for (let l = 1; l < 4; l++) {
      const z = (s.ratio[l].value - cw / 2) / s.ratio[l].se;
      assert.ok(Math.abs(z) < 4, `C_W ${cw}, layer ${l + 1}: ratio ${s.ratio[l].value} ± ${s.ratio[l].se}`);
    }
    const k = s.kurtosis[2], want = reluKurtosis(3, [24, 24, 24]);
    assert.ok(Math.abs(k.value - want) < 4 * k.se, `C_W ${cw}: kurtosis of layer 3 ${k.value} ± ${k.se}, exact ${want}`);
  }
});
