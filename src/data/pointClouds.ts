/**
 * Small point clouds in 3-D and a target that respects their symmetries: a sum of a pair potential
 * over the points, E = sum_{i<j} phi(|x_i - x_j|), unchanged by rotations, translations and
 * permutations of the points. The group actions are here too, so that a test (and a reader) can
 * verify the invariance, and so that augmentation can draw from the group.
 *
 * A cloud of k points is stored as one row of 3k numbers: x_1, y_1, z_1, x_2, ... .
 */
import { Rng } from "../random";

/** The pair potential of `pointCloudTask`: a soft repulsive core and an attractive well, phi(r) = e^{-r^2} - 0.6 e^{-r^2 / 4}. */
export function pairPotential(r: number): number {
  return Math.exp(-r * r) - 0.6 * Math.exp(-(r * r) / 4);
}

/**
 * A smoother pair potential, the attractive well alone: phi(r) = -e^{-r^2 / 4}. In `pairPotential` the
 * soft core and the well nearly cancel over Gaussian clouds (for three points the energy's variance is a third of
 * each part's), which leaves a target with fine structure that an MLP on coordinates learns slowly;
 * chapter 12, section 5 uses this one.
 */
export function gaussianWellPotential(r: number): number {
  return -Math.exp(-(r * r) / 4);
}

function checkCloud(cloud: ArrayLike<number>, k: number, who: string): void {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`${who}: k must be an integer >= 2, got ${k}`);
  if (cloud.length !== 3 * k) throw new RangeError(`${who}: a cloud of ${k} points has ${3 * k} coordinates, got ${cloud.length}`);
}

/** E = sum over pairs of phi(distance) for one cloud of k points. */
export function pairEnergy(cloud: ArrayLike<number>, k: number, phi: (r: number) => number = pairPotential): number {
  checkCloud(cloud, k, "pairEnergy");
  let E = 0;
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) E += phi(distance(cloud, i, j));
  return E;
}

function distance(c: ArrayLike<number>, i: number, j: number): number {
  const dx = c[3 * i] - c[3 * j], dy = c[3 * i + 1] - c[3 * j + 1], dz = c[3 * i + 2] - c[3 * j + 2];
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}

/**
 * The k(k-1)/2 pairwise distances of a cloud, sorted ascending: a complete set of invariants for
 * generic clouds up to rotations, reflections, translations and permutations (and the input of the
 * invariant model).
 */
export function sortedPairDistances(cloud: ArrayLike<number>, k: number): Float64Array {
  checkCloud(cloud, k, "sortedPairDistances");
  const out = new Float64Array((k * (k - 1)) / 2);
  let p = 0;
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) out[p++] = distance(cloud, i, j);
  return out.sort();
}

/** A uniformly random rotation matrix (row-major 3 x 3) from a uniformly random unit quaternion. */
export function randomRotation(rng: Rng): Float64Array {
  let a = rng.normal(), b = rng.normal(), c = rng.normal(), d = rng.normal();
  const n = Math.hypot(a, b, c, d);
  a /= n; b /= n; c /= n; d /= n;
  return Float64Array.of(
    a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c),
    2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b),
    2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d,
  );
}

/** The cloud with every point rotated by R (row-major 3 x 3). */
export function rotateCloud(cloud: ArrayLike<number>, k: number, R: ArrayLike<number>): Float64Array {
  checkCloud(cloud, k, "rotateCloud");
  const out = new Float64Array(3 * k);
  for (let i = 0; i < k; i++) {
    for (let r = 0; r < 3; r++) out[3 * i + r] = R[3 * r] * cloud[3 * i] + R[3 * r + 1] * cloud[3 * i + 1] + R[3 * r + 2] * cloud[3 * i + 2];
  }
  return out;
}

/** The cloud with its points reordered: point i of the result is point perm[i] of the input. */
export function permuteCloud(cloud: ArrayLike<number>, k: number, perm: ArrayLike<number>): Float64Array {
  checkCloud(cloud, k, "permuteCloud");
  const out = new Float64Array(3 * k);
  for (let i = 0; i < k; i++) for (let r = 0; r < 3; r++) out[3 * i + r] = cloud[3 * perm[i] + r];
  return out;
}

/** The cloud shifted by a vector t (3 numbers). */
export function translateCloud(cloud: ArrayLike<number>, k: number, t: ArrayLike<number>): Float64Array {
  checkCloud(cloud, k, "translateCloud");
  return Float64Array.from(cloud, (v, idx) => v + t[idx % 3]);
}

/**
 * A random element of the group (rotation, then permutation) applied to a cloud. With `out`, the result
 * is written there from `offset` (e.g. straight into a float32 minibatch; no arrays made per call) and
 * `out` is returned; the draws and the numbers are those of rotateCloud then permuteCloud.
 */
export function randomSymmetry<T extends Float64Array | Float32Array = Float64Array>(cloud: ArrayLike<number>, k: number, rng: Rng, out?: T, offset = 0): T {
  checkCloud(cloud, k, "randomSymmetry");
  const R = randomRotation(rng), perm = rng.permutation(k);
  const dest = out ?? (new Float64Array(3 * k) as T);
  if (offset < 0 || offset + 3 * k > dest.length) throw new RangeError(`randomSymmetry: ${3 * k} values do not fit in out (length ${dest.length}) at offset ${offset}`);
  for (let i = 0; i < k; i++) {
    const p = 3 * perm[i];
    for (let r = 0; r < 3; r++) dest[offset + 3 * i + r] = R[3 * r] * cloud[p] + R[3 * r + 1] * cloud[p + 1] + R[3 * r + 2] * cloud[p + 2];
  }
  return dest;
}

/** A point-cloud regression set: clouds as rows, their invariant features, and the standardised target. */
export interface PointCloudTask {
  k: number;
  /** n x 3k coordinates (float32 rows for the networks). */
  coordinates: { rows: number; cols: number; data: Float32Array };
  /** n x k(k-1)/2 sorted pairwise distances. */
  distances: { rows: number; cols: number; data: Float32Array };
  /** n x 1 target (E - mean) / std, with the mean and std given. */
  target: { rows: number; cols: number; data: Float32Array };
  mean: number;
  std: number;
}

/**
 * n clouds of k points with i.i.d. standard normal coordinates, their pair energies (with the pair
 * potential `phi`, default `pairPotential`) standardised by `scale` (mean and std; by default those of
 * this sample), and the invariant features.
 */
export function pointCloudTask(opts: { k: number; n: number; rng: Rng; scale?: { mean: number; std: number }; phi?: (r: number) => number }): PointCloudTask {
  const { k, n } = opts;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`pointCloudTask: n must be a positive integer, got ${n}`);
  if (!(opts.rng instanceof Rng)) throw new TypeError("pointCloudTask: pass { rng }");
  const clouds: Float64Array[] = [], E = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    const c = opts.rng.normals(3 * k);
    clouds.push(c);
    E[s] = pairEnergy(c, k, opts.phi);
  }
  let mean = opts.scale?.mean, std = opts.scale?.std;
  if (mean === undefined || std === undefined) {
    mean = E.reduce((a, b) => a + b, 0) / n;
    const m = mean;
    std = Math.sqrt(E.reduce((a, b) => a + (b - m) ** 2, 0) / n);
  }
  return fromClouds(clouds, k, E, mean, std as number);
}

function fromClouds(clouds: ArrayLike<number>[], k: number, E: ArrayLike<number>, mean: number, std: number): PointCloudTask {
  const n = clouds.length, P = (k * (k - 1)) / 2;
  const coordinates = new Float32Array(n * 3 * k), distances = new Float32Array(n * P), target = new Float32Array(n);
  clouds.forEach((c, s) => {
    coordinates.set(Float32Array.from(c), s * 3 * k);
    distances.set(Float32Array.from(sortedPairDistances(c, k)), s * P);
    target[s] = (E[s] - mean) / std;
  });
  return { k, coordinates: { rows: n, cols: 3 * k, data: coordinates }, distances: { rows: n, cols: P, data: distances }, target: { rows: n, cols: 1, data: target }, mean, std };
}

/**
 * Augmentation: every cloud of the first `n` rows of a task, plus `copies` random rotations and
 * permutations of it, with the same target (the group leaves it unchanged).
 */
export function augmentPointClouds(task: PointCloudTask, n: number, copies: number, rng: Rng): PointCloudTask {
  const k = task.k, clouds: Float64Array[] = [], E: number[] = [];
  for (let s = 0; s < n; s++) {
    const c = Float64Array.from(task.coordinates.data.subarray(s * 3 * k, (s + 1) * 3 * k));
    const e = task.target.data[s] * task.std + task.mean;
    clouds.push(c); E.push(e);
    for (let m = 0; m < copies; m++) { clouds.push(randomSymmetry(c, k, rng.fork(`cloud ${s} copy ${m}`))); E.push(e); }
  }
  return fromClouds(clouds, k, E, task.mean, task.std);
}
