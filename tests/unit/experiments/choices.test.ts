import { test } from "node:test";
import assert from "node:assert/strict";
import { bestLr, fitStepsExamples, layerTrend, linearNoiseScales, pooledEstimate, sphereInputs, transferSlope, LrTransferStudy } from "../../../src/experiments/choices";
import { network } from "../../../src/train/network";
import { gradientNoise } from "../../../src/train/gradientNoise";
import { layerStatistics } from "../../../src/train/layerStats";
import { Rng } from "../../../src/random";

test("fitStepsExamples recovers S_min and E_min from an exact hyperbola S = S_min + E_min / B", () => {
  const B = [1, 2, 4, 8, 16, 64], S = B.map((b) => 40 + 300 / b);
  const f = fitStepsExamples(B, S);
  assert.ok(Math.abs(f.sMin - 40) < 1e-9 && Math.abs(f.eMin - 300) < 1e-9 && Math.abs(f.bCrit - 7.5) < 1e-9, JSON.stringify(f));
  // (S/S_min - 1)(E/E_min - 1) = 1 at every batch size
  for (const b of B) assert.ok(Math.abs(((40 + 300 / b) / 40 - 1) * (((40 + 300 / b) * b) / 300 - 1) - 1) < 1e-12);
});

test("bestLr finds the vertex of a log-parabola between grid points; transferSlope reads a drift of -1 per doubling", () => {
  const lrs = Array.from({ length: 9 }, (_, i) => 2 ** (i - 8));
  const curve = (centre: number, noise: number[]) => lrs.map((lr) => noise.map((e) => Math.exp((Math.log2(lr) - centre) ** 2 / 4 + e)));
  const rng = new Rng(1);
  const loss = curve(-3.3, [0, 0.01, -0.01]);
  const b = bestLr(lrs, loss, { rng, B: 50 });
  assert.ok(Math.abs(b.log2Lr + 3.3) < 1e-9, `${b.log2Lr}`);
  // a diverged run (Infinity) at the largest rates does not break the vertex
  const withDiv = loss.map((row, i) => (i >= 7 ? row.map(() => Infinity) : row));
  assert.ok(Math.abs(bestLr(lrs, withDiv, { rng, B: 20 }).log2Lr + 3.3) < 1e-9);
  const widths = [32, 64, 128];
  const study: LrTransferStudy = { widths, lrs, parameterizations: ["standard"], baseWidth: 32, steps: 1, seconds: 0,
    loss: [widths.map((w) => curve(-3 - Math.log2(w / 32), [0, 0.02, -0.02]))] };
  const s = transferSlope(study, 0, { rng, B: 50 });
  assert.ok(Math.abs(s.slope + 1) < 1e-9, `${s.slope}`);
});

test("linearNoiseScales agrees with train.gradientNoise on a bias-free linear network", async () => {
  const rng = new Rng(4);
  const d = 6, n = 50;
  const net = await network({ inputDim: d, hidden: [], bias: false }, { rng: rng.fork("net") });
  const x = { rows: n, cols: d, data: rng.fork("x").normals(n * d) }, y = rng.fork("y").normals(n);
  const w = Float64Array.from(net.snapshot()[0]);
  const exact = linearNoiseScales(x, y, w);
  const got = gradientNoise(net, { x, y: { rows: n, cols: 1, data: y } });
  assert.ok(Math.abs(got.bSimple - exact.bSimple) < 1e-4 * exact.bSimple, `${got.bSimple} vs ${exact.bSimple}`);
  assert.ok(exact.bNoise > 0);
  net.dispose();
});

test("layerTrend: the per-layer factor of a ReLU net at C_W = 1.6 with a bootstrap error; sphere inputs have |x|^2 = d", async () => {
  const rng = new Rng(6);
  const X = sphereInputs(3, 12, rng.fork("x"));
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(X.data.subarray(i * 12, i * 12 + 12).reduce((s, v) => s + v * v, 0) - 12) < 1e-9);
  const s = await layerStatistics({ spec: { inputDim: 12, hidden: [16, 16, 16], outputDim: 16, cw: 1.6 }, inits: 150, inputs: X, rng: rng.fork("inits") });
  const f = layerTrend(s, (G) => (G[3] / G[0]) ** (1 / 3), { rng: rng.fork("boot"), B: 200 });
  assert.ok(Math.abs(f.value - 0.8) < 4 * f.se && f.se > 0, `${f.value} ± ${f.se}`);
  assert.ok(f.ci[0] < f.value && f.value < f.ci[1]);
});

test("pooledEstimate: inverse-variance weights, s.e. 1/sqrt(sum 1/se^2); bad input is refused", () => {
  const p = pooledEstimate([{ value: 1, se: 0.1 }, { value: 2, se: 0.2 }]);
  assert.ok(Math.abs(p.value - (1 / 0.01 + 2 / 0.04) / (1 / 0.01 + 1 / 0.04)) < 1e-12);
  assert.ok(Math.abs(p.se - 1 / Math.sqrt(1 / 0.01 + 1 / 0.04)) < 1e-12);
  const same = pooledEstimate([{ value: 3, se: 0.5 }, { value: 3, se: 0.5 }, { value: 3, se: 0.5 }, { value: 3, se: 0.5 }]);
  assert.ok(Math.abs(same.se - 0.25) < 1e-12 && same.value === 3);
  assert.throws(() => pooledEstimate([]), /no estimates/);
  assert.throws(() => pooledEstimate([{ value: 1, se: 0 }]), /positive standard error/);
});

test("layerNtkDiagonal: the layers' parts add up to the mean diagonal of the learning-rate-weighted empirical NTK", async () => {
  const { layerNtkDiagonal } = await import("../../../src/experiments/choices");
  const { empiricalNtk } = await import("../../../src/train/kernels");
  const rng = new Rng(3);
  for (const parameterization of ["standard", "mup"] as const) {
    const net = await network({ inputDim: 5, hidden: [24, 16], parameterization, baseWidth: 8, cb: 0.2 }, { rng: rng.fork(parameterization) });
    try {
      const X = { rows: 6, cols: 5, data: rng.fork("x").normals(30) };
      const parts = layerNtkDiagonal(net, X), K = empiricalNtk(net, X);
      let diag = 0;
      for (let i = 0; i < 6; i++) diag += K.data[i * 6 + i] / 6;
      const sum = parts.reduce((a, b) => a + b, 0);
      assert.equal(parts.length, 3);
      assert.ok(parts.every((p) => p > 0) && Math.abs(sum - diag) < 1e-4 * diag, `${parameterization}: ${parts} sum ${sum} vs ${diag}`);
    } finally {
      net.dispose();
    }
  }
});
