import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import { manifoldTask } from "../../src/data/manifold";

test("manifold task: orthonormal embedding, unit-variance teacher, inputs on the d-dimensional subspace, determinism", () => {
  const t = manifoldTask({ d: 3, inputDim: 10, sigma: 0.2 }, new Rng(1));
  const U = t.embedding;
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
    let s = 0;
    for (let i = 0; i < 10; i++) s += U[i * 3 + a] * U[i * 3 + b];
    assert.ok(Math.abs(s - (a === b ? 1 : 0)) < 1e-12);
  }
  const s = t.sample(20000, new Rng(2));
  let m = 0, v = 0, nv = 0;
  for (let i = 0; i < s.rows; i++) m += s.f[i] / s.rows;
  for (let i = 0; i < s.rows; i++) { v += (s.f[i] - m) ** 2 / s.rows; nv += (s.y[i] - s.f[i]) ** 2 / s.rows; }
  assert.ok(Math.abs(m) < 0.03 && Math.abs(v - 1) < 0.05, `teacher mean ${m}, variance ${v}`);
  assert.ok(Math.abs(nv - 0.04) < 0.004, `noise variance ${nv}`);
  // x = U z: projecting x onto the subspace loses nothing
  for (let i = 0; i < 50; i++) {
    const x = s.x.subarray(i * 10, (i + 1) * 10);
    let xx = 0, pp = 0;
    for (let k = 0; k < 10; k++) xx += x[k] * x[k];
    for (let a = 0; a < 3; a++) { let p = 0; for (let k = 0; k < 10; k++) p += U[k * 3 + a] * x[k]; pp += p * p; }
    assert.ok(Math.abs(xx - pp) < 1e-4 * Math.max(1, xx));
  }
  const again = manifoldTask({ d: 3, inputDim: 10, sigma: 0.2 }, new Rng(1)).sample(5, new Rng(2));
  assert.deepEqual(Array.from(again.y), Array.from(s.y.subarray(0, 5)), "the first draws of a stream do not depend on how many are drawn");
  assert.throws(() => manifoldTask({ d: 5, inputDim: 3 }, new Rng(1)), /inputDim/);
});
