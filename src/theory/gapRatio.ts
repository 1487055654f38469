/**
 * Local eigenvalue statistics through the adjacent-gap ratio (Oganesyan & Huse 2007; Atas, Bogomolny,
 * Giraud, Roux, PRL 110, 084101, 2013). For sorted levels e_1 <= ... <= e_N with gaps s_i = e_{i+1} - e_i,
 *   r_i = min(s_i, s_{i+1}) / max(s_i, s_{i+1})  in [0, 1].
 * The ratio does not depend on the local density of levels, so no unfolding is needed.
 * Reference means: uncorrelated (Poisson) levels 2 ln 2 - 1 = 0.3863 exactly; GOE 0.5307 (large-N
 * numerics, Atas et al.), while the 3x3 "Wigner-like" surmise gives 4 - 2 sqrt 3 = 0.5359.
 */
export const GAP_RATIO_POISSON = 2 * Math.LN2 - 1;
/** Mean gap ratio of GOE levels at large N (Atas et al. 2013, numerics). */
export const GAP_RATIO_GOE = 0.5307;
/** Mean of the beta = 1 surmise (3 x 3 GOE), 4 - 2 sqrt(3). */
export const GAP_RATIO_GOE_SURMISE = 4 - 2 * Math.sqrt(3);

/**
 * The ratios r_i of a spectrum (any order; it is sorted). `trim` drops that fraction of levels at
 * each end (edges of the spectrum have different statistics and few levels). Zero-zero gap pairs
 * (degenerate levels) are skipped.
 */
export function gapRatios(levels: ArrayLike<number>, opts: { trim?: number } = {}): Float64Array {
  const e = Float64Array.from(levels).sort();
  const trim = opts.trim ?? 0;
  if (trim < 0 || trim >= 0.5) throw new RangeError(`gapRatios: trim must be in [0, 0.5), got ${trim}`);
  const cut = Math.floor(e.length * trim);
  const v = e.subarray(cut, e.length - cut);
  const out: number[] = [];
  for (let i = 0; i + 2 < v.length; i++) {
    const s1 = v[i + 1] - v[i], s2 = v[i + 2] - v[i + 1];
    const mx = Math.max(s1, s2);
    if (mx > 0) out.push(Math.min(s1, s2) / mx);
  }
  return Float64Array.from(out);
}

/** Mean adjacent-gap ratio <r> of a spectrum. */
export function meanGapRatio(levels: ArrayLike<number>, opts: { trim?: number } = {}): number {
  const r = gapRatios(levels, opts);
  if (r.length === 0) throw new RangeError("meanGapRatio: need at least 3 distinct levels");
  let s = 0;
  for (const x of r) s += x;
  return s / r.length;
}

/**
 * Surmise densities of r in [0, 1] (Atas et al. 2013): Poisson 2 / (1 + r)^2; Wigner-like
 * 2 (r + r^2)^beta / (Z_beta (1 + r + r^2)^(1 + 3 beta / 2)) with Z_1 = 8/27, Z_2 = 4 pi / (81 sqrt 3).
 */
export function gapRatioSurmise(r: number, kind: "poisson" | "goe" | "gue"): number {
  if (r < 0 || r > 1) return 0;
  if (kind === "poisson") return 2 / (1 + r) ** 2;
  const beta = kind === "goe" ? 1 : 2;
  const z = beta === 1 ? 8 / 27 : (4 * Math.PI) / (81 * Math.sqrt(3));
  return (2 * (r + r * r) ** beta) / (z * (1 + r + r * r) ** (1 + 1.5 * beta));
}
