import { test } from "node:test";
import assert from "node:assert/strict";
import { mpEdges, mpDensity, mpMoment, mpCdf, mpAtom, mpKsDistance, empiricalMoment } from "../../src/theory/marchenkoPastur";
import { Rng } from "../../src/random";
import * as la from "../../src/linalg";
import { whiteData } from "../../src/data/correlated";

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

/** Reference CDF: the midpoint rule on the substituted integral, Richardson-extrapolated from m and 2m points (error ~ m^-4). */
function refCdf(l: number, p: { q: number; variance?: number }, m = 100000): number {
  const [lo, hi] = mpEdges(p);
  if (l <= lo) return l < 0 ? 0 : mpAtom(p);
  if (l >= hi) return 1;
  if (p.q === 1) {
    // q = 1: the density sqrt(4 - x) / (2 pi sqrt x) (unit variance) is singular at 0, which the quadrature
    // resolves badly; with x = u^2 it integrates to (u/2) sqrt(4 - u^2) / pi + (2/pi) asin(u/2), u = sqrt(x)
    const s2 = p.variance ?? 1, u = Math.sqrt(l / s2);
    return ((u / 2) * Math.sqrt(4 - u * u) + 2 * Math.asin(u / 2)) / Math.PI;
  }
  const c = (lo + hi) / 2, h = (hi - lo) / 2;
  const t0 = Math.acos((l - c) / h);
  const mid = (k: number): number => {
    const dt = (Math.PI - t0) / k;
    let s = 0;
    for (let i = 0; i < k; i++) { const t = t0 + (i + 0.5) * dt; s += mpDensity(c + h * Math.cos(t), p) * h * Math.sin(t); }
    return s * dt;
  };
  return mpAtom(p) + (4 * mid(2 * m) - mid(m)) / 3;
}

test("cdf: the closed form agrees with an independent quadrature to 1e-13 (the docstring's claim)", () => {
  let worst = 0;
  for (const q of [0.05, 0.25, 1, 2.5, 4]) for (const variance of [1, 0.3]) {
    const p = { q, variance };
    const [lo, hi] = mpEdges(p);
    for (const u of [1e-6, 1e-3, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999, 1 - 1e-6]) {
      const l = lo + (hi - lo) * u;
      worst = Math.max(worst, Math.abs(mpCdf(l, p) - refCdf(l, p)));
    }
    assert.equal(mpCdf(hi, p), 1);
    assert.equal(mpCdf(lo, p), mpAtom(p));
  }
  // the 400-point midpoint rule of the earlier version was off by about 1e-6 here
  assert.ok(worst < 1e-13, `largest |mpCdf - reference| = ${worst}`);
});

test("KS distance with the atom at zero (q > 1): tie-aware, round-off zeros of either sign", () => {
  const p = { q: 2.5 };
  const [lo, hi] = mpEdges(p);
  const atom = mpAtom(p); // 0.6
  // exact quantiles: N*atom zeros (as round-off of both signs) and the continuous part's quantiles
  const N = 1000, zeros = Math.round(N * atom), qs: number[] = [];
  for (let i = 0; i < zeros; i++) qs.push((i % 2 ? 1 : -1) * 1e-16 * (i + 1));
  for (let i = zeros; i < N; i++) {
    const target = (i + 0.5) / N; let a = lo, b = hi;
    for (let it = 0; it < 60; it++) { const m = (a + b) / 2; if (mpCdf(m, p) < target) a = m; else b = m; }
    qs.push((a + b) / 2);
  }
  const ks = mpKsDistance(qs, p);
  assert.ok(ks <= 0.5 / N + 1e-9, `exact quantiles: KS ${ks}`);
  assert.ok(mpKsDistance(qs.map((x) => x * 1.3), p) > 0.05);
  // a sampled white Wishart spectrum at q = 2.5 (n = 400, p = 1000): 600 round-off zeros
  const X = whiteData(400, 1000, new Rng(4));
  const S = la.gram(X);
  for (let i = 0; i < S.data.length; i++) S.data[i] /= 400;
  const ev = la.eigvalsh(S);
  const d = mpKsDistance(ev, p);
  // the earlier version returned about 0.3 here; rigidity makes one matrix's distance a few / p
  assert.ok(d < 0.01, `sampled q = 2.5: KS ${d}`);
  assert.ok(mpKsDistance(ev, { q: 2.5 * 1.05 }) > 2 * d, "a 5% error in q is visible");
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
