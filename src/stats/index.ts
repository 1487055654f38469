/**
 * Statistics the chapters report and check: means with standard errors, medians and quantiles,
 * summaries per seed, bootstrap intervals, the normal distribution behind z-scores, and the Fourier
 * power spectrum of functions on Z_p (which frequencies a learned embedding uses), and the intrinsic
 * dimension of a point cloud from its nearest-neighbour distances (TwoNN, Levina-Bickel), and a
 * histogram against a density with binomial errors.
 *
 * Every "mean ± s.e." in the lab comes from here, so a check's tolerance (see `check.z`) and a
 * table's error bar are computed the same way. The standard error of a mean is the sample standard
 * deviation (n - 1 in the denominator) over sqrt(n).
 */
export { mean, variance, std, stderr, median, quantile, logMean, mse, summarize, perPoint, sumOf, batchMeans } from "./descriptive";
export type { Summary, PointSummaries } from "./descriptive";
export { bootstrap, bootstrapDraws, bootstrapUnits, bootstrapMean, resampleIndices, intervalOfDraws, percentileInterval } from "./bootstrap";
export type { BootstrapInterval, ResampleOptions, ResampleStreams } from "./bootstrap";
export { normalCdf, normalQuantile, zScore, twoSidedP, tCdf, tQuantile, zMaxForSeeds } from "./normal";
export { zpPowerSpectrum, fourierConcentration, zpNullTopShare } from "./fourier";
export type { ZpSpectrum, FourierConcentration } from "./fourier";
export { nearestNeighbourDistances, twoNN, levinaBickel, intrinsicDimension } from "./intrinsicDimension";
export type { NeighbourDistances, DimensionPoint, DimensionEstimate } from "./intrinsicDimension";
export { histogramVsDensity } from "./histogram";
export type { HistogramBin, HistogramVsDensity } from "./histogram";
