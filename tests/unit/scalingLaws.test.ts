import { test } from "node:test";
import assert from "node:assert/strict";
import { chinchillaLoss, computeOptimal, computeOptimalNumeric, dataConstrainedLoss, effectiveRepeated, frontierExponents, frontierPrefactor, kaplanLossND, kaplanPowerLaw } from "../../src/theory/scalingLaws";
import { besiroglu, chinchilla, kaplan, muennighoff, PF_DAY } from "../../src/theory/publishedLaws";

test("compute-optimal allocation: the closed form matches direct minimisation and C = 6 N D", () => {
  for (const law of [chinchilla.rounded, chinchilla.unrounded, besiroglu.law]) {
    for (const C of [1e18, 1e21, 5.76e23, 1e26]) {
      const a = computeOptimal(law, C), b = computeOptimalNumeric((N, D) => chinchillaLoss(law, N, D), C);
      assert.ok(Math.abs(a.N / b.N - 1) < 1e-6, `N ${a.N} vs ${b.N}`);
      assert.ok(Math.abs(6 * a.N * a.D / C - 1) < 1e-12);
      assert.ok(a.L <= chinchillaLoss(law, a.N * 1.01, C / (6 * a.N * 1.01)) && a.L <= chinchillaLoss(law, a.N / 1.01, C / (6 * a.N / 1.01)));
    }
    // the exponents of the frontier: N ~ C^a, D ~ C^b, a + b = 1
    const e = frontierExponents(law);
    const r = Math.log(computeOptimal(law, 1e24).N / computeOptimal(law, 1e20).N) / Math.log(1e4);
    assert.ok(Math.abs(r - e.a) < 1e-12 && Math.abs(e.a + e.b - 1) < 1e-15);
    const lr = Math.log((computeOptimal(law, 1e24).L - law.E) / (computeOptimal(law, 1e20).L - law.E)) / Math.log(1e4);
    assert.ok(Math.abs(lr + e.c) < 1e-12, "L_opt - E ~ C^-alpha beta/(alpha+beta)");
  }
});

test("Chinchilla: approach 3's exponent a = 0.46 (Table 2) comes from the unrounded constants; rounding moves the Gopher-budget optimum from 40B to 32B", () => {
  const a = (law: { alpha: number; beta: number }): number => frontierExponents(law).a;
  assert.equal(Math.round(a(chinchilla.unrounded) * 100) / 100, chinchilla.table2[2].a);
  assert.equal(Math.round(a(chinchilla.rounded) * 100) / 100, 0.45, "the printed constants give 0.45, not the table's 0.46");
  const un = computeOptimal(chinchilla.unrounded, chinchilla.gopherFlops), ro = computeOptimal(chinchilla.rounded, chinchilla.gopherFlops);
  assert.ok(Math.abs(un.N / 1e9 - 40.3) < 0.1, `unrounded ${un.N / 1e9} B`);
  assert.ok(Math.abs(ro.N / 1e9 - 32.2) < 0.1, `rounded ${ro.N / 1e9} B`);
  // Table 3 (approach 1) rows satisfy C = 6 N D to the table's rounding, and its Gopher row is the budget itself
  for (const row of chinchilla.table3) assert.ok(Math.abs(6 * row.N * row.tokens / row.flops - 1) < 0.05, `row ${row.N}`);
  const gopherRow = chinchilla.table3.find((r) => r.gophers === 1)!;
  assert.equal(gopherRow.flops, chinchilla.gopherFlops);
  // Chinchilla itself (70B, 1.4T) spent Gopher's budget: 6 N D within 3%
  assert.ok(Math.abs(6 * chinchilla.chinchillaModel.N * chinchilla.chinchillaModel.D / chinchilla.gopherFlops - 1) < 0.03);
});

test("Besiroglu et al.'s refit: about 20 tokens per parameter, and Chinchilla's own 70B at Gopher's budget", () => {
  for (const C of [1e21, 1e22, 1e23]) {
    const t = computeOptimal(besiroglu.law, C).tokensPerParam;
    assert.ok(t > 18 && t < 22, `C = ${C}: ${t} tokens per parameter`);
  }
  const g = computeOptimal(besiroglu.law, chinchilla.gopherFlops);
  assert.ok(Math.abs(g.N / 70e9 - 1) < 0.05, `N_opt ${g.N / 1e9} B vs Chinchilla's 70B`);
  assert.ok(Math.abs(frontierExponents(besiroglu.law).a - 0.5126) < 1e-4, "a = 0.5126 as quoted");
});

test("Muennighoff et al.: the constants reproduce the authors' own loss values exactly", () => {
  for (const r of muennighoff.reference) {
    assert.ok(Math.abs(dataConstrainedLoss(muennighoff.law, r.N, r.D, r.U) - r.L) < 1e-12, `N ${r.N}`);
  }
  // without repetition the law is the Chinchilla form
  assert.equal(dataConstrainedLoss(muennighoff.law, 1e8, 1e10, 1e10), chinchillaLoss(muennighoff.law, 1e8, 1e10));
  // repeated data saturates at U (1 + R*) fresh tokens
  assert.ok(Math.abs(effectiveRepeated(1, 1e6, muennighoff.law.RstarD) - (1 + muennighoff.law.RstarD)) < 1e-9);
  // their optimal allocation at the 8.67B/178B budget with 25B unique tokens: about 6.8B parameters, 227B tokens
  const ex = muennighoff.optimalExample, C = 6 * ex.budgetN * ex.budgetD;
  let best = { L: Infinity, N: 0, D: 0 };
  for (let i = 0; i <= 4000; i++) {
    const N = ex.budgetN * Math.exp(-1.2 + 2.4 * i / 4000), D = C / (6 * N);
    const L = dataConstrainedLoss(muennighoff.law, N, D, Math.min(ex.U, D));
    if (L < best.L) best = { L, N, D };
  }
  assert.ok(Math.abs(best.N / ex.N - 1) < 0.03 && Math.abs(best.D / ex.D - 1) < 0.03, `optimum ${best.N / 1e9} B, ${best.D / 1e9} B tokens`);
});

test("Kaplan et al.: the exponent relations they quote", () => {
  // alpha_C^min = 1 / (1/alpha_S + 1/alpha_B + 1/alpha_N) ~ 0.05 (their Section 6)
  const ac = 1 / (1 / kaplan.steps.alphaS + 1 / kaplan.batch.alphaB + 1 / kaplan.N.alpha);
  assert.ok(Math.abs(ac - kaplan.Cmin.alpha) < 0.005, `alpha_C^min ${ac}`);
  // D ~ N^(alpha_N / alpha_D) = N^0.74 from the L(N, D) fit
  assert.equal(Math.round(kaplan.ND.alphaN / kaplan.ND.alphaD * 100) / 100, kaplan.dataPerModelExponent.value);
  // the frontier exponents of D and N add to 1 (C ~ N D)
  assert.ok(Math.abs(kaplan.frontier.N + kaplan.frontier.D - 1) < 1e-12);
  // L(N) = (N_c/N)^alpha_N: at N = N_c / 10^4 the loss is 10^(4 alpha_N) = 2.01 nats
  assert.ok(Math.abs(kaplanPowerLaw(kaplan.N, kaplan.N.Xc / 1e4) - 10 ** (4 * 0.076)) < 1e-12);
  // the joint law reduces to L(N) and L(D) in its limits
  assert.ok(Math.abs(kaplanLossND(kaplan.ND, 1e9, 1e30) - kaplanPowerLaw({ Xc: kaplan.ND.Nc, alpha: kaplan.ND.alphaN }, 1e9)) < 1e-9);
  assert.equal(PF_DAY, 8.64e19);
});

test("frontierPrefactor: G fixes the compute-optimal frontier, N_opt = G (C/6)^a and D_opt = (C/6)^b / G", () => {
  const law = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };
  const G = frontierPrefactor(law);
  assert.ok(Math.abs(G - ((0.34 * 406.4) / (0.28 * 410.7)) ** (1 / 0.62)) < 1e-12);
  for (const C of [1e18, 1e21, 1e24]) {
    const opt = computeOptimal(law, C);
    const { a, b } = frontierExponents(law);
    assert.ok(Math.abs(opt.N / (G * (C / 6) ** a) - 1) < 1e-12);
    assert.ok(Math.abs(opt.D / ((C / 6) ** b / G) - 1) < 1e-12);
  }
});
