import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/random";
import { isingDataSet, sampleIsing } from "../../../src/data/ising";
import * as isingPool from "../../../src/data/isingPool";

// The worker threads must give exactly what the main thread gives: each task's generator is rebuilt
// from its fork path. Compared here with the in-process functions, bit for bit.

test("Rng.atPath rebuilds a named fork from its path alone; a root path is refused", () => {
  const a = new Rng(7).fork("phase").fork("L 8 seed 0"), b = Rng.atPath(a.path);
  assert.equal(b.path, a.path);
  assert.deepEqual(Array.from({ length: 5 }, () => b.nextUint32()), Array.from({ length: 5 }, () => a.nextUint32()));
  assert.throws(() => Rng.atPath("7"), /fork's path/);
});

test("isingPool: data sets and chain means in worker threads are bit for bit the in-process ones, in the order asked", async () => {
  const rng = new Rng(11);
  const req = [
    { L: 6, temperatures: [1.8, 3.0], perTemperature: 10, rngPath: rng.fork("a").path },
    { L: 4, temperatures: [2.3], perTemperature: 7, every: 3, chains: 2, rngPath: rng.fork("b").path },
  ];
  assert.ok(isingPool.workerCount(2) >= 1);
  const sets = await isingPool.dataSets(req);
  req.forEach((r, i) => {
    const here = isingDataSet({ L: r.L, temperatures: r.temperatures, perTemperature: r.perTemperature, every: r.every, chains: r.chains, rng: rng.fork(i === 0 ? "a" : "b") });
    assert.deepEqual(Array.from(sets[i].x.data), Array.from(here.x.data), `data set ${i}: configurations`);
    assert.deepEqual(Array.from(sets[i].energy), Array.from(here.energy), `data set ${i}: energies`);
    assert.deepEqual(Array.from(sets[i].temperature), Array.from(here.temperature));
    assert.deepEqual(Array.from(sets[i].magnetization), Array.from(here.magnetization));
  });
  const chains = [{ L: 8, T: 2.2, samples: 50, rngPath: rng.fork("c0").path }, { L: 4, T: 2.5, samples: 80, algorithm: "metropolis" as const, rngPath: rng.fork("c1").path }];
  const means = await isingPool.chainMeans(chains);
  chains.forEach((c, i) => {
    const s = sampleIsing({ L: c.L, T: c.T, samples: c.samples, algorithm: c.algorithm, rng: rng.fork(`c${i}`) });
    const m = Array.from(s.magnetization);
    assert.equal(means[i].absM, m.reduce((a, v) => a + Math.abs(v), 0) / m.length);
    assert.equal(means[i].m4, m.reduce((a, v) => a + v ** 4, 0) / m.length);
    assert.equal(means[i].energy, Array.from(s.energy).reduce((a, v) => a + v, 0) / m.length);
  });
});

test("isingPool: GENLAB_WORKERS=0 runs in process with the same results; bad input is refused clearly", async () => {
  const rng = new Rng(12), req = [{ L: 4, T: 2.0, samples: 30, rngPath: rng.fork("x").path }];
  const threaded = await isingPool.chainMeans(req);
  const before = process.env.GENLAB_WORKERS;
  process.env.GENLAB_WORKERS = "0";
  try {
    assert.equal(isingPool.workerCount(5), 0);
    assert.deepEqual(await isingPool.chainMeans(req), threaded);
    process.env.GENLAB_WORKERS = "many";
    assert.throws(() => isingPool.workerCount(2), /GENLAB_WORKERS/);
  } finally {
    if (before === undefined) delete process.env.GENLAB_WORKERS; else process.env.GENLAB_WORKERS = before;
  }
  await assert.rejects(isingPool.chainMeans([{ L: 4, T: 2, samples: 5, rngPath: "12" }]), /rngPath of a forked generator/);
  // an error inside a worker comes back as a rejection that names the task
  await assert.rejects(isingPool.chainMeans([{ L: 4, T: -1, samples: 5, rngPath: rng.fork("y").path }, { L: 4, T: 2, samples: 5, rngPath: rng.fork("z").path }]), /task 0 failed in a worker: RangeError: IsingChain: T must be positive/);
});
