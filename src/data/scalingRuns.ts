/**
 * Synthetic training runs drawn from a known scaling law (chapter 09): the test bed on which a fitting
 * procedure must recover the law it was given. Runs lie on IsoFLOP profiles, as in Hoffmann et al.'s
 * approach 2: for each budget C, model sizes N spread log-uniformly around the compute-optimal size,
 * D = C / (6 N), and the loss is the law's value times exp(sigma * noise) (multiplicative noise, the
 * scatter of real runs about a smooth law).
 */
import type { Rng } from "../random";
import { ChinchillaLaw, chinchillaLoss, computeOptimal } from "../theory/scalingLaws";

/** One synthetic training run of a scaling study: N parameters, D tokens, compute C = 6 N D and the loss it reached. */
export interface SyntheticRun {
  N: number;
  D: number;
  C: number;
  L: number;
}

/**
 * Runs on IsoFLOP profiles of `law`: for each budget, `sizes` models with log N spread evenly over
 * log N_opt(C) +- `spread` (natural log units), loss multiplied by exp(sigma xi), xi ~ N(0, 1) from `rng`.
 */
export function isoflopRuns(law: ChinchillaLaw, opts: { budgets: number[]; sizes: number; spread: number; sigma: number; rng: Rng; flopsPerParamToken?: number }): SyntheticRun[] {
  const k = opts.flopsPerParamToken ?? 6;
  if (!(opts.sizes >= 2)) throw new RangeError(`isoflopRuns: need at least 2 sizes per budget, got ${opts.sizes}`);
  const runs: SyntheticRun[] = [];
  opts.budgets.forEach((C, b) => {
    const n0 = computeOptimal(law, C, k).N;
    const r = opts.rng.fork(`budget ${b}`);
    for (let i = 0; i < opts.sizes; i++) {
      const N = n0 * Math.exp(opts.spread * (2 * i / (opts.sizes - 1) - 1));
      const D = C / (k * N);
      runs.push({ N, D, C, L: chinchillaLoss(law, N, D) * Math.exp(opts.sigma * r.normal()) });
    }
  });
  return runs;
}
