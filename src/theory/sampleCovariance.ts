/**
 * The spectrum of a sample covariance from its population spectrum: the deterministic equivalent of
 * Marchenko & Pastur (1967) in the general form of Silverstein & Bai (1995) and Silverstein (1995), and
 * the spiked-covariance transition of Baik, Ben Arous & Peche (2005) with Paul's (2007) overlap.
 *
 * Setting: n samples x_mu = Sigma^(1/2) z_mu in R^p (z with i.i.d. unit-variance entries), sample
 * covariance S = (1/n) sum_mu x_mu x_mu^T, population eigenvalues t_1..t_p, q = p / n. As n, p -> infinity
 * at fixed q the eigenvalue distribution of S converges to a deterministic law F_q,H (H = the
 * distribution of the t_j). Its companion Stieltjes transform m(z) (of the n x n matrix (1/n) X X^T,
 * m(z) = integral dF(l) / (l - z), Im m > 0 for Im z > 0) is the unique solution in the upper half-plane of
 *   z = -1/m + q * (1/p) sum_j t_j / (1 + t_j m),
 * and the density of S's eigenvalues is rho(x) = Im m(x + i0) / (q pi) (plus an atom 1 - 1/q at 0 when
 * q > 1). With all t_j = sigma^2 this is the Marchenko-Pastur law (theory.mpDensity).
 *
 * BBP: population Sigma = I + (s - 1) v v^T (one spike of size s in units of the bulk variance). The top
 * sample eigenvalue tends to the bulk edge (1 + sqrt q)^2 while s <= 1 + sqrt q, and separates from the
 * bulk above it, at l(s) = s (1 + q / (s - 1)); its eigenvector's squared overlap with v tends to
 * (1 - q / (s - 1)^2) / (1 + q / (s - 1)) above the transition and to 0 below (Paul 2007). Below the
 * transition the top eigenvalue of a white real Wishart matrix fluctuates on the Tracy-Widom scale
 * (Johnstone 2001): wishartEdge gives its centring and scale at finite n, p.
 */

/** A complex number as a pair (the solver needs a handful of operations only). */
interface C { re: number; im: number }

/** Validate a population spectrum; round-off negatives (above -1e-10 times the largest) count as zeros. */
function checkPopulation(pop: ArrayLike<number>, q: number, fn: string): void {
  if (!(q > 0) || !Number.isFinite(q)) throw new RangeError(`${fn}: q must be > 0, got ${q}`);
  if (pop.length === 0) throw new RangeError(`${fn}: empty population spectrum`);
  let big = 0;
  for (let j = 0; j < pop.length; j++) big = Math.max(big, Math.abs(pop[j]));
  for (let j = 0; j < pop.length; j++) if (!(pop[j] >= -1e-10 * big)) throw new RangeError(`${fn}: population eigenvalues must be >= 0 (index ${j}: ${pop[j]})`);
}

/**
 * g(m) = -1/m + q mean(t / (1 + t m)) - z and its derivative g'(m) = 1/m^2 - q mean(t^2 / (1 + t m)^2).
 */
function residual(m: C, z: C, t: ArrayLike<number>, q: number): { g: C; dg: C } {
  let sr = 0, si = 0, dr = 0, di = 0;
  for (let j = 0; j < t.length; j++) {
    const tj = t[j];
    // w = 1 / (1 + t m)
    const ar = 1 + tj * m.re, ai = tj * m.im, den = ar * ar + ai * ai;
    const wr = ar / den, wi = -ai / den;
    sr += tj * wr; si += tj * wi;
    // t^2 w^2
    dr += tj * tj * (wr * wr - wi * wi); di += tj * tj * 2 * wr * wi;
  }
  const p = t.length;
  const mm = m.re * m.re + m.im * m.im;
  const invr = m.re / mm, invi = -m.im / mm; // 1/m
  const inv2r = invr * invr - invi * invi, inv2i = 2 * invr * invi; // 1/m^2
  return {
    g: { re: -invr + (q * sr) / p - z.re, im: -invi + (q * si) / p - z.im },
    dg: { re: inv2r - (q * dr) / p, im: inv2i - (q * di) / p },
  };
}

/**
 * The companion Stieltjes transform m(z) at z = x + i eta (eta > 0), from a starting point `m0` in the
 * upper half-plane: Newton's method, falling back to the (always convergent, slower) fixed-point
 * iteration m <- -1 / (z - q mean(t / (1 + t m))) whenever a Newton step leaves the upper half-plane.
 */
function solveAt(z: C, t: ArrayLike<number>, q: number, m0: C): C {
  let m = { ...m0 };
  for (let it = 0; it < 100; it++) {
    const { g, dg } = residual(m, z, t, q);
    const dd = dg.re * dg.re + dg.im * dg.im;
    const stepR = (g.re * dg.re + g.im * dg.im) / dd, stepI = (g.im * dg.re - g.re * dg.im) / dd;
    const next = { re: m.re - stepR, im: m.im - stepI };
    if (!(next.im > 0) || !Number.isFinite(next.re)) {
      m = fixedPoint(z, t, q, m, 200);
      continue;
    }
    const change = Math.hypot(stepR, stepI), size = Math.hypot(next.re, next.im);
    m = next;
    if (change <= 1e-13 * size) break;
  }
  return m;
}

function fixedPoint(z: C, t: ArrayLike<number>, q: number, m0: C, iters: number): C {
  let m = { ...m0 };
  const p = t.length;
  for (let it = 0; it < iters; it++) {
    let sr = 0, si = 0;
    for (let j = 0; j < p; j++) {
      const tj = t[j];
      const ar = 1 + tj * m.re, ai = tj * m.im, den = ar * ar + ai * ai;
      sr += (tj * ar) / den; si -= (tj * ai) / den;
    }
    const dr = z.re - (q * sr) / p, di = z.im - (q * si) / p; // m = -1 / (z - q mean(...))
    const dd = dr * dr + di * di;
    m = { re: -dr / dd, im: di / dd };
  }
  return m;
}

/**
 * The companion Stieltjes transform m(z) of the sample covariance's limit law at z = x + i eta, eta > 0
 * (Silverstein's equation, see the module header), reached by continuation from a large eta.
 */
export function silversteinStieltjes(x: number, eta: number, population: ArrayLike<number>, q: number): { re: number; im: number } {
  checkPopulation(population, q, "silversteinStieltjes");
  if (!(eta > 0)) throw new RangeError(`silversteinStieltjes: eta must be > 0, got ${eta}`);
  let scale = 0;
  for (let j = 0; j < population.length; j++) scale += population[j] / population.length;
  scale = Math.max(scale, Math.abs(x), 1e-300);
  let e = Math.max(eta, scale);
  let m: C = fixedPoint({ re: x, im: e }, population, q, { re: 0, im: 1 / e }, 50);
  for (;;) {
    m = solveAt({ re: x, im: e }, population, q, m);
    if (e <= eta) return m;
    e = Math.max(eta, e / 4);
  }
}

/** The limiting spectral density of a sample covariance on a grid of eigenvalues, with its point mass at zero. */
export interface SampleSpectrum {
  /** Grid of eigenvalues (ascending; geometric when `logGrid`). */
  x: Float64Array;
  /** Density of the sample covariance's eigenvalues at x (the continuous part). */
  density: Float64Array;
  /** Cumulative distribution at x, the atom at zero (q > 1) included. */
  cdf: Float64Array;
  /** Mass of the atom at zero: max(0, 1 - 1/q), plus the share of population eigenvalues that are zero. */
  atom: number;
}

/**
 * The deterministic-equivalent eigenvalue distribution of the sample covariance of n = p / q samples
 * from a population with eigenvalues `population` (p of them): density and CDF on a grid, geometric
 * by default (spectra spanning decades). Population eigenvalues below 1e-10 times the largest are
 * directions without variance: they give exact zeros in every sample, so they go into the atom at zero,
 * and the rest (p' of them) is solved at q' = p' / n. The default grid runs from a tenth of the smallest
 * remaining population eigenvalue times (1 - sqrt q')^2 (at least 1e-6 of it) to the largest times
 * (1 + sqrt q')^2 plus a margin. The density comes from Silverstein's equation at eta = 1e-9 x
 * (continuing each grid point from the previous one), the CDF by the trapezoid rule on the grid,
 * renormalised so that it ends at 1 (the CDF is good to about 1e-3 near sharp edges with the default
 * 4000 points; more points refine it).
 */
export function sampleSpectrum(population: ArrayLike<number>, q: number, opts: { points?: number; lo?: number; hi?: number; logGrid?: boolean } = {}): SampleSpectrum {
  checkPopulation(population, q, "sampleSpectrum");
  let tMax = 0;
  for (let j = 0; j < population.length; j++) tMax = Math.max(tMax, population[j]);
  if (!(tMax > 0)) throw new RangeError("sampleSpectrum: the population spectrum is all zeros");
  const kept = Array.from(population).filter((t) => t > 1e-10 * tMax);
  const p = population.length, pk = kept.length;
  const qk = (q * pk) / p; // the same n, fewer directions
  let tMin = Infinity;
  for (const t of kept) tMin = Math.min(tMin, t);
  const sq = Math.sqrt(qk);
  const lo = opts.lo ?? tMin * Math.max((1 - sq) ** 2 * 0.1, 1e-6);
  const hi = opts.hi ?? tMax * (1 + sq) ** 2 * 1.2;
  const points = opts.points ?? 4000;
  const logGrid = opts.logGrid ?? true;
  if (!(lo > 0 && hi > lo)) throw new RangeError(`sampleSpectrum: need 0 < lo < hi, got ${lo}, ${hi}`);
  const x = new Float64Array(points), density = new Float64Array(points), cdf = new Float64Array(points);
  for (let i = 0; i < points; i++) x[i] = logGrid ? lo * (hi / lo) ** (i / (points - 1)) : lo + ((hi - lo) * i) / (points - 1);
  // sweep from the top (outside the support, m real-ish) down, each point continued from its neighbour
  let m: C | null = null;
  for (let i = points - 1; i >= 0; i--) {
    const eta = 1e-9 * x[i];
    if (m === null) {
      m = silversteinStieltjes(x[i], eta, kept, qk);
    } else {
      // continuation in x: solve at a moderate eta first, then at the target eta
      const mid = solveAt({ re: x[i], im: 1e-3 * x[i] }, kept, qk, { re: m.re, im: Math.max(m.im, 1e-3 / x[i]) });
      m = solveAt({ re: x[i], im: eta }, kept, qk, mid);
      if (!(m.im >= 0) || !Number.isFinite(m.re)) m = silversteinStieltjes(x[i], eta, kept, qk);
    }
    // the kept directions' share of the spectrum, in units of all p eigenvalues
    density[i] = ((Math.max(0, m.im) / (qk * Math.PI)) * pk) / p;
  }
  const atom = (p - pk) / p + (pk / p) * Math.max(0, 1 - 1 / qk);
  let acc = 0;
  cdf[0] = 0;
  for (let i = 1; i < points; i++) { acc += 0.5 * (density[i] + density[i - 1]) * (x[i] - x[i - 1]); cdf[i] = acc; }
  const mass = 1 - atom;
  for (let i = 0; i < points; i++) {
    density[i] *= acc > 0 ? mass / acc : 0;
    cdf[i] = atom + (acc > 0 ? (cdf[i] / acc) * mass : 0);
  }
  return { x, density, cdf, atom };
}

/**
 * The classical locations of the sample eigenvalues, descending: l_i with F(l_i) = 1 - (i - 1/2) / p
 * for ranks i = 1..p (linear interpolation of the CDF of `sampleSpectrum`). Ranks inside the atom at
 * zero (q > 1) get 0. Compare with a sorted sample spectrum rank by rank.
 */
export function sampleSpectrumQuantiles(spec: SampleSpectrum, p: number): Float64Array {
  const out = new Float64Array(p);
  const { x, cdf } = spec;
  let k = 0;
  for (let i = p; i >= 1; i--) {
    const target = 1 - (i - 0.5) / p;
    if (target <= spec.atom) { out[i - 1] = 0; continue; }
    while (k < x.length - 1 && cdf[k + 1] < target) k++;
    if (k >= x.length - 1) { out[i - 1] = x[x.length - 1]; continue; }
    const f0 = cdf[k], f1 = cdf[k + 1];
    const u = f1 > f0 ? Math.min(1, Math.max(0, (target - f0) / (f1 - f0))) : 0;
    out[i - 1] = x[k] + u * (x[k + 1] - x[k]);
  }
  return out;
}

/** The BBP threshold 1 + sqrt(q): a spike (in units of the bulk variance) above it separates from the bulk. */
export function bbpThreshold(q: number): number {
  if (!(q > 0)) throw new RangeError(`bbpThreshold: q must be > 0, got ${q}`);
  return 1 + Math.sqrt(q);
}

/**
 * Limit of the top sample eigenvalue for a population with one spike s (bulk variance `variance`,
 * default 1, spike variance s * variance): s (1 + q / (s - 1)) times the variance above the BBP
 * threshold, the bulk edge (1 + sqrt q)^2 times the variance at or below it.
 */
export function bbpTopEigenvalue(spike: number, q: number, variance = 1): number {
  if (!(spike > 0)) throw new RangeError(`bbpTopEigenvalue: spike must be > 0, got ${spike}`);
  if (spike <= bbpThreshold(q)) return variance * (1 + Math.sqrt(q)) ** 2;
  return variance * spike * (1 + q / (spike - 1));
}

/** Limit of the squared overlap between the top sample eigenvector and the spike direction (Paul 2007). */
export function bbpOverlap(spike: number, q: number): number {
  if (spike <= bbpThreshold(q)) return 0;
  const u = spike - 1;
  return (1 - q / (u * u)) / (1 + q / u);
}

/** Mean and standard deviation of the Tracy-Widom law for beta = 1 (real matrices). */
export const TRACY_WIDOM_1_MEAN = -1.2065335745820;
/** Standard deviation of the Tracy-Widom law for beta = 1. */
export const TRACY_WIDOM_1_SD = 1.2679830;

/**
 * Johnstone's (2001) centring and scale for the largest eigenvalue of a white real Wishart sample
 * covariance X^T X / n (X: n x p, unit variance): (l_max - center) / scale is approximately Tracy-Widom
 * (beta = 1), with center = (sqrt(n - 1) + sqrt p)^2 / n and
 * scale = (sqrt(n - 1) + sqrt p) (1 / sqrt(n - 1) + 1 / sqrt p)^(1/3) / n. So E[l_max] is about
 * center + TRACY_WIDOM_1_MEAN * scale, a little below the limit (1 + sqrt q)^2.
 */
export function wishartEdge(n: number, p: number, variance = 1): { center: number; scale: number; mean: number; sd: number } {
  if (!(n > 1 && p > 0)) throw new RangeError(`wishartEdge: need n > 1 and p > 0, got ${n}, ${p}`);
  const a = Math.sqrt(n - 1), b = Math.sqrt(p);
  const center = (variance * (a + b) ** 2) / n;
  const scale = (variance * (a + b) * (1 / a + 1 / b) ** (1 / 3)) / n;
  return { center, scale, mean: center + TRACY_WIDOM_1_MEAN * scale, sd: TRACY_WIDOM_1_SD * scale };
}
