/**
 * `fit`: power laws (with and without an offset) and spectra with bootstrap intervals; the scaling-law
 * fits of chapter 09 (L(N, D) = E + A/N^alpha + B/D^beta by Hoffmann et al.'s approach 3, IsoFLOP
 * minima, bootstrap intervals); the L-BFGS minimiser they use.
 */
export * from "./powerlaw";
export * from "./optimize";
export * from "./chinchilla";
