/**
 * Minibatch SGD on noiseless least squares, exactly in expectation: the second moment of the error
 * in the eigenbasis of the input covariance, for Gaussian inputs (our own derivation; the setting of
 * Ma, Bassily & Belkin, arXiv 1712.06559, and of McCandlish et al., arXiv 1812.06162).
 *
 * A linear student f = x.w learns a noiseless teacher y = x.w* with the lab's "mse" loss
 * L = mean (f - y)^2 (no 1/2). With e = w - w* and a minibatch of B independent inputs x_i ~ N(0, H),
 * the step is e' = (I - 2 eta H_B) e with H_B = (1/B) sum x_i x_i^T, and the loss is L = e^T H e.
 * With M = E[e e^T], M' = M - 2 eta (H M + M H) + 4 eta^2 E[H_B M H_B], and for Gaussian inputs
 * (Isserlis) E[x x^T M x x^T] = 2 H M H + tr(H M) H, so
 *   E[H_B M H_B] = (1 - 1/B) H M H + (1/B)(2 H M H + tr(H M) H) = (1 + 1/B) H M H + (1/B) tr(H M) H.
 * The diagonal m_k = u_k^T M u_k in H's eigenbasis (eigenvalues h_k) closes on itself:
 *   m_k' = (1 - 4 eta h_k + 4 eta^2 h_k^2 (1 + 1/B)) m_k + (4 eta^2 / B) h_k (h . m),
 * and the expected loss is E L = h . m. Everything below iterates this recursion.
 *
 * The expected loss is what the recursion gives; one run's loss fluctuates around it, and a
 * measured "steps to reach a target" is one run's first crossing, so the chapter that uses this
 * compares the two and states the difference it measures.
 */

/** The exact second-moment recursion's coefficient of m_k for one eigenvalue: 1 - 4 eta h + 4 eta^2 h^2 (1 + 1/B). */
export function sgdModeFactor(h: number, lr: number, batch: number): number {
  return 1 - 4 * lr * h + 4 * lr * lr * h * h * (1 + 1 / batch);
}

/**
 * One step of the second-moment recursion (see the module note): from m (the error's second moment
 * along each eigenvector of H, eigenvalues h) to the next step's, for SGD at learning rate `lr`
 * with batches of `batch` Gaussian inputs and the "mse" loss. Writes into `out` when given.
 */
export function sgdSecondMomentStep(h: ArrayLike<number>, m: ArrayLike<number>, lr: number, batch: number, out?: Float64Array): Float64Array {
  const d = h.length;
  const r = out ?? new Float64Array(d);
  let hm = 0;
  for (let k = 0; k < d; k++) hm += h[k] * m[k];
  const noise = (4 * lr * lr / batch) * hm;
  for (let k = 0; k < d; k++) r[k] = sgdModeFactor(h[k], lr, batch) * m[k] + noise * h[k];
  return r;
}

/** The expected loss E L_t = h . m_t for t = 0 .. steps of SGD from the second moment m0 (see `sgdSecondMomentStep`). */
export function sgdExpectedLoss(hIn: ArrayLike<number>, m0: ArrayLike<number>, lr: number, batch: number, steps: number): Float64Array {
  checkSpectrum(hIn, m0, "sgdExpectedLoss");
  const h = Float64Array.from(hIn);   // a plain copy: a notebook's arrays may sit behind a slow proxy
  const out = new Float64Array(steps + 1);
  let m = Float64Array.from(m0), next = new Float64Array(m.length);
  for (let t = 0; t <= steps; t++) {
    let hm = 0;
    for (let k = 0; k < m.length; k++) hm += h[k] * m[k];
    out[t] = hm;
    if (t < steps) { sgdSecondMomentStep(h, m, lr, batch, next); [m, next] = [next, m]; }
  }
  return out;
}

/**
 * Steps until the expected loss of SGD (learning rate `lr`, batch `batch`, from m0) is at most each
 * target, looked at every `evalEvery` steps as a run records its loss (the first multiple of
 * `evalEvery` at or below the target). Infinity for a target not reached within `maxSteps` or when
 * the expected loss grows without bound (above 1e6 times its start).
 */
export function sgdStepsToTargets(o: { h: ArrayLike<number>; m0: ArrayLike<number>; lr: number; batch: number; targets: number[]; maxSteps: number; evalEvery?: number }): number[] {
  checkSpectrum(o.h, o.m0, "sgdStepsToTargets");
  const h = Float64Array.from(o.h);   // a plain copy: a notebook's arrays may sit behind a slow proxy
  const every = o.evalEvery ?? 1;
  if (!(Number.isInteger(every) && every >= 1)) throw new RangeError(`sgdStepsToTargets: evalEvery must be a positive integer, got ${every}`);
  const steps = o.targets.map(() => Infinity);
  let m = Float64Array.from(o.m0), next = new Float64Array(m.length);
  let L0 = 0;
  for (let k = 0; k < m.length; k++) L0 += h[k] * m[k];
  let left = o.targets.length;
  for (let t = 0; t <= o.maxSteps && left > 0; t++) {
    if (t % every === 0) {
      let hm = 0;
      for (let k = 0; k < m.length; k++) hm += h[k] * m[k];
      if (!(hm <= 1e6 * L0)) break;
      for (let j = 0; j < o.targets.length; j++) if (steps[j] === Infinity && hm <= o.targets[j]) { steps[j] = t; left--; }
    }
    sgdSecondMomentStep(h, m, o.lr, o.batch, next);
    [m, next] = [next, m];
  }
  return steps;
}

/** The steps to each target of expected-loss SGD at each batch size, with the learning rate (from a grid) that needs the fewest. */
export interface SgdBatchSteps {
  batchSizes: number[];
  targets: number[];
  /** steps[b][j]: the fewest steps over the learning rates for batch size b to reach target j. */
  steps: number[][];
  /** lr[b][j]: the learning rate that reached target j in those steps. */
  lr: number[][];
}

/**
 * For each batch size, the fewest steps over the learning-rate grid `lrs` for the expected loss of
 * SGD to reach each target (`sgdStepsToTargets`, evaluated every `evalEvery(B)` steps): the
 * steps-against-batch curve S(B) that a learning rate tuned per batch size gives, in expectation.
 * Fit it with `experiments.fitStepsExamples` for its critical batch E_min / S_min.
 */
export function sgdBatchSteps(o: { h: ArrayLike<number>; m0: ArrayLike<number>; batchSizes: number[]; lrs: number[]; targets: number[]; maxSteps: number; evalEvery?: (batch: number) => number }): SgdBatchSteps {
  const steps: number[][] = [], lr: number[][] = [];
  const h = Float64Array.from(o.h), m0 = Float64Array.from(o.m0);
  for (const B of o.batchSizes) {
    if (!(B >= 1)) throw new RangeError(`sgdBatchSteps: batch sizes must be at least 1, got ${B}`);
    const best = o.targets.map(() => Infinity), at = o.targets.map(() => NaN);
    for (const eta of o.lrs) {
      const s = sgdStepsToTargets({ h, m0, lr: eta, batch: B, targets: o.targets, maxSteps: o.maxSteps, evalEvery: o.evalEvery?.(B) ?? 1 });
      s.forEach((v, j) => { if (v < best[j]) { best[j] = v; at[j] = eta; } });
    }
    steps.push(best);
    lr.push(at);
  }
  return { batchSizes: o.batchSizes.slice(), targets: o.targets.slice(), steps, lr };
}

/**
 * The second moment m0 along H's eigenvectors of a starting error e0 = w0 - w*: m0_k = (u_k . e0)^2,
 * with `vectors` the eigenvectors as columns of a row-major d x d array (as `linalg.eigh` returns them).
 */
export function errorMoments(vectors: { rows: number; cols: number; data: ArrayLike<number> }, e0: ArrayLike<number>): Float64Array {
  const d = vectors.rows;
  if (vectors.cols !== d || e0.length !== d) throw new RangeError(`errorMoments: need a ${e0.length} x ${e0.length} eigenvector matrix, got ${vectors.rows} x ${vectors.cols}`);
  const m = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    let c = 0;
    for (let j = 0; j < d; j++) c += vectors.data[j * d + k] * e0[j];
    m[k] = c * c;
  }
  return m;
}

function checkSpectrum(h: ArrayLike<number>, m0: ArrayLike<number>, who: string): void {
  if (h.length !== m0.length || h.length === 0) throw new RangeError(`${who}: h and m0 need the same positive length, got ${h.length} and ${m0.length}`);
  for (let k = 0; k < h.length; k++) {
    if (!(h[k] >= 0) || !(m0[k] >= 0)) throw new RangeError(`${who}: eigenvalues and second moments must be non-negative (index ${k}: ${h[k]}, ${m0[k]})`);
  }
}
