import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../src/random";
import {
  isingStates, exactIsingAverages, isingEnergy, IsingChain, sampleIsing, isingEstimates, onsagerMagnetization,
  isingCriticalTemperature, integratedAutocorrelation, isingDataSet,
} from "../../../src/data/ising";

test("enumeration: state counts, ground states and the 2 x 2 partition function in closed form", () => {
  const s2 = isingStates(2), s4 = isingStates(4);
  assert.equal(s2.count.reduce((a, b) => a + b, 0), 16);
  assert.equal(s4.count.reduce((a, b) => a + b, 0), 65536);
  // 2 x 2 torus (each pair coupled twice): E in {-8 (2 states), 0 (12), +8 (2)}
  const byE = new Map<number, number>();
  s2.energy.forEach((e, j) => byE.set(e, (byE.get(e) ?? 0) + s2.count[j]));
  assert.deepEqual([...byE.entries()].sort((a, b) => a[0] - b[0]), [[-8, 2], [0, 12], [8, 2]]);
  const T = 1.7, Z = 2 * Math.exp(8 / T) + 12 + 2 * Math.exp(-8 / T);
  const e = (-8 * 2 * Math.exp(8 / T) + 8 * 2 * Math.exp(-8 / T)) / Z / 4;
  assert.ok(Math.abs(exactIsingAverages(s2, T).energy - e) < 1e-12);
  // 4 x 4 ground state: E = -2N = -32
  assert.equal(Math.min(...s4.energy), -32);
  assert.throws(() => isingStates(5), /L <= 4/);
});

test("isingEnergy: all-up torus has E = -2N, a checkerboard +2N", () => {
  const L = 6, up = new Int8Array(L * L).fill(1), cb = new Int8Array(L * L);
  for (let r = 0; r < L; r++) for (let c = 0; c < L; c++) cb[r * L + c] = (r + c) % 2 ? 1 : -1;
  assert.equal(isingEnergy(up, L), -2 * L * L);
  assert.equal(isingEnergy(cb, L), 2 * L * L);
});

test("detailed balance on the 2 x 2 torus: the samplers' visit frequencies match the Boltzmann weights of all 16 states", () => {
  const T = 2.5, L = 2;
  for (const algorithm of ["metropolis", "wolff"] as const) {
    const chain = new IsingChain({ L, T, rng: new Rng(3).fork(algorithm) });
    const visits = new Float64Array(16), n = 200000;
    for (let t = 0; t < n; t++) {
      if (algorithm === "wolff") chain.wolffFlip(); else chain.metropolisSweep();
      let code = 0;
      for (let i = 0; i < 4; i++) if (chain.spins[i] > 0) code |= 1 << i;
      visits[code]++;
    }
    let Z = 0;
    const w = new Float64Array(16);
    for (let code = 0; code < 16; code++) {
      const s = Array.from({ length: 4 }, (_, i) => ((code >> i) & 1 ? 1 : -1));
      w[code] = Math.exp(-isingEnergy(s, L) / T);
      Z += w[code];
    }
    // chi-square over states; correlated samples inflate it, so allow a generous autocorrelation factor of 5
    let chi2 = 0;
    for (let code = 0; code < 16; code++) { const ex = (n * w[code]) / Z; chi2 += (visits[code] - ex) ** 2 / ex; }
    assert.ok(chi2 / 5 < 15 + 4 * Math.sqrt(30), `${algorithm}: chi2 ${chi2.toFixed(1)} over 15 degrees of freedom`);
    // and a wrong temperature is rejected by the same statistic (the test can fail)
    let chi2Wrong = 0, Zw = 0;
    const ww = w.map((_, code) => Math.exp(-isingEnergy(Array.from({ length: 4 }, (_, i) => ((code >> i) & 1 ? 1 : -1)), L) / (1.2 * T)));
    ww.forEach((v) => { Zw += v; });
    for (let code = 0; code < 16; code++) { const ex = (n * ww[code]) / Zw; chi2Wrong += (visits[code] - ex) ** 2 / ex; }
    assert.ok(chi2Wrong / 5 > 15 + 4 * Math.sqrt(30), `${algorithm}: a 20% wrong temperature gives chi2 ${chi2Wrong.toFixed(1)}`);
  }
});

test("4 x 4: Wolff and Metropolis averages match exact enumeration within batch-means errors", () => {
  const states = isingStates(4);
  for (const T of [1.8, isingCriticalTemperature, 3]) {
    const exact = exactIsingAverages(states, T);
    for (const algorithm of ["wolff", "metropolis"] as const) {
      const s = sampleIsing({ L: 4, T, samples: 40000, algorithm, rng: new Rng(11).fork(`${algorithm} ${T}`) });
      const est = isingEstimates(s, 20);
      for (const [k, ex] of [["energy", exact.energy], ["absMagnetization", exact.absMagnetization], ["specificHeat", exact.specificHeat]] as const) {
        const e = est[k];
        const z = (e.mean - ex) / e.se;
        assert.ok(Math.abs(z) < 4, `${algorithm} T=${T.toFixed(3)} ${k}: ${e.mean} ± ${e.se} vs exact ${ex} (z ${z.toFixed(2)})`);
      }
    }
  }
});

test("Onsager: magnetization closed form, T_c, and Wolff at L = 32 deep in the ordered phase", () => {
  assert.ok(Math.abs(isingCriticalTemperature - 2.269185314) < 1e-9);
  assert.equal(onsagerMagnetization(3), 0);
  assert.ok(Math.abs(onsagerMagnetization(1e-3) - 1) < 1e-12);
  const s = sampleIsing({ L: 32, T: 1.5, samples: 2000, rng: new Rng(2) });
  const e = isingEstimates(s, 10).absMagnetization;
  assert.ok(Math.abs(e.mean - onsagerMagnetization(1.5)) < 4 * e.se + 1e-4, `${e.mean} ± ${e.se} vs ${onsagerMagnetization(1.5)}`);
});

test("integrated autocorrelation: an AR(1) series has tau = (1 + phi) / (2 (1 - phi))", () => {
  const rng = new Rng(8), phi = 0.8, n = 200000, xs = new Float64Array(n);
  for (let i = 1; i < n; i++) xs[i] = phi * xs[i - 1] + rng.normal();
  const r = integratedAutocorrelation(xs);
  const tau = (1 + phi) / (2 * (1 - phi));
  assert.ok(Math.abs(r.tau - tau) < 4 * r.se, `${r.tau} ± ${r.se} vs ${tau}`);
});

test("isingDataSet: shapes, +-1 inputs, every temperature present, deterministic", () => {
  const a = isingDataSet({ L: 4, temperatures: [1.5, 3.5], perTemperature: 10, rng: new Rng(1) });
  const b = isingDataSet({ L: 4, temperatures: [1.5, 3.5], perTemperature: 10, rng: new Rng(1) });
  assert.equal(a.x.rows, 20);
  assert.equal(a.x.cols, 16);
  assert.ok(a.x.data.every((v) => v === 1 || v === -1));
  assert.deepEqual(a.x.data, b.x.data);
  assert.equal(a.temperature.filter((t) => t === 1.5).length, 10);
});
