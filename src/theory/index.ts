/**
 * `theory`: closed forms only (no simulation): ridgeless and ridge risk (Hastie et al.), the
 * Marchenko-Pastur law and its generalisation to any population spectrum (Silverstein), the BBP spike
 * transition, gap-ratio statistics and their reference values, kernel learning curves from
 * a spectrum (Bordelon et al.), effective ranks (Bartlett et al.).
 */
export * from "./marchenkoPastur";
export * from "./gapRatio";
export * from "./learningCurve";
export * from "./ridgeless";
export * from "./effectiveRank";
export * from "./sampleCovariance";
