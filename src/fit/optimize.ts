/**
 * Smooth unconstrained minimisation: L-BFGS with a strong-Wolfe line search (Nocedal & Wright,
 * *Numerical Optimization*, 2nd ed., Algorithms 7.4 (two-loop recursion), 3.5 and 3.6 (line search
 * and zoom with cubic interpolation)).
 *
 *   const r = fit.lbfgs((x, g) => { g[0] = 2 * (x[0] - 3); return (x[0] - 3) ** 2; }, [0]);
 *   r.x[0];  // 3
 *
 * Written by hand, on purpose. The scaling-law fits of chapter 09 follow Hoffmann et al. (arXiv
 * 2203.15556, approach 3), who minimise a Huber loss with L-BFGS from a grid of starting points; the
 * npm packages that offer quasi-Newton methods were checked (2026-12) and none is maintained: `fmin`
 * 0.0.4 (2016) has Nelder-Mead and conjugate gradients but no BFGS, `numeric` 1.2.6 (2012) has a BFGS
 * `uncmin` with a backtracking (not Wolfe) line search inside a large unmaintained library, and
 * `optimization-js` 1.5.0 (2018) ships browserify as a runtime dependency. A 5-parameter fit needs
 * about 150 lines, tested against known minima (tests/unit/optimize.test.ts).
 *
 * `fg(x, grad)` returns f(x) and writes the gradient into `grad`. Convergence: the largest gradient
 * component is below `gtol`, or the relative decrease of f over one iteration is below `ftol` (the two
 * tests of scipy's L-BFGS-B, whose defaults these follow in spirit).
 */

/** f(x), writing the gradient into `grad`. */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

/** Options of the L-BFGS minimiser: memory, iteration budget and stopping tolerances. */
export interface LbfgsOptions {
  /** Number of correction pairs kept (default 10). */
  memory?: number;
  /** Maximum iterations (default 500). */
  maxIter?: number;
  /** Stop when max |grad_i| <= gtol (default 1e-8). */
  gtol?: number;
  /** Stop when (f_prev - f) / max(|f_prev|, |f|, 1) <= ftol (default 1e-13). */
  ftol?: number;
  /** Wolfe constants: sufficient decrease c1 and curvature c2 (defaults 1e-4, 0.9). */
  c1?: number;
  c2?: number;
  /** Maximum objective evaluations per line search (default 30). */
  maxLineSearch?: number;
}

/** Where a minimiser stopped: the point, the value, the gradient size, the iterations and whether it converged. */
export interface MinimizeResult {
  x: Float64Array;
  f: number;
  /** max |grad_i| at x. */
  gradNorm: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** Why it stopped: "gtol", "ftol", "maxIter", "line search failed", "non-finite". */
  message: string;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const infNorm = (a: Float64Array): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};

/** Minimiser of the cubic through (a, fa, ga) and (b, fb, gb), or NaN when it does not exist. */
function cubicMin(a: number, fa: number, ga: number, b: number, fb: number, gb: number): number {
  const d1 = ga + gb - 3 * (fa - fb) / (a - b);
  const disc = d1 * d1 - ga * gb;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - (b - a) * (gb + d2 - d1) / (gb - ga + 2 * d2);
}

/** Minimise `fg` from `x0` by L-BFGS with a strong-Wolfe line search. */
export function lbfgs(fg: ObjectiveWithGradient, x0: ArrayLike<number>, opts: LbfgsOptions = {}): MinimizeResult {
  const n = x0.length;
  const m = opts.memory ?? 10, maxIter = opts.maxIter ?? 500;
  const gtol = opts.gtol ?? 1e-8, ftol = opts.ftol ?? 1e-13;
  const c1 = opts.c1 ?? 1e-4, c2 = opts.c2 ?? 0.9, maxLs = opts.maxLineSearch ?? 30;
  if (!(n > 0)) throw new RangeError("lbfgs: x0 must have at least one component");
  if (!(0 < c1 && c1 < c2 && c2 < 1)) throw new RangeError(`lbfgs: need 0 < c1 < c2 < 1, got ${c1}, ${c2}`);

  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = fg(x, g);
  let evals = 1;
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  const d = new Float64Array(n), alphaBuf = new Float64Array(m);
  const xt = new Float64Array(n), gt = new Float64Array(n);
  const done = (iterations: number, converged: boolean, message: string): MinimizeResult =>
    ({ x, f, gradNorm: infNorm(g), iterations, evaluations: evals, converged, message });
  if (!Number.isFinite(f) || !g.every(Number.isFinite)) return done(0, false, "non-finite");
  if (infNorm(g) <= gtol) return done(0, true, "gtol");

  for (let iter = 1; iter <= maxIter; iter++) {
    // two-loop recursion: d = -H g
    for (let i = 0; i < n; i++) d[i] = -g[i];
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      alphaBuf[j] = rho[j] * dot(S[j], d);
      for (let i = 0; i < n; i++) d[i] -= alphaBuf[j] * Y[j][i];
    }
    const gamma = k > 0 ? dot(S[k - 1], Y[k - 1]) / dot(Y[k - 1], Y[k - 1]) : 1 / Math.max(infNorm(g), 1);
    for (let i = 0; i < n; i++) d[i] *= gamma;
    for (let j = 0; j < k; j++) {
      const beta = rho[j] * dot(Y[j], d);
      for (let i = 0; i < n; i++) d[i] += (alphaBuf[j] - beta) * S[j][i];
    }
    let dg0 = dot(g, d);
    if (!(dg0 < 0)) {
      // not a descent direction (round-off in the memory): restart from steepest descent
      S.length = 0; Y.length = 0; rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i] / Math.max(infNorm(g), 1);
      dg0 = dot(g, d);
    }

    // strong-Wolfe line search along d (N&W 3.5 / 3.6)
    const phi = (t: number): { f: number; dg: number } => {
      for (let i = 0; i < n; i++) xt[i] = x[i] + t * d[i];
      const ft = fg(xt, gt);
      evals++;
      return { f: ft, dg: dot(gt, d) };
    };
    let accepted: { t: number; f: number } | null = null;
    const keep = (t: number, ft: number): void => { accepted = { t, f: ft }; };
    // gt / xt hold the last evaluated point; `zoom` re-evaluates the accepted point if needed
    const zoom = (lo: number, flo: number, dglo: number, hi: number, fhi: number, dghi: number, budget: number): void => {
      for (let j = 0; j < budget; j++) {
        let t = cubicMin(lo, flo, dglo, hi, fhi, dghi);
        const a = Math.min(lo, hi), b = Math.max(lo, hi), w = b - a;
        if (!(t > a + 0.1 * w && t < b - 0.1 * w)) t = (lo + hi) / 2;
        const p = phi(t);
        if (!Number.isFinite(p.f) || p.f > f + c1 * t * dg0 || p.f >= flo) {
          hi = t; fhi = Number.isFinite(p.f) ? p.f : Infinity; dghi = Number.isFinite(p.dg) ? p.dg : 0;
        } else {
          if (Math.abs(p.dg) <= -c2 * dg0) { keep(t, p.f); return; }
          if (p.dg * (hi - lo) >= 0) { hi = lo; fhi = flo; dghi = dglo; }
          lo = t; flo = p.f; dglo = p.dg;
        }
        if (Math.abs(hi - lo) < 1e-16 * Math.max(1, Math.abs(lo))) break;
      }
      // no point met the curvature condition: accept the best sufficient-decrease point, if any
      if (lo > 0 && flo < f) keep(lo, flo);
    };
    let tPrev = 0, fPrev = f, dgPrev = dg0;
    let t = 1;
    for (let j = 0; j < maxLs && !accepted; j++) {
      const p = phi(t);
      if (!Number.isFinite(p.f) || p.f > f + c1 * t * dg0 || (j > 0 && p.f >= fPrev)) {
        zoom(tPrev, fPrev, dgPrev, t, Number.isFinite(p.f) ? p.f : Infinity, Number.isFinite(p.dg) ? p.dg : 0, maxLs - j);
        break;
      }
      if (Math.abs(p.dg) <= -c2 * dg0) { keep(t, p.f); break; }
      if (p.dg >= 0) { zoom(t, p.f, p.dg, tPrev, fPrev, dgPrev, maxLs - j); break; }
      tPrev = t; fPrev = p.f; dgPrev = p.dg;
      t *= 2;
    }
    const acc = accepted as { t: number; f: number } | null;
    if (!acc) return done(iter - 1, infNorm(g) <= gtol * 10, "line search failed");
    // the accepted point: recompute its gradient unless it was the last one evaluated
    for (let i = 0; i < n; i++) xt[i] = x[i] + acc.t * d[i];
    const fNew = fg(xt, gt);
    evals++;
    const s = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) { s[i] = xt[i] - x[i]; y[i] = gt[i] - g[i]; }
    const fOld = f;
    x = Float64Array.from(xt);
    g = Float64Array.from(gt);
    f = fNew;
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (S.length === m) { S.shift(); Y.shift(); rho.shift(); }
      S.push(s); Y.push(y); rho.push(1 / sy);
    }
    if (!Number.isFinite(f)) return done(iter, false, "non-finite");
    if (infNorm(g) <= gtol) return done(iter, true, "gtol");
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) return done(iter, true, "ftol");
  }
  return done(maxIter, false, "maxIter");
}
