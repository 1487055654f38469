/**
 * Sweeps: one notebook over a grid of parameter values, on many kernels and servers at once, with
 * each run's recorded values collected into one table. See docs/sweeps.md.
 */
export * from "./grid";
export * from "./servers";
export * from "./run";
export * from "./testHub";
