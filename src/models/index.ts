// Re-exports of this folder's modules; each module adds its own line.
export {};
export * from "./linear";
export * from "./randomFeatures";
export * from "./mlp";
export * from "./kernels";
export * from "./spectralBias";
