import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/random";
import { deepSetsInit, deepSetsPredict, fitDeepSetsBatched, deepSetsParameterCount, DeepSetsSpec } from "../../../src/train/deepSets";
import { pairEnergy, randomSymmetry, translateCloud, gaussianWellPotential } from "../../../src/data/pointClouds";

const spec: DeepSetsSpec = { elementDim: 1, width: 16, embed: 8, rhoWidth: 16 };

/** The k(k-1)/2 pairwise distances of a cloud in pair order (1,2), (1,3), ..., NOT sorted: the model's sum must supply the invariance. */
function pairDistances(c: ArrayLike<number>, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) out.push(Math.hypot(c[3 * i] - c[3 * j], c[3 * i + 1] - c[3 * j + 1], c[3 * i + 2] - c[3 * j + 2]));
  return out;
}

function clouds(k: number, n: number, rng: Rng) {
  const cs = Array.from({ length: n }, () => rng.normals(3 * k));
  const P = (k * (k - 1)) / 2;
  // distances centred and scaled (mean 2.26, spread 0.95 for Gaussian clouds), the energy roughly standardised
  const e = cs.map((c) => pairEnergy(c, k, gaussianWellPotential)), m = e.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(e.reduce((a, b) => a + (b - m) ** 2, 0) / n);
  return { cs, x: { rows: n, cols: P, data: Float32Array.from(cs.flatMap((c) => pairDistances(c, k).map((r) => (r - 2.26) / 0.95))) }, y: Float32Array.from(e, (v) => (v - m) / sd) };
}

async function assertInvariant(weights: Float32Array[], k: number): Promise<void> {
  const rng = new Rng(11), P = (k * (k - 1)) / 2;
  const cs = Array.from({ length: 20 }, () => rng.normals(3 * k));
  const moved = cs.map((c, t) => translateCloud(randomSymmetry(c, k, rng.fork(`g ${t}`)), k, [0.7, -1.1, 0.4]));
  const stretched = cs.map((c) => Float64Array.from(c, (v, i) => (i % 3 === 0 ? 1.5 * v : v)));
  const out = async (list: ArrayLike<number>[]) => deepSetsPredict(spec, weights, { rows: list.length, cols: P, data: list.flatMap((c) => pairDistances(c, k)) });
  const [a, b, s] = [await out(cs), await out(moved), await out(stretched)];
  let changed = 0;
  for (let i = 0; i < cs.length; i++) {
    // the distances are float32 and the sum over pairs runs in another order: round-off only
    assert.ok(Math.abs(a[i] - b[i]) <= 1e-5 * Math.max(1, Math.abs(a[i])), `cloud ${i}: ${a[i]} vs ${b[i]} after a rotation, permutation and translation`);
    changed = Math.max(changed, Math.abs(a[i] - s[i]));
  }
  // a deformation that is not in the group changes the output: the test could fail
  assert.ok(changed > 1e-3, `stretching the clouds moved the output by only ${changed}`);
}

test("Deep Sets on pairwise distances: invariant to round-off under rotations, permutations and translations, at initialisation", async () => {
  await assertInvariant(deepSetsInit(spec, 6, new Rng(1)), 4);
  assert.equal(deepSetsParameterCount(spec), 16 + 16 + 16 * 8 + 8 + 8 * 16 + 16 + 16 + 1);
});

test("fitDeepSetsBatched: a member trained with others follows the run it has alone; trained weights stay invariant and beat the constant predictor", async () => {
  const k = 4, rng = new Rng(2);
  const sets = [clouds(k, 64, rng.fork("a")), clouds(k, 32, rng.fork("b")), clouds(k, 128, rng.fork("c"))];
  const test_ = clouds(k, 256, rng.fork("test"));
  const opts = { spec, steps: 300, batchSize: 16, optimizer: { kind: "adam" as const, lr: 3e-3 }, schedule: { kind: "cosine" as const, final: 0.1 }, test: { x: test_.x, y: test_.y } };
  const members = sets.map((s, i) => ({ rng: new Rng(100 + i), x: s.x, y: s.y }));
  const all = await fitDeepSetsBatched({ ...opts, members });
  const alone = await fitDeepSetsBatched({ ...opts, members: [members[1]] });
  const a = all.members[1].weights.flatMap((w) => Array.from(w)), b = alone.members[0].weights.flatMap((w) => Array.from(w));
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-4 * Math.max(1, Math.abs(b[i])), `weight ${i}: ${v} batched vs ${b[i]} alone`));
  const ym = test_.y.reduce((s, v) => s + v, 0) / test_.y.length, constant = test_.y.reduce((s, v) => s + (v - ym) ** 2, 0) / test_.y.length;
  for (const m of all.members) assert.ok(m.testLoss < 0.5 * constant, `test loss ${m.testLoss} against the constant predictor's ${constant}`);
  await assertInvariant(all.members[2].weights, k);
});
