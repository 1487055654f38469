/**
 * `train`: the one place networks are built and trained.
 * - spec.ts: what a network is (widths, activation, parameterization SP / NTK / muP, initialisation)
 * - network.ts: the TensorFlow.js network built from a spec, readable layer by layer
 * - optimizers.ts, schedules.ts, losses.ts: SGD (momentum, Nesterov), Adam, AdamW; schedules; losses
 * - fit.ts: the training loop (full or mini-batch, history, divergence detection); `trainingStep`, one update
 * - backprop.ts: loss and gradients by backpropagation written out per layer (fit's fast path)
 * - replicas.ts: several independent networks of one spec trained as one batched program (seeds for the price of one)
 * - kernels.ts: the spec's closed-form NNGP / NTK and one network's empirical NTK
 * - history.ts: a run's history as a DataFrame and as a figure
 * - curvature.ts: Hessian-vector products (exact, R-operator), the top Hessian eigenvalue (sharpness)
 *   by Lanczos with warm starts, a sharpness metric for fit, the top eigenvalue of the empirical NTK
 * - measures.ts: relative change of the weights (per layer, overall) and of a kernel during training
 * - layerStats.ts: pre-activation statistics across initialisations (variance per layer, its ratio, excess kurtosis)
 * - gradientNoise.ts: the gradient noise scale B_simple from exact per-example gradient norms
 * - ensemble.ts: many small one-hidden-layer networks trained at once as one batched program (scaling studies)
 */
export { resolveSpec, layerPlans, parameterCount } from "./spec";
export type { NetworkSpec, FullSpec, LayerPlan, LrScale, Parameterization, InitKind } from "./spec";
export { Network, network, toTensor, activationDerivativeTensor } from "./network";
export type { Layer, MatrixLike, ForwardTrace } from "./network";
export { createOptimizer, validateOptimizer, optimizerFamily, fusedOptimizerAvailable } from "./optimizers";
export type { Optimizer, OptimizerSpec } from "./optimizers";
export { scheduleFactor, validateSchedule } from "./schedules";
export type { Schedule } from "./schedules";
export { lossTensor, accuracyTensor, validateLoss } from "./losses";
export type { LossName } from "./losses";
export { fit, trainingStep, TrainingDiverged } from "./fit";
export type { DataSet, EvalRecord, FitOptions, FitResult, MetricContext, Divergence, TrainingStep } from "./fit";
export { backprop, lossWithGradient } from "./backprop";
export type { Backprop } from "./backprop";
export { fitReplicas } from "./replicas";
export type { ReplicaData, ReplicaOptions, ReplicaRun } from "./replicas";
export { kernelOf, empiricalNtk, nngpEstimate } from "./kernels";
export type { SpecKernels } from "./kernels";
export { historyFrame, curves } from "./history";
export { gaussianWeights, orthogonalWeights } from "./init";
export { hessianOperator, hessianVectorProduct, topEigenpair, sharpness, sharpnessMetric, ntkTopEigenvalue } from "./curvature";
export type { LinearOperator, HessianOperator, HessianOptions, TopEigen, LanczosOptions, SharpnessOptions, SharpnessMetricOptions } from "./curvature";
export { relativeChange, weightChange, relativeKernelChange } from "./measures";
export type { WeightChange, LayerChange } from "./measures";
export { layerStatistics, ratioOfMeans, poolKurtosis } from "./layerStats";
export type { LayerStatistics, Estimate } from "./layerStats";
export { gradientNoise } from "./gradientNoise";
export type { GradientNoise } from "./gradientNoise";
export { trainEnsemble } from "./ensemble";
export type { EnsembleMember, EnsembleBatch, EnsembleOptions, EnsembleResult, EnsembleMemberResult } from "./ensemble";
