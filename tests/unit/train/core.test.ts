import { test } from "node:test";
import assert from "node:assert/strict";
import type * as tfjs from "@tensorflow/tfjs";
import { tfReady } from "../../../src/tf";
import {
  ACTIVATIONS, activationFn, activationDerivative, activationSecondDerivative, activationTensor, activationDerivatives,
  activationDerivativeTensor, derivativeNeedsPre,
} from "../../../src/activations";
import { lossDerivatives, LossName } from "../../../src/train/losses";
import { Rng } from "../../../src/random";

// The training core's pieces against finite differences: phi' and phi'' of every activation, and the
// loss gradient (and its directional derivative) of every loss, in float64 central differences.

// points away from relu's kink, where its derivatives are defined
const points = [-2.1, -1.3, -0.7, -0.2, 0.15, 0.6, 1.1, 2.4];

test("activations: phi' and phi'' (scalar) match central differences of phi and phi'", () => {
  const e = 1e-5;
  for (const a of ACTIVATIONS) {
    const f = activationFn(a), d1 = activationDerivative(a), d2 = activationSecondDerivative(a);
    // the lab's erf is a Chebyshev fit (error < 1.2e-7): its difference quotient carries the fit's
    // ripple, a few 1e-7 (measured 3.4e-7 at -0.2); the formulas themselves are exact
    const tol1 = a === "erf" ? 2e-6 : 1e-7;
    for (const x of points) {
      const fd1 = (f(x + e) - f(x - e)) / (2 * e), fd2 = (d1(x + e) - d1(x - e)) / (2 * e);
      assert.ok(Math.abs(d1(x) - fd1) < tol1 * Math.max(1, Math.abs(fd1)), `${a}' at ${x}: ${d1(x)} vs ${fd1}`);
      assert.ok(Math.abs(d2(x) - fd2) < 1e-6 * Math.max(1, Math.abs(fd2)), `${a}'' at ${x}: ${d2(x)} vs ${fd2}`);
    }
  }
});

test("activations: the tensors phi, phi', phi'' (from h, or from phi(h) alone) equal the scalar functions", async () => {
  const tf = await tfReady();
  for (const a of ACTIVATIONS) {
    const [phi, d1, d2, d1h] = tf.tidy(() => {
      const h = tf.tensor1d(points);
      const post = activationTensor(tf, a, h);
      // the derivatives as the network's backward pass reads them: from phi(h), and h only where needed
      const ds = activationDerivatives(tf, a, { pre: derivativeNeedsPre(a) ? h : null, post });
      const one = tf.onesLike(h), zero = tf.zerosLike(h);
      return [post, ds.d1 ?? one, ds.d2() ?? zero, activationDerivativeTensor(tf, a, h)].map((t) => Array.from(t.dataSync()));
    });
    const f = activationFn(a), g1 = activationDerivative(a), g2 = activationSecondDerivative(a);
    points.forEach((x, i) => {
      for (const [got, want, what] of [[phi[i], f(x), "phi"], [d1[i], g1(x), "phi'"], [d1h[i], g1(x), "phi' from h"], [d2[i], g2(x), "phi''"]] as const) {
        assert.ok(Math.abs(got - want) < 2e-6 * Math.max(1, Math.abs(want)), `${a} ${what} at ${x}: ${got} vs ${want}`);
      }
    });
  }
  // erf's derivative cannot be read off erf(h): asking without h is an error, not a wrong number
  assert.throws(() => tf.tidy(() => { activationDerivatives(tf, "erf", { post: tf.ones([2]) }); }), /pre-activation/);
});

/** Float64 value of each loss, the conventions of losses.ts (mean over the rows). */
function lossValue(loss: LossName, f: number[], y: number[], n: number, k: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const row = f.slice(i * k, (i + 1) * k), t = y.slice(i * k, (i + 1) * k);
    if (loss === "softmax-ce") {
      const m = Math.max(...row), lse = m + Math.log(row.reduce((acc, v) => acc + Math.exp(v - m), 0));
      s -= t.reduce((acc, v, j) => acc + v * (row[j] - lse), 0);
    } else {
      const sq = row.reduce((acc, v, j) => acc + (v - t[j]) ** 2, 0);
      s += loss === "mse" ? sq / k : sq / 2;
    }
  }
  return s / n;
}

test("lossDerivatives: gradient and its directional derivative match finite differences, softmax-ce with rows of y that do not sum to 1", async () => {
  const tf = await tfReady();
  const rng = new Rng(11);
  const n = 4, k = 3;
  const f = Array.from(rng.fork("f").normals(n * k));
  const v = Array.from(rng.fork("v").normals(n * k));
  // targets whose rows sum to 0.4 .. 2.5: label smoothing gone wrong, soft counts, ...
  const y = Array.from(rng.fork("y").uniforms(n * k), (u, i) => u * (0.3 + (i % k === 0 ? 1.5 : 0.2)));
  const e = 1e-4;
  for (const loss of ["mse", "half-mse", "softmax-ce"] as LossName[]) {
    const { value, grad, Rgrad } = tf.tidy(() => {
      const d = lossDerivatives(tf, loss, tf.tensor2d(f, [n, k]), tf.tensor2d(y, [n, k]), tf.tensor2d(v, [n, k]));
      return { value: d.value.dataSync()[0], grad: Array.from(d.grad.dataSync()), Rgrad: Array.from((d.Rgrad as tfjs.Tensor).dataSync()) };
    });
    assert.ok(Math.abs(value - lossValue(loss, f, y, n, k)) < 1e-5 * Math.max(1, Math.abs(value)), `${loss} value`);
    for (let j = 0; j < n * k; j++) {
      const up = f.slice(), dn = f.slice();
      up[j] += e; dn[j] -= e;
      const fd = (lossValue(loss, up, y, n, k) - lossValue(loss, dn, y, n, k)) / (2 * e);
      assert.ok(Math.abs(grad[j] - fd) < 1e-5, `${loss} dL/df[${j}]: ${grad[j]} vs ${fd}`);
    }
    // (d^2 L / df^2) v by differences of the float64 gradient along v
    const gradAt = (ff: number[]): number[] => ff.map((_, j) => {
      const up = ff.slice(), dn = ff.slice();
      up[j] += e; dn[j] -= e;
      return (lossValue(loss, up, y, n, k) - lossValue(loss, dn, y, n, k)) / (2 * e);
    });
    const h = 1e-3;
    const gp = gradAt(f.map((x, j) => x + h * v[j])), gm = gradAt(f.map((x, j) => x - h * v[j]));
    for (let j = 0; j < n * k; j++) {
      const fd = (gp[j] - gm[j]) / (2 * h);
      assert.ok(Math.abs(Rgrad[j] - fd) < 1e-4, `${loss} (H v)[${j}]: ${Rgrad[j]} vs ${fd}`);
    }
  }
  // the textbook softmax - y is wrong here: the test would catch the old formula
  const naive = tf.tidy(() => Array.from(tf.mul(tf.sub(tf.softmax(tf.tensor2d(f, [n, k])), tf.tensor2d(y, [n, k])), 1 / n).dataSync()));
  const exact = tf.tidy(() => Array.from(lossDerivatives(tf, "softmax-ce", tf.tensor2d(f, [n, k]), tf.tensor2d(y, [n, k])).grad.dataSync()));
  assert.ok(Math.max(...naive.map((g, j) => Math.abs(g - exact[j]))) > 1e-2);
});

test("lossDerivatives: stacked members get their own mean loss and gradient", async () => {
  const tf = await tfReady();
  const rng = new Rng(12);
  const S = 3, n = 5, k = 2;
  const f = rng.fork("f").normals(S * n * k), y = rng.fork("y").uniforms(n * k);
  for (const loss of ["mse", "half-mse", "softmax-ce"] as LossName[]) {
    const [vals, grads] = tf.tidy(() => {
      const d = lossDerivatives(tf, loss, tf.tensor3d(Float32Array.from(f), [S, n, k]), tf.tensor3d(Float32Array.from(y), [1, n, k]));
      return [Array.from(d.value.dataSync()), Array.from(d.grad.dataSync())];
    });
    assert.equal(vals.length, S);
    for (let s = 0; s < S; s++) {
      const one = tf.tidy(() => {
        const d = lossDerivatives(tf, loss, tf.tensor2d(Float32Array.from(f.subarray(s * n * k, (s + 1) * n * k)), [n, k]), tf.tensor2d(Float32Array.from(y), [n, k]));
        return [d.value.dataSync()[0], Array.from(d.grad.dataSync())] as const;
      });
      assert.ok(Math.abs(vals[s] - one[0]) <= 1e-6 * Math.max(1, Math.abs(one[0])), `${loss} member ${s}`);
      one[1].forEach((g, j) => assert.ok(Math.abs(grads[s * n * k + j] - g) <= 1e-7, `${loss} member ${s} grad ${j}`));
    }
  }
});
