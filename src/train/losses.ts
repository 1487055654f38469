/**
 * Training losses, as names so a cached result's key records them.
 *   "mse"        mean over examples and outputs of (f - y)^2
 *   "half-mse"   half of that, (1/2n) sum (f - y)^2: the convention of the edge-of-stability and
 *                catapult papers, whose Hessian is the Gauss-Newton matrix J^T J / n near a minimum
 *   "softmax-ce" mean over examples of the softmax cross-entropy; y one-hot (or probabilities)
 */
import type * as tfjs from "@tensorflow/tfjs";

/** The training losses: mean squared error, half of it, or softmax cross-entropy. */
export type LossName = "mse" | "half-mse" | "softmax-ce";

/** Throws a RangeError unless `loss` names a supported loss. */
export function validateLoss(loss: unknown): asserts loss is LossName {
  if (!["mse", "half-mse", "softmax-ce"].includes(loss as string)) {
    throw new RangeError(`loss must be "mse", "half-mse" or "softmax-ce"; got ${JSON.stringify(loss)}`);
  }
}

/** The loss of predictions `f` against targets `y` (a scalar tensor). */
export function lossTensor(tf: typeof tfjs, loss: LossName, f: tfjs.Tensor2D, y: tfjs.Tensor2D): tfjs.Scalar {
  switch (loss) {
    case "mse": return tf.mean(tf.squaredDifference(f, y)) as tfjs.Scalar;
    case "half-mse": return tf.mul(0.5, tf.mean(tf.sum(tf.squaredDifference(f, y), 1))) as tfjs.Scalar;
    case "softmax-ce": return tf.losses.softmaxCrossEntropy(y, f) as tfjs.Scalar;
  }
}

/** Fraction of rows whose argmax of f equals the argmax of y (classification accuracy). */
export function accuracyTensor(tf: typeof tfjs, f: tfjs.Tensor2D, y: tfjs.Tensor2D): tfjs.Scalar {
  return tf.mean(tf.cast(tf.equal(tf.argMax(f, 1), tf.argMax(y, 1)), "float32")) as tfjs.Scalar;
}

/** The value and derivatives of a loss with respect to the outputs f (see `lossDerivatives`). */
export interface LossDerivatives {
  /** The mean loss: a scalar for f of shape [n, k]; one value per member, shape [S], for [S, n, k]. */
  value: tfjs.Tensor;
  /** dL/df, the shape of f (for stacked members, each member's own mean loss differentiated). */
  grad: tfjs.Tensor;
  /** (d^2 L / df^2) Rf, when a direction Rf was given (Hessian-vector products). */
  Rgrad: tfjs.Tensor | null;
}

/**
 * The loss of outputs f against targets y, its gradient dL/df and, given a direction Rf, the
 * directional derivative of that gradient: the one loss-gradient function of the lab (backpropagation,
 * the Hessian's R-operator and the batched trainer use it). f is [n, k] (one network) or [S, n, k]
 * (S networks stacked; y may then be [1, n, k], shared). With s = the row sums of y and p = softmax(f):
 *   mse        L = sum (f - y)^2 / (n k):      g = 2 (f - y) / (n k),   Rg = 2 Rf / (n k)
 *   half-mse   L = sum (f - y)^2 / (2 n):      g = (f - y) / n,         Rg = Rf / n
 *   softmax-ce L = -sum y log softmax(f) / n:  g = (p s - y) / n,       Rg = s (p o Rf - p (p . Rf)) / n
 * The softmax gradient keeps s: it is the exact derivative for any y, where the textbook p - y (and
 * tf.losses.softmaxCrossEntropy's gradient) is right only when every row of y sums to 1. For one-hot
 * rows s = 1 exactly and both give the same floats.
 */
export function lossDerivatives(tf: typeof tfjs, loss: LossName, f: tfjs.Tensor, y: tfjs.Tensor, Rf: tfjs.Tensor | null = null): LossDerivatives {
  const rank = f.rank;
  if (rank !== 2 && rank !== 3) throw new RangeError(`lossDerivatives: outputs must be [n, k] or [members, n, k], got shape [${f.shape.join(", ")}]`);
  const n = f.shape[rank - 2], k = f.shape[rank - 1];
  // a single network reduces over everything, as it always has; stacked members over their own rows
  const perMember = rank === 2 ? undefined : [1, 2];
  switch (loss) {
    case "mse": {
      const diff = tf.sub(f, y);
      return { value: tf.mean(tf.square(diff), perMember), grad: tf.mul(diff, 2 / (n * k)), Rgrad: Rf ? tf.mul(Rf, 2 / (n * k)) : null };
    }
    case "half-mse": {
      const diff = tf.sub(f, y);
      return { value: tf.mul(tf.sum(tf.square(diff), perMember), 0.5 / n), grad: tf.mul(diff, 1 / n), Rgrad: Rf ? tf.mul(Rf, 1 / n) : null };
    }
    case "softmax-ce": {
      const lsm = tf.logSoftmax(f);
      const p = tf.exp(lsm);
      const s = tf.sum(y, -1, true);
      const value = tf.mul(tf.sum(tf.mul(y, lsm), perMember), -1 / n);
      const grad = tf.mul(tf.sub(tf.mul(p, s), y), 1 / n);
      let Rgrad: tfjs.Tensor | null = null;
      if (Rf) {
        const pRf = tf.mul(p, Rf);
        Rgrad = tf.mul(tf.mul(tf.sub(pRf, tf.mul(p, tf.sum(pRf, -1, true))), s), 1 / n);
      }
      return { value, grad, Rgrad };
    }
  }
}

/**
 * The loss of outputs f against targets y as a function for tf's tape (`tf.variableGrads`), whose
 * derivative with respect to f is `lossDerivatives`' gradient: the tape then differentiates the
 * network by itself but takes the loss's gradient from the one loss-gradient function, so that both
 * gradient paths of `train.fit` agree for any y (tf.losses.softmaxCrossEntropy's own gradient is
 * softmax - y, right only when every row of y sums to 1). y gets no gradient.
 */
export function lossForTape(tf: typeof tfjs, loss: LossName): (f: tfjs.Tensor2D, y: tfjs.Tensor2D) => tfjs.Scalar {
  validateLoss(loss);
  const custom = tf.customGrad(((f: tfjs.Tensor, y: tfjs.Tensor, save: tfjs.GradSaveFunc) => {
    save([f, y]);
    return {
      value: lossDerivatives(tf, loss, f, y).value as tfjs.Scalar,
      gradFunc: (dy: tfjs.Tensor, saved: tfjs.Tensor[]) => [tf.mul(dy, lossDerivatives(tf, loss, saved[0], saved[1]).grad), tf.zerosLike(saved[1])],
    };
  }) as unknown as Parameters<typeof tfjs.customGrad>[0]);
  return (f, y) => custom(f, y) as tfjs.Scalar;
}
