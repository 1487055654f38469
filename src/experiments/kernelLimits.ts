/**
 * Chapter 04: the infinite-width kernels against finite random networks built by `train` from the same
 * spec (Monte Carlo), and the finite-width fluctuations of one network's NTK.
 */
import type { Rng } from "../random";
import type { OnProgress } from "../progress";
import { yieldToKernel } from "../progress";
import { circleInputs } from "../data/gaussian";
import type { KernelActivation } from "../models/kernels";
import { network } from "../train/network";
import { empiricalNtk, kernelOf, nngpEstimate } from "../train/kernels";
import type { NetworkSpec } from "../train/spec";
import { mean, perPoint } from "../stats/descriptive";

/** The analytic NNGP and NTK against their Monte-Carlo estimates from finite networks, at a range of input angles. */
export interface KernelMcComparison {
  /** Angles between the first input and each input. */
  theta: number[];
  /** Analytic NNGP / NTK between x(0) and x(theta), and their Monte-Carlo estimates. */
  nngp: number[];
  ntk: number[];
  nngpMc: number[];
  ntkMc: number[];
  /** Largest |MC - analytic| over the whole kernel matrix, relative to the analytic K(x, x). */
  maxDevNngp: number;
  maxDevNtk: number;
  /** Root-mean-square of the same relative deviations over the kernel matrix. */
  rmsDevNngp: number;
  rmsDevNtk: number;
  /**
   * Root-mean-square over entries of |MC mean - analytic| / (standard error of the MC mean), the
   * standard error estimated from the spread between the networks: about 1 when the formula is right
   * (the ratio is t-distributed with nets - 1 degrees of freedom, so its rms is sqrt((k-1)/(k-3)) for k nets).
   */
  zNngp: number;
  zNtk: number;
  /**
   * Per network t: the mean over the whole kernel matrix of (K_t - K) / K(x, x), for the NNGP estimate
   * and the empirical NTK. The networks are independent, so the mean of these over networks and its
   * standard error test the formula as one number (a wrong constant shifts it; Monte-Carlo noise does not).
   */
  perNetNngp: number[];
  perNetNtk: number[];
}

/** The spec of the kernel experiments: an NTK-parameterized network of `depth` hidden layers. */
export function kernelSpec(o: { depth: number; width: number; inputDim: number; activation?: KernelActivation; cw?: number; cb?: number }): NetworkSpec {
  return { inputDim: o.inputDim, hidden: Array(o.depth).fill(o.width), activation: o.activation ?? "relu", parameterization: "ntk", cw: o.cw ?? 2, cb: o.cb ?? 0 };
}

/**
 * Analytic NNGP/NTK against Monte Carlo on inputs spread over a circle (angles in [0, pi]): `nets`
 * random networks of the spec, each giving an NNGP estimate from its last hidden layer and its
 * empirical NTK; the spread between networks gives the Monte-Carlo error. Network t is drawn from
 * `rng.fork("net t")`, the inputs from `rng.fork("inputs")`.
 */
export async function kernelMonteCarlo(o: { spec: NetworkSpec; nets: number; angles: number[]; rng: Rng; onProgress?: OnProgress }): Promise<KernelMcComparison> {
  if (o.nets < 2) throw new RangeError("kernelMonteCarlo: need at least 2 networks to estimate the Monte-Carlo error");
  const X = circleInputs(o.angles, o.spec.inputDim, o.rng.fork("inputs"));
  const K = kernelOf(o.spec);
  const exactG = K.nngp(X).data, exactT = K.ntk(X).data;
  const n = X.rows, nn = n * n;
  const netsG: Float64Array[] = [], netsT: Float64Array[] = [];
  const perNetNngp: number[] = [], perNetNtk: number[] = [];
  for (let t = 0; t < o.nets; t++) {
    const net = await network(o.spec, { rng: o.rng.fork(`net ${t}`) });
    const g = nngpEstimate(net, X).data, e = empiricalNtk(net, X).data;
    net.dispose();
    netsG.push(Float64Array.from(g)); netsT.push(Float64Array.from(e));
    let dg = 0, dt = 0;
    for (let i = 0; i < nn; i++) {
      dg += (g[i] - exactG[i]) / exactG[0]; dt += (e[i] - exactT[i]) / exactT[0];
    }
    perNetNngp.push(dg / nn);
    perNetNtk.push(dt / nn);
    o.onProgress?.({ done: t + 1, total: o.nets, label: "random networks" });
    await yieldToKernel();
  }
  // per kernel entry: the Monte-Carlo mean over networks and its standard error
  const compare = (nets: Float64Array[], ref: Float64Array) => {
    const per = perPoint(nets);
    let mx = 0, s2 = 0, z2 = 0, zc = 0;
    const mean = Float64Array.from(per.mean);
    for (let i = 0; i < nn; i++) {
      const se = per.se[i];
      const dev = Math.abs(mean[i] - ref[i]);
      mx = Math.max(mx, dev / ref[0]);
      s2 += (dev / ref[0]) ** 2;
      if (se > 1e-6 * Math.abs(ref[0])) { z2 += (dev / se) ** 2; zc++; }
    }
    return { mean, max: mx, rms: Math.sqrt(s2 / nn), z: Math.sqrt(z2 / Math.max(1, zc)) };
  };
  const G = compare(netsG, exactG), T = compare(netsT, exactT);
  return {
    theta: Array.from(o.angles),
    nngp: Array.from(exactG.subarray(0, n)),
    ntk: Array.from(exactT.subarray(0, n)),
    nngpMc: Array.from(G.mean.subarray(0, n)),
    ntkMc: Array.from(T.mean.subarray(0, n)),
    maxDevNngp: G.max,
    maxDevNtk: T.max,
    rmsDevNngp: G.rms,
    rmsDevNtk: T.rms,
    zNngp: G.z,
    zNtk: T.z,
    perNetNngp,
    perNetNtk,
  };
}

/**
 * Root-mean-square relative deviation of one network's empirical NTK from the analytic NTK, for each
 * width (averaged over `reps` networks, `rng.fork("width w").fork("rep r")`): the finite-width
 * fluctuation, expected to fall as width^-1/2. `spec(width)` gives the network at each width.
 * Returns the rms per width; `ntkDeviationSquares` returns the per-network mean squares behind it.
 */
export async function ntkDeviationVsWidth(o: { spec: (width: number) => NetworkSpec; widths: number[]; reps: number; angles: number[]; rng: Rng; onProgress?: OnProgress }): Promise<number[]> {
  return (await ntkDeviationSquares(o)).map((r) => Math.sqrt(mean(r)));
}

/**
 * Per width and per network (`rng.fork("width w").fork("rep r")`): the mean over the kernel matrix of
 * ((NTK_net - NTK) / NTK(x, x))^2, one network's squared relative deviation. The networks are
 * independent, so resampling them within each width (a bootstrap) gives the uncertainty of any fit
 * to the rms deviation.
 */
export async function ntkDeviationSquares(o: { spec: (width: number) => NetworkSpec; widths: number[]; reps: number; angles: number[]; rng: Rng; onProgress?: OnProgress }): Promise<number[][]> {
  const out: number[][] = [];
  for (const w of o.widths) {
    const spec = o.spec(w);
    const X = circleInputs(o.angles, spec.inputDim, o.rng.fork("inputs"));
    const exact = kernelOf(spec).ntk(X).data;
    const row: number[] = [];
    for (const r of o.rng.fork(`width ${w}`).forks("rep", o.reps)) {
      const net = await network(spec, { rng: r });
      const e = empiricalNtk(net, X).data;
      net.dispose();
      let q = 0;
      for (let i = 0; i < e.length; i++) q += ((e[i] - exact[i]) / exact[0]) ** 2;
      row.push(q / e.length);
    }
    out.push(row);
    o.onProgress?.({ done: out.length, total: o.widths.length, label: "widths" });
    await yieldToKernel();
  }
  return out;
}
