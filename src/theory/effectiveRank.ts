/**
 * Effective ranks of a covariance spectrum, from Bartlett, Long, Lugosi & Tsigler, "Benign overfitting
 * in linear regression" (arXiv 1906.11300).
 *
 * For eigenvalues lambda_1 >= lambda_2 >= ... (sorted here), with tail sums S_k = sum_{i>k} lambda_i:
 *   r_k = S_k / lambda_{k+1},          R_k = S_k^2 / sum_{i>k} lambda_i^2,
 *   k* = min{ k >= 0 : r_k >= b n }    (b a universal constant; b = 1 is a common choice).
 * Min-norm interpolation is benign when r_0 = o(n), k* / n -> 0 and n / R_{k*} -> 0. Up to constants
 * the variance term of the excess risk is sigma^2 (k* / n + n/R_{k*}).
 */

function sortedDesc(spectrum: ArrayLike<number>): Float64Array {
  const s = Float64Array.from(spectrum);
  for (const v of s) if (!(v >= 0)) throw new RangeError(`effective ranks: eigenvalues must be >= 0, got ${v}`);
  s.sort();
  s.reverse();
  return s;
}

/** Tail sums S_k = sum_{i>k} lambda_i and T_k = sum_{i>k} lambda_i^2 for k = 0..d (sorted descending). */
function tails(s: Float64Array): { S: Float64Array; T: Float64Array } {
  const d = s.length;
  const S = new Float64Array(d + 1);
  const T = new Float64Array(d + 1);
  for (let k = d - 1; k >= 0; k--) {
    S[k] = S[k + 1] + s[k];
    T[k] = T[k + 1] + s[k] * s[k];
  }
  return { S, T };
}

/**
 * BLLT's r_k: the trace of the spectrum's tail beyond the k largest eigenvalues over its largest
 * remaining eigenvalue, r_k = sum_{i>k} lambda_i / lambda_{k+1} (k = 0 .. d-1).
 */
export function tailTraceRank(spectrum: ArrayLike<number>, k: number): number {
  const s = sortedDesc(spectrum);
  if (!(k >= 0 && k < s.length)) throw new RangeError(`tailTraceRank: k must be in [0, ${s.length - 1}], got ${k}`);
  const { S } = tails(s);
  return S[k] / s[k];
}

/**
 * BLLT's R_k: the participation ratio of the spectrum's tail beyond the k largest eigenvalues,
 * R_k = (sum_{i>k} lambda_i)^2 / sum_{i>k} lambda_i^2 (k = 0 .. d-1).
 */
export function tailParticipationRank(spectrum: ArrayLike<number>, k: number): number {
  const s = sortedDesc(spectrum);
  if (!(k >= 0 && k < s.length)) throw new RangeError(`tailParticipationRank: k must be in [0, ${s.length - 1}], got ${k}`);
  const { S, T } = tails(s);
  return (S[k] * S[k]) / T[k];
}

/** The effective ranks r_0 and r_k of a covariance spectrum and the index k* that decides benign overfitting (Bartlett et al.). */
export interface EffectiveRanks {
  /** r_0 = tr(Sigma) / ||Sigma||. */
  r0: number;
  /** k* = min{k : r_k >= b n}; d when no k qualifies (then the spectrum is too short to interpolate benignly). */
  kStar: number;
  /** r_{k*} and R_{k*} (NaN when k* = d). */
  rKStar: number;
  RKStar: number;
  /** The variance-term scale k* / n + n/R_{k*} of BLLT's bound (up to constants). */
  varianceScale: number;
  /** The three benign conditions at this n: r0/n, k* / n and n/R_{k*} (each should be small). */
  r0OverN: number;
  kStarOverN: number;
  nOverRKStar: number;
}

/** Effective ranks and k* of a spectrum for n samples, with BLLT's constant b (default 1). */
export function effectiveRanks(spectrum: ArrayLike<number>, n: number, b = 1): EffectiveRanks {
  const s = sortedDesc(spectrum);
  const d = s.length;
  const { S, T } = tails(s);
  let kStar = d;
  for (let k = 0; k < d; k++) {
    if (s[k] > 0 && S[k] / s[k] >= b * n) {
      kStar = k;
      break;
    }
  }
  const rKStar = kStar < d ? S[kStar] / s[kStar] : NaN;
  const RKStar = kStar < d ? (S[kStar] * S[kStar]) / T[kStar] : NaN;
  return {
    r0: S[0] / s[0],
    kStar,
    rKStar,
    RKStar,
    varianceScale: kStar / n + n / RKStar,
    r0OverN: S[0] / s[0] / n,
    kStarOverN: kStar / n,
    nOverRKStar: n / RKStar,
  };
}
