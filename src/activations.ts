/**
 * The nonlinearities of the lab, one list for every model that has one: random features, the
 * closed-form network kernels and the trained networks of `train`.
 */
import { erf } from "./special";

/** The activation functions the lab's networks and kernels support. */
export type Activation = "relu" | "tanh" | "erf" | "linear";

export const ACTIVATIONS: readonly Activation[] = ["relu", "tanh", "erf", "linear"];

/** Throws a clear error for anything but a known activation name. */
export function assertActivation(a: unknown, where: string): asserts a is Activation {
  if (!ACTIVATIONS.includes(a as Activation)) {
    throw new RangeError(`${where}: activation must be one of ${ACTIVATIONS.map((x) => `"${x}"`).join(", ")}; got ${JSON.stringify(a)}`);
  }
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** phi(x) as a scalar function. */
export function activationFn(a: Activation): (x: number) => number {
  assertActivation(a, "activationFn");
  switch (a) {
    case "relu": return (x) => (x > 0 ? x : 0);
    case "tanh": return Math.tanh;
    case "erf": return erf;
    case "linear": return (x) => x;
  }
}

/** phi'(x) as a scalar function (relu'(0) = 0). */
export function activationDerivative(a: Activation): (x: number) => number {
  assertActivation(a, "activationDerivative");
  switch (a) {
    case "relu": return (x) => (x > 0 ? 1 : 0);
    case "tanh": return (x) => 1 - Math.tanh(x) ** 2;
    case "erf": return (x) => TWO_OVER_SQRT_PI * Math.exp(-x * x);
    case "linear": return () => 1;
  }
}

/**
 * The critical weight variance C_W of each activation (Roberts, Yaida & Hanin, arXiv 2106.10165):
 * 2 for ReLU (He initialisation); 1 / phi'(0)^2 for the odd activations with C_b = 0, i.e. 1 for
 * tanh and linear networks and pi / 4 for erf (phi'(0) = 2 / sqrt(pi)). At C_W the typical size of
 * the signal neither grows nor shrinks with depth.
 */
export function criticalCw(a: Activation): number {
  assertActivation(a, "criticalCw");
  return a === "relu" ? 2 : a === "erf" ? Math.PI / 4 : 1;
}
