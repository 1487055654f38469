import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import { mnist, mnistRaw, binaryTargets, columnMeans } from "../../src/data/mnist";

test("the package holds 10,000 digits, ~1,000 per class, pixels in [0, 1]", () => {
  const raw = mnistRaw();
  assert.equal(raw.count, 10000);
  const counts = new Array(10).fill(0);
  raw.labels.forEach((c) => counts[c]++);
  for (const c of counts) assert.ok(c > 800 && c < 1200, `class count ${c}`);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < 784 * 200; i++) { lo = Math.min(lo, raw.pixels[i]); hi = Math.max(hi, raw.pixels[i]); }
  assert.ok(lo >= 0 && hi <= 1 && hi > 0.9);
});

test("subsets are seeded, disjoint, and of the asked sizes", () => {
  const a = mnist({ nTrain: 300, nTest: 200, rng: new Rng(1) });
  const b = mnist({ nTrain: 300, nTest: 200, rng: new Rng(1) });
  const c = mnist({ nTrain: 300, nTest: 200, rng: new Rng(2) });
  assert.deepEqual(Array.from(a.train.index), Array.from(b.train.index));
  assert.notDeepEqual(Array.from(a.train.index), Array.from(c.train.index));
  const tr = new Set(a.train.index);
  for (const i of a.test.index) assert.ok(!tr.has(i));
  assert.equal(a.train.x.rows, 300); assert.equal(a.train.x.cols, 784); assert.equal(a.test.n, 200);
  for (let i = 0; i < 300; i++) {
    let s = 0; for (let k = 0; k < 10; k++) s += a.train.oneHot.data[i * 10 + k];
    assert.equal(s, 1); assert.equal(a.train.oneHot.data[i * 10 + a.train.labels[i]], 1);
  }
  assert.throws(() => mnist({ nTrain: 9000, nTest: 2000, rng: new Rng(0) }), /exceeds/);
  assert.throws(() => mnist({ nTrain: 10 } as never), /pass { rng }/);
});

test("pooling keeps the mean intensity; centring zeroes the training mean; unit norm", () => {
  const full = mnist({ nTrain: 50, rng: new Rng(3) }).train;
  const small = mnist({ nTrain: 50, rng: new Rng(3), side: 14 }).train;
  assert.equal(small.d, 196);
  for (let i = 0; i < 50; i++) {
    let s1 = 0, s2 = 0;
    for (let j = 0; j < 784; j++) s1 += full.x.data[i * 784 + j];
    for (let j = 0; j < 196; j++) s2 += small.x.data[i * 196 + j];
    assert.ok(Math.abs(s1 / 784 - s2 / 196) < 1e-9);
  }
  const cen = mnist({ nTrain: 100, nTest: 10, rng: new Rng(4), center: true }).train;
  for (const m of columnMeans(cen.x)) assert.ok(Math.abs(m) < 1e-12);
  const u = mnist({ nTrain: 20, rng: new Rng(4), normalize: "unit" }).train;
  for (let i = 0; i < 20; i++) { let q = 0; for (let j = 0; j < 784; j++) q += u.x.data[i * 784 + j] ** 2; assert.ok(Math.abs(q - 1) < 1e-12); }
  const digits = mnist({ nTrain: 100, rng: new Rng(0), digits: [3, 7] }).train;
  for (const l of digits.labels) assert.ok(l === 3 || l === 7);
  const y = binaryTargets(digits, [3]);
  digits.labels.forEach((l, i) => assert.equal(y[i], l === 3 ? 1 : -1));
});
