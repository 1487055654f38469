/** `fit`: power laws (with and without an offset) and spectra, with bootstrap intervals. */
export * from "./powerlaw";
