/**
 * genlab: the shared library of the lab. A chapter imports what it uses in one line,
 *   import { show, plot, live, check, stats, data, models, train, experiments, theory, fit, Rng, cached } from "genlab";
 *
 * Science, in the order a result flows:
 *   random       seeded generators (`Rng`, named forks)
 *   data         generators: Gaussian data with any spectrum, teachers, random matrices, MNIST subsets
 *   models       estimators: ridge / min-norm regression, random features, kernels, kernel regression
 *   train        networks: specs (SP / NTK / muP), the training loop, optimizers, empirical kernels,
 *                curvature (Hessian-vector products, sharpness), how far training moved weights and kernels,
 *                many small networks trained at once (scaling studies)
 *   experiments  the chapters' sweeps and Monte-Carlo studies
 *   theory       closed forms (and the published scaling laws as data)
 *   fit          power laws, spectra and scaling laws L(N, D) with bootstrap intervals; L-BFGS
 *   stats        means, standard errors, quantiles, bootstraps, z-scores
 *   linalg       float64 linear algebra (OpenBLAS when built, pure JS otherwise)
 * Showing and checking: show, markdown, live, table, plot (plotly figures, danfojs tables, live
 * displays); check (visible claims that fail loudly); cached (results on disk that never go stale);
 * tfReady and describeBackend (TensorFlow.js and its backend); catalogue (the chapters as data: sections,
 * parameters, experiments and their measured cost); record (named results a sweep collects) and
 * loadSweep (a sweep's results as a DataFrame).
 */
export * as random from "./random";
export { Rng } from "./random";
export * as data from "./data";
export * as models from "./models";
export * as train from "./train";
export * as experiments from "./experiments";
export * as theory from "./theory";
export * as fit from "./fit";
export * as stats from "./stats";
export * as linalg from "./linalg";
export { show, markdown, live, table, plot, bundleOf } from "./show";
export type { Figure, DataFrame, Series, LiveDisplay } from "./show";
export type { Progress, OnProgress } from "./progress";
export type { Activation } from "./activations";
export * as check from "./check";
export { cached, isCached, keyOf, clearCache } from "./cache";
export * as catalogue from "./catalogue";
export { tf, tfReady, backendInfo, describeBackend } from "./tf";
export { record, recorded, RECORD_MIME } from "./record";
export type { Recordable } from "./record";
export { loadSweep, readSweep } from "./sweepResults";
export type { SweepTable, SweepRow, LoadSweepOptions } from "./sweepResults";
