/**
 * The gradient noise scale of McCandlish, Kaplan, Amodei et al. (arXiv 1812.06162):
 *   B_simple = tr(Sigma) / |G|^2,
 * G the mean gradient over the examples and Sigma the covariance of the per-example gradients g_i.
 * A minibatch of B examples drawn with replacement estimates G with covariance Sigma / B, so B_simple is
 * the batch size at which the noise in a minibatch gradient is as large as the gradient itself: far
 * below it, doubling the batch halves the steps; far above it, larger batches buy nothing.
 *
 * The per-example gradients are never formed. A dense layer's gradient for example i is
 * m a_i delta_i^T (a_i its input, delta_i the backpropagated error, m the layer's multiplier), whose
 * squared norm is m^2 |a_i|^2 |delta_i|^2 (Goodfellow's trick, arXiv 1510.01799); one backward pass
 * (backprop.ts) gives every a_i and delta_i, so |g_i|^2 for all examples costs about one training step.
 * The examples given are the population: Sigma = (1/n) sum_i (g_i - G)(g_i - G)^T.
 *
 *   const noise = train.gradientNoise(net, { x: X, y: Y }, { loss: "mse" });   // { bSimple, traceCov, gradNorm2, ... }
 */
import type * as tfjs from "@tensorflow/tfjs";
import type { Network } from "./network";
import { toTensor } from "./network";
import type { DataSet } from "./fit";
import { LossName, validateLoss } from "./losses";
import { backprop } from "./backprop";

/** The gradient-noise scales of a population of examples (McCandlish et al.): B_simple and B_noise. */
export interface GradientNoise {
  /** Examples used (the population). */
  examples: number;
  /** Mean loss over them. */
  loss: number;
  /** |G|^2, the squared norm of the mean gradient. */
  gradNorm2: number;
  /** Mean over examples of |g_i|^2. */
  meanExampleNorm2: number;
  /** tr(Sigma) = mean |g_i|^2 - |G|^2. */
  traceCov: number;
  /** tr(Sigma) / |G|^2. */
  bSimple: number;
}

/**
 * B_simple of `net` on the examples of `data`, from exact per-example gradient norms. With
 * `scales` (one number per variable, e.g. the layers' learning-rate scales) the gradient is measured
 * in the metric the optimizer uses: tr(P Sigma) / G^T P G with P = diag(scales).
 */
export function gradientNoise(net: Network, data: DataSet, opts: { loss?: LossName; scales?: number[] } = {}): GradientNoise {
  const tf = net.tf;
  const loss = opts.loss ?? "mse";
  validateLoss(loss);
  const vars = net.variables();
  const scales = opts.scales ?? vars.map(() => 1);
  if (scales.length !== vars.length) throw new RangeError(`gradientNoise: ${scales.length} scales for ${vars.length} variables`);
  const r = tf.tidy(() => {
    const x = toTensor(tf, data.x, "gradientNoise x"), y = toTensor(tf, data.y, "gradientNoise y");
    const n = x.shape[0];
    if (y.shape[0] !== n) throw new RangeError(`gradientNoise: x has ${n} rows but y has ${y.shape[0]}`);
    const bp = backprop(net, x, y, loss);
    const g2 = tf.addN(bp.grads.map((g, k) => tf.mul(tf.sum(tf.square(g)), scales[k])));
    // per-example squared norms: the rows of delta are delta_i / n, so |g_i|^2 = n^2 sum_l (m_l^2 |a_i|^2 + mb_l^2) |delta_i / n|^2
    let k = 0;
    const per: tfjs.Tensor[] = net.layers.map((l, i) => {
      const sW = scales[k++], sb = l.b ? scales[k++] : 0;
      const a2 = tf.sum(tf.square(bp.inputs[i]), 1), d2 = tf.sum(tf.square(bp.deltas[i]), 1);
      const coef = tf.add(tf.mul(a2, sW * l.multiplier ** 2), l.b ? sb * l.biasMultiplier ** 2 : 0);
      return tf.mul(coef, d2);
    });
    const meanPer = tf.mul(tf.mean(tf.addN(per)), n * n);
    return { n, loss: bp.loss.dataSync()[0], g2: g2.dataSync()[0], meanPer: meanPer.dataSync()[0] };
  });
  const traceCov = Math.max(0, r.meanPer - r.g2);
  return { examples: r.n, loss: r.loss, gradNorm2: r.g2, meanExampleNorm2: r.meanPer, traceCov, bSimple: traceCov / r.g2 };
}
