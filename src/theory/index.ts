/**
 * `theory`: closed forms only (no simulation): ridgeless and ridge risk (Hastie et al.), the
 * Marchenko-Pastur law and its generalisation to any population spectrum (Silverstein), the BBP spike
 * transition, gap-ratio statistics and their reference values, kernel learning curves from
 * a spectrum (Bordelon et al.), effective ranks (Bartlett et al.), gradient descent on a linear
 * teacher-student task averaged over Marchenko-Pastur (Levi et al.), exact finite-width signal
 * propagation in ReLU networks (variance and kurtosis per layer); the random-features risk of Mei &
 * Montanari; the neural scaling laws of chapter 09 (functional forms, compute-optimal allocation, the
 * published constants with their sources); the solvable random-feature model of chapter 10
 * (Maloney, Roberts & Sully).
 */
export * from "./marchenkoPastur";
export * from "./gapRatio";
export * from "./learningCurve";
export * from "./ridgeless";
export * from "./effectiveRank";
export * from "./randomFeatures";
export * from "./linearGrokking";
export * from "./criticality";
export * from "./scalingLaws";
export * as published from "./publishedLaws";
export * from "./randomFeatureScaling";
export * from "./sampleCovariance";
export * from "./sgdLeastSquares";
