/**
 * Point clouds of known intrinsic dimension, the test bed of the intrinsic-dimension estimators
 * (`stats.twoNN`, `stats.levinaBickel`): uniform on a sphere (curved, no boundary) and uniform in a
 * cube (flat, with a boundary).
 */
import type { Rng } from "../random";
import type { Matrix } from "../linalg";

/** Points drawn uniformly on the unit sphere S^d in R^(d+1) (a d-dimensional manifold): n x (d+1). */
export function uniformSphere(n: number, d: number, rng: Rng): Matrix {
  const D = d + 1, data = new Float64Array(n * D);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < D; j++) { const v = rng.normal(); data[i * D + j] = v; s += v * v; }
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < D; j++) data[i * D + j] *= inv;
  }
  return { rows: n, cols: D, data };
}

/** Points drawn uniformly in the cube [0, 1]^d: n x d. */
export function uniformCube(n: number, d: number, rng: Rng): Matrix {
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform();
  return { rows: n, cols: d, data };
}
