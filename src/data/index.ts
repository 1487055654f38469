// Re-exports of this folder's modules; each module adds its own line.
export {};
export * from "./mnist";
export * from "./gaussian";
export * from "./oned";
export * from "./labels";
export * from "./correlated";
