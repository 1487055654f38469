import { test } from "node:test";
import assert from "node:assert/strict";
import { network } from "../../../src/train/network";
import { Rng } from "../../../src/random";
import { activationFn } from "../../../src/activations";
import type { Matrix } from "../../../src/linalg";

/** The forward pass in float64 JS from the network's own weights and plan. */
function reference(net: Awaited<ReturnType<typeof network>>, X: Matrix): Float64Array {
  const phi = activationFn(net.spec.activation);
  let a = Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));
  net.layers.forEach((l, idx) => {
    const W = l.W.dataSync(), b = l.b?.dataSync();
    a = a.map((row) => Array.from({ length: l.fanOut }, (_, j) => {
      let s = 0;
      for (let k = 0; k < l.fanIn; k++) s += row[k] * W[k * l.fanOut + j];
      const h = l.multiplier * s + (b ? l.biasMultiplier * b[j] : 0);
      return idx === net.layers.length - 1 ? h : phi(h);
    }));
  });
  return Float64Array.from(a.flat());
}

for (const [param, act] of [["standard", "relu"], ["standard", "tanh"], ["ntk", "erf"], ["ntk", "relu"], ["mup", "relu"]] as const) {
  test(`forward pass (${param}, ${act}) matches a float64 reference`, async () => {
    const rng = new Rng(11);
    const net = await network({ inputDim: 5, hidden: [16, 8], outputDim: 2, activation: act, parameterization: param, cb: 0.2, baseWidth: 4 }, { rng: rng.fork("net") });
    const X = { rows: 7, cols: 5, data: rng.fork("x").normals(35) };
    const got = net.predict(X).data, want = reference(net, X);
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) < 1e-4 * (1 + Math.abs(want[i])), `${i}: ${got[i]} vs ${want[i]}`);
    assert.equal(net.describe().length, 3);
    net.dispose();
    assert.throws(() => net.predict(X), /disposed/);
  });
}

test("snapshot and restore round-trip; bad inputs give clear errors", async () => {
  const net = await network({ inputDim: 3, hidden: [4] }, { rng: new Rng(1) });
  const s = net.snapshot();
  net.layers[0].W.assign(net.tf.zerosLike(net.layers[0].W));
  net.restore(s);
  assert.deepEqual(Array.from(net.layers[0].W.dataSync()), Array.from(s[0]));
  assert.throws(() => net.predict({ rows: 2, cols: 4, data: new Float64Array(8) }), /expects 3/);
  assert.throws(() => net.predict({ rows: 2, cols: 3, data: new Float64Array(5) }), /expected rows \* cols/);
  net.dispose();
  await assert.rejects(() => network({ inputDim: 3, hidden: [4] }, {} as never), /rng/);
});
