// The wasm BatchMatMul/_FusedMatMul patch (src/tf.ts): registered, and numerically the same as the cpu backend.
import { test } from "node:test";
import assert from "node:assert/strict";
import type * as tfjs from "@tensorflow/tfjs";
import { tf, tfReady, backendInfo, isWasmMatMulPatched, configureWasmMatMul } from "../../src/tf";
import { Rng } from "../../src/random";
import { setNativeLoader } from "../../src/linalg";

type Arr = Float32Array;
function maxRel(a: Arr, b: Arr): number {
  let m = 0, s = 0;
  for (let i = 0; i < b.length; i++) s = Math.max(s, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m / Math.max(s, 1e-30);
}

/** Products with every transpose combination, a fused matmul with bias + activation, and an MLP gradient. */
function compute(data: Record<string, Float32Array>): Float32Array[] {
  return tf.tidy(() => {
    const a = tf.tensor2d(data.a, [37, 23]), b = tf.tensor2d(data.b, [37, 19]);
    const out: tfjs.Tensor[] = [
      tf.matMul(a, b, true, false), // 23x19
      tf.matMul(b, a, true, false),
      tf.matMul(a.transpose(), b.transpose(), false, true),
      tf.matMul(a, a, false, true),
      tf.matMul(a, b.transpose(), true, true),
      tf.matMul(tf.tensor3d(data.a.slice(0, 2 * 23 * 12), [2, 23, 12]), tf.tensor3d(data.b.slice(0, 2 * 23 * 5), [2, 23, 5]), true, false),
    ];
    const bias = tf.tensor1d(data.bias);
    for (const act of ["relu", "linear", "elu", "leakyrelu", "prelu"] as const) {
      out.push(tf.fused.matMul({
        a, b, transposeA: true, transposeB: false, bias, activation: act,
        preluActivationWeights: act === "prelu" ? tf.fill([19], 0.2) : undefined,
        leakyreluAlpha: act === "leakyrelu" ? 0.1 : undefined,
      }));
    }
    // a 2-layer MLP's gradients (X: 37x23 inputs, W1 23x16, W2 16x3) through fused dense layers
    const w1 = tf.tensor2d(data.w1, [23, 16]), w2 = tf.tensor2d(data.w2, [16, 3]), y = tf.tensor2d(data.y, [37, 3]);
    const loss = (...p: tfjs.Tensor[]): tfjs.Scalar => {
      const h = tf.fused.matMul({ a, b: p[0] as tfjs.Tensor2D, bias: tf.zeros([16]), activation: "relu" });
      return tf.losses.meanSquaredError(y, tf.matMul(h, p[1] as tfjs.Tensor2D));
    };
    const g = tf.grads(loss)([w1, w2]);
    out.push(...g);
    return out.map((t) => t.dataSync() as Float32Array).map((x) => x.slice());
  });
}

test("wasm matmul patch: registered, and transposed products / fused / MLP gradients match the cpu backend", async () => {
  await tfReady();
  const info = await backendInfo();
  if (info.name !== "wasm") {
    // nothing to patch on other backends
    assert.ok(true);
    return;
  }
  if (process.env.GENLAB_WASM_MATMUL_PATCH === "0") {
    assert.equal(isWasmMatMulPatched(), false);
  } else {
    assert.ok(isWasmMatMulPatched(), "the patched kernels are registered");
    assert.equal(info.patches.length, 1);
  }
  const rng = new Rng(7);
  const f = (n: number) => Float32Array.from(rng.normals(n));
  const data = { a: f(37 * 23), b: f(37 * 19), bias: f(19), w1: f(23 * 16), w2: f(16 * 3), y: f(37 * 3) };
  const saved = configureWasmMatMul();
  const runs: Record<string, Float32Array[]> = {};
  try {
    // every product through XNNPACK (explicit transposes) ...
    configureWasmMatMul({ native: false });
    runs.xnnpack = compute(data);
    // without the addon (simulated) the XNNPACK path is used
    setNativeLoader(() => { throw new Error("simulated: no addon"); });
    const off = configureWasmMatMul({ native: true, nativeMinWork: 0 });
    assert.equal(off.sgemmAvailable, false);
    assert.match(off.why, /simulated/);
    runs.noAddon = compute(data);
    assert.equal(configureWasmMatMul().nativeCalls, off.nativeCalls);
    setNativeLoader(null);
    // ... and, when the native addon is built, every product through OpenBLAS sgemm on the wasm heap
    const before = configureWasmMatMul({ native: true, nativeMinWork: 0 });
    if (before.sgemmAvailable) {
      runs.openblas = compute(data);
      assert.ok(configureWasmMatMul().nativeCalls > before.nativeCalls, "products went to sgemm");
    }
  } finally {
    setNativeLoader(null);
    configureWasmMatMul({ native: saved.native, nativeMinWork: saved.nativeMinWork });
  }
  await tf.setBackend("cpu");
  try {
    const cpu = compute(data);
    for (const [path, got] of Object.entries(runs)) {
      assert.equal(got.length, cpu.length);
      for (let i = 0; i < cpu.length; i++) {
        const e = maxRel(got[i], cpu[i]);
        assert.ok(e < 1e-5, `${path}, output ${i}: max relative difference ${e}`);
      }
    }
  } finally {
    await tf.setBackend("wasm");
  }
  // no tensors leaked by the patched kernels
  const before = tf.memory().numTensors;
  tf.tidy(() => { tf.matMul(tf.ones([8, 4]), tf.ones([8, 5]), true, false); });
  assert.equal(tf.memory().numTensors, before);
});
