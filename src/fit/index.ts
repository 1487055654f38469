/** `fit`: power laws (with and without an offset) and spectra, with bootstrap intervals; limits of finite-size quantities. */
export * from "./powerlaw";
export * from "./limits";
