import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";

test("same seed gives the same stream; different seeds differ", () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xa = a.normals(5), xb = b.normals(5), xc = c.normals(5);
  assert.deepEqual(Array.from(xa), Array.from(xb));
  assert.notDeepEqual(Array.from(xa), Array.from(xc));
});

test("uniform and normal moments match their distributions (Monte Carlo, 5 sigma)", () => {
  const rng = new Rng(1);
  const n = 200_000;
  const u = rng.uniforms(n);
  const mu = u.reduce((s, x) => s + x, 0) / n;
  assert.ok(Math.abs(mu - 0.5) < 5 * Math.sqrt(1 / 12 / n), `uniform mean ${mu}`);
  const z = rng.normals(n);
  const m = z.reduce((s, x) => s + x, 0) / n;
  const v = z.reduce((s, x) => s + (x - m) ** 2, 0) / n;
  const k = z.reduce((s, x) => s + (x - m) ** 4, 0) / n / (v * v);
  assert.ok(Math.abs(m) < 5 / Math.sqrt(n), `normal mean ${m}`);
  assert.ok(Math.abs(v - 1) < 5 * Math.sqrt(2 / n), `normal variance ${v}`);
  assert.ok(Math.abs(k - 3) < 5 * Math.sqrt(24 / n), `normal kurtosis ${k}`);
});

test("permutation is a permutation and forks are independent of later parent draws", () => {
  const rng = new Rng(7);
  const p = Array.from(rng.permutation(100)).sort((x, y) => x - y);
  assert.deepEqual(p, Array.from({ length: 100 }, (_, i) => i));
  const r1 = new Rng(9), r2 = new Rng(9);
  const f1 = r1.fork(), f2 = r2.fork();
  r2.normals(10);
  assert.equal(f1.uniform(), f2.uniform());
  assert.throws(() => new Rng(NaN), /finite/);
  assert.throws(() => rng.int(0), /positive integer/);
});

test("named forks depend only on the parent's path and the name, never on its draws", () => {
  const a = new Rng(9), b = new Rng(9);
  b.normals(17); // b has drawn, a has not
  assert.deepEqual(Array.from(a.fork("teacher").normals(4)), Array.from(b.fork("teacher").normals(4)));
  assert.notDeepEqual(Array.from(a.fork("teacher").normals(4)), Array.from(a.fork("noise").normals(4)));
  assert.notDeepEqual(Array.from(new Rng(9).fork("x").normals(4)), Array.from(new Rng(10).fork("x").normals(4)));
  const before = JSON.stringify(a);
  a.fork("data");
  assert.equal(JSON.stringify(a), before, "a named fork does not advance the parent");
  assert.equal(a.fork("data").fork("seed 3").path, "9/data/seed 3");
  const kids = a.forks("seed", 3);
  assert.deepEqual(kids.map((k) => k.path), ["9/seed 0", "9/seed 1", "9/seed 2"]);
  assert.throws(() => a.fork(""), /non-empty/);
  // named children are good generators too: mean and variance of 100k normals
  const z = a.fork("moments").normals(100_000);
  const m = z.reduce((s, x) => s + x, 0) / z.length;
  assert.ok(Math.abs(m) < 5 / Math.sqrt(z.length));
});
