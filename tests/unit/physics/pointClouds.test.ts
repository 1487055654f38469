import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/random";
import {
  pairEnergy, sortedPairDistances, randomRotation, rotateCloud, permuteCloud, translateCloud, randomSymmetry, pointCloudTask, augmentPointClouds,
} from "../../../src/data/pointClouds";
import { network } from "../../../src/train";

test("randomRotation is a proper rotation: R R^T = I, det R = +1", () => {
  const R = randomRotation(new Rng(1));
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    let s = 0;
    for (let m = 0; m < 3; m++) s += R[3 * i + m] * R[3 * j + m];
    assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-12);
  }
  const det = R[0] * (R[4] * R[8] - R[5] * R[7]) - R[1] * (R[3] * R[8] - R[5] * R[6]) + R[2] * (R[3] * R[7] - R[4] * R[6]);
  assert.ok(Math.abs(det - 1) < 1e-12);
});

test("the group leaves the target and the invariant features unchanged to round-off; a deformation does not", () => {
  const rng = new Rng(2), k = 5;
  for (let t = 0; t < 20; t++) {
    const c = rng.normals(3 * k);
    const g = translateCloud(randomSymmetry(c, k, rng.fork(`g ${t}`)), k, [0.3, -1, 2]);
    assert.ok(Math.abs(pairEnergy(g, k) - pairEnergy(c, k)) < 1e-12);
    const a = sortedPairDistances(c, k), b = sortedPairDistances(g, k);
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-12));
    // permutation alone and rotation alone
    assert.ok(Math.abs(pairEnergy(permuteCloud(c, k, [4, 2, 0, 1, 3]), k) - pairEnergy(c, k)) < 1e-12);
    assert.ok(Math.abs(pairEnergy(rotateCloud(c, k, randomRotation(rng)), k) - pairEnergy(c, k)) < 1e-12);
    // stretching one axis changes the energy: the check can fail
    const s = Float64Array.from(c, (v, i) => (i % 3 === 0 ? 1.3 * v : v));
    assert.ok(Math.abs(pairEnergy(s, k) - pairEnergy(c, k)) > 1e-6);
  }
});

test("pointCloudTask and augmentation: shapes, standardised target, copies share the target, the invariant model's output is invariant", async () => {
  const task = pointCloudTask({ k: 4, n: 200, rng: new Rng(3) });
  assert.equal(task.coordinates.cols, 12);
  assert.equal(task.distances.cols, 6);
  const m = task.target.data.reduce((a, b) => a + b, 0) / 200;
  assert.ok(Math.abs(m) < 1e-5);
  const aug = augmentPointClouds(task, 10, 3, new Rng(4));
  assert.equal(aug.coordinates.rows, 40);
  for (let s = 0; s < 10; s++) for (let c = 1; c <= 3; c++) assert.ok(Math.abs(aug.target.data[4 * s + c] - task.target.data[s]) < 1e-5);
  for (let r = 0; r < 40; r++) for (let j = 0; j < 6; j++) assert.ok(Math.abs(aug.distances.data[r * 6 + j] - task.distances.data[Math.floor(r / 4) * 6 + j]) < 1e-5);
  const net = await network({ inputDim: 6, hidden: [16] }, { rng: new Rng(5) });
  const out = net.predict(aug.distances);
  for (let r = 0; r < 40; r++) assert.ok(Math.abs(out.data[r] - out.data[4 * Math.floor(r / 4)]) < 1e-5);
  net.dispose();
});

test("randomSymmetry: written into a float32 row at an offset, the same draws and numbers as rotateCloud then permuteCloud; a row too short is refused", () => {
  const rng = new Rng(31), k = 4, cloud = Array.from(rng.normals(3 * k));
  for (let t = 0; t < 20; t++) {
    const a = rng.fork(`t ${t}`), b = rng.fork(`t ${t}`);
    const ref = permuteCloud(rotateCloud(cloud, k, randomRotation(a)), k, a.permutation(k));
    assert.deepEqual(Array.from(randomSymmetry(cloud, k, b)), Array.from(ref));
    const row = new Float32Array(5 + 3 * k), c = rng.fork(`t ${t}`);
    randomSymmetry(cloud, k, c, row, 5);
    assert.deepEqual(Array.from(row.subarray(5)), Array.from(Float32Array.from(ref)));
    assert.deepEqual(Array.from(row.subarray(0, 5)), [0, 0, 0, 0, 0]);
  }
  assert.throws(() => randomSymmetry(cloud, k, rng, new Float32Array(3 * k), 1), /do not fit/);
});
