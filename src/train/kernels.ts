/**
 * The kernels of a network spec: in closed form at infinite width (`kernelOf`, via the arc-cosine and
 * erf formulas of models/kernels.ts), and measured on one finite network (`empiricalNtk`,
 * `nngpEstimate`), so a chapter compares a trained network with the kernel of the same spec.
 */
import type * as tfjs from "@tensorflow/tfjs";
import type { Matrix } from "../linalg/matrix";
import { netKernels } from "../models/kernels";
import { NetworkSpec, resolveSpec } from "./spec";
import { MatrixLike, Network, activationDerivativeTensor, toTensor } from "./network";

/** Infinite-width kernels of a spec: K(X, Z) for the rows of X and Z. */
export interface SpecKernels {
  /** Covariance of the output at initialisation (the NNGP). */
  nngp(X: Matrix, Z?: Matrix): Matrix;
  /** The neural tangent kernel of the NTK parameterization (gradient descent at learning rate 1). */
  ntk(X: Matrix, Z?: Matrix): Matrix;
}

/**
 * Closed-form NNGP and NTK of a spec (relu or erf networks). The NNGP is the same for the standard and
 * NTK parameterizations (same function at initialisation). The NTK returned is that of the NTK
 * parameterization; a standard-parameterized network follows the same kernel when its learning rate
 * is scaled by 1 / width. muP has no fixed kernel (its features move), so it is refused.
 */
export function kernelOf(spec: NetworkSpec): SpecKernels {
  const s = resolveSpec(spec);
  if (s.parameterization === "mup") throw new RangeError("kernelOf: a muP network has no infinite-width kernel (its features keep learning); use parameterization \"ntk\" or \"standard\"");
  if (s.activation !== "relu" && s.activation !== "erf") throw new RangeError(`kernelOf: closed forms exist for relu and erf networks, not ${s.activation} (erf is the smooth tanh-like choice)`);
  if (s.hidden.length < 1) throw new RangeError("kernelOf: the spec needs at least one hidden layer");
  if (s.outputDim !== 1) throw new RangeError("kernelOf: the kernel is that of one output; use outputDim 1 (each output of a wider readout has the same kernel)");
  if (s.init !== "gaussian") throw new RangeError("kernelOf: the closed forms assume Gaussian weights");
  const o = { depth: s.hidden.length, sigmaW2: s.cw, sigmaB2: s.bias ? s.cb : 0, activation: s.activation };
  return {
    nngp: (X, Z) => netKernels(X, Z ?? X, o).nngp,
    ntk: (X, Z) => netKernels(X, Z ?? X, o).ntk,
  };
}

function gramOf(tf: typeof tfjs, a: tfjs.Tensor2D): tfjs.Tensor2D {
  return tf.matMul(a, a, false, true);
}

/**
 * The empirical NTK of one network, Theta(x, z) = sum_p s_p df(x)/dtheta_p df(z)/dtheta_p over every
 * parameter, weighted by its SGD learning-rate scale s_p (1 except under muP, where this weighted
 * kernel is the one that drives gradient descent). Computed exactly layer by layer from one forward
 * and one backward pass: with delta^l = df/dh^l and a^{l-1} the layer's input,
 *   Theta = sum_l s_l m_l^2 (delta^l delta^l^T) o (a^{l-1} a^{l-1}^T) + s_b m_b^2 (delta^l delta^l^T).
 * `output` picks the output unit (default 0). Returns an n x n float64 Matrix.
 */
export function empiricalNtk(net: Network, X: MatrixLike, opts: { output?: number } = {}): Matrix {
  const tf = net.tf;
  const k = opts.output ?? 0;
  if (!(Number.isInteger(k) && k >= 0 && k < net.spec.outputDim)) throw new RangeError(`empiricalNtk: output must be an integer in [0, ${net.spec.outputDim}), got ${k}`);
  const theta = tf.tidy(() => {
    const x = toTensor(tf, X, "empiricalNtk");
    const { pre, post } = net.trace(x);
    const n = x.shape[0];
    const L = net.layers.length;
    // delta at the output: selects output k
    const sel = new Float32Array(n * net.spec.outputDim);
    for (let i = 0; i < n; i++) sel[i * net.spec.outputDim + k] = 1;
    let delta: tfjs.Tensor2D = tf.tensor2d(sel, [n, net.spec.outputDim]);
    let out: tfjs.Tensor2D = tf.zeros([n, n]);
    for (let l = L - 1; l >= 0; l--) {
      const layer = net.layers[l];
      const dd = gramOf(tf, delta);
      out = tf.add(out, tf.mul(dd, tf.mul(gramOf(tf, post[l]), layer.lrScale.sgd * layer.multiplier ** 2)));
      if (layer.b) out = tf.add(out, tf.mul(dd, layer.biasLrScale.sgd * layer.biasMultiplier ** 2));
      if (l === 0) break;
      // back through layer l: delta^{l-1} = phi'(h^{l-1}) o (m_l delta^l W_l^T)
      const back = tf.mul(tf.matMul(delta, layer.W, false, true), layer.multiplier);
      delta = tf.mul(back, activationDerivativeTensor(tf, net.spec.activation, pre[l - 1])) as tfjs.Tensor2D;
    }
    return out;
  });
  const data = Float64Array.from(theta.dataSync());
  const n = theta.shape[0];
  theta.dispose();
  // exact symmetry (float32 products differ in the last bits)
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) { const v = 0.5 * (data[i * n + j] + data[j * n + i]); data[i * n + j] = v; data[j * n + i] = v; }
  return { rows: n, cols: n, data };
}

/**
 * One network's estimate of its NNGP: the covariance of the output over the readout's random draw,
 * given the last hidden layer, m^2 s^2 a^L(x) . a^L(z) + m_b^2 s_b^2 (for SP and NTK this is
 * C_W a.a / N + C_b). It converges to the NNGP as the width grows.
 */
export function nngpEstimate(net: Network, X: MatrixLike): Matrix {
  const tf = net.tf;
  const readout = net.layers[net.layers.length - 1];
  const g = tf.tidy(() => {
    const { post } = net.trace(toTensor(tf, X, "nngpEstimate"));
    const a = post[post.length - 2];
    const c = readout.multiplier ** 2 * readout.initStd ** 2;
    const cb = readout.hasBias ? readout.biasMultiplier ** 2 * readout.biasInitStd ** 2 : 0;
    return tf.add(tf.mul(gramOf(tf, a), c), cb);
  });
  const data = Float64Array.from(g.dataSync());
  const n = g.shape[0];
  g.dispose();
  return { rows: n, cols: n, data };
}
