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
import type { LossName } from "./losses";

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
 * losses.ts: "mse" the mean over examples and outputs, "half-mse" half the mean over examples of the
 * summed squares, "softmax-ce" the mean softmax cross-entropy).
 */
export function lossWithGradient(tf: typeof tfjs, loss: LossName, f: tfjs.Tensor2D, y: tfjs.Tensor2D): { value: tfjs.Scalar; grad: tfjs.Tensor2D } {
  const [n, k] = f.shape;
  switch (loss) {
    case "mse": {
      const diff = tf.sub(f, y);
      return { value: tf.mean(tf.square(diff)) as tfjs.Scalar, grad: tf.mul(diff, 2 / (n * k)) as tfjs.Tensor2D };
    }
    case "half-mse": {
      const diff = tf.sub(f, y);
      return { value: tf.mul(tf.sum(tf.square(diff)), 0.5 / n) as tfjs.Scalar, grad: tf.mul(diff, 1 / n) as tfjs.Tensor2D };
    }
    case "softmax-ce": {
      // -sum_j y_j log softmax(f)_j per row; its gradient softmax(f) - y assumes rows of y sum to 1 (one-hot
      // or probabilities, as losses.ts says), exactly like tf.losses.softmaxCrossEntropy's own gradient
      const lsm = tf.logSoftmax(f);
      const value = tf.mul(tf.sum(tf.mul(y, lsm)), -1 / n) as tfjs.Scalar;
      const grad = tf.mul(tf.sub(tf.exp(lsm), y), 1 / n) as tfjs.Tensor2D;
      return { value, grad };
    }
  }
}

/** Column sums of an n x w matrix as a [w] vector: a product with a row of ones (fast on every backend). */
function columnSums(tf: typeof tfjs, m: tfjs.Tensor2D): tfjs.Tensor1D {
  const [n, w] = m.shape;
  return tf.reshape(tf.matMul(tf.ones([1, n]), m), [w]) as tfjs.Tensor1D;
}

/**
 * Loss and gradients of `net` on inputs x (n x inputDim) and targets y (n x outputDim), by a forward
 * pass that keeps what the backward pass needs and a backward pass written out per layer:
 *   h^l = m_l a^(l-1) W_l + mb_l b_l,  a^l = phi(h^l),
 *   dW_l = m_l a^(l-1)^T delta^l,  db_l = mb_l sum_rows delta^l,  delta^(l-1) = m_l (delta^l W_l^T) * phi'(h^(l-1)).
 * Call inside tf.tidy.
 */
export function backprop(net: Network, x: tfjs.Tensor2D, y: tfjs.Tensor2D, loss: LossName): Backprop {
  const tf = net.tf;
  const act = net.spec.activation;
  const layers = net.layers;
  const last = layers.length - 1;
  const inputs: tfjs.Tensor2D[] = [];
  const pre: (tfjs.Tensor2D | null)[] = []; // h^l where the derivative needs it (tanh: a^l suffices; relu: a^l > 0)
  const post: tfjs.Tensor2D[] = [];
  let a = x;
  layers.forEach((l, i) => {
    inputs.push(a);
    const isLast = i === last;
    const simple = l.multiplier === 1 && (!l.b || l.biasMultiplier === 1);
    let h: tfjs.Tensor2D;
    if (simple && (isLast || act === "relu" || act === "linear")) {
      // one kernel for a W + b and the activation; the ReLU derivative is read off its output
      const out = tf.fused.matMul({ a, b: l.W as tfjs.Tensor2D, bias: l.b ?? undefined, activation: isLast || act === "linear" ? "linear" : "relu" }) as tfjs.Tensor2D;
      pre.push(null);
      post.push(out);
      a = out;
      return;
    }
    if (simple) h = tf.fused.matMul({ a, b: l.W as tfjs.Tensor2D, bias: l.b ?? undefined }) as tfjs.Tensor2D;
    else {
      h = tf.matMul(a, l.W as tfjs.Tensor2D);
      if (l.multiplier !== 1) h = tf.mul(h, l.multiplier);
      if (l.b) h = tf.add(h, l.biasMultiplier === 1 ? l.b : tf.mul(l.b, l.biasMultiplier)) as tfjs.Tensor2D;
    }
    if (isLast || act === "linear") a = h;
    else if (act === "relu") a = tf.relu(h);
    else if (act === "tanh") a = tf.tanh(h);
    else a = tf.erf(h);
    pre.push(act === "erf" ? h : null);
    post.push(a);
  });
  const { value, grad } = lossWithGradient(tf, loss, a, y);

  const deltas: tfjs.Tensor2D[] = new Array(layers.length);
  const gW: tfjs.Tensor[] = new Array(layers.length), gb: (tfjs.Tensor | null)[] = new Array(layers.length);
  let delta = grad;
  for (let i = last; i >= 0; i--) {
    const l = layers[i];
    deltas[i] = delta;
    const dm = l.multiplier === 1 ? delta : (tf.mul(delta, l.multiplier) as tfjs.Tensor2D);
    gW[i] = tf.matMul(inputs[i], dm, true, false);
    gb[i] = l.b ? (l.biasMultiplier === 1 ? columnSums(tf, delta) : tf.mul(columnSums(tf, delta), l.biasMultiplier)) : null;
    if (i === 0) break;
    const da = tf.matMul(dm, l.W as tfjs.Tensor2D, false, true);
    const below = post[i - 1];
    switch (act) {
      case "relu": delta = tf.mul(da, tf.step(below, 0)) as tfjs.Tensor2D; break;
      case "tanh": delta = tf.mul(da, tf.sub(1, tf.square(below))) as tfjs.Tensor2D; break;
      case "erf": delta = tf.mul(da, tf.mul(2 / Math.sqrt(Math.PI), tf.exp(tf.neg(tf.square(pre[i - 1] as tfjs.Tensor2D))))) as tfjs.Tensor2D; break;
      case "linear": delta = da as tfjs.Tensor2D; break;
    }
  }
  const grads: tfjs.Tensor[] = [];
  layers.forEach((l, i) => {
    grads.push(gW[i]);
    if (l.b) grads.push(gb[i] as tfjs.Tensor);
  });
  return { loss: value, grads, inputs, deltas };
}
