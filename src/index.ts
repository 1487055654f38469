/**
 * genlab: the shared library of the lab. A chapter imports it with one line,
 *   import * as lab from "genlab";
 * and reaches each module by concept: lab.random, lab.show, lab.check, lab.linalg, lab.data,
 * lab.models, lab.train, lab.fit, lab.theory. The most used names are also exported at top level.
 */
export * as random from "./random";
export { Rng } from "./random";
export * as display from "./show";
export { show, markdown, live, table, plot, bundleOf } from "./show";
export type { Figure, DataFrame, Series } from "./show";
export * as check from "./check";
export * as tfb from "./tf";
export { tf, tfReady, backendInfo, describeBackend } from "./tf";
export * as data from "./data";
export * as models from "./models";
export * as theory from "./theory";
export * as fit from "./fit";
export * as train from "./train";
export * as linalg from "./linalg";
export * as cache from "./cache";
export { cached } from "./cache";
