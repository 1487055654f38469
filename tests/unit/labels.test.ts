import { test } from "node:test";
import assert from "node:assert/strict";
import { agreement, argmaxRows, corruptLabels, labelCounts, oneHot, randomLabels, shuffledLabels, trainTestSplit } from "../../src/data/labels";
import { sample1D, targets1D } from "../../src/data/oned";
import { Rng } from "../../src/random";

test("shuffled labels keep the class counts and agree with the truth about 1/C of the time", () => {
  const rng = new Rng(1);
  const y = randomLabels(5000, 10, rng);
  const s = shuffledLabels(y, rng);
  assert.deepEqual(Array.from(labelCounts(s, 10)), Array.from(labelCounts(y, 10)));
  const a = agreement(y, s);
  assert.ok(Math.abs(a - 0.1) < 5 * Math.sqrt(0.09 / 5000), `agreement ${a}`);
});

test("one-hot round-trips through argmax; split is a partition", () => {
  const y = Int32Array.from([3, 0, 9, 3]);
  const o = oneHot(y, 10);
  assert.deepEqual(Array.from(argmaxRows(o.data, 10)), [3, 0, 9, 3]);
  const { train, test } = trainTestSplit(10, 7, new Rng(2));
  assert.deepEqual([...train, ...test].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("1-D samples: noise has the stated variance", () => {
  const s = sample1D(20000, targets1D.sine, 0.3, new Rng(3));
  let v = 0;
  for (let i = 0; i < s.x.length; i++) v += (s.y[i] - s.f[i]) ** 2;
  v /= s.x.length;
  assert.ok(Math.abs(v - 0.09) < 5 * 0.09 * Math.sqrt(2 / 20000));
});

test("corruptLabels keeps counts, touches only the chosen fraction, and fraction 0 is the identity", () => {
  const rng = new Rng(9);
  const y = randomLabels(2000, 10, rng);
  const { labels, corrupted } = corruptLabels(y, 0.3, rng);
  assert.deepEqual(Array.from(labelCounts(labels, 10)), Array.from(labelCounts(y, 10)));
  assert.equal(corrupted.reduce((s, v) => s + v, 0), 600);
  for (let i = 0; i < 2000; i++) if (!corrupted[i]) assert.equal(labels[i], y[i]);
  // agreement: 1400 untouched + about 600/10 coincidences
  const a = agreement(labels, y);
  assert.ok(Math.abs(a - (0.7 + 0.03)) < 0.03, `agreement ${a}`);
  assert.deepEqual(Array.from(corruptLabels(y, 0, rng).labels), Array.from(y));
});
