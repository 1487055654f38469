import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import { gapRatios, meanGapRatio, gapRatioSurmise, GAP_RATIO_POISSON, GAP_RATIO_GOE_SURMISE } from "../../src/theory/gapRatio";
import { goeMatrix, poissonLevels } from "../../src/data/randomMatrices";

test("ratio definition on a hand example and trimming", () => {
  assert.deepEqual(Array.from(gapRatios([0, 1, 3, 4])), [0.5, 0.5]);
  assert.deepEqual(Array.from(gapRatios([4, 0, 3, 1])), [0.5, 0.5]);
  assert.equal(gapRatios(Array.from({ length: 100 }, (_, i) => i * i), { trim: 0.1 }).length, 78);
});

test("surmises are normalised and have the known means", () => {
  const m = 20000;
  for (const [kind, mean] of [["poisson", GAP_RATIO_POISSON], ["goe", GAP_RATIO_GOE_SURMISE]] as const) {
    let z = 0, s = 0;
    for (let i = 0; i < m; i++) { const r = (i + 0.5) / m; const p = gapRatioSurmise(r, kind); z += p / m; s += (r * p) / m; }
    assert.ok(Math.abs(z - 1) < 1e-6, `${kind} norm ${z}`);
    assert.ok(Math.abs(s - mean) < 1e-6, `${kind} mean ${s}`);
  }
  let z2 = 0; for (let i = 0; i < m; i++) z2 += gapRatioSurmise((i + 0.5) / m, "gue") / m;
  assert.ok(Math.abs(z2 - 1) < 1e-6);
  assert.ok(Math.abs(GAP_RATIO_POISSON - 0.3863) < 1e-4);
});

test("Poisson levels give <r> = 2 ln 2 - 1 (Monte Carlo, 5 sigma)", () => {
  const rng = new Rng(11);
  const r = meanGapRatio(poissonLevels(200000, rng));
  // sd of r for Poisson ~ 0.29; neighbouring ratios are correlated, so allow a generous 5 sigma
  assert.ok(Math.abs(r - GAP_RATIO_POISSON) < 5 * 0.29 / Math.sqrt(200000) * 1.5, `r=${r}`);
});

import * as la from "../../src/linalg";
import { GAP_RATIO_GOE } from "../../src/theory/gapRatio";

test("sampled GOE and Wishart spectra give <r> = 0.5307 within 0.015", () => {
  const rng = new Rng(12);
  const r: number[] = [];
  for (let t = 0; t < 4; t++) r.push(...gapRatios(la.eigvalsh(goeMatrix(300, rng)), { trim: 0.1 }));
  const goe = r.reduce((s, x) => s + x, 0) / r.length;
  assert.ok(Math.abs(goe - GAP_RATIO_GOE) < 0.015, `GOE <r> ${goe}`);
  const X = { rows: 1200, cols: 400, data: rng.normals(1200 * 400) };
  const w = meanGapRatio(la.eigvalsh(la.gram(X)), { trim: 0.1 });
  assert.ok(Math.abs(w - GAP_RATIO_GOE) < 0.015, `Wishart <r> ${w}`);
});
