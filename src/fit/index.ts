/**
 * `fit`: power laws (with and without an offset) and spectra, with bootstrap intervals; weighted
 * straight lines; limits of finite-size quantities.
 */
export * from "./powerlaw";
export * from "./line";
export * from "./limits";
