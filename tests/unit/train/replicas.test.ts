import { test } from "node:test";
import assert from "node:assert/strict";
import { network } from "../../../src/train/network";
import { fit } from "../../../src/train/fit";
import { fitReplicas } from "../../../src/train/replicas";
import { Rng } from "../../../src/random";

function regression(n: number, rng: Rng) {
  const x = rng.normals(n * 2);
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(x[2 * i]) + 0.5 * x[2 * i + 1]);
  return { x: { rows: n, cols: 2, data: x }, y: { rows: n, cols: 1, data: y } };
}

test("fitReplicas: each member follows the trajectory it would follow alone (Adam, per-member inputs)", async () => {
  const rng = new Rng(4);
  const a = regression(48, rng.fork("a")), b = regression(48, rng.fork("b"));
  const spec = { inputDim: 2, hidden: [16, 16] };
  const steps = 40;
  const run = await fitReplicas(spec, { x: [a.x, b.x], y: a.y }, { members: 2, rng: rng.fork("nets"), optimizer: { kind: "adam", lr: 1e-2 }, steps: steps, evalEvery: 10 });
  assert.deepEqual(run.steps, [0, 10, 20, 30, 40]);
  for (const [s, x] of [[0, a.x], [1, b.x]] as const) {
    const net = await network(spec, { rng: rng.fork("nets").fork(`member ${s}`) });
    const alone = await fit(net, { x: x, y: a.y }, { optimizer: { kind: "adam", lr: 1e-2 }, steps: steps, evalEvery: 10 });
    net.dispose();
    alone.history.forEach((h, t) => {
      assert.ok(Math.abs(run.loss[s][t] - h.trainLoss) <= 1e-4 * Math.max(1, h.trainLoss), `member ${s} step ${h.step}: ensemble ${run.loss[s][t]} vs alone ${h.trainLoss}`);
    });
  }
  assert.ok(run.loss[0][4] < 0.5 * run.loss[0][0]);
});
