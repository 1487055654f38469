import { test } from "node:test";
import assert from "node:assert/strict";
import { kernelGradientDescent } from "../../src/models/kernelDynamics";
import { kernelRidgeFit, kernelRidgePredict } from "../../src/models/kernels";
import { reluTeacherTask } from "../../src/data/teacherTask";
import { Rng } from "../../src/random";

test("kernelGradientDescent equals gradient descent on the linear model, step by step, and tends to kernel regression", () => {
  const rng = new Rng(2);
  const n = 12, m = 5, p = 30;
  const phi = rng.fork("phi").normals((n + m) * p);
  const dot = (i: number, j: number) => { let s = 0; for (let k = 0; k < p; k++) s += phi[i * p + k] * phi[j * p + k]; return s / p; };
  const K = { rows: n, cols: n, data: Float64Array.from({ length: n * n }, (_, q) => dot(Math.floor(q / n), q % n)) };
  const cross = { rows: m, cols: n, data: Float64Array.from({ length: m * n }, (_, q) => dot(n + Math.floor(q / n), q % n)) };
  const r0 = rng.fork("r").normals(n);
  const lr = 0.5;
  // explicit gradient descent on the residual and on the test predictions
  let r = Float64Array.from(r0);
  const f = new Float64Array(m);
  const losses: number[] = [];
  const T = 40;
  for (let t = 0; t <= T; t++) {
    losses.push(r.reduce((s, v) => s + v * v, 0) / (2 * n));
    if (t === T) break;
    for (let i = 0; i < m; i++) { let s = 0; for (let j = 0; j < n; j++) s += cross.data[i * n + j] * r[j]; f[i] -= (lr / n) * s; }
    const Kr = Array.from({ length: n }, (_, i) => { let s = 0; for (let j = 0; j < n; j++) s += K.data[i * n + j] * r[j]; return s; });
    r = r.map((v, i) => v - (lr / n) * Kr[i]);
  }
  const steps = Array.from({ length: T + 1 }, (_, t) => t);
  const path = kernelGradientDescent(K, r0, { lr, steps, cross });
  path.loss.forEach((l, t) => assert.ok(Math.abs(l - losses[t]) < 1e-10 * (1 + losses[t]), `loss at ${t}: ${l} vs ${losses[t]}`));
  f.forEach((v, i) => assert.ok(Math.abs(path.change[i] - v) < 1e-9, `change ${i}: ${path.change[i]} vs ${v}`));
  r.forEach((v, i) => assert.ok(Math.abs(path.residual[i] - v) < 1e-9));
  // long times: kernel regression on the targets -r0
  const far = kernelGradientDescent(K, r0, { lr, steps: [200000] });
  const farX = kernelGradientDescent(K, r0, { lr, steps: [200000], cross });
  const krr = kernelRidgePredict(cross, kernelRidgeFit(K, r0.map((v) => -v)));
  farX.change.forEach((v, i) => assert.ok(Math.abs(v - krr.data[i]) < 1e-6, `${v} vs ${krr.data[i]}`));
  assert.ok(far.loss[0] < 1e-12);
  assert.throws(() => kernelGradientDescent(K, r0.subarray(1), { lr, steps: [1] }), /residual has 11/);
});

test("reluTeacherTask: standardised training targets, test targets on the same scale, reproducible from the rng", () => {
  const a = reluTeacherTask({ n: 200, d: 5, nTest: 50, rng: new Rng(1) });
  const b = reluTeacherTask({ n: 200, d: 5, nTest: 50, rng: new Rng(1) });
  assert.deepEqual(a.train.y.data, b.train.y.data);
  const y = a.train.y.data;
  const mean = y.reduce((s, v) => s + v, 0) / y.length;
  const v = y.reduce((s, x) => s + (x - mean) ** 2, 0) / y.length;
  assert.ok(Math.abs(mean) < 1e-12 && Math.abs(v - 1) < 1e-12);
  assert.equal(a.test.x.rows, 50);
  const yt = a.test.y.data, mt = yt.reduce((s, x) => s + x, 0) / 50;
  assert.ok(Math.abs(mt) < 0.5, `test targets on the training scale (mean ${mt})`);
  const noisy = reluTeacherTask({ n: 200, d: 5, sigma: 0.5, rng: new Rng(1) });
  const dv = noisy.train.y.data.reduce((s, x, i) => s + (x - y[i]) ** 2, 0) / 200;
  assert.ok(Math.abs(dv - 0.25) < 0.1, `noise variance ${dv}`);
});

test("reluTeacherTask with standardize: false keeps the teacher's scale: the same draw, before the change of units", () => {
  const a = reluTeacherTask({ n: 120, d: 4, nTest: 30, teacherWidth: 16, rng: new Rng(2) });
  const raw = reluTeacherTask({ n: 120, d: 4, nTest: 30, teacherWidth: 16, standardize: false, rng: new Rng(2) });
  const y = raw.train.y.data;
  const m = y.reduce((s, v) => s + v, 0) / y.length;
  const sd = Math.sqrt(y.reduce((s, v) => s + (v - m) ** 2, 0) / y.length);
  // a ReLU teacher's outputs have a non-zero mean and a scale of order one, not exactly (0, 1)
  assert.ok(Math.abs(m) > 1e-3 && Math.abs(sd - 1) > 1e-3, `raw mean ${m}, sd ${sd}`);
  a.train.y.data.forEach((v, i) => assert.ok(Math.abs(v - (y[i] - m) / sd) < 1e-12));
  a.test.y.data.forEach((v, i) => assert.ok(Math.abs(v - (raw.test.y.data[i] - m) / sd) < 1e-12));
  assert.deepEqual(raw.test.x.data, a.test.x.data);
});
