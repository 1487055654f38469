import { test } from "node:test";
import assert from "node:assert/strict";
import { network } from "../../../src/train/network";
import { fit } from "../../../src/train/fit";
import { empiricalNtk } from "../../../src/train/kernels";
import { relativeChange, relativeKernelChange, weightChange } from "../../../src/train/measures";
import { reluTeacherTask } from "../../../src/data/teacherTask";
import { twoLayerSpec } from "../../../src/experiments/lazyVsFeature";
import { Rng } from "../../../src/random";

test("relativeChange: one array or a list taken together; clear errors", () => {
  assert.equal(relativeChange([3, 4], [3, 4]), 0);
  assert.ok(Math.abs(relativeChange([3, 4], [3, 5]) - 1 / 5) < 1e-15);
  assert.ok(Math.abs(relativeChange([Float32Array.of(3), Float32Array.of(4)], [Float32Array.of(3), Float32Array.of(5)]) - 1 / 5) < 1e-15);
  assert.throws(() => relativeChange([0, 0], [1, 1]), /all zero/);
  assert.throws(() => relativeChange([[1], [2]], [[1]]), /2 initial arrays but 1/);
  assert.throws(() => relativeChange([1, 2], [1]), /2 initial values but 1/);
  const K0 = { rows: 2, cols: 2, data: Float64Array.of(2, 0, 0, 2) }, K = { rows: 2, cols: 2, data: Float64Array.of(2, 1, 1, 2) };
  assert.ok(Math.abs(relativeKernelChange(K0, K) - Math.sqrt(2 / 8)) < 1e-15);
});

test("weightChange: per layer and overall, against the snapshots; zero-initialised biases are null", async () => {
  const rng = new Rng(3);
  const net = await network({ inputDim: 3, hidden: [5], cb: 0 }, { rng: rng.fork("net") });
  const w0 = net.snapshot();
  const moved = w0.map((a) => a.map((v, i) => v + 0.01 * (i + 1)));
  net.restore(moved);
  const c = weightChange(net, w0);
  assert.equal(c.layers.length, 2);
  assert.equal(c.layers[0].bias, null); // biases start at 0 when C_b = 0
  assert.ok(Math.abs(c.layers[0].weights - relativeChange(w0[0], moved[0])) < 1e-7);
  assert.ok(Math.abs(c.overall - relativeChange(w0, moved)) < 1e-7);
  net.dispose();
});

/**
 * The parameterizations at two widths: after the same number of GD steps at the same learning rate,
 * the relative weight change of an NTK-parameterized network falls as width^-1/2, that of a muP network
 * stays O(1). The slope between the widths is estimated from the seed means of log(change), with its
 * standard error from the spread over seeds.
 */
test("parameterization scalings at two widths: NTK relative weight change ~ width^-1/2, muP O(1)", async () => {
  const rng = new Rng(21);
  const task = reluTeacherTask({ n: 32, d: 6, rng: rng.fork("task") });
  const widths = [256, 4096], seeds = 6;
  const slope = async (p: "ntk" | "mup", lr: number, layer: number | null) => {
    const logs = [];
    for (const w of widths) {
      const ls: number[] = [];
      for (let s = 0; s < seeds; s++) {
        const net = await network(twoLayerSpec({ inputDim: 6, width: w, parameterization: p, baseWidth: 64 }), { rng: rng.fork(`${w} ${s}`) });
        const w0 = net.snapshot(), K0 = empiricalNtk(net, task.train.x);
        await fit(net, task.train, { optimizer: { kind: "sgd", lr }, loss: "half-mse", steps: 30, evalEvery: 30 });
        const c = weightChange(net, w0);
        ls.push(Math.log(layer === null ? c.overall : c.layers[layer].weights));
        assert.ok(relativeKernelChange(K0, empiricalNtk(net, task.train.x)) > 0);
        net.dispose();
      }
      const m = ls.reduce((a, b) => a + b, 0) / seeds;
      const v = ls.reduce((a, b) => a + (b - m) ** 2, 0) / (seeds - 1);
      logs.push({ m, v });
    }
    const L = Math.log(widths[1] / widths[0]);
    return { slope: (logs[1].m - logs[0].m) / L, se: Math.sqrt((logs[0].v + logs[1].v) / seeds) / L };
  };
  const ntk = await slope("ntk", 1, null);
  // finite-width allowance 0.03: the NTK change is width^-1/2 (1 + O(width^-1/2)); a slope of -1 or 0 misses by 10+ se
  assert.ok(Math.abs(ntk.slope + 0.5) < 3 * ntk.se + 0.03, `NTK slope ${ntk.slope} ± ${ntk.se}`);
  // muP: the hidden (input) layer keeps moving by the same relative amount at any width
  const mup = await slope("mup", 0.03, 0);
  assert.ok(Math.abs(mup.slope) < 3 * mup.se + 0.1, `muP slope ${mup.slope} ± ${mup.se}`);
  assert.ok(mup.slope - ntk.slope > 0.35, `muP ${mup.slope} vs NTK ${ntk.slope}`);
});
