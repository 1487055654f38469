/**
 * `train`: the one place networks are built and trained.
 * - spec.ts: what a network is (widths, activation, parameterization SP / NTK / muP, initialisation)
 * - network.ts: the TensorFlow.js network built from a spec, readable layer by layer; `layerStep`, the one
 *   layer step (h = m a W + m_b b, a' = phi(h)) every forward pass uses (phi, phi', phi'': ../activations.ts)
 * - optimizers.ts, schedules.ts, losses.ts: SGD (momentum, Nesterov), Adam, AdamW; schedules; losses and
 *   `lossDerivatives`, the one loss gradient (and its directional derivative)
 * - fit.ts: the training loop (full or mini-batch, history, divergence detection); `trainingStep`, one update
 * - backprop.ts: loss and gradients by backpropagation written out per layer (fit's and fitBatched's path)
 * - batched.ts: `fitBatched`, many independent networks (any specs, step budgets, schedules, full or
 *   mini-batch) trained as one batched program
 * - separate.ts: `fitSeparate`, networks with their own training sets, each trained as train.fit would
 *   train it alone, batched where they can share a step
 * - replicas.ts: several seeds of one network, batched (fitBatched's common case)
 * - kernels.ts: the spec's closed-form NNGP / NTK and one network's empirical NTK
 * - history.ts: a run's history as a DataFrame and as a figure
 * - curvature.ts: Hessian-vector products (exact, R-operator), the top Hessian eigenvalue (sharpness)
 *   by Lanczos with warm starts, a sharpness metric for fit, the top eigenvalue of the empirical NTK
 * - measures.ts: relative change of the weights (per layer, overall) and of a kernel during training
 * - layerStats.ts: pre-activation statistics across initialisations (variance per layer, its ratio, excess kurtosis)
 * - gradientNoise.ts: the gradient noise scale B_simple from exact per-example gradient norms
 * - ensemble.ts: many one-hidden-layer networks of different widths, inputs and budgets on one stream (scaling studies; fitBatched)
 */
export { resolveSpec, layerPlans, parameterCount } from "./spec";
export type { NetworkSpec, FullSpec, LayerPlan, LrScale, Parameterization, InitKind } from "./spec";
export { Network, network, toTensor, layerStep, activationTensor, activationDerivativeTensor } from "./network";
export type { Layer, MatrixLike, ForwardTrace } from "./network";
export { createOptimizer, validateOptimizer, optimizerFamily, fusedOptimizerAvailable } from "./optimizers";
export type { Optimizer, OptimizerSpec } from "./optimizers";
export { scheduleFactor, validateSchedule } from "./schedules";
export type { Schedule } from "./schedules";
export { lossTensor, lossForTape, accuracyTensor, validateLoss, lossDerivatives } from "./losses";
export type { LossName, LossDerivatives } from "./losses";
export { fit, trainingStep, TrainingDiverged } from "./fit";
export type { DataSet, EvalRecord, FitOptions, FitResult, MetricContext, Divergence, TrainingStep } from "./fit";
export { backprop, backpropLayers, lossWithGradient } from "./backprop";
export type { Backprop, LayerParams, LayerGradients } from "./backprop";
export { fitBatched } from "./batched";
export type { BatchedOptions, BatchedMember, BatchedData, BatchedRun, BatchedMemberRun, BatchedRecord, MemberEval, Table } from "./batched";
export { fitSeparate } from "./separate";
export type { SeparateMember, SeparateRun } from "./separate";
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
export { fitDeepSetsBatched, deepSetsInit, deepSetsPredict, deepSetsShapes, deepSetsParameterCount } from "./deepSets";
export type { DeepSetsSpec, DeepSetsWeights, DeepSetsMember, DeepSetsBatchedOptions, DeepSetsMemberRun } from "./deepSets";
export { quantizationLevels, weightRanges, quantizeMatrix, quantizeNetwork, weightCount, parameterRanges, rangeWeightedTrace, lossGradient, quantizeTensor, fitQuantized, lossWith } from "./quantize";
export type { Granularity, QuantizedMatrix, QuantizedNetwork, RangeWeightedTrace, QuantizedFitOptions, QuantizedFitResult } from "./quantize";
