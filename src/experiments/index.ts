/**
 * `experiments`: the sweeps and Monte-Carlo studies of the chapters, one file per topic, apart from the
 * estimators (`models`), the closed forms (`theory`) and the generators (`data`). Each takes an `rng`
 * in its options (and derives its streams by name) and an optional `onProgress`, and returns plain
 * data that can be cached.
 *   biasVariance       01  bias-variance decomposition of polynomial regression
 *   memorization       01  an MLP fitting shuffled MNIST labels
 *   doubleDescent      02  random-feature double descent, model-wise and sample-wise
 *   ridgeRisk          00, 02, 03  Monte-Carlo risk of ridge(less) least squares on isotropic data
 *   benignOverfitting  03  spikes + bath min-norm interpolation at any bath size
 *   kernelLimits       04  infinite-width kernels against finite random networks
 *   learningCurves     04  simulated learning curves (power-law spectra, MNIST kernel regression)
 *   spectralBias       04  an MLP learning a sum of sinusoids, low frequencies first
 *   dataSpectra        05  reference gap-ratio ensembles; spectra against sample size
 *   lazyVsFeature      06  weight and kernel change against width (NTK vs muP); a lazy network vs kernel GD
 *   largeLearningRates 07  sharpness along GD (edge of stability); lazy / catapult / divergent runs and their thresholds
 *   catapultModes      07  eta_max of a two-layer linear network with its residual in one NTK mode or spread
 *   grokking           08  linear teacher-student grokking (exact GD); an MLP grokking modular addition
 *   choices            11  criticality across initialisations; batch size and the noise scale; learning-rate transfer
 *   scalingStudy       09  our own scaling study: networks across sizes and data budgets, cached run by run
 *   chinchillaReplication 09  approach 3 on Hoffmann et al.'s own runs: refit, runs needed for an interval, residuals
 *   scalingTheory      10  the random-feature model on an (N, T) grid; students on d-dimensional manifolds
 */
export * from "./biasVariance";
export * from "./memorization";
export * from "./doubleDescent";
export * from "./ridgeRisk";
export * from "./benignOverfitting";
export * from "./kernelLimits";
export * from "./learningCurves";
export * from "./spectralBias";
export * from "./dataSpectra";
export * from "./lazyVsFeature";
export * from "./largeLearningRates";
export * from "./grokking";
export * from "./choices";
export * from "./scalingStudy";
export * from "./scalingTheory";
export * from "./physics";
export * from "./chinchillaReplication";
export * from "./catapultModes";
export * from "./symmetry";
export * from "./phaseLearning";
export * from "./quantization";
