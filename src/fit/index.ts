/**
 * `fit`: power laws (with and without an offset) and spectra, with bootstrap intervals; weighted
 * straight lines; limits of finite-size quantities; the scaling-law fits of chapter 09
 * (L(N, D) = E + A/N^alpha + B/D^beta by Hoffmann et al.'s approach 3, IsoFLOP minima, bootstrap
 * intervals) and the L-BFGS minimiser they use.
 */
export * from "./powerlaw";
export * from "./line";
export * from "./limits";
export * from "./optimize";
export * from "./chinchilla";
export * from "./effectiveData";
