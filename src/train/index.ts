/**
 * `train`: the one place networks are built and trained.
 * - spec.ts: what a network is (widths, activation, parameterization SP / NTK / muP, initialisation)
 * - network.ts: the TensorFlow.js network built from a spec, readable layer by layer
 * - optimizers.ts, schedules.ts, losses.ts: SGD (momentum, Nesterov), Adam, AdamW; schedules; losses
 * - fit.ts: the training loop (full or mini-batch, history, divergence detection)
 * - ensemble.ts: several independent networks of one spec trained as one batched program (seeds for the price of one)
 * - kernels.ts: the spec's closed-form NNGP / NTK and one network's empirical NTK
 * - history.ts: a run's history as a DataFrame and as a figure
 */
export { resolveSpec, layerPlans, parameterCount } from "./spec";
export type { NetworkSpec, FullSpec, LayerPlan, LrScale, Parameterization, InitKind } from "./spec";
export { Network, network, toTensor, activationDerivativeTensor } from "./network";
export type { Layer, MatrixLike, ForwardTrace } from "./network";
export { createOptimizer, validateOptimizer, optimizerFamily } from "./optimizers";
export type { Optimizer, OptimizerSpec } from "./optimizers";
export { scheduleFactor, validateSchedule } from "./schedules";
export type { Schedule } from "./schedules";
export { lossTensor, accuracyTensor, validateLoss } from "./losses";
export type { LossName } from "./losses";
export { fit, TrainingDiverged } from "./fit";
export { fitEnsemble } from "./ensemble";
export type { EnsembleData, EnsembleOptions, EnsembleRun } from "./ensemble";
export type { DataSet, EvalRecord, FitOptions, FitResult, MetricContext, Divergence } from "./fit";
export { kernelOf, empiricalNtk, nngpEstimate } from "./kernels";
export type { SpecKernels } from "./kernels";
export { historyFrame, curves } from "./history";
export { gaussianWeights, orthogonalWeights } from "./init";
