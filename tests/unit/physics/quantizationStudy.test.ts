import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/random";
import { isingEnergyTask, memoryBudgetStudy, quantizationStudy } from "../../../src/experiments/quantization";

const temps = [1.8, 2.6, 3.4];

test("isingEnergyTask: standardised energy targets (test mean 0, variance 1) and the requested sizes", () => {
  const t = isingEnergyTask({ L: 4, temperatures: temps, train: 30, test: 60, rng: new Rng(1) });
  assert.equal(t.train.x.rows, 30);
  assert.equal(t.test.y.rows, 60);
  const y = Array.from(t.test.y.data);
  const m = y.reduce((a, b) => a + b, 0) / y.length;
  const v = y.reduce((a, b) => a + (b - m) ** 2, 0) / y.length;
  assert.ok(Math.abs(m) < 1e-6 && Math.abs(v - 1) < 1e-5, `mean ${m}, variance ${v}`);
});

test("quantizationStudy runs small, is deterministic, and its pieces are consistent", async () => {
  const o = {
    L: 4, temperatures: temps, train: 48, test: 48, hidden: [8], activation: "relu" as const, networks: 2, steps: 60, optimizer: { kind: "adam" as const, lr: 3e-3 },
    bits: [8, 3, 2], granularities: ["tensor" as const, "channel" as const], probes: 4, dithers: 2, qatBits: [2], qatSteps: 10, qatOptimizer: { kind: "adam" as const, lr: 1e-3 },
  };
  const a = await quantizationStudy({ ...o, rng: new Rng(2) }), b = await quantizationStudy({ ...o, rng: new Rng(2) });
  assert.deepEqual(a.runs.map((r) => r.cells), b.runs.map((r) => r.cells));
  assert.equal(a.weights, 16 * 8 + 8);
  for (const r of a.runs) {
    for (const g of o.granularities) {
      assert.equal(r.cells[g].length, 3);
      assert.equal(r.trace[g].probes.length, 4);
      assert.ok(r.trace[g].value > 0, "a trained network's range-weighted Hessian trace is positive");
      // the coarser grid moves the loss more (per network, deterministic here)
      assert.ok(r.cells[g][2].deltaTrain > r.cells[g][0].deltaTrain);
    }
    assert.equal(r.qat.length, 1);
    assert.ok(r.qat[0].qatTrain < r.qat[0].ptqTrain, `quantization-aware training lowers the quantized training loss (${r.qat[0].qatTrain} vs ${r.qat[0].ptqTrain})`);
  }
});

test("memoryBudgetStudy counts memory as bits x weights", async () => {
  const r = await memoryBudgetStudy({
    L: 4, temperatures: temps, train: 32, test: 32, configs: [{ bits: 8, width: 4 }, { bits: 4, width: 8 }], seeds: 1, steps: 20,
    optimizer: { kind: "adam", lr: 3e-3 }, qatSteps: 5, qatOptimizer: { kind: "adam", lr: 1e-3 }, granularity: "channel", rng: new Rng(3),
  });
  assert.deepEqual(r.configs.map((c) => c.memoryBits), [8 * 16 * 4 + 8 * 4, 4 * 16 * 8 + 4 * 8]);
  assert.equal(r.qatTest[1].length, 1);
});
