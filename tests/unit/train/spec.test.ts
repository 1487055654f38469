import { test } from "node:test";
import assert from "node:assert/strict";
import { layerPlans, parameterCount, resolveSpec } from "../../../src/train/spec";
import { network } from "../../../src/train/network";
import { Rng } from "../../../src/random";
import { std } from "../../../src/stats";

test("spec defaults: relu at C_W = 2, tanh at 1, erf at pi/4; bias on; standard parameterization", () => {
  const s = resolveSpec({ inputDim: 3, hidden: [4] });
  assert.equal(s.activation, "relu");
  assert.equal(s.cw, 2);
  assert.equal(s.cb, 0);
  assert.equal(s.outputDim, 1);
  assert.equal(s.parameterization, "standard");
  assert.equal(resolveSpec({ inputDim: 3, hidden: [4], activation: "tanh" }).cw, 1);
  assert.equal(resolveSpec({ inputDim: 3, hidden: [4], activation: "erf" }).cw, Math.PI / 4);
  assert.equal(parameterCount({ inputDim: 3, hidden: [4] }), 3 * 4 + 4 + 4 + 1);
});

test("bad specs are refused with a message naming the field", () => {
  assert.throws(() => resolveSpec({ inputDim: 0, hidden: [] }), /inputDim/);
  assert.throws(() => resolveSpec({ inputDim: 2, hidden: [3, -1] }), /hidden\[1\]/);
  assert.throws(() => resolveSpec({ inputDim: 2, hidden: [3], activation: "sigmoid" as never }), /activation must be one of/);
  assert.throws(() => resolveSpec({ inputDim: 2, hidden: [3], parameterization: "mup" }), /baseWidth/);
  assert.throws(() => resolveSpec({ inputDim: 2, hidden: [3], cw: -1 }), /cw/);
});

// The scalings of each parameterization, read at two widths: what changes by sqrt(2) or 2 when the
// width doubles, and what does not.
test("parameterization scalings at widths 64 and 128", () => {
  const at = (param: "standard" | "ntk" | "mup", w: number) =>
    layerPlans({ inputDim: 10, hidden: [w, w], parameterization: param, cw: 2, cb: 0.1, baseWidth: 64 });
  for (const w of [64, 128]) {
    const sp = at("standard", w);
    assert.equal(sp[1].initStd, Math.sqrt(2 / w));
    assert.equal(sp[1].multiplier, 1);
    const ntk = at("ntk", w);
    assert.equal(ntk[1].multiplier, Math.sqrt(2 / w));
    assert.equal(ntk[1].initStd, 1);
    assert.equal(ntk[0].biasMultiplier, Math.sqrt(0.1));
  }
  const m64 = at("mup", 64), m128 = at("mup", 128), s64 = at("standard", 64);
  // muP equals SP at the base width
  assert.deepEqual(m64.map((p) => [p.initStd, p.lrScale, p.biasLrScale]), s64.map((p) => [p.initStd, p.lrScale, p.biasLrScale]));
  // doubling the width: input-layer SGD lr x2, hidden Adam lr x1/2, readout lr x1/2, readout init std x1/2 (var 1/fan_in^2)
  assert.equal(m128[0].lrScale.sgd, 2);
  assert.equal(m128[0].lrScale.adam, 1);
  assert.equal(m128[1].lrScale.sgd, 1);
  assert.equal(m128[1].lrScale.adam, 0.5);
  assert.equal(m128[2].lrScale.sgd, 0.5);
  assert.equal(m128[2].lrScale.adam, 0.5);
  assert.ok(Math.abs(m128[2].initStd / m64[2].initStd - 0.5) < 1e-12);
  assert.equal(m128[0].biasLrScale.sgd, 2);
  assert.equal(m128[2].biasLrScale.sgd, 1);
});

test("drawn weights have the planned standard deviation; the same rng gives the same network", async () => {
  const spec = { inputDim: 50, hidden: [200], cw: 2, cb: 0.5 };
  const a = await network(spec, { rng: new Rng(3) });
  const b = await network(spec, { rng: new Rng(3) });
  const W = a.layers[0].W.dataSync();
  assert.ok(Math.abs(std(W) / Math.sqrt(2 / 50) - 1) < 0.03, `std ${std(W)}`);
  assert.ok(Math.abs(std(a.layers[0].b!.dataSync()) / Math.sqrt(0.5) - 1) < 0.2);
  assert.deepEqual(Array.from(b.layers[1].W.dataSync()), Array.from(a.layers[1].W.dataSync()));
  a.dispose(); b.dispose();
});

test("orthogonal initialisation: a square layer is sqrt(C_W) times an orthogonal matrix", async () => {
  const net = await network({ inputDim: 32, hidden: [32], activation: "tanh", cw: 1.5, init: "orthogonal" }, { rng: new Rng(5) });
  const W = net.layers[0].W.dataSync();
  for (const [i, j] of [[0, 0], [0, 1], [5, 9], [31, 31]]) {
    let s = 0;
    for (let k = 0; k < 32; k++) s += W[k * 32 + i] * W[k * 32 + j];
    assert.ok(Math.abs(s - (i === j ? 1.5 : 0)) < 1e-5, `W^T W [${i},${j}] = ${s}`);
  }
  // a wide rectangular layer keeps the average entry variance C_W / fan_in
  const w2 = Array.from(net.layers[1].W.dataSync());
  assert.ok(Math.abs(w2.reduce((s, v) => s + v * v, 0) / w2.length - 1.5 / 32) < 1e-6);
  net.dispose();
});
