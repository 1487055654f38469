import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/random";
import { halfCrossing, binderCurve, binderCrossing, isingScan, repetitionStudy, autocorrelationTimes } from "../../../src/experiments/physics";
import type { IsingScanResult } from "../../../src/experiments/physics";

test("halfCrossing interpolates linearly and returns NaN without a crossing", () => {
  assert.ok(Math.abs(halfCrossing([0, 1, 2], [1, 0.75, 0.25]) - 1.5) < 1e-12);
  assert.ok(Number.isNaN(halfCrossing([0, 1], [0.9, 0.8])));
});

test("binderCrossing finds a known crossing in a synthetic scan, with a bootstrap error that reflects the chains' spread", () => {
  // U = 1 - m4 / (3 m2^2); with m2 = 1 choose m4 = 3 (1 - U): U_a(T) = 0.6 - 0.1 (T - 2.3), U_b(T) = 0.6 - 0.3 (T - 2.3)
  const temps = [2.1, 2.2, 2.3, 2.4, 2.5], chains = 6;
  const make = (slope: number, noise: number, rng: Rng) => temps.map((T) => Array.from({ length: chains }, () => 3 * (1 - (0.6 - slope * (T - 2.3))) + noise * rng.normal()));
  const rng = new Rng(1);
  const ones = temps.map(() => Array(chains).fill(1));
  const scan: IsingScanResult = { sizes: [8, 16], temperatures: temps, absM: [], energy: [], m2: [ones, ones], m4: [make(0.1, 0, rng), make(0.3, 0, rng)], seconds: 0 };
  const exact = binderCrossing(scan, 0, 1, { rng: new Rng(2), B: 50 });
  assert.ok(Math.abs(exact.crossing - 2.3) < 1e-9 && exact.se < 1e-9, `${exact.crossing} ± ${exact.se}`);
  const noisy: IsingScanResult = { ...scan, m4: [make(0.1, 0.02, rng), make(0.3, 0.02, rng)] };
  const b = binderCrossing(noisy, 0, 1, { rng: new Rng(3), B: 200 });
  assert.ok(b.se > 0 && Math.abs(b.crossing - 2.3) < 5 * b.se, `${b.crossing} ± ${b.se}`);
  assert.equal(binderCurve(scan, 0).length, temps.length);
});

test("isingScan and autocorrelationTimes run small and are deterministic", async () => {
  const o = { sizes: [4], temperatures: [2, 3], chains: 2, samples: 200 };
  const a = await isingScan({ ...o, rng: new Rng(4) }), b = await isingScan({ ...o, rng: new Rng(4) });
  assert.deepEqual(a.m2, b.m2);
  assert.ok(a.absM[0][0][0] > a.absM[0][1][0], "more order at the lower temperature");
  const t = await autocorrelationTimes({ sizes: [4], T: 2.27, samples: 500, rng: new Rng(5) });
  assert.equal(t.length, 2);
  assert.ok(t.every((r) => r.tauM2 >= 0 && Number.isFinite(r.tauM2Se)));
});

test("repetitionStudy: one epoch of repeated data is the fresh run; losses finite and reproducible", async () => {
  const o = { L: 4, temperatures: [2, 3], uniques: [8], epochs: [1, 2], testSize: 20, seeds: 1, hidden: [4], batchSize: 4, optimizer: { kind: "adam" as const, lr: 1e-2 } };
  const a = await repetitionStudy({ ...o, rng: new Rng(6) }), b = await repetitionStudy({ ...o, rng: new Rng(6) });
  assert.equal(a.repeated[0][0][0], a.fresh[0][0][0]);
  assert.ok(a.repeated[0][0].every((v) => v > 0 && Number.isFinite(v)));
  assert.deepEqual(a.repeated, b.repeated);
  assert.deepEqual(a.fresh, b.fresh);
});

test("repetitionStudy: runs batched across seeds are the runs train.fit makes alone (to round-off); runs whose data the batch does not divide train alone", async () => {
  const { network } = await import("../../../src/train/network");
  const { fit } = await import("../../../src/train/fit");
  const { isingDataSet } = await import("../../../src/data/ising");
  // U = 8 with batch 4: every run batched; U = 6: the runs whose data (6, 18) the batch does not divide train alone
  for (const U of [8, 6]) {
    const o = { L: 4, temperatures: [2, 3], uniques: [U], epochs: [1, 2, 3], testSize: 20, seeds: 3, seedsPerPack: 2, hidden: [5], batchSize: 4, optimizer: { kind: "adam" as const, lr: 1e-2 } };
    const rng = new Rng(8), got = await repetitionStudy({ ...o, rng });
    for (let s = 0; s < o.seeds; s++) {
      const rs = rng.fork(`seed ${s}`);
      const pool = isingDataSet({ L: 4, temperatures: o.temperatures, perTemperature: Math.ceil((3 * U) / 2), rng: rs.fork("pool") });
      const test = isingDataSet({ L: 4, temperatures: o.temperatures, perTemperature: 10, rng: rs.fork("test") });
      const mu = test.energy.reduce((a, b) => a + b, 0) / 20, sd = Math.sqrt(test.energy.reduce((a, b) => a + (b - mu) ** 2, 0) / 20);
      const std = (e: Float64Array, n: number) => ({ rows: n, cols: 1, data: Float32Array.from(e.subarray(0, n), (v) => (v - mu) / sd) });
      const alone = async (n: number, steps: number, tag: string) => {
        const net = await network({ inputDim: 16, hidden: o.hidden }, { rng: rs.fork("net") });
        const res = await fit(net, { x: { rows: n, cols: 16, data: pool.x.data.slice(0, n * 16) }, y: std(pool.energy, n) }, {
          optimizer: o.optimizer, loss: "mse", steps, batchSize: 4, rng: rs.fork(`batches ${tag}`), evalEvery: steps, test: { x: test.x, y: std(test.energy, 20) },
        });
        net.dispose();
        return res.history.at(-1)?.testLoss as number;
      };
      for (const [k, e] of o.epochs.entries()) {
        const steps = Math.ceil((e * U) / 4);
        const fresh = await alone(e * U, steps, `fresh ${e * U}`), repeated = e === 1 ? fresh : await alone(U, steps, `repeated ${U} x ${e}`);
        // a run is batched when the batch divides its data (then equal to round-off), else it is the lone run itself
        const tol = (v: number, n: number) => (n % 4 === 0 ? 1e-5 * v : 0);
        assert.ok(Math.abs(got.fresh[s][0][k] - fresh) <= tol(fresh, e * U), `U ${U}, seed ${s}, ${e} epochs, fresh: ${got.fresh[s][0][k]} vs alone ${fresh}`);
        assert.ok(Math.abs(got.repeated[s][0][k] - repeated) <= tol(repeated, e === 1 ? e * U : U), `U ${U}, seed ${s}, ${e} epochs, repeated: ${got.repeated[s][0][k]} vs alone ${repeated}`);
      }
    }
  }
});
