/**
 * `theory`: closed forms only (no simulation): ridgeless and ridge risk (Hastie et al.), the
 * Marchenko-Pastur law, gap-ratio statistics and their reference values, kernel learning curves from
 * a spectrum (Bordelon et al.), effective ranks (Bartlett et al.), gradient descent on a linear
 * teacher-student task averaged over Marchenko-Pastur (Levi et al.), exact finite-width signal
 * propagation in ReLU networks (variance and kurtosis per layer).
 */
export * from "./marchenkoPastur";
export * from "./gapRatio";
export * from "./learningCurve";
export * from "./ridgeless";
export * from "./effectiveRank";
export * from "./randomFeatures";
export * from "./linearGrokking";
export * from "./criticality";
