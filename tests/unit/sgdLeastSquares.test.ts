import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import { errorMoments, sgdBatchSteps, sgdExpectedLoss, sgdModeFactor, sgdSecondMomentStep, sgdStepsToTargets } from "../../src/theory/sgdLeastSquares";
import { linearSgdLosses } from "../../src/experiments/choices";

// Monte Carlo minibatch SGD with fresh Gaussian inputs x ~ N(0, diag(h)) (the recursion's assumptions),
// the lab's "mse" loss (f - y)^2 (gradient 2 x (x.e)), in H's eigenbasis; returns the mean and s.e. of L_t.
function monteCarlo(h: number[], e0: number[], lr: number, B: number, T: number, runs: number, rng: Rng): { mean: number; se: number } {
  const d = h.length, sd = h.map(Math.sqrt);
  let s = 0, s2 = 0;
  for (let r = 0; r < runs; r++) {
    const e = e0.slice(), g = new Array<number>(d);
    for (let t = 0; t < T; t++) {
      g.fill(0);
      for (let b = 0; b < B; b++) {
        const x = sd.map((v) => v * rng.normal());
        let xe = 0;
        for (let k = 0; k < d; k++) xe += x[k] * e[k];
        for (let k = 0; k < d; k++) g[k] += (2 * x[k] * xe) / B;
      }
      for (let k = 0; k < d; k++) e[k] -= lr * g[k];
    }
    let L = 0;
    for (let k = 0; k < d; k++) L += h[k] * e[k] * e[k];
    s += L; s2 += L * L;
  }
  const mean = s / runs;
  return { mean, se: Math.sqrt((s2 / runs - mean * mean) / (runs - 1)) };
}

test("the second-moment recursion gives the expected loss of Monte Carlo SGD (Gaussian inputs, mse loss)", () => {
  const h = [1, 0.5, 0.2, 0.05], e0 = [0.7, -1, 0.5, 2];
  const m0 = e0.map((v) => v * v);
  const rng = new Rng(11);
  for (const [B, lr, T] of [[1, 0.15, 20], [2, 0.3, 15], [4, 0.4, 10]]) {
    const th = sgdExpectedLoss(h, m0, lr, B, T)[T];
    const mc = monteCarlo(h, e0, lr, B, T, 20000, rng.fork(`B ${B}`));
    const z = (mc.mean - th) / mc.se;
    assert.ok(Math.abs(z) < 4, `B ${B}, lr ${lr}: Monte Carlo ${mc.mean} ± ${mc.se} vs recursion ${th} (z = ${z})`);
    // and the recursion is not a near miss: without the 1/B noise terms (plain GD) it would be far off
    const gd = sgdExpectedLoss(h, m0, lr, 1e12, T)[T];
    assert.ok(Math.abs(mc.mean - gd) / mc.se > 8, `B ${B}: gradient descent's loss ${gd} should differ from SGD's ${mc.mean}`);
  }
});

test("one step of the recursion by hand; the B -> infinity limit is gradient descent (1 - 2 eta h)^2t", () => {
  const h = [2, 0.5], m = [1, 3], lr = 0.1, B = 2;
  const hm = 2 * 1 + 0.5 * 3;
  const next = sgdSecondMomentStep(h, m, lr, B);
  const want = h.map((hk, k) => (1 - 4 * lr * hk + 4 * lr * lr * hk * hk * (1 + 1 / B)) * m[k] + (4 * lr * lr / B) * hk * hm);
  next.forEach((v, k) => assert.ok(Math.abs(v - want[k]) < 1e-15, `${v} vs ${want[k]}`));
  assert.equal(sgdModeFactor(0.5, 0.25, Infinity), (1 - 2 * 0.25 * 0.5) ** 2);
  const L = sgdExpectedLoss(h, m, lr, Infinity, 30);
  for (const t of [0, 1, 7, 30]) {
    const gd = h.reduce((s, hk, k) => s + hk * m[k] * (1 - 2 * lr * hk) ** (2 * t), 0);
    assert.ok(Math.abs(L[t] - gd) < 1e-12 * gd, `t ${t}: ${L[t]} vs ${gd}`);
  }
});

test("sgdStepsToTargets reads the expected-loss curve at multiples of evalEvery; sgdBatchSteps keeps the fastest rate", () => {
  const h = [1, 0.3, 0.1, 0.02], m0 = [1, 1, 1, 1];
  const L = sgdExpectedLoss(h, m0, 0.2, 4, 400);
  const L0 = L[0], targets = [0.3 * L0, 0.1 * L0];
  const s1 = sgdStepsToTargets({ h, m0, lr: 0.2, batch: 4, targets, maxSteps: 400 });
  targets.forEach((t, j) => {
    const first = L.findIndex((v) => v <= t);
    assert.equal(s1[j], first);
    const s5 = sgdStepsToTargets({ h, m0, lr: 0.2, batch: 4, targets: [t], maxSteps: 400, evalEvery: 5 })[0];
    assert.equal(s5, Math.ceil(first / 5) * 5);
  });
  // a rate at which the expected loss grows never reaches the target
  assert.deepEqual(sgdStepsToTargets({ h, m0, lr: 1.2, batch: 1, targets, maxSteps: 400 }), [Infinity, Infinity]);
  const lrs = [0.05, 0.1, 0.2, 0.3];
  const r = sgdBatchSteps({ h, m0, batchSizes: [1, 8], lrs, targets, maxSteps: 2000 });
  r.batchSizes.forEach((B, b) => targets.forEach((_, j) => {
    const each = lrs.map((lr) => sgdStepsToTargets({ h, m0, lr, batch: B, targets, maxSteps: 2000 })[j]);
    assert.equal(r.steps[b][j], Math.min(...each));
    assert.equal(r.lr[b][j], lrs[each.indexOf(Math.min(...each))]);
  }));
  // a larger batch needs fewer steps, more examples
  assert.ok(r.steps[1][1] < r.steps[0][1] && 8 * r.steps[1][1] > r.steps[0][1]);
});

test("errorMoments: the moments of e0 along the eigenvectors sum to |e0|^2 and weight to e0' H e0", () => {
  const c = Math.cos(0.4), s = Math.sin(0.4);
  // H = V diag(h) V^T, eigenvectors as columns (row-major), as linalg.eigh returns them
  const V = { rows: 2, cols: 2, data: [c, -s, s, c] }, h = [0.5, 2], e0 = [1.5, -0.7];
  const m = errorMoments(V, e0);
  assert.ok(Math.abs(m[0] + m[1] - (1.5 ** 2 + 0.7 ** 2)) < 1e-12);
  const H = [[h[0] * c * c + h[1] * s * s, (h[0] - h[1]) * c * s], [(h[0] - h[1]) * c * s, h[0] * s * s + h[1] * c * c]];
  const quad = e0[0] * (H[0][0] * e0[0] + H[0][1] * e0[1]) + e0[1] * (H[1][0] * e0[0] + H[1][1] * e0[1]);
  assert.ok(Math.abs(h[0] * m[0] + h[1] * m[1] - quad) < 1e-12);
});

test("linearSgdLosses: full batch is gradient descent; small batches on a Gaussian set match the recursion", () => {
  const rng = new Rng(5), n = 2000, h = [1, 0.25, 0.04], d = 3;
  const x = { rows: n, cols: d, data: new Float64Array(n * d) };
  const w = [0.5, -1, 2];
  const xr = rng.fork("x");
  for (let i = 0; i < n * d; i++) x.data[i] = Math.sqrt(h[i % d]) * xr.normal();
  const y = Array.from({ length: n }, (_, i) => w.reduce((s, wj, j) => s + x.data[i * d + j] * wj, 0));
  // full batch: deterministic GD on the sample covariance
  const full = linearSgdLosses({ x, y, batch: n, lr: 0.3, steps: [0, 5, 10], seeds: 2, rng: rng.fork("gd") });
  full[0].forEach((v, k) => assert.ok(Math.abs(v - full[1][k]) < 1e-12 * v, `${v} vs ${full[1][k]}`));   // the same steps, summed in another order
  assert.ok(Math.abs(full[0][0] - y.reduce((s, v) => s + v * v, 0) / n) < 1e-9);
  assert.ok(full[0][2] < full[0][1] && full[0][1] < full[0][0]);
  // minibatches of 2: the mean over runs against the recursion on the population spectrum (the sample's is within a few %)
  const runs = linearSgdLosses({ x, y, batch: 2, lr: 0.25, steps: [30], seeds: 4000, rng: rng.fork("sgd") }).map((r) => r[0]);
  const mean = runs.reduce((a, b) => a + b, 0) / runs.length;
  const se = Math.sqrt(runs.reduce((a, b) => a + (b - mean) ** 2, 0) / (runs.length - 1) / runs.length);
  const th = sgdExpectedLoss(h, w.map((v) => v * v), 0.25, 2, 30)[30];
  assert.ok(Math.abs(mean - th) < 4 * se + 0.05 * th, `${mean} ± ${se} vs ${th}`);
});
