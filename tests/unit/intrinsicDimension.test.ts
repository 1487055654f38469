import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import { intrinsicDimension, levinaBickel, nearestNeighbourDistances, twoNN } from "../../src/stats/intrinsicDimension";
import { uniformCube, uniformSphere } from "../../src/data/knownDimension";

const covers = (ci: [number, number], d: number) => ci[0] <= d && d <= ci[1];

test("nearest-neighbour distances agree with a direct computation, sorted, self excluded", () => {
  const X = uniformCube(60, 3, new Rng(3));
  const nd = nearestNeighbourDistances(X, 4, { block: 7 });
  for (let i = 0; i < 60; i++) {
    const all: number[] = [];
    for (let j = 0; j < 60; j++) if (j !== i) {
      let s = 0;
      for (let c = 0; c < 3; c++) s += (X.data[i * 3 + c] - X.data[j * 3 + c]) ** 2;
      all.push(Math.sqrt(s));
    }
    all.sort((a, b) => a - b);
    for (let m = 0; m < 4; m++) assert.ok(Math.abs(nd.dist[i * 4 + m] - all[m]) < 1e-12, `point ${i}, neighbour ${m}`);
  }
  assert.throws(() => nearestNeighbourDistances(X, 60), /need more than k/);
});

const cloud = (kind: string, n: number, d: number, rng: Rng) => (kind === "sphere" ? uniformSphere(n, d, rng) : uniformCube(n, d, rng));
const show = (e: { estimate: number; ci: [number, number] }) => `${e.estimate.toFixed(3)} [${e.ci.map((v) => v.toFixed(3)).join(", ")}]`;

// Uniform points, n = 2000, in low dimension, where the estimators' bias (the cube's faces, the sphere's
// curvature) is small against their standard error: the 95% interval from random halves covers d.
// Levina-Bickel looks out to the k-th neighbour, so the square's edges already bias it at d = 2 (by
// about -0.06, twice its s.e.): on cubes it is held to d = 1, TwoNN (two neighbours) to d = 2.
test("TwoNN and Levina-Bickel (k = 5, 10) recover d within their intervals on spheres (d = 2, 4) and cubes (d = 1, and 2 for TwoNN)", () => {
  const rng = new Rng(11);
  const cases: [string, number][] = [["sphere", 2], ["sphere", 4], ["cube", 1], ["cube", 2]];
  for (const [kind, d] of cases) {
    const est = intrinsicDimension(cloud(kind, 2000, d, rng.fork(`${kind} ${d}`)), { ks: [5, 10], rng: rng.fork(`halves ${kind} ${d}`) });
    assert.equal(est.length, 3);
    for (const e of est) {
      if (kind === "cube" && d === 2 && e.method === "levinaBickel") {
        assert.ok(e.estimate < d, `square: Levina-Bickel ${show(e)} biased low by the edges`);
        continue;
      }
      assert.ok(covers(e.ci, d), `${kind} d = ${d}, ${e.method} ${e.k ?? ""}: ${show(e)}`);
      assert.ok(e.ci[1] - e.ci[0] < 0.25 * d + 0.2, `${kind} d = ${d}, ${e.method}: interval ${show(e)} too wide to say anything`);
    }
  }
});

// The standard error must describe the spread over independent data sets (a point-level bootstrap
// understates it by ~1.3-1.4x): over 10 independent spheres, the TwoNN interval covers d = 4 at least 6
// times (with true coverage 0.85 or more, fewer than 6 has probability below 1%).
test("the intervals from random halves have honest coverage over independent data sets", () => {
  const rng = new Rng(21);
  let covered = 0;
  const estimates: number[] = [], ses: number[] = [];
  for (let r = 0; r < 10; r++) {
    const [t] = intrinsicDimension(uniformSphere(1000, 4, rng.fork(`data ${r}`)), { ks: [], rng: rng.fork(`halves ${r}`) });
    if (covers(t.ci, 4)) covered++;
    estimates.push(t.estimate);
    ses.push(t.se);
  }
  assert.ok(covered >= 6, `covered ${covered} of 10`);
  const m = estimates.reduce((a, b) => a + b, 0) / 10;
  const sd = Math.sqrt(estimates.reduce((a, b) => a + (b - m) ** 2, 0) / 9);
  const meanSe = ses.reduce((a, b) => a + b, 0) / 10;
  // the spread of 10 estimates is known to about +-25% (1/sqrt(2 * 9)), the se to about +-15%
  assert.ok(meanSe > 0.5 * sd && meanSe < 2 * sd, `mean se ${meanSe} vs spread ${sd}`);
});

test("both estimators underestimate a high-dimensional cube at this n, Levina-Bickel more so as k grows", () => {
  const rng = new Rng(13);
  const nd = nearestNeighbourDistances(uniformCube(2000, 8, rng.fork("cube 8")), 20);
  const t = twoNN(nd), l5 = levinaBickel(nd, 5), l20 = levinaBickel(nd, 20);
  // the TwoNN s.e. at n = 2000, d = 8 is about d / sqrt(n) x 1.4 = 0.25: 8 - 3 s.e. = 7.25
  assert.ok(t.estimate < 7.25 && l5.estimate < 7.25, `TwoNN ${t.estimate}, LB5 ${l5.estimate}`);
  assert.ok(l20.estimate < l5.estimate, `LB k = 20 (${l20.estimate}) below k = 5 (${l5.estimate})`);
});

test("duplicates are left out and counted; bad input is rejected", () => {
  const X = uniformCube(200, 2, new Rng(5));
  X.data.copyWithin(2, 0, 2);  // point 1 = point 0
  const e = twoNN(X);
  assert.equal(e.dropped, 2);
  assert.equal(e.n, 198);
  assert.ok(Number.isFinite(e.estimate));
  assert.throws(() => levinaBickel(X, 1), /k must be an integer >= 2/);
  const nd = nearestNeighbourDistances(X, 3);
  assert.throws(() => levinaBickel(nd, 5), /need distances to 5 neighbours/);
  assert.throws(() => intrinsicDimension(X, { ks: [5], rng: new Rng(1), splits: 1 }), /splits must be an integer >= 2/);
});
