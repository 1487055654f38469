/**
 * Closed forms of the empirical neural scaling laws (chapter 09): the functional forms, and the
 * compute-optimal allocation they imply. The published constants live in `publishedLaws.ts`.
 *
 * - Kaplan et al. (arXiv 2001.08361): single power laws L(X) = (X_c / X)^alpha_X for X = N, D, C_min,
 *   and the joint form L(N, D) = [(N_c / N)^(alpha_N / alpha_D) + D_c / D]^alpha_D (their eq. 1.5).
 * - Hoffmann et al. (Chinchilla, arXiv 2203.15556, approach 3): L(N, D) = E + A / N^alpha + B / D^beta.
 *   With training compute C = 6 N D (6 FLOPs per parameter per token: 2 forward, 4 backward),
 *   minimising L at fixed C gives (their eq. 4)
 *     N_opt(C) = G (C/6)^a,  D_opt(C) = G^-1 (C/6)^b,  G = (alpha A / (beta B))^(1/(alpha+beta)),
 *     a = beta / (alpha + beta),  b = alpha / (alpha + beta),
 *   and the loss along that frontier L_opt(C) = E + (A G^-alpha + B G^beta) (C/6)^(-alpha beta/(alpha+beta)).
 * - Muennighoff et al. (arXiv 2305.16264): data-constrained training with U unique tokens repeated;
 *   repeated tokens and excess parameters are worth less: D' = U_D + U_D R*_D (1 - exp(-R_D / R*_D)),
 *   R_D = D / U_D - 1 repetitions, and the same form for parameters beyond the compute-optimal size
 *   for U_D tokens (`dataConstrainedLoss`).
 */

/** The parameters of L(N, D) = E + A / N^alpha + B / D^beta. */
export interface ChinchillaLaw {
  E: number;
  A: number;
  B: number;
  alpha: number;
  beta: number;
}

/** L(N, D) = E + A / N^alpha + B / D^beta. */
export function chinchillaLoss(law: ChinchillaLaw, N: number, D: number): number {
  return law.E + law.A * N ** -law.alpha + law.B * D ** -law.beta;
}

/** The compute-optimal allocation at one budget (`computeOptimal`, `computeOptimalNumeric`). */
export interface ComputeOptimal {
  /** Compute budget in FLOPs. */
  C: number;
  /** Loss-minimising parameters and tokens at this budget, with C = flopsPerParamToken * N * D. */
  N: number;
  D: number;
  /** The loss there. */
  L: number;
  /** D / N. */
  tokensPerParam: number;
}

/** The exponents of the compute-optimal frontier: N_opt ~ C^a, D_opt ~ C^b, L_opt - E ~ C^-c. */
export function frontierExponents(law: Pick<ChinchillaLaw, "alpha" | "beta">): { a: number; b: number; c: number } {
  const s = law.alpha + law.beta;
  return { a: law.beta / s, b: law.alpha / s, c: (law.alpha * law.beta) / s };
}

/**
 * The prefactor G = (alpha A / (beta B))^(1 / (alpha + beta)) of the compute-optimal frontier
 * N_opt = G (C/6)^a, D_opt = (C/6)^b / G (Hoffmann et al. eq. 4): with the exponents, G fixes the
 * frontier; two laws with the same a and G have the same IsoFLOP minima.
 */
export function frontierPrefactor(law: Pick<ChinchillaLaw, "A" | "B" | "alpha" | "beta">): number {
  return ((law.alpha * law.A) / (law.beta * law.B)) ** (1 / (law.alpha + law.beta));
}

/** The compute-optimal N, D and L at budget C (closed form; Hoffmann et al. eq. 4). */
export function computeOptimal(law: ChinchillaLaw, C: number, flopsPerParamToken = 6): ComputeOptimal {
  if (!(C > 0)) throw new RangeError(`computeOptimal: the compute budget must be positive, got ${C}`);
  if (!(law.alpha > 0 && law.beta > 0 && law.A > 0 && law.B > 0)) throw new RangeError("computeOptimal: A, B, alpha, beta must be positive");
  const { a, b } = frontierExponents(law);
  const G = frontierPrefactor(law);
  const c = C / flopsPerParamToken;
  const N = G * c ** a, D = c ** b / G;
  return { C, N, D, L: chinchillaLoss(law, N, D), tokensPerParam: D / N };
}

/**
 * The compute-optimal model size at budget C by direct numerical minimisation of L(N, C/(6N)) over
 * log N (golden section), for laws without a closed form and to check the closed form.
 */
export function computeOptimalNumeric(loss: (N: number, D: number) => number, C: number, opts: { flopsPerParamToken?: number; logNRange?: [number, number] } = {}): ComputeOptimal {
  const k = opts.flopsPerParamToken ?? 6;
  const [lo0, hi0] = opts.logNRange ?? [0, Math.log(C / k)];
  const g = (u: number): number => loss(Math.exp(u), C / (k * Math.exp(u)));
  // coarse scan, then golden section around the best grid point
  const steps = 400;
  let best = lo0, bestF = Infinity;
  for (let i = 0; i <= steps; i++) {
    const u = lo0 + ((hi0 - lo0) * i) / steps;
    const v = g(u);
    if (v < bestF) { bestF = v; best = u; }
  }
  let lo = best - (hi0 - lo0) / steps, hi = best + (hi0 - lo0) / steps;
  const r = (Math.sqrt(5) - 1) / 2;
  let m1 = hi - r * (hi - lo), m2 = lo + r * (hi - lo), f1 = g(m1), f2 = g(m2);
  for (let i = 0; i < 200 && hi - lo > 1e-13; i++) {
    if (f1 < f2) { hi = m2; m2 = m1; f2 = f1; m1 = hi - r * (hi - lo); f1 = g(m1); }
    else { lo = m1; m1 = m2; f1 = f2; m2 = lo + r * (hi - lo); f2 = g(m2); }
  }
  const N = Math.exp((lo + hi) / 2), D = C / (k * N);
  return { C, N, D, L: loss(N, D), tokensPerParam: D / N };
}

/**
 * The loss along one IsoFLOP profile: models of size N trained on D = C / (6 N) tokens, for each N.
 */
export function isoflopProfile(law: ChinchillaLaw, C: number, Ns: ArrayLike<number>, flopsPerParamToken = 6): number[] {
  return Array.from(Ns, (N) => chinchillaLoss(law, N, C / (flopsPerParamToken * N)));
}

// ------------------------------------------------------------------------- Kaplan et al. forms

/** A single power law L(X) = (X_c / X)^alpha (Kaplan et al. eqs. 1.1-1.3). */
export function kaplanPowerLaw(law: { Xc: number; alpha: number }, X: number): number {
  return (law.Xc / X) ** law.alpha;
}

/** Kaplan et al.'s joint law L(N, D) = [(N_c / N)^(alpha_N / alpha_D) + D_c / D]^alpha_D (eq. 1.5). */
export function kaplanLossND(law: { Nc: number; Dc: number; alphaN: number; alphaD: number }, N: number, D: number): number {
  return ((law.Nc / N) ** (law.alphaN / law.alphaD) + law.Dc / D) ** law.alphaD;
}

// ------------------------------------------------------------------------- Muennighoff et al.

/** Effective repeated data (or parameters): U + U R* (1 - exp(-R / R*)), R = repetitions beyond the first. */
export function effectiveRepeated(U: number, R: number, Rstar: number): number {
  if (!(U > 0 && R >= 0 && Rstar > 0)) throw new RangeError(`effectiveRepeated: need U > 0, R >= 0, R* > 0; got ${U}, ${R}, ${Rstar}`);
  return U + U * Rstar * (1 - Math.exp(-R / Rstar));
}

/** The parameters of the data-constrained law (Chinchilla form plus the two decay constants). */
export interface DataConstrainedLaw extends ChinchillaLaw {
  /**
   * R*_D: the decay scale of repeated data. R repetitions of U unique tokens are worth
   * U R*_D (1 - exp(-R / R*_D)) fresh ones, at most U R*_D however often they are repeated.
   */
  RstarD: number;
  /** R*_N: the same decay scale for parameters beyond the compute-optimal size for the unique data. */
  RstarN: number;
}

/**
 * Muennighoff et al.'s data-constrained loss for N parameters trained on D tokens of which U are
 * unique. Repetitions R_D = max(D/U - 1, 0); the parameters beyond U_N = min(N, N_opt(U)) (the
 * compute-optimal size for U tokens under the Chinchilla form, N = G (U G)^(beta/alpha), as in the
 * authors' code, huggingface/datablations) count
 * with the same exponential decay, R_N = max(N / U_N - 1, 0).
 */
export function dataConstrainedLoss(law: DataConstrainedLaw, N: number, D: number, U: number): number {
  if (!(U > 0 && U <= D)) throw new RangeError(`dataConstrainedLoss: need 0 < U <= D, got U = ${U}, D = ${D}`);
  const G = frontierPrefactor(law);
  // the compute-optimal N for D tokens: D_opt = (C/6)^b / G and N_opt = G (C/6)^a  =>  N = G (D G)^(beta/alpha)
  const nOptForU = G * (U * G) ** (law.beta / law.alpha);
  const RD = Math.max(D / U - 1, 0);
  const UN = Math.min(N, nOptForU);
  const RN = Math.max(N / UN - 1, 0);
  const Dp = effectiveRepeated(U, RD, law.RstarD);
  const Np = effectiveRepeated(UN, RN, law.RstarN);
  return law.E + law.A / Np ** law.alpha + law.B / Dp ** law.beta;
}

/**
 * A law with the same compute-optimal frontier N_opt(C) as `law` (same a = beta/(alpha+beta) and same
 * G) but exponents alpha, beta multiplied by k, and A, B chosen so that both laws also give the same
 * loss on the frontier at the budget `Cref`. IsoFLOP minima (approach 2) cannot tell the two apart;
 * their IsoFLOP profiles differ away from the minima (sharper for k > 1).
 */
export function sameFrontierLaw(law: ChinchillaLaw, k: number, Cref: number, flopsPerParamToken = 6): ChinchillaLaw {
  if (!(k > 0)) throw new RangeError(`sameFrontierLaw: k must be positive, got ${k}`);
  const G = frontierPrefactor(law);
  const alpha = k * law.alpha, beta = k * law.beta;
  // G' = G  <=>  A'/B' = (beta/alpha) G^(alpha'+beta')
  const r = (law.beta / law.alpha) * G ** (alpha + beta);
  const reducible = computeOptimal(law, Cref, flopsPerParamToken).L - law.E;
  const c = (alpha * beta) / (alpha + beta);
  const B = (reducible * (Cref / flopsPerParamToken) ** c) / (r * G ** -alpha + G ** beta);
  return { E: law.E, A: r * B, B, alpha, beta };
}
