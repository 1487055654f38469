/**
 * The nonlinearities of the lab, one list for every model that has one: random features, the
 * closed-form network kernels and the trained networks of `train`. phi, phi' and phi'' are written
 * here once, as scalar functions and as TensorFlow.js tensors (tests/unit/activations.test.ts checks
 * the derivatives against finite differences).
 */
import type * as tfjs from "@tensorflow/tfjs";
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

/** phi''(x) as a scalar function (0 for relu and linear, away from relu's kink). */
export function activationSecondDerivative(a: Activation): (x: number) => number {
  assertActivation(a, "activationSecondDerivative");
  switch (a) {
    case "relu": return () => 0;
    case "tanh": return (x) => { const t = Math.tanh(x); return -2 * t * (1 - t * t); };
    case "erf": return (x) => -2 * x * TWO_OVER_SQRT_PI * Math.exp(-x * x);
    case "linear": return () => 0;
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

/**
 * phi(h) as a tensor: the one place the lab's networks apply their nonlinearity (the network's
 * forward pass, backpropagation, the R-operator of curvature.ts and the batched trainer all call it).
 */
export function activationTensor(tf: typeof tfjs, a: Activation, h: tfjs.Tensor): tfjs.Tensor {
  switch (a) {
    case "relu": return tf.relu(h);
    case "tanh": return tf.tanh(h);
    case "erf": return tf.erf(h);
    case "linear": return h;
  }
}

/** Whether phi'(h) needs the pre-activation h itself (erf), or can be read off a = phi(h) alone. */
export function derivativeNeedsPre(a: Activation): boolean {
  return a === "erf";
}

/**
 * phi'(h) and phi''(h) as tensors, from what a forward pass kept: the activation `post` = phi(h) and,
 * where `derivativeNeedsPre`, the pre-activation `pre` = h. Each transcendental function is evaluated
 * once: tanh' = 1 - a^2 and tanh'' = -2 a tanh' reuse a = tanh(h); relu' = step(a) (relu'(0) = 0).
 * `null` stands for the identity (linear: phi' = 1) or for zero (phi'' of relu and linear), so a
 * caller skips that product instead of multiplying by a tensor of ones or zeros. phi'' is computed
 * only when asked for (the Hessian's R-operator needs it, backpropagation does not).
 */
export function activationDerivatives(tf: typeof tfjs, a: Activation, at: { pre?: tfjs.Tensor | null; post: tfjs.Tensor }): {
  d1: tfjs.Tensor | null;
  d2: () => tfjs.Tensor | null;
} {
  const pre = (): tfjs.Tensor => {
    if (!at.pre) throw new Error(`activationDerivatives: "${a}" needs the pre-activation`);
    return at.pre;
  };
  switch (a) {
    case "relu": return { d1: tf.step(at.post, 0), d2: () => null };
    case "linear": return { d1: null, d2: () => null };
    case "tanh": {
      const d1 = tf.sub(1, tf.square(at.post));
      return { d1, d2: () => tf.mul(-2, tf.mul(at.post, d1)) };
    }
    case "erf": {
      const h = pre();
      const d1 = tf.mul(TWO_OVER_SQRT_PI, tf.exp(tf.neg(tf.square(h))));
      return { d1, d2: () => tf.mul(-2, tf.mul(h, d1)) };
    }
  }
}

/** phi'(h) as a tensor from the pre-activation alone (relu'(0) = 0; linear gives a tensor of ones). */
export function activationDerivativeTensor(tf: typeof tfjs, a: Activation, h: tfjs.Tensor): tfjs.Tensor {
  const { d1 } = activationDerivatives(tf, a, { pre: h, post: derivativeNeedsPre(a) || a === "linear" ? h : activationTensor(tf, a, h) });
  return d1 ?? tf.onesLike(h);
}
