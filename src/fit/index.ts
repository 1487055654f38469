/** `fit`: power laws (with and without an offset) and spectra, with bootstrap intervals; weighted straight lines. */
export * from "./powerlaw";
export * from "./line";
