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
