import { test } from "node:test";
import assert from "node:assert/strict";
import { mpEdges, mpDensity, mpMoment, mpCdf, mpAtom, mpKsDistance } from "../../src/theory/marchenkoPastur";

function integrate(f: (x: number) => number, lo: number, hi: number, m = 20000): number {
  // substitution x = c + h cos t removes the square-root edges
  const c = (lo + hi) / 2, h = (hi - lo) / 2;
  let s = 0;
  for (let i = 0; i < m; i++) { const t = (Math.PI * (i + 0.5)) / m; s += f(c + h * Math.cos(t)) * h * Math.sin(t); }
  return (s * Math.PI) / m;
}

test("density normalisation and moments agree with the Narayana closed forms", () => {
  for (const q of [0.1, 0.5, 1, 2.5]) for (const s2 of [1, 0.3]) {
    const p = { q, variance: s2 };
    const [lo, hi] = mpEdges(p);
    const mass = integrate((x) => mpDensity(x, p), lo, hi);
    assert.ok(Math.abs(mass + mpAtom(p) - 1) < 1e-6, `q=${q} mass ${mass}`);
    for (let k = 1; k <= 4; k++) {
      const m = integrate((x) => x ** k * mpDensity(x, p), lo, hi);
      assert.ok(Math.abs(m - mpMoment(k, p)) < 1e-6 * mpMoment(k, p), `q=${q} k=${k}: ${m} vs ${mpMoment(k, p)}`);
    }
    assert.ok(Math.abs(mpMoment(1, p) - s2) < 1e-12);
    assert.ok(Math.abs(mpMoment(2, p) - s2 * s2 * (1 + q)) < 1e-12);
    assert.ok(Math.abs(mpMoment(3, p) - s2 ** 3 * (1 + 3 * q + q * q)) < 1e-12);
  }
});

test("cdf is monotone from the atom to 1 and the KS distance of exact quantiles is small", () => {
  const p = { q: 0.25 };
  const [lo, hi] = mpEdges(p);
  let prev = -1;
  for (let i = 0; i <= 50; i++) { const f = mpCdf(lo + ((hi - lo) * i) / 50, p); assert.ok(f >= prev - 1e-12); prev = f; }
  assert.ok(Math.abs(mpCdf(hi, p) - 1) < 1e-12 && mpCdf(lo, p) === 0);
  assert.ok(Math.abs(mpCdf((lo + hi) / 2, p) - integrate((x) => mpDensity(x, p), lo, (lo + hi) / 2)) < 1e-6);
  // quantiles of the law itself: KS distance ~ 1/(2N)
  const N = 200, qs: number[] = [];
  for (let i = 0; i < N; i++) {
    const target = (i + 0.5) / N; let a = lo, b = hi;
    for (let it = 0; it < 60; it++) { const m = (a + b) / 2; if (mpCdf(m, p) < target) a = m; else b = m; }
    qs.push((a + b) / 2);
  }
  assert.ok(mpKsDistance(qs, p) < 0.003);
  assert.ok(mpKsDistance(qs.map((x) => x * 1.3), p) > 0.1);
});

import { Rng } from "../../src/random";
import * as la from "../../src/linalg";
import { empiricalMoment } from "../../src/theory/marchenkoPastur";
import { whiteData } from "../../src/data/correlated";

test("sampled white Wishart spectra follow MP (KS distance and moments)", () => {
  const rng = new Rng(21);
  for (const [n, p] of [[2000, 500], [1000, 800]]) {
    const X = whiteData(n, p, rng, 2);
    const S = la.gram(X);
    for (let i = 0; i < S.data.length; i++) S.data[i] /= n;
    const ev = la.eigvalsh(S);
    const q = { q: p / n, variance: 2 };
    const ks = mpKsDistance(ev, q);
    assert.ok(ks < 0.03, `n=${n} p=${p}: KS ${ks}`);
    for (let k = 1; k <= 3; k++) {
      const m = empiricalMoment(ev, k), e = mpMoment(k, q);
      assert.ok(Math.abs(m / e - 1) < 0.03, `moment ${k}: ${m} vs ${e}`);
    }
  }
});
