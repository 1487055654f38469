import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import * as la from "../../src/linalg";
import { rand, relErr } from "./linalg-helpers";
import type { Matrix } from "../../src/linalg";

function naive(a: Matrix, b: Matrix): Matrix {
  const c = la.zeros(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let k = 0; k < a.cols; k++) s += a.data[i * a.cols + k] * b.data[k * b.cols + j];
      c.data[i * b.cols + j] = s;
    }
  return c;
}
function spd(rng: Rng, n: number): Matrix {
  const x = rand(rng, n + 5, n);
  const g = la.gram(x);
  for (let i = 0; i < n; i++) g.data[i * n + i] += 0.1;
  return g;
}

// every test runs on each available backend: pure JS always, the native addon when it is built
const modes: string[] = ["js"];
{
  process.env.GENLAB_LINALG = "auto";
  la.resetLinalgBackend();
  if (la.linalgBackend().name !== "js") modes.push("native");
}
function onBackend(mode: string): void {
  process.env.GENLAB_LINALG = mode;
  la.resetLinalgBackend();
}

test("helpers: shapes, rows, transpose, norms, clear errors", () => {
  const m = la.fromRows([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(la.toRows(la.transpose(m)), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(Array.from(la.column(m, 1)), [2, 5]);
  assert.deepEqual(Array.from(la.row(m, 1)), [4, 5, 6]);
  assert.equal(la.get(m, 1, 2), 6);
  assert.deepEqual(Array.from(la.matvec(m, [1, 1, 1])), [6, 15]);
  assert.equal(la.norm([3, 4]), 5);
  assert.equal(la.dot([1, 2], [3, 4]), 11);
  assert.deepEqual(la.toRows(la.sub(la.add(m, m), la.scale(m, 2))), [[0, 0, 0], [0, 0, 0]]);
  assert.throws(() => la.matmul(m, m), /inner dimensions differ.*2x3.*2x3/);
  assert.throws(() => la.add(m, la.eye(2)), /A is 2x3 and B is 2x2/);
  assert.throws(() => la.cholesky(la.fromRows([[1, NaN], [NaN, 1]])), /NaN at \(0, 1\)/);
  assert.throws(() => la.solve(la.eye(3), new Float64Array(2)), /A is 3x3 but b has length 2/);
  assert.throws(() => la.get(m, 2, 0), /out of range/);
});

for (const mode of modes) {
  test(`[${mode}] matmul with transposes matches the naive product`, () => {
    onBackend(mode);
    const rng = new Rng(1);
    for (const [m, k, n] of [[1, 1, 1], [3, 5, 2], [37, 130, 29], [300, 131, 270]]) {
      const a = rand(rng, m, k), b = rand(rng, k, n), ref = naive(a, b);
      assert.ok(relErr(la.matmul(a, b), ref) < 1e-13);
      assert.ok(relErr(la.matmul(la.transpose(a), b, { transA: true }), ref) < 1e-13);
      assert.ok(relErr(la.matmul(a, la.transpose(b), { transB: true }), ref) < 1e-13);
      assert.ok(relErr(la.matmul(la.transpose(a), la.transpose(b), { transA: true, transB: true }), ref) < 1e-13);
    }
    const x = rand(rng, 40, 23);
    assert.ok(relErr(la.gram(x), naive(la.transpose(x), x)) < 1e-13);
    assert.ok(relErr(la.outerGram(x), naive(x, la.transpose(x))) < 1e-13);
  });

  test(`[${mode}] Cholesky, Cholesky solve and LU solve`, () => {
    onBackend(mode);
    const rng = new Rng(2);
    const a = spd(rng, 60);
    const l = la.cholesky(a);
    for (let i = 0; i < 60; i++) for (let j = i + 1; j < 60; j++) assert.equal(l.data[i * 60 + j], 0);
    assert.ok(relErr(la.matmul(l, l, { transB: true }), a) < 1e-13);
    const b = rng.normals(60);
    const x = la.choleskySolve(a, b);
    assert.ok(x instanceof Float64Array);
    assert.ok(relErr(la.matvec(a, x), b) < 1e-10);
    const B = rand(rng, 60, 3);
    const X = la.choleskySolve(a, B);
    assert.equal(X.cols, 3);
    assert.ok(relErr(la.matmul(a, X), B) < 1e-10);
    assert.ok(relErr(la.choleskySolveFactor(l, B), X) < 1e-14);
    const g = rand(rng, 50, 50);
    const y = la.solve(g, B.data.subarray(0, 50));
    assert.ok(relErr(la.matvec(g, y), B.data.subarray(0, 50)) < 1e-9);
    const Y = la.solve(g, rand(rng, 50, 4));
    assert.equal(Y.rows, 50);
    assert.ok(Math.abs(la.logdetSPD(a) - Math.log(la.eigvalsh(a).reduce((p, w) => p * w, 1))) < 1e-8 * 60);
    assert.ok(la.norm(la.sub(la.matmul(g, la.inv(g)), la.eye(50))) < 1e-9);
    // not positive definite: the error names the pivot
    const bad = la.fromRows([[4, 2, 0], [2, 1, 0], [0, 0, 1]]);
    assert.throws(() => la.cholesky(bad), /not positive definite.*order 2 of 3/);
    assert.throws(() => la.solve(la.fromRows([[1, 2], [2, 4]]), new Float64Array([1, 1])), /singular/);
  });

  test(`[${mode}] eigh: A V = V diag(w), V orthonormal, ascending; eigvalsh agrees`, () => {
    onBackend(mode);
    const rng = new Rng(3);
    for (const n of [1, 2, 7, 90]) {
      const x = rand(rng, n, n);
      const a = la.add(x, la.transpose(x));
      const { values, vectors } = la.eigh(a);
      for (let i = 1; i < n; i++) assert.ok(values[i] >= values[i - 1]);
      const av = la.matmul(a, vectors), vd = la.matmul(vectors, la.diag(values));
      assert.ok(la.norm(la.sub(av, vd)) < 1e-12 * la.norm(a), `n=${n} reconstruction`);
      assert.ok(la.norm(la.sub(la.gram(vectors), la.eye(n))) < 1e-12 * n, `n=${n} orthonormality`);
      const w = la.eigvalsh(a);
      assert.ok(relErr(w, values) < 1e-12);
    }
    // repeated eigenvalues and a known spectrum
    const r5 = rand(rng, 5, 5);
    const q = la.eigh(la.add(r5, la.transpose(r5))).vectors;
    const a = la.matmul(la.matmul(q, la.diag([1, 1, 2, 5, 5])), q, { transB: true });
    for (let i = 0; i < 5; i++) for (let j = 0; j < i; j++) a.data[i * 5 + j] = a.data[j * 5 + i];
    assert.ok(relErr(la.eigvalsh(a), new Float64Array([1, 1, 2, 5, 5])) < 1e-13);
    assert.deepEqual(Array.from(la.eigvalsh(la.eye(4))), [1, 1, 1, 1]);
    assert.throws(() => la.eigh(la.fromRows([[1, 2], [3, 1]])), /symmetric/);
  });

  test(`[${mode}] lstsq: overdetermined, underdetermined (min-norm), rank-deficient, ridge primal = dual`, () => {
    onBackend(mode);
    const rng = new Rng(4);
    // n > p, full rank: normal equations
    const x = rand(rng, 80, 12), y = rng.normals(80);
    const b = la.lstsq(x, y);
    const ref = la.solve(la.gram(x), la.matvec(la.transpose(x), y));
    assert.ok(relErr(b, ref) < 1e-10);
    // n < p: interpolates, and is the minimum-norm interpolant X^T (X X^T)^{-1} y
    const xw = rand(rng, 15, 40), yw = rng.normals(15);
    const bw = la.lstsq(xw, yw);
    assert.ok(relErr(la.matvec(xw, bw), yw) < 1e-10);
    const mn = la.matvec(la.transpose(xw), la.solve(la.outerGram(xw), yw));
    assert.ok(relErr(bw, mn) < 1e-10);
    // rank-deficient (rank 5, 30 x 20) agrees with pinv(X) y; pinv satisfies the Penrose identities
    const xr = la.matmul(rand(rng, 30, 5), rand(rng, 5, 20));
    const yr = rng.normals(30);
    const p = la.pinv(xr);
    assert.equal(p.rows, 20);
    assert.ok(relErr(la.lstsq(xr, yr), la.matvec(p, yr)) < 1e-8);
    assert.ok(relErr(la.matmul(la.matmul(xr, p), xr), xr) < 1e-8);
    assert.ok(relErr(la.matmul(la.matmul(p, xr), p), p) < 1e-8);
    const pw = la.pinv(la.transpose(xr));
    assert.ok(relErr(pw, la.transpose(p)) < 1e-8);
    // ridge: primal (p <= n) and dual (p > n) forms against the direct formula; matrix targets
    for (const [n, d] of [[50, 20], [20, 50]]) {
      const xx = rand(rng, n, d), Y = rand(rng, n, 2), lam = 0.7;
      const g = la.gram(xx);
      for (let i = 0; i < d; i++) g.data[i * d + i] += lam;
      const direct = la.solve(g, la.matmul(xx, Y, { transA: true }));
      const got = la.lstsq(xx, Y, { ridge: lam });
      assert.equal(got.rows, d);
      assert.ok(relErr(got, direct) < 1e-10, `ridge ${n}x${d}`);
    }
    assert.throws(() => la.lstsq(x, rng.normals(79)), /X is 80x12 but y has length 79/);
    assert.throws(() => la.lstsq(x, y, { ridge: -1 }), /ridge/);
  });

  test(`[${mode}] svd reconstructs X`, () => {
    onBackend(mode);
    const rng = new Rng(5);
    for (const [m, n] of [[30, 8], [8, 30]]) {
      const x = rand(rng, m, n);
      const { u, s, v } = la.svd(x);
      for (let i = 1; i < s.length; i++) assert.ok(s[i] <= s[i - 1]);
      const us = la.matmul(u, la.diag(s));
      assert.ok(relErr(la.matmul(us, v, { transB: true }), x) < 1e-10);
    }
  });
}
