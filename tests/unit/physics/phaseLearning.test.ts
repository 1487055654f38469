import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/random";
import {
  logisticThreshold, agreementThreshold, fractionAbove, meanByTemperature, scaledThresholdCrossing, extrapolateInSize,
  withSpinFlips, phaseLabels, bootstrapThresholdCrossing, learnIsingPhase, readPhaseRun, phaseLearningCurve, isingExponents,
} from "../../../src/experiments/phaseLearning";
import { isingDataSet, isingCriticalTemperature } from "../../../src/data/ising";

test("logisticThreshold recovers the threshold of a logistic model from its draws", () => {
  const rng = new Rng(1), x: number[] = [], y: number[] = [];
  for (let i = 0; i < 20000; i++) { const v = rng.uniform(); x.push(v); y.push(rng.uniform() < 1 / (1 + Math.exp(-12 * (v - 0.37))) ? 1 : 0); }
  const f = logisticThreshold(x, y);
  assert.ok(Math.abs(f.threshold - 0.37) < 0.01, `threshold ${f.threshold}`);
  assert.ok(Math.abs(f.weight - 12) < 1.5, `weight ${f.weight}`);
  // separable data: the threshold still falls in the gap
  const g = logisticThreshold([0.1, 0.2, 0.3, 0.7, 0.8, 0.9], [0, 0, 0, 1, 1, 1]);
  assert.ok(g.threshold > 0.3 && g.threshold < 0.7, `separable threshold ${g.threshold}`);
});

test("agreementThreshold finds a rule's threshold and says how well a threshold describes noisy decisions", () => {
  const x = [0.05, 0.4, 0.1, 0.9, 0.6, 0.3, 0.75];
  const exact = agreementThreshold(x, x.map((v) => v > 0.5));
  assert.equal(exact.agreement, 1);
  assert.ok(exact.threshold > 0.4 && exact.threshold < 0.6, `${exact.threshold}`);
  const noisy = agreementThreshold(x, [false, true, false, true, true, false, true]); // 0.4 says yes
  assert.ok(Math.abs(noisy.agreement - 1) < 1e-12 && noisy.threshold > 0.3 && noisy.threshold < 0.4, `${noisy.threshold}`);
  const flipped = agreementThreshold([1, 2, 3, 4], [false, true, false, true]);
  assert.equal(flipped.agreement, 0.75);
  assert.deepEqual(fractionAbove([1, 2, 3, 4], [5, 5, 6, 6], [5, 6], 1.5), [0.5, 1]);
  assert.deepEqual(meanByTemperature([1, 2, 3, 4], [5, 5, 6, 6], [6, 5]), [3.5, 1.5]);
});

/**
 * Synthetic "configurations" obeying finite-size scaling exactly: at size L and temperature T the values
 * |m| L^(1/8) are spread evenly around a median 1 - x, with x = (T - T0) L. A threshold held at
 * c L^(-1/8) then crosses 1/2 at T*(L) = T0 + (1 - c) / L; a fixed threshold does not.
 */
function synthetic(L: number, temps: number[], T0: number) {
  const absM: number[] = [], temperature: number[] = [];
  for (const T of temps) {
    for (let k = 0; k < 401; k++) { absM.push(L ** -0.125 * Math.max(0, 1 - (T - T0) * L + (k / 400 - 0.5))); temperature.push(T); }
  }
  return { absM, temperature };
}

test("scaledThresholdCrossing and extrapolateInSize recover a known critical temperature, and the wrong power or a fixed threshold do not", () => {
  const T0 = 2.3, c = 0.7, sizes = [8, 16, 32, 64], temps = Array.from({ length: 121 }, (_, k) => 2.2 + 0.0025 * k);
  const crossings = sizes.map((L) => { const s = synthetic(L, temps, T0); return scaledThresholdCrossing(s.absM, s.temperature, temps, L, c); });
  sizes.forEach((L, i) => assert.ok(Math.abs(crossings[i] - (T0 + (1 - c) / L)) < 2e-3, `L = ${L}: ${crossings[i]}`));
  const se = sizes.map(() => 1e-3);
  const ex = extrapolateInSize(sizes, crossings, se);
  assert.ok(Math.abs(ex.limit - T0) < 3 * ex.limitSe, `limit ${ex.limit} ± ${ex.limitSe}`);
  assert.ok(Math.abs(ex.slope - (1 - c)) < 0.05, `slope ${ex.slope}`);
  assert.ok(ex.chi2 < 4 * Math.max(1, ex.dof), `chi2 ${ex.chi2}`);
  // extrapolating in 1/L^2 (the wrong power for nu = 1) misses T0 by many standard errors
  const wrong = extrapolateInSize(sizes, crossings, se, 2);
  assert.ok(Math.abs(wrong.limit - T0) > 5 * wrong.limitSe, `1/L^2 limit ${wrong.limit} ± ${wrong.limitSe}`);
  // a threshold that does not scale (beta/nu = 0) drifts and its extrapolation misses T0
  const fixed = sizes.map((L) => { const s = synthetic(L, temps, T0); return scaledThresholdCrossing(s.absM, s.temperature, temps, L, c, 0); });
  const fx = extrapolateInSize(sizes, fixed, se);
  assert.ok(Math.abs(fx.limit - T0) > 5 * fx.limitSe, `fixed-threshold limit ${fx.limit} ± ${fx.limitSe}`);
  // the bootstrap's error shrinks like one over the square root of the configurations at each temperature
  const s16 = synthetic(16, temps, T0), rng = new Rng(9);
  const noisy = s16.absM.map((v) => v + 0.05 * rng.normal());
  const bt = bootstrapThresholdCrossing(noisy, s16.temperature, temps, c * 16 ** -0.125, { rng: new Rng(10), B: 100 });
  assert.ok(bt.se > 0 && Math.abs(bt.crossing - (T0 + (1 - c) / 16)) < 5 * bt.se + 2e-3, `${bt.crossing} ± ${bt.se}`);
  assert.equal(isingExponents.nu, 1);
  assert.equal(isingExponents.betaOverNu, 0.125);
});

test("withSpinFlips adds every configuration's mirror image; phaseLabels put T < T_c in column 0", () => {
  const d = isingDataSet({ L: 4, temperatures: [1.5, 3.5], perTemperature: 3, rng: new Rng(2) });
  const f = withSpinFlips(d);
  assert.equal(f.x.rows, 12);
  for (let i = 0; i < 6 * 16; i++) assert.equal(f.x.data[6 * 16 + i], -d.x.data[i]);
  for (let i = 0; i < 6; i++) { assert.equal(f.magnetization[6 + i], -d.magnetization[i]); assert.equal(f.temperature[6 + i], d.temperature[i]); }
  const y = phaseLabels([1.5, 3.5, isingCriticalTemperature]);
  assert.deepEqual(Array.from(y.data), [1, 0, 0, 1, 0, 1]);
});

test("learnIsingPhase and phaseLearningCurve run small, are deterministic, and the classifier tells the phases apart", async () => {
  const o = {
    sizes: [4], trainTemperatures: [1.2, 1.4, 3.6, 4.0], perTemperature: 20, scanTemperatures: [1.3, 2.3, 3.8], scanPerTemperature: 20, seeds: 1,
    hidden: [8], steps: 150, batchSize: 16, optimizer: { kind: "adam" as const, lr: 1e-2 },
  };
  const a = await learnIsingPhase({ ...o, rng: new Rng(3) }), b = await learnIsingPhase({ ...o, rng: new Rng(3) });
  assert.deepEqual(Array.from(a.runs[0][0].probability), Array.from(b.runs[0][0].probability));
  const run = a.runs[0][0], temps = o.scanTemperatures;
  const p = meanByTemperature(run.probability, run.temperature, temps);
  assert.ok(p[0] > 0.8 && p[2] < 0.3 && p[0] > p[1] && p[1] > p[2], `P(ordered) ${p}`);
  const r = readPhaseRun(run, temps);
  assert.ok(r.agreement > 0.8 && Number.isFinite(r.crossing), JSON.stringify(r));
  const c = { L: 4, trainTemperatures: [1.2, 3.8], ns: [8, 16], testPerTemperature: 20, seeds: 1, hidden: [8], epochs: 5, minSteps: 20, batchSize: 8, optimizer: { kind: "adam" as const, lr: 1e-2 } };
  const u = await phaseLearningCurve({ ...c, rng: new Rng(4) }), v = await phaseLearningCurve({ ...c, rng: new Rng(4) });
  assert.deepEqual(u.testError, v.testError);
  assert.equal(u.testSize, 40);
  assert.ok(u.testError[0].every((e) => e >= 0 && e <= 0.5), `${u.testError}`);
});

test("learnIsingPhase: the seeds trained as one batched program are the runs train.fit makes alone (to round-off); a batch that does not divide the data trains alone", async () => {
  const { network } = await import("../../../src/train/network");
  const { fit } = await import("../../../src/train/fit");
  const base = {
    sizes: [4], trainTemperatures: [1.2, 1.4, 3.6, 4.0], perTemperature: 20, scanTemperatures: [1.3, 2.3, 3.8], scanPerTemperature: 20, seeds: 2,
    hidden: [8], steps: 25, optimizer: { kind: "adam" as const, lr: 1e-2 },
  };
  for (const batchSize of [16, 24]) {   // 160 rows: 16 divides them (batched), 24 does not (alone)
    const o = { ...base, batchSize }, rng = new Rng(5);
    const got = await learnIsingPhase({ ...o, rng });
    for (let s = 0; s < o.seeds; s++) {
      const rs = rng.fork(`L 4 seed ${s}`);
      const tr = withSpinFlips(isingDataSet({ L: 4, temperatures: o.trainTemperatures, perTemperature: o.perTemperature, rng: rs.fork("train") }));
      const scan = isingDataSet({ L: 4, temperatures: o.scanTemperatures, perTemperature: o.scanPerTemperature, every: 4, rng: rs.fork("scan") });
      const net = await network({ inputDim: 16, hidden: o.hidden, outputDim: 2 }, { rng: rs.fork("net") });
      const res = await fit(net, { x: tr.x, y: phaseLabels(tr.temperature) }, { optimizer: o.optimizer, loss: "softmax-ce", steps: o.steps, batchSize, rng: rs.fork("batches"), evalEvery: o.steps });
      const f = net.predict(scan.x).data;
      net.dispose();
      const run = got.runs[0][s];
      for (let i = 0; i < scan.x.rows; i++) {
        const p = 1 / (1 + Math.exp(f[2 * i + 1] - f[2 * i]));
        assert.ok(Math.abs(run.probability[i] - p) <= (batchSize === 16 ? 1e-5 : 0), `batch ${batchSize}, seed ${s}, row ${i}: ${run.probability[i]} vs alone ${p}`);
      }
      assert.ok(Math.abs(run.trainAccuracy - (res.history.at(-1)?.trainAcc as number)) < 1e-6, `train accuracy ${run.trainAccuracy} vs ${res.history.at(-1)?.trainAcc}`);
    }
  }
});
