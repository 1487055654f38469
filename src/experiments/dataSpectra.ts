/**
 * Chapter 05: the statistics of data spectra: gap ratios of random-matrix ensembles as references,
 * and how a data set's spectrum and its statistics change with the number of samples.
 */
import * as la from "../linalg";
import type { Rng } from "../random";
import { covarianceSpectrum, whiteData } from "../data/correlated";
import { goeMatrix, poissonLevels } from "../data/randomMatrices";
import { gapRatios, meanGapRatio } from "../theory/gapRatio";
import { fitSpectrum } from "../fit/powerlaw";

/**
 * Gap ratios of the reference ensembles: `goeCount` GOE matrices of size `goeSize`, `wishartCount`
 * white Wishart spectra (n x d data), and `poisson` uncorrelated levels; each trimmed at both ends by
 * `trim` (a fraction) except the Poisson levels. Draws from `rng.fork("goe" | "wishart" | "poisson")`.
 */
export function gapRatioEnsembles(o: { goeSize: number; goeCount: number; wishartCount: number; wishartN: number; wishartD: number; poisson: number; trim: number; rng: Rng }): {
  goe: Float64Array; wishart: Float64Array; poisson: Float64Array;
} {
  const goe = o.rng.fork("goe").forks("matrix", o.goeCount).flatMap((r) => Array.from(gapRatios(la.eigvalsh(goeMatrix(o.goeSize, r)), { trim: o.trim })));
  const wishart = o.rng.fork("wishart").forks("matrix", o.wishartCount).flatMap((r) =>
    Array.from(gapRatios(covarianceSpectrum(whiteData(o.wishartN, o.wishartD, r), { center: false }), { trim: o.trim })));
  return { goe: Float64Array.from(goe), wishart: Float64Array.from(wishart), poisson: gapRatios(poissonLevels(o.poisson, o.rng.fork("poisson"))) };
}

/**
 * The bulk exponent (fitted decay rate of lambda_i over ranks [fitFrom, fitTo]) and the mean gap ratio
 * over ranks [10, 400) of the covariance spectrum of the first M rows of X, for each M in `ms`.
 */
export function spectrumVsSampleSize(X: la.Matrix, ms: number[], fitFrom: number, fitTo: number): { M: number; decay: number; meanGapRatio: number }[] {
  return ms.map((m) => {
    if (m > X.rows) throw new RangeError(`spectrumVsSampleSize: M = ${m} exceeds the ${X.rows} rows of X`);
    const ev = covarianceSpectrum({ rows: m, cols: X.cols, data: X.data.subarray(0, m * X.cols) });
    return { M: m, decay: fitSpectrum(ev, fitFrom, fitTo).decay, meanGapRatio: meanGapRatio(ev.slice(10, Math.min(400, m - 10))) };
  });
}
