/**
 * The gradient of a network's training loss, written out layer by layer in TensorFlow.js ops
 * (backpropagation by hand) instead of through tf.variableGrads' tape. The result is the same to
 * float32 round-off (tests/unit/train/backprop.test.ts compares every parameterization, activation
 * and loss with the tape), but a step runs about a third as many kernels: the tape records every
 * op, keeps identities and reshapes, computes each ReLU mask in three kernels and sums bias gradients
 * with the slow column reduction of the wasm backend, where here a bias gradient is one product
 * with a row of ones (OpenBLAS when the native addon is built). With per-op costs of 10-50 us this is
 * most of a small network's step (docs/performance.md).
 *
 * It also gives what the tape cannot: each layer's input a^(l-1) and backpropagated error
 * delta^l = dL/dh^l, from which per-example gradient norms follow without a loop over examples
 * (|g_i|^2 = sum_l m_l^2 |a_i|^2 |delta_i|^2 + ..., see gradientNoise.ts).
 *
 * Call inside tf.tidy: every tensor it creates is an intermediate of the caller's step.
 */
import type * as tfjs from "@tensorflow/tfjs";
import type { Network } from "./network";
import { LossName, lossDerivatives } from "./losses";
import { layerStep } from "./network";
import { Activation, activationDerivatives, derivativeNeedsPre } from "../activations";

/** The loss and gradients of one backward pass. */
export interface Backprop {
  /** The mean training loss (a scalar tensor). */
  loss: tfjs.Scalar;
  /** dLoss/dparameter, in `net.variables()` order. */
  grads: tfjs.Tensor[];
  /** Per layer (1..L+1): its input a^(l-1), n x fanIn (x itself for the first layer). */
  inputs: tfjs.Tensor2D[];
  /** Per layer: dLoss/dh^l for the mean loss, n x fanOut (row i is delta_i / n for the per-example loss). */
  deltas: tfjs.Tensor2D[];
}

/**
 * The mean loss over the rows of f against y and its gradient dLoss/df (the conventions of
 * losses.ts; `lossDerivatives` there is the one implementation).
 */
export function lossWithGradient(tf: typeof tfjs, loss: LossName, f: tfjs.Tensor2D, y: tfjs.Tensor2D): { value: tfjs.Scalar; grad: tfjs.Tensor2D } {
  const d = lossDerivatives(tf, loss, f, y);
  return { value: d.value as tfjs.Scalar, grad: d.grad as tfjs.Tensor2D };
}

/** Column sums of a [n, w] (or [S, n, w]) matrix as a [w] (or [S, 1, w]) tensor: a product with a row of ones (fast on every backend). */
function columnSums(tf: typeof tfjs, m: tfjs.Tensor): tfjs.Tensor {
  if (m.rank === 2) {
    const [n, w] = m.shape;
    return tf.reshape(tf.matMul(tf.ones([1, n]), m as tfjs.Tensor2D), [w]);
  }
  return tf.matMul(tf.ones([1, 1, m.shape[1] as number]) as tfjs.Tensor3D, m as tfjs.Tensor3D);
}

/** One layer's parameters as backpropagation sees them: the multipliers its parameterization sets, weights and bias. */
export interface LayerParams {
  plan: { multiplier: number; biasMultiplier: number };
  W: tfjs.Tensor;
  b: tfjs.Tensor | null;
}

/** What `backpropLayers` returns: as `Backprop`, for one network or for members stacked along a leading axis. */
export interface LayerGradients {
  /** The loss: a scalar for one network, one value per member ([S]) when stacked. */
  loss: tfjs.Tensor;
  grads: tfjs.Tensor[];
  inputs: tfjs.Tensor[];
  deltas: tfjs.Tensor[];
}

/**
 * Loss and gradients by a forward pass that keeps what the backward pass needs and a backward pass
 * written out per layer:
 *   h^l = m_l a^(l-1) W_l + mb_l b_l,  a^l = phi(h^l),
 *   dW_l = m_l a^(l-1)^T delta^l,  db_l = mb_l sum_rows delta^l,  delta^(l-1) = m_l (delta^l W_l^T) * phi'(h^(l-1)).
 * For one network (x [n, d], W [d, w], b [w]) or for S independent networks stacked (x [S or 1, n, d],
 * W [S, d, w], b [S, 1, w], y [S or 1, n, k]): then each member's gradient is that of its own loss.
 * Call inside tf.tidy.
 */
export function backpropLayers(tf: typeof tfjs, layers: LayerParams[], act: Activation, x: tfjs.Tensor, y: tfjs.Tensor, loss: LossName): LayerGradients {
  const last = layers.length - 1;
  const inputs: tfjs.Tensor[] = [];
  // h^l only where phi' needs it (erf); tanh and relu read phi' off a^l
  const pre: (tfjs.Tensor | null)[] = [], post: tfjs.Tensor[] = [];
  let a = x;
  layers.forEach((l, i) => {
    inputs.push(a);
    const isLast = i === last;
    const step = layerStep(tf, l.plan, a, l.W, l.b, isLast ? null : act, !isLast && derivativeNeedsPre(act));
    pre.push(step.pre);
    post.push(step.post);
    a = step.post;
  });
  const { value, grad } = lossDerivatives(tf, loss, a, y);

  const deltas: tfjs.Tensor[] = new Array(layers.length);
  const gW: tfjs.Tensor[] = new Array(layers.length), gb: (tfjs.Tensor | null)[] = new Array(layers.length);
  let delta = grad;
  for (let i = last; i >= 0; i--) {
    const l = layers[i];
    deltas[i] = delta;
    const m = l.plan.multiplier, mb = l.plan.biasMultiplier;
    const dm = m === 1 ? delta : tf.mul(delta, m);
    gW[i] = tf.matMul(inputs[i] as tfjs.Tensor2D, dm as tfjs.Tensor2D, true, false);
    gb[i] = l.b ? (mb === 1 ? columnSums(tf, delta) : tf.mul(columnSums(tf, delta), mb)) : null;
    if (i === 0) break;
    const da = tf.matMul(dm as tfjs.Tensor2D, l.W as tfjs.Tensor2D, false, true);
    const { d1 } = activationDerivatives(tf, act, { pre: pre[i - 1], post: post[i - 1] });
    delta = d1 ? tf.mul(da, d1) : da;
  }
  const grads: tfjs.Tensor[] = [];
  layers.forEach((l, i) => {
    grads.push(gW[i]);
    if (l.b) grads.push(gb[i] as tfjs.Tensor);
  });
  return { loss: value, grads, inputs, deltas };
}

/**
 * Loss and gradients of `net` on inputs x (n x inputDim) and targets y (n x outputDim), by
 * `backpropLayers` with the network's own layers. Call inside tf.tidy.
 */
export function backprop(net: Network, x: tfjs.Tensor2D, y: tfjs.Tensor2D, loss: LossName): Backprop {
  const r = backpropLayers(net.tf, net.layers.map((l) => ({ plan: l, W: l.W, b: l.b })), net.spec.activation, x, y, loss);
  return { loss: r.loss as tfjs.Scalar, grads: r.grads, inputs: r.inputs as tfjs.Tensor2D[], deltas: r.deltas as tfjs.Tensor2D[] };
}
