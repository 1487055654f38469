// Re-exports of this folder's modules; each module adds its own line.
export {};
export * from "./marchenkoPastur";
export * from "./gapRatio";
export * from "./learningCurve";
export * from "./ridgeless";
export * from "./effectiveRank";
