/**
 * Fourier analysis of functions on Z_p, the integers mod p: which frequencies a learned embedding
 * uses. A network trained on modular addition gives each residue a = 0..p-1 a vector E[a] (a row of
 * its first layer); each column e(a) of E (one hidden unit) is a function on Z_p, and
 *   e^(k) = sum_a e(a) exp(-2 pi i k a / p),   k = 0..p-1,
 * its discrete Fourier transform. For real e, frequencies k and p - k carry the same power, so the
 * power of frequency k = 1..(p-1)/2 (p odd) is |e^(k)|^2 + |e^(p-k)|^2 = 2 |e^(k)|^2; k = 0 is the mean.
 * The learned solutions of modular addition are sums of cos(2 pi k (a + b) / p) (Nanda et al., arXiv
 * 2301.05217; Gromov, arXiv 2301.02679), so each unit concentrates its power on one frequency.
 *
 * Direct O(p^2) transforms, written by hand: p is a few dozen here, and the lab has no FFT dependency.
 */
import type { Matrix } from "../linalg/matrix";

/** The Fourier power of functions on Z_p at each frequency 1..(p-1)/2. */
export interface ZpSpectrum {
  p: number;
  /** Frequencies 1..(p-1)/2. */
  frequencies: number[];
  /** Power of each frequency (rows, in `frequencies` order) for each column: K x m, row-major. */
  power: Matrix;
  /** Power of the mean (k = 0) of each column, p * mean^2. */
  dc: Float64Array;
}

/**
 * The power spectrum over Z_p of each column of `values` (p rows: the function's value at a = 0..p-1).
 * p must be odd (then every non-zero frequency pairs with a distinct partner p - k).
 */
export function zpPowerSpectrum(values: Matrix): ZpSpectrum {
  const p = values.rows, m = values.cols;
  if (!(Number.isInteger(p) && p >= 3 && p % 2 === 1)) throw new RangeError(`zpPowerSpectrum: need an odd number of rows p >= 3 (the residues), got ${p}`);
  const K = (p - 1) / 2;
  const cos = new Float64Array(p), sin = new Float64Array(p);
  for (let t = 0; t < p; t++) {
    cos[t] = Math.cos((2 * Math.PI * t) / p);
    sin[t] = Math.sin((2 * Math.PI * t) / p);
  }
  const power = new Float64Array(K * m), dc = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let s0 = 0;
    for (let a = 0; a < p; a++) s0 += values.data[a * m + j];
    dc[j] = (s0 * s0) / p;
    for (let k = 1; k <= K; k++) {
      let re = 0, im = 0;
      for (let a = 0; a < p; a++) {
        const v = values.data[a * m + j], t = (k * a) % p;
        re += v * cos[t];
        im -= v * sin[t];
      }
      // |e^(k)|^2 + |e^(p-k)|^2, normalised so that sum over k = 0..K equals sum_a e(a)^2 (Parseval)
      power[(k - 1) * m + j] = (2 * (re * re + im * im)) / p;
    }
  }
  return { p, frequencies: Array.from({ length: K }, (_, i) => i + 1), power: { rows: K, cols: m, data: power }, dc };
}

/** How concentrated each column's Fourier power is on its strongest frequency (a learned embedding's signature). */
export interface FourierConcentration {
  p: number;
  /** For each column: the share of its non-constant power on its strongest frequency. */
  topShare: Float64Array;
  /** For each column: its strongest frequency (1..(p-1)/2). */
  topFrequency: Int32Array;
  /** For each column: its non-constant power (the weight of the column in the averages below). */
  weight: Float64Array;
  /** Mean of topShare weighted by each column's power (units that weight decay has shrunk to noise count little). */
  meanTopShare: number;
  /** Share of the total non-constant power at each frequency 1..(p-1)/2 (sums to 1). */
  byFrequency: Float64Array;
  /** The expected topShare of a column of i.i.d. Gaussian noise (see `zpNullTopShare`). */
  nullTopShare: number;
}

/**
 * How concentrated each column's spectrum is: the share of its non-constant power on its single
 * strongest frequency. For a learned modular-addition embedding each unit is close to one cosine
 * (share near 1); for random weights the share is about H_K / K (`zpNullTopShare`).
 */
export function fourierConcentration(values: Matrix): FourierConcentration {
  const s = zpPowerSpectrum(values);
  const K = s.frequencies.length, m = values.cols;
  const topShare = new Float64Array(m), weight = new Float64Array(m), topFrequency = new Int32Array(m);
  const byFrequency = new Float64Array(K);
  let total = 0, weighted = 0;
  for (let j = 0; j < m; j++) {
    let sum = 0, best = -1, bestK = 0;
    for (let k = 0; k < K; k++) {
      const v = s.power.data[k * m + j];
      sum += v;
      byFrequency[k] += v;
      if (v > best) { best = v; bestK = k + 1; }
    }
    weight[j] = sum;
    topShare[j] = sum > 0 ? best / sum : 0;
    topFrequency[j] = bestK;
    total += sum;
    weighted += sum * topShare[j];
  }
  for (let k = 0; k < K; k++) byFrequency[k] = total > 0 ? byFrequency[k] / total : 0;
  return { p: s.p, topShare, topFrequency, weight, meanTopShare: total > 0 ? weighted / total : 0, byFrequency, nullTopShare: zpNullTopShare(s.p) };
}

/**
 * The expected share of the strongest of the K = (p-1)/2 frequencies for a column of i.i.d. Gaussian
 * values: the K powers are then i.i.d. exponential, their shares a flat Dirichlet, and the mean of the
 * largest share is H_K / K (H_K = 1 + 1/2 + ... + 1/K), e.g. 0.221 for p = 31.
 */
export function zpNullTopShare(p: number): number {
  if (!(Number.isInteger(p) && p >= 3 && p % 2 === 1)) throw new RangeError(`zpNullTopShare: p must be odd and >= 3, got ${p}`);
  const K = (p - 1) / 2;
  let h = 0;
  for (let k = 1; k <= K; k++) h += 1 / k;
  return h / K;
}
