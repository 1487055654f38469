/**
 * The solvable model of neural scaling laws (Maloney, Roberts & Sully, arXiv 2210.16859; chapter 10):
 * latent Gaussian data x in R^M with a power-law spectrum lambda_I ~ I^-(1+alpha), a linear teacher
 * y = w . x (+ noise), N random features z = F x (F an N x M Gaussian matrix with E[F^T F] = I), and
 * a linear readout fitted by ridge regression on T samples,
 *   v_hat = argmin (1/T) sum_t (v . z_t - y_t)^2 + ridge |v|^2.
 * The model has two sizes, parameters N and data T, and its test loss is a power law in each.
 *
 * The closed form (large N, T, M; averaged over the teacher w ~ N(0, I_M), over the features and over
 * the sample) follows from applying the deterministic equivalent of ridge regression twice: once for
 * the T samples seen through the features, once for the N random features seen by the latent data
 * (a sketch with N Gaussian directions acts on Lambda like N samples). With
 *   df(k) = sum_I lambda_I / (lambda_I + k),   D2(k) = sum_I lambda_I / (lambda_I + k)^2,
 * two renormalised ridges kappa_1 (sample level) and kappa_2 (feature level) solve
 *   kappa_1 = kappa_2 (1 - df(kappa_2) / N),   ridge = kappa_1 (1 - df(kappa_2) / T),
 * and the test loss (against noisy labels, noise variance sigma^2) is
 *   L = [ kappa_2^2 D2(kappa_2) / (1 - gamma_2) + sigma^2 ] / (1 - gamma_1),
 *   gamma_2 = (1/N) sum_I lambda_I^2 / (lambda_I + kappa_2)^2,
 *   gamma_1 = (1/T) [ df(kappa_2) - kappa_1 D2(kappa_2) / (1 - gamma_2) ].
 * Without ridge, df(kappa_2) = min(N, T): the model is symmetric under N <-> T (the duality of
 * Maloney et al. and of Bahri et al.'s resolution-limited exponents). Checks of the formula:
 * N -> infinity gives the kernel (ridge) learning curve of `theory.learningCurve` with target power
 * lambda_I; T -> infinity without ridge gives the approximation error of N random projections
 * (for Lambda = I: |w|^2 (1 - N/M)); ridgeless with T > N gives approx(N) T / (T - N), the
 * variance-limited regime (exponent 1), diverging at T = N.
 *
 * For lambda_I = I^-(1+alpha) and N, T << M the loss falls as min(N, T)^-alpha (resolution-limited);
 * when N or T reaches M the modes are exhausted and the power law ends (at the noise floor sigma^2).
 */

export interface RandomFeatureScalingInput {
  /** Latent covariance eigenvalues lambda_I (> 0). */
  spectrum: ArrayLike<number>;
  /** Number of random features N and of training samples T. */
  N: number;
  T: number;
  /** Ridge (default 0: the minimum-norm interpolator when N > T, least squares when N < T). */
  ridge?: number;
  /** Label-noise standard deviation (default 0). */
  sigma?: number;
}

/** The solvable random-feature model's test loss at N features and T samples. */
export interface RandomFeatureScalingPoint {
  N: number;
  T: number;
  /** Test loss against noisy labels (includes sigma^2); `excess` = loss - sigma^2. */
  loss: number;
  excess: number;
  /** The same, divided by the target variance sum_I lambda_I. */
  relativeLoss: number;
  relativeExcess: number;
  kappa1: number;
  kappa2: number;
  gamma1: number;
  gamma2: number;
}

function sums(lam: ArrayLike<number>, k: number): { df: number; D2: number; q: number } {
  let df = 0, D2 = 0, q = 0;
  for (let i = 0; i < lam.length; i++) {
    const l = lam[i], r = 1 / (l + k);
    df += l * r;
    D2 += l * r * r;
    q += l * l * r * r;
  }
  return { df, D2, q };
}

/** kappa with df(kappa) = target (bisection on log kappa; df decreases from M to 0). */
function solveDf(lam: ArrayLike<number>, target: number): number {
  let total = 0, lmax = 0;
  for (let i = 0; i < lam.length; i++) { total += lam[i]; lmax = Math.max(lmax, lam[i]); }
  let hi = total * 4 + lmax, lo = hi;
  for (let i = 0; i < 2000 && sums(lam, lo).df < target; i++) lo /= 2;
  for (let it = 0; it < 200; it++) {
    const mid = Math.sqrt(lo * hi);
    if (sums(lam, mid).df > target) lo = mid; else hi = mid;
    if (hi / lo - 1 < 1e-14) break;
  }
  return Math.sqrt(lo * hi);
}

/** The closed-form test loss of the random-feature model (see the file's note). */
export function randomFeatureScalingPoint(input: RandomFeatureScalingInput): RandomFeatureScalingPoint {
  const lam = input.spectrum, M = lam.length;
  const { N, T } = input;
  const ridge = input.ridge ?? 0, s2 = (input.sigma ?? 0) ** 2;
  if (!(N > 0 && T > 0)) throw new RangeError(`randomFeatureScalingPoint: N and T must be positive, got ${N}, ${T}`);
  if (ridge < 0) throw new RangeError(`randomFeatureScalingPoint: ridge must be >= 0, got ${ridge}`);
  let total = 0;
  for (let i = 0; i < M; i++) {
    if (!(lam[i] > 0)) throw new RangeError(`randomFeatureScalingPoint: eigenvalue ${i} is ${lam[i]}; all must be positive`);
    total += lam[i];
  }
  const m = Math.min(N, T);
  if (ridge === 0 && m >= M) throw new RangeError(`randomFeatureScalingPoint: without ridge min(N, T) = ${m} must stay below the latent dimension M = ${M}`);
  if (ridge === 0 && N === T) {
    return { N, T, loss: Infinity, excess: Infinity, relativeLoss: Infinity, relativeExcess: Infinity, kappa1: 0, kappa2: solveDf(lam, m), gamma1: 1, gamma2: NaN };
  }
  // kappa_2: ridgeless, df = min(N, T); with ridge, solve kappa2 (1 - df/N)(1 - df/T) = ridge for kappa2 above that point
  const kMin = m < M ? solveDf(lam, m) : 0;
  let k2 = kMin;
  if (ridge > 0) {
    const g = (k: number): number => { const df = sums(lam, k).df; return k * (1 - df / N) * (1 - df / T) - ridge; };
    let lo = Math.max(kMin, 1e-300), hi = Math.max(kMin, ridge) * 2 + 1e-300;
    while (g(hi) < 0) hi *= 2;
    for (let it = 0; it < 300; it++) {
      const mid = lo > 0 ? Math.sqrt(lo * hi) : hi / 2;
      if (g(mid) < 0) lo = mid; else hi = mid;
      if (hi / lo - 1 < 1e-14) break;
    }
    k2 = Math.sqrt(lo * hi);
  }
  const { df, D2, q } = sums(lam, k2);
  const k1 = k2 * (1 - df / N);
  const gamma2 = q / N;
  const gamma1 = (df - (k1 * D2) / (1 - gamma2)) / T;
  const bias = (k2 * k2 * D2) / (1 - gamma2);
  const loss = (bias + s2) / (1 - gamma1);
  return { N, T, loss, excess: loss - s2, relativeLoss: loss / total, relativeExcess: (loss - s2) / total, kappa1: k1, kappa2: k2, gamma1, gamma2 };
}

/** The closed-form loss over a grid: points[i][j] for Ns[i] features and Ts[j] samples. */
export function randomFeatureScalingGrid(spectrum: ArrayLike<number>, Ns: number[], Ts: number[], opts: { ridge?: number; sigma?: number } = {}): RandomFeatureScalingPoint[][] {
  return Ns.map((N) => Ts.map((T) => randomFeatureScalingPoint({ spectrum, N, T, ...opts })));
}
