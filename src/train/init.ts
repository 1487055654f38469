/**
 * Initial weights, drawn from the lab's seeded `Rng` (not TensorFlow.js's initialisers), so a network
 * is reproducible from `rng` alone and its draws do not depend on the backend.
 */
import { Rng } from "../random";
import { svd } from "../linalg";

/** fanIn x fanOut i.i.d. N(0, std^2) entries, row-major (the layout of x W). */
export function gaussianWeights(fanIn: number, fanOut: number, std: number, rng: Rng): Float32Array {
  const out = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < out.length; i++) out[i] = std * rng.normal();
  return out;
}

/**
 * A random semi-orthogonal fanIn x fanOut matrix (Haar: the polar factor U V^T of a Gaussian matrix),
 * scaled so that its entries have variance std^2 on average, like the Gaussian draw they replace:
 * with orthonormal rows (fanIn <= fanOut) or columns (fanIn > fanOut), each entry of the unscaled
 * factor has variance 1 / max(fanIn, fanOut).
 */
export function orthogonalWeights(fanIn: number, fanOut: number, std: number, rng: Rng): Float32Array {
  const g = { rows: fanIn, cols: fanOut, data: rng.normals(fanIn * fanOut) };
  const { u, v } = svd(g);
  const k = Math.min(fanIn, fanOut);
  const scale = std * Math.sqrt(Math.max(fanIn, fanOut));
  const out = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < fanIn; i++) {
    for (let j = 0; j < fanOut; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += u.data[i * k + t] * v.data[j * k + t];
      out[i * fanOut + j] = scale * s;
    }
  }
  return out;
}
