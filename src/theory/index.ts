/**
 * `theory`: closed forms only (no simulation): ridgeless and ridge risk (Hastie et al.), the
 * Marchenko-Pastur law, gap-ratio statistics and their reference values, kernel learning curves from
 * a spectrum (Bordelon et al.), effective ranks (Bartlett et al.); the neural scaling laws of chapter 09
 * (functional forms, compute-optimal allocation, the published constants with their sources); the
 * solvable random-feature model of chapter 10 (Maloney, Roberts & Sully).
 */
export * from "./marchenkoPastur";
export * from "./gapRatio";
export * from "./learningCurve";
export * from "./ridgeless";
export * from "./effectiveRank";
export * from "./scalingLaws";
export * as published from "./publishedLaws";
export * from "./randomFeatureScaling";
