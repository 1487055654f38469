import { test } from "node:test";
import assert from "node:assert/strict";
import { lbfgs } from "../../src/fit/optimize";

test("L-BFGS finds the minimum of a convex quadratic exactly", () => {
  // f = 1/2 x^T A x - b^T x with A = diag(1, 10, 100): minimum at x = b / diag
  const diag = [1, 10, 100], b = [1, -2, 3];
  const r = lbfgs((x, g) => {
    let f = 0;
    for (let i = 0; i < 3; i++) { f += 0.5 * diag[i] * x[i] * x[i] - b[i] * x[i]; g[i] = diag[i] * x[i] - b[i]; }
    return f;
  }, [5, 5, 5]);
  assert.ok(r.converged, r.message);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(r.x[i] - b[i] / diag[i]) < 1e-7, `x${i} = ${r.x[i]}`);
});

test("L-BFGS solves the Rosenbrock function in 2 and 10 dimensions", () => {
  const rosen = (x: Float64Array, g: Float64Array): number => {
    let f = 0;
    g.fill(0);
    for (let i = 0; i < x.length - 1; i++) {
      const a = x[i + 1] - x[i] * x[i], c = 1 - x[i];
      f += 100 * a * a + c * c;
      g[i] += -400 * x[i] * a - 2 * c;
      g[i + 1] += 200 * a;
    }
    return f;
  };
  for (const n of [2, 10]) {
    const r = lbfgs(rosen, Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1.2)), { maxIter: 2000 });
    assert.ok(r.converged, `${n}-d: ${r.message} after ${r.iterations}`);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(r.x[i] - 1) < 1e-5, `${n}-d: x${i} = ${r.x[i]}`);
    assert.ok(r.f < 1e-10);
  }
});

test("L-BFGS handles a Huber objective (C1, piecewise quadratic) and reports non-finite objectives", () => {
  // minimise sum_i huber(x - c_i) with delta 0.1: the minimiser is a robust location (here the median region)
  const c = [0, 0.05, 0.1, 5];
  const delta = 0.1;
  const r = lbfgs((x, g) => {
    let f = 0; g[0] = 0;
    for (const ci of c) {
      const r0 = x[0] - ci;
      if (Math.abs(r0) <= delta) { f += 0.5 * r0 * r0; g[0] += r0; } else { f += delta * (Math.abs(r0) - delta / 2); g[0] += delta * Math.sign(r0); }
    }
    return f;
  }, [3]);
  // optimum: the outlier pulls with constant force delta; the three inliers balance it: 3x - 0.15 = -(-0.1) ... x = (0.15 + 0.1) / 3
  assert.ok(Math.abs(r.x[0] - 0.25 / 3) < 1e-6, `x = ${r.x[0]}`);
  const bad = lbfgs((x, g) => { g[0] = NaN; return NaN; }, [1]);
  assert.equal(bad.converged, false);
  assert.equal(bad.message, "non-finite");
});
