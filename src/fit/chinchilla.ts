/**
 * Fitting L(N, D) = E + A / N^alpha + B / D^beta the way Hoffmann et al. (arXiv 2203.15556, approach 3,
 * Section 3.3 and Appendix D.2) do, with the corrections of Besiroglu et al. (arXiv 2404.10102):
 *
 * - parameterise A = e^a, B = e^b, E = e^e and minimise over theta = (a, b, e, alpha, beta)
 *     sum_i Huber_delta( LSE(a - alpha log N_i, b - beta log D_i, e) - log L_i ),   delta = 1e-3,
 *   where LSE is log-sum-exp, so the model is compared with the data in log space and the Huber
 *   loss (quadratic within delta, linear beyond) makes the fit robust to outlying runs;
 * - L-BFGS (`lbfgs`) from every point of a grid of initialisations, keeping the best optimum;
 * - the losses are SUMMED over points: Besiroglu et al. found that Hoffmann et al.'s averaging shrank
 *   the objective so much that L-BFGS stopped before converging;
 * - intervals by the bootstrap: resample the runs with replacement and refit (`bootstrapChinchilla`).
 *
 * Also here: the minimum of one IsoFLOP profile by a parabola in log N (approach 2), and approach 2's
 * exponent a of N_opt ~ C^a from several profiles.
 */
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import { bootstrapDraws, intervalOfDraws, resampleIndices } from "../stats/bootstrap";
import { lbfgs, LbfgsOptions } from "./optimize";
import { leastSquaresLine } from "./line";
import { ChinchillaLaw, chinchillaLoss } from "../theory/scalingLaws";
import { CHINCHILLA_HUBER_DELTA } from "../theory/publishedLaws";

/** One training run: parameters N, training tokens (samples) D, final loss L. */
export interface ScalingRun {
  N: number;
  D: number;
  L: number;
}

/** The fitted variables: A = e^a, B = e^b, E = e^e. */
export interface ChinchillaTheta {
  a: number;
  b: number;
  e: number;
  alpha: number;
  beta: number;
}

/** A grid of starting points: every combination is one L-BFGS start. */
export interface ChinchillaGrid {
  alpha: number[];
  beta: number[];
  e: number[];
  a: number[];
  b: number[];
}

/** Hoffmann et al.'s grid (Appendix D.2): 5 x 5 x 5 x 6 x 6 = 4500 starts. */
export const HOFFMANN_GRID: ChinchillaGrid = {
  alpha: [0, 0.5, 1, 1.5, 2],
  beta: [0, 0.5, 1, 1.5, 2],
  e: [-1, -0.5, 0, 0.5, 1],
  a: [0, 5, 10, 15, 20, 25],
  b: [0, 5, 10, 15, 20, 25],
};

/** Options of `fitChinchilla` (approach 3 of Hoffmann et al.): the Huber threshold and the starting grid. */
export interface ChinchillaFitOptions {
  /** Huber threshold on log-loss residuals (default `theory.published.CHINCHILLA_HUBER_DELTA` = 1e-3, Hoffmann et al.'s). */
  delta?: number;
  /** Starting points (default HOFFMANN_GRID). */
  grid?: ChinchillaGrid;
  /** Extra starting points tried besides the grid (e.g. a previous fit). */
  starts?: ChinchillaTheta[];
  /** Skip the grid and start only from `starts` (used by the bootstrap). */
  startsOnly?: boolean;
  /** "sum" (default, Besiroglu et al.) or "mean" (Hoffmann et al.'s average) of the Huber losses. */
  reduce?: "sum" | "mean";
  lbfgs?: LbfgsOptions;
}

/** The fitted law L(N, D) = E + A / N^alpha + B / D^beta, its log-parameters, and how the fit went. */
export interface ChinchillaFit {
  /** The fitted law (A = e^a, B = e^b, E = e^e). */
  law: ChinchillaLaw;
  theta: ChinchillaTheta;
  /** The minimised objective. */
  objective: number;
  /** Number of L-BFGS starts, and how many reported convergence. */
  starts: number;
  converged: number;
  /** The best few distinct optima found (objective ascending): warm starts for refits. */
  optima: { theta: ChinchillaTheta; objective: number }[];
  /** Number of runs fitted. */
  n: number;
  /** Root-mean-square residual of log L. */
  rmsLogResidual: number;
}

const thetaToLaw = (t: ChinchillaTheta): ChinchillaLaw => ({ E: Math.exp(t.e), A: Math.exp(t.a), B: Math.exp(t.b), alpha: t.alpha, beta: t.beta });
const vecToTheta = (x: ArrayLike<number>): ChinchillaTheta => ({ a: x[0], b: x[1], e: x[2], alpha: x[3], beta: x[4] });

/** The law with E = e^e, A = e^a, B = e^b. */
export function lawOfTheta(t: ChinchillaTheta): ChinchillaLaw {
  return thetaToLaw(t);
}

/** theta of a law (a = log A, ...). */
export function thetaOfLaw(law: ChinchillaLaw): ChinchillaTheta {
  return { a: Math.log(law.A), b: Math.log(law.B), e: Math.log(law.E), alpha: law.alpha, beta: law.beta };
}

function validateRuns(runs: readonly ScalingRun[]): void {
  if (runs.length < 5) throw new RangeError(`fitChinchilla: need at least 5 runs for 5 parameters, got ${runs.length}`);
  runs.forEach((r, i) => {
    if (!(r.N > 0 && r.D > 0 && r.L > 0)) throw new RangeError(`fitChinchilla: run ${i} has N = ${r.N}, D = ${r.D}, L = ${r.L}; all must be positive`);
  });
}

/**
 * The approach-3 objective and its gradient for runs with logs (lnN, lnD, lnL): returns a function
 * for `lbfgs` of x = [a, b, e, alpha, beta].
 */
export function huberObjective(runs: readonly ScalingRun[], delta = CHINCHILLA_HUBER_DELTA, reduce: "sum" | "mean" = "sum"): (x: Float64Array, g: Float64Array) => number {
  const n = runs.length;
  const lnN = Float64Array.from(runs, (r) => Math.log(r.N));
  const lnD = Float64Array.from(runs, (r) => Math.log(r.D));
  const lnL = Float64Array.from(runs, (r) => Math.log(r.L));
  const scale = reduce === "mean" ? 1 / n : 1;
  return (x, g) => {
    const [a, b, e, alpha, beta] = x;
    g.fill(0);
    let f = 0;
    for (let i = 0; i < n; i++) {
      const t1 = a - alpha * lnN[i], t2 = b - beta * lnD[i], t3 = e;
      const m = Math.max(t1, t2, t3);
      const e1 = Math.exp(t1 - m), e2 = Math.exp(t2 - m), e3 = Math.exp(t3 - m);
      const s = e1 + e2 + e3;
      const r = m + Math.log(s) - lnL[i];
      const ar = Math.abs(r);
      let dr: number;
      if (ar <= delta) { f += 0.5 * r * r; dr = r; } else { f += delta * (ar - 0.5 * delta); dr = delta * Math.sign(r); }
      const w1 = e1 / s, w2 = e2 / s, w3 = e3 / s;
      g[0] += dr * w1;
      g[1] += dr * w2;
      g[2] += dr * w3;
      g[3] -= dr * w1 * lnN[i];
      g[4] -= dr * w2 * lnD[i];
    }
    for (let k = 0; k < 5; k++) g[k] *= scale;
    return f * scale;
  };
}

/** Every combination of a grid, as starting points. */
export function gridStarts(grid: ChinchillaGrid): ChinchillaTheta[] {
  const out: ChinchillaTheta[] = [];
  for (const alpha of grid.alpha) for (const beta of grid.beta) for (const e of grid.e) for (const a of grid.a) for (const b of grid.b) out.push({ a, b, e, alpha, beta });
  return out;
}

/**
 * Fit L(N, D) = E + A / N^alpha + B / D^beta to runs by Hoffmann et al.'s approach 3 (see the file's
 * note): L-BFGS on the summed Huber loss of log residuals from every grid point; the best optimum wins.
 */
export function fitChinchilla(runs: readonly ScalingRun[], opts: ChinchillaFitOptions = {}): ChinchillaFit {
  validateRuns(runs);
  const obj = huberObjective(runs, opts.delta ?? CHINCHILLA_HUBER_DELTA, opts.reduce ?? "sum");
  const starts = [...(opts.startsOnly ? [] : gridStarts(opts.grid ?? HOFFMANN_GRID)), ...(opts.starts ?? [])];
  if (starts.length === 0) throw new RangeError("fitChinchilla: no starting points");
  const lbOpts: LbfgsOptions = { maxIter: 300, gtol: 1e-10, ftol: 1e-12, ...opts.lbfgs };
  const optima: { theta: ChinchillaTheta; objective: number }[] = [];
  let converged = 0;
  for (const s of starts) {
    const r = lbfgs(obj, [s.a, s.b, s.e, s.alpha, s.beta], lbOpts);
    if (r.converged) converged++;
    if (!Number.isFinite(r.f)) continue;
    optima.push({ theta: vecToTheta(r.x), objective: r.f });
  }
  if (optima.length === 0) throw new Error("fitChinchilla: no start reached a finite objective");
  optima.sort((p, q) => p.objective - q.objective);
  // distinct optima (by objective and position), best first
  const distinct: typeof optima = [];
  for (const o of optima) {
    const same = distinct.some((d) => Math.abs(d.objective - o.objective) <= 1e-9 * Math.max(1, Math.abs(o.objective)) &&
      Math.abs(d.theta.alpha - o.theta.alpha) < 1e-4 && Math.abs(d.theta.beta - o.theta.beta) < 1e-4);
    if (!same) distinct.push(o);
    if (distinct.length >= 8) break;
  }
  const best = distinct[0];
  const law = thetaToLaw(best.theta);
  let ss = 0;
  for (const r of runs) ss += (Math.log(chinchillaLoss(law, r.N, r.D)) - Math.log(r.L)) ** 2;
  return { law, theta: best.theta, objective: best.objective, starts: starts.length, converged, optima: distinct, n: runs.length, rmsLogResidual: Math.sqrt(ss / runs.length) };
}

/** A Chinchilla fit with the refitted law of every bootstrap resample and each parameter's interval and standard error. */
export interface ChinchillaBootstrap {
  fit: ChinchillaFit;
  /** The refitted law of every resample. */
  draws: ChinchillaLaw[];
  /** Percentile intervals and bootstrap standard errors of each parameter. */
  ci: Record<keyof ChinchillaLaw, [number, number]>;
  se: Record<keyof ChinchillaLaw, number>;
  level: number;
  /** The runs of every resample, as indices into the fitted runs (same order as `draws`): what each draw was fitted to. */
  samples: number[][];
}

/**
 * Bootstrap of the approach-3 fit: B resamples of the runs with replacement (or of whole groups, when
 * `group(i)` names the group of run i, e.g. its seed), each refitted by L-BFGS from the full fit's best
 * optima (warm starts; a full grid per resample would cost B times the fit). Intervals are percentile
 * intervals; `se` is the standard deviation of the draws.
 */
export function bootstrapChinchilla(
  runs: readonly ScalingRun[],
  opts: ChinchillaFitOptions & { rng: Rng; B?: number; level?: number; fit?: ChinchillaFit; group?: (i: number) => string | number; onProgress?: OnProgress },
): ChinchillaBootstrap {
  const fit = opts.fit ?? fitChinchilla(runs, opts);
  const B = opts.B ?? 200, level = opts.level ?? 0.95;
  const groups: number[][] = [];
  if (opts.group) {
    const byKey = new Map<string | number, number[]>();
    runs.forEach((_, i) => { const k = opts.group!(i); if (!byKey.has(k)) byKey.set(k, []); byKey.get(k)!.push(i); });
    groups.push(...byKey.values());
  } else runs.forEach((_, i) => groups.push([i]));
  const warm = fit.optima.map((o) => o.theta);
  const samples: number[][] = [];
  const draws = bootstrapDraws((r) => {
    let idx: number[] = [];
    // a resample with fewer than 5 runs cannot be fitted: draw again from the same resample's stream
    while (idx.length < 5) {
      idx = [];
      for (const j of resampleIndices(r, groups.length)) for (const i of groups[j]) idx.push(i);
    }
    samples.push(idx);
    return fitChinchilla(idx.map((i) => runs[i]), { ...opts, starts: warm, startsOnly: true }).law;
  }, { rng: opts.rng, B, label: "resample", onProgress: opts.onProgress, progressLabel: "bootstrap refits" });
  const keys: (keyof ChinchillaLaw)[] = ["E", "A", "B", "alpha", "beta"];
  const ci = {} as Record<keyof ChinchillaLaw, [number, number]>, se = {} as Record<keyof ChinchillaLaw, number>;
  for (const key of keys) {
    const iv = intervalOfDraws(draws.map((d) => d[key]), { level });
    ci[key] = iv.ci;
    se[key] = iv.se;
  }
  return { fit, draws, ci, se, level, samples };
}

/** The parameters of a Chinchilla law, in the order the lab reports them. */
const LAW_KEYS: (keyof ChinchillaLaw)[] = ["E", "A", "B", "alpha", "beta"];

/**
 * Restart L-BFGS from `law` on the SUMMED Huber objective of `runs` (whatever reduction the fit used)
 * with a tight tolerance (`gtol`, default 1e-12 on the largest gradient component; no relative-decrease
 * stop) and return where it ends. At a converged optimum it does not move; a fit that an optimizer's
 * tolerance stopped early moves on towards the optimum.
 */
export function polishChinchilla(runs: readonly ScalingRun[], law: ChinchillaLaw, opts: { delta?: number; gtol?: number; maxIter?: number } = {}): ChinchillaLaw {
  validateRuns(runs);
  const t = thetaOfLaw(law);
  const r = lbfgs(huberObjective(runs, opts.delta ?? CHINCHILLA_HUBER_DELTA, "sum"), [t.a, t.b, t.e, t.alpha, t.beta],
    { gtol: opts.gtol ?? 1e-12, ftol: 0, maxIter: opts.maxIter ?? 2000 });
  return thetaToLaw(vecToTheta(r.x));
}

/** How far a bootstrapped fit and its refits were from stationary: see `chinchillaStationarity`. */
export interface ChinchillaStationarity {
  /** Per parameter: |polished − fitted| / bootstrap s.e. for the fit on all runs. */
  fit: Record<keyof ChinchillaLaw, number>;
  /** Per parameter: the largest |polished − fitted| / bootstrap s.e. over the bootstrap draws, each on its own resample. */
  draws: Record<keyof ChinchillaLaw, number>;
  /** The largest of all the above. */
  worst: number;
  /** The polishing restart's gradient tolerance. */
  gtol: number;
}

/**
 * A stationarity test of an approach-3 bootstrap: the fit on all runs and every bootstrap draw (on
 * its own resample, `boot.samples`) are polished by `polishChinchilla`, and each parameter's move is
 * measured in its bootstrap standard error. An optimizer stopped early by its tolerance (e.g. L-BFGS
 * on averaged instead of summed losses, where the relative-decrease stop triggers first) leaves the
 * draws near their warm starts: the moves are then a sizeable fraction of the s.e., and the s.e.
 * itself is too small. A converged fit moves by rounding error. The moves are numerical, not
 * statistical: an optimizer error of ε s.e. in each draw widens the s.e. by a factor about √(1 + ε²).
 */
export function chinchillaStationarity(runs: readonly ScalingRun[], boot: ChinchillaBootstrap, opts: { delta?: number; gtol?: number; maxIter?: number } = {}): ChinchillaStationarity {
  if (!boot.samples || boot.samples.length !== boot.draws.length) throw new RangeError("chinchillaStationarity: the bootstrap has no resamples recorded (samples); refit it with bootstrapChinchilla");
  const moves = (law: ChinchillaLaw, sample: readonly ScalingRun[]) => {
    const p = polishChinchilla(sample, law, opts);
    const out = {} as Record<keyof ChinchillaLaw, number>;
    for (const k of LAW_KEYS) out[k] = Math.abs(p[k] - law[k]) / boot.se[k];
    return out;
  };
  const fitMove = moves(boot.fit.law, runs);
  const drawMove = {} as Record<keyof ChinchillaLaw, number>;
  for (const k of LAW_KEYS) drawMove[k] = 0;
  boot.draws.forEach((law, b) => {
    const m = moves(law, boot.samples[b].map((i) => runs[i]));
    for (const k of LAW_KEYS) drawMove[k] = Math.max(drawMove[k], m[k]);
  });
  const worst = Math.max(...LAW_KEYS.map((k) => Math.max(fitMove[k], drawMove[k])));
  return { fit: fitMove, draws: drawMove, worst, gtol: opts.gtol ?? 1e-12 };
}

/**
 * A statistic of the law (e.g. law => beta / (alpha + beta)) over the bootstrap draws: estimate, s.e.,
 * percentile interval, and how many draws gave no finite value (e.g. a compute-optimal size for a draw
 * whose exponents came out negative); those are left out.
 */
export function bootstrapStatistic(boot: ChinchillaBootstrap, stat: (law: ChinchillaLaw) => number): { estimate: number; se: number; ci: [number, number]; undefinedDraws: number } {
  const safe = (l: ChinchillaLaw): number => { try { return stat(l); } catch { return NaN; } };
  const iv = intervalOfDraws(boot.draws.map(safe), { level: boot.level });
  return { estimate: stat(boot.fit.law), se: iv.se, ci: iv.ci, undefinedDraws: iv.dropped };
}

// ------------------------------------------------------------------------- approach 2: IsoFLOP profiles

/** The minimum of one IsoFLOP profile from a parabola in log N (approach 2 of Hoffmann et al.). */
export interface IsoflopMinimum {
  /** The compute budget of the profile. */
  C: number;
  /** Location and value of the minimum of the parabola L = c0 + c1 u + c2 u^2 in u = log N. */
  NOpt: number;
  LOpt: number;
  /** The parabola's curvature c2 (> 0 for a minimum). */
  curvature: number;
}

/**
 * The minimum of one IsoFLOP profile (losses L_i of models of sizes N_i at one budget C), from a least-
 * squares parabola in log N, as Hoffmann et al.'s approach 2 does. Needs at least 3 sizes; a profile
 * whose parabola opens downwards (no interior minimum) throws.
 */
export function isoflopMinimum(C: number, Ns: ArrayLike<number>, Ls: ArrayLike<number>): IsoflopMinimum {
  const n = Ns.length;
  if (n < 3 || Ls.length !== n) throw new RangeError(`isoflopMinimum: need >= 3 sizes with one loss each, got ${n} and ${Ls.length}`);
  // center u for conditioning
  const u = Array.from(Ns, (v) => Math.log(v));
  const mu = u.reduce((s, x) => s + x, 0) / n;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0;
  for (let i = 0; i < n; i++) {
    const x = u[i] - mu, y = Ls[i];
    s0 += 1; s1 += x; s2 += x * x; s3 += x * x * x; s4 += x ** 4;
    t0 += y; t1 += x * y; t2 += x * x * y;
  }
  // solve the 3x3 normal equations [s0 s1 s2; s1 s2 s3; s2 s3 s4] c = [t0 t1 t2] (Cramer)
  const det3 = (m: number[]): number => m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
  const M = [s0, s1, s2, s1, s2, s3, s2, s3, s4];
  const det = det3(M);
  const c0 = det3([t0, s1, s2, t1, s2, s3, t2, s3, s4]) / det;
  const c1 = det3([s0, t0, s2, s1, t1, s3, s2, t2, s4]) / det;
  const c2 = det3([s0, s1, t0, s1, s2, t1, s2, s3, t2]) / det;
  if (!(c2 > 0)) throw new RangeError(`isoflopMinimum: the parabola at C = ${C} opens downwards (curvature ${c2}); widen the range of sizes`);
  const x0 = -c1 / (2 * c2);
  return { C, NOpt: Math.exp(mu + x0), LOpt: c0 - (c1 * c1) / (4 * c2), curvature: c2 };
}

/**
 * Approach 2: the exponent a of N_opt ~ C^a from the minima of several IsoFLOP profiles, by least
 * squares of log N_opt on log C. Returns the exponent and the prefactor.
 */
export function approach2Exponent(minima: readonly IsoflopMinimum[]): { a: number; prefactor: number } {
  if (minima.length < 2) throw new RangeError("approach2Exponent: need at least two budgets");
  const line = leastSquaresLine(minima.map((m) => Math.log(m.C)), minima.map((m) => Math.log(m.NOpt)), "approach2Exponent");
  return { a: line.slope, prefactor: Math.exp(line.intercept) };
}

/**
 * Group runs into IsoFLOP profiles: runs whose compute 6 N D agrees within a factor (1 + relTol) with
 * the group's first run (sorted by compute) form one profile. Returns profiles with >= minSize runs.
 */
export function isoflopGroups<T extends ScalingRun>(runs: readonly T[], opts: { relTol?: number; minSize?: number; flopsPerParamToken?: number } = {}): { C: number; runs: T[] }[] {
  const k = opts.flopsPerParamToken ?? 6, tol = opts.relTol ?? 0.05, minSize = opts.minSize ?? 3;
  const sorted = runs.slice().sort((p, q) => p.N * p.D - q.N * q.D);
  const groups: { C: number; runs: T[] }[] = [];
  for (const r of sorted) {
    const C = k * r.N * r.D;
    const g = groups[groups.length - 1];
    if (g && C <= g.C * (1 + tol)) g.runs.push(r);
    else groups.push({ C, runs: [r] });
  }
  for (const g of groups) g.C = Math.exp(g.runs.reduce((s, r) => s + Math.log(k * r.N * r.D), 0) / g.runs.length);
  return groups.filter((g) => g.runs.length >= minSize);
}

/**
 * Approach 2 with a bootstrap: the minimum of every IsoFLOP profile (parabola in log N), the exponent
 * a of N_opt ~ C^a across profiles, and its interval from B resamples of the runs within each profile
 * (a resample whose parabola has no minimum is redrawn, at most 20 times).
 */
export function bootstrapApproach2(profiles: readonly { C: number; runs: readonly ScalingRun[] }[], opts: { rng: Rng; B?: number; level?: number }): {
  minima: IsoflopMinimum[]; a: number; prefactor: number; se: number; ci: [number, number]; draws: number[];
} {
  const minimaOf = (sets: readonly (readonly ScalingRun[])[]): IsoflopMinimum[] =>
    sets.map((rs, i) => isoflopMinimum(profiles[i].C, rs.map((r) => r.N), rs.map((r) => r.L)));
  const minima = minimaOf(profiles.map((p) => p.runs));
  const { a, prefactor } = approach2Exponent(minima);
  // resample b draws from rng.fork("resample b"); one whose parabolas have no minimum is redrawn from
  // the same stream, at most 20 times, and then left out
  const all = bootstrapDraws((r) => {
    for (let tries = 0; tries < 20; tries++) {
      const sets = profiles.map((p) => Array.from(resampleIndices(r, p.runs.length), (i) => p.runs[i]));
      try {
        if (sets.some((s) => new Set(s.map((x) => x.N)).size < 3)) continue;
        return approach2Exponent(minimaOf(sets)).a;
      } catch { /* no interior minimum in this resample: draw again */ }
    }
    return NaN;
  }, { rng: opts.rng, B: opts.B ?? 200, label: "resample" });
  const iv = intervalOfDraws(all, { level: opts.level });
  return { minima, a, prefactor, se: iv.se, ci: iv.ci, draws: all.filter(Number.isFinite) };
}
