// The native BLAS/LAPACK path against the pure-JS reference path, and the fallback when the addon is absent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import * as la from "../../src/linalg";
import { rand, relErr } from "./linalg-helpers";
import type { Matrix, NativeAddon } from "../../src/linalg";
import { defaultLoader } from "../../src/linalg/backend";

function withBackend<T>(mode: "js" | "auto", f: () => T): T {
  const old = process.env.GENLAB_LINALG;
  process.env.GENLAB_LINALG = mode;
  la.resetLinalgBackend();
  try {
    return f();
  } finally {
    if (old === undefined) delete process.env.GENLAB_LINALG;
    else process.env.GENLAB_LINALG = old;
    la.resetLinalgBackend();
  }
}

let addon: NativeAddon | null = null;
let why = "";
try {
  addon = defaultLoader();
} catch (e) {
  why = (e as Error).message;
}

/** A battery of results that must agree between backends (eigenvectors compared through invariants). */
function battery(): Record<string, Matrix | Float64Array> {
  const rng = new Rng(11);
  const a = rand(rng, 120, 70), b = rand(rng, 70, 90);
  const s = la.gram(rand(rng, 130, 100));
  for (let i = 0; i < 100; i++) s.data[i * 100 + i] += 0.5;
  const sym = la.add(s, la.transpose(s));
  const { values, vectors } = la.eigh(sym);
  const rankDef = la.matmul(rand(rng, 60, 8), rand(rng, 8, 40));
  const y = rng.normals(60);
  const wide = rand(rng, 30, 80), yw = rng.normals(30);
  return {
    matmul: la.matmul(a, b),
    matmulTT: la.matmul(b, a, { transA: true, transB: true }),
    gram: la.gram(a),
    outerGram: la.outerGram(a),
    chol: la.cholesky(s),
    cholSolve: la.choleskySolve(s, rand(rng, 100, 3)),
    solve: la.solve(rand(rng, 50, 50), rng.normals(50)),
    eigvals: values,
    eigvalsh: la.eigvalsh(sym),
    // projector onto the top-10 eigenvectors: sign- and order-free
    topProjector: (() => {
      const v = la.matrix(100, 10);
      for (let i = 0; i < 100; i++) for (let j = 0; j < 10; j++) v.data[i * 10 + j] = vectors.data[i * 100 + 90 + j];
      return la.matmul(v, v, { transB: true });
    })(),
    lstsqRankDef: la.lstsq(rankDef, y),
    pinvRankDef: la.pinv(rankDef),
    lstsqWide: la.lstsq(wide, yw),
    ridgeDual: la.lstsq(wide, yw, { ridge: 0.3 }),
    ridgePrimal: la.lstsq(la.transpose(wide), rng.normals(80), { ridge: 0.3 }),
    singular: la.svd(a).s,
  };
}

test("the native addon, when built, agrees with the pure-JS path (relative error bounds)", { skip: addon ? false : `addon not available: ${why}` }, () => {
  const nat = withBackend("auto", () => {
    assert.notEqual(la.linalgBackend().name, "js");
    return battery();
  });
  const ref = withBackend("js", battery);
  for (const key of Object.keys(ref)) {
    const tol = key.includes("RankDef") ? 1e-7 : 1e-10;
    const e = relErr(nat[key], ref[key]);
    assert.ok(e < tol, `${key}: relative error ${e.toExponential(2)} >= ${tol}`);
  }
  // native eigendecomposition invariants
  withBackend("auto", () => {
    const rng = new Rng(12);
    const x = rand(rng, 200, 200);
    const a = la.add(x, la.transpose(x));
    const { values, vectors } = la.eigh(a);
    assert.ok(la.norm(la.sub(la.matmul(a, vectors), la.matmul(vectors, la.diag(values)))) < 1e-12 * la.norm(a) * 10);
    assert.ok(la.norm(la.sub(la.gram(vectors), la.eye(200))) < 1e-12 * 200);
    assert.throws(() => la.cholesky(la.fromRows([[1, 2], [2, 1]])), /not positive definite.*order 2 of 2/);
  });
});

test("without the addon (simulated), the JS path is chosen and gives the same answers", () => {
  const rng = new Rng(13);
  const x = rand(rng, 40, 25), y = rng.normals(40);
  const old = process.env.GENLAB_LINALG;
  delete process.env.GENLAB_LINALG;
  try {
    la.setNativeLoader(() => { throw new Error("simulated: addon missing"); });
    const info = la.linalgBackend();
    assert.equal(info.name, "js");
    assert.match(info.reason, /simulated: addon missing/);
    const fallback = la.lstsq(x, y);
    la.setNativeLoader(null);
    const normal = la.lstsq(x, y);
    assert.ok(relErr(fallback, normal) < 1e-10);
    // GENLAB_LINALG=js forces JS even when the addon loads; =native refuses to fall back
    process.env.GENLAB_LINALG = "js";
    la.resetLinalgBackend();
    assert.equal(la.linalgBackend().name, "js");
    assert.match(la.linalgBackend().reason, /GENLAB_LINALG=js/);
    process.env.GENLAB_LINALG = "native";
    la.setNativeLoader(() => { throw new Error("simulated"); });
    assert.throws(() => la.linalgBackend(), /GENLAB_LINALG=native but the addon cannot be used: simulated/);
  } finally {
    la.setNativeLoader(null);
    if (old === undefined) delete process.env.GENLAB_LINALG;
    else process.env.GENLAB_LINALG = old;
    la.resetLinalgBackend();
  }
});

test("scripts/build-native.js never fails the install: a broken compiler or a skip gives one line and exit 0", () => {
  const { spawnSync } = require("child_process") as typeof import("child_process");
  const path = require("path") as typeof import("path");
  const script = path.resolve(__dirname, "..", "..", "..", "..", "scripts", "build-native.js"); // from build/ts/tests/unit
  const skip = spawnSync(process.execPath, [script], { encoding: "utf8", env: { ...process.env, GENLAB_SKIP_NATIVE: "1" } });
  assert.equal(skip.status, 0);
  assert.match(skip.stdout, /skipped.*pure-JS/);
  const tmpOut = require("fs").mkdtempSync(path.join(require("os").tmpdir(), "genlab-native-"));
  // a compiler that always fails: the existing addon (if any) stays, the message names the cause
  const bad = spawnSync(process.execPath, [script, "--force"], { encoding: "utf8", env: { ...process.env, CC: "false", TMPDIR: tmpOut } });
  assert.equal(bad.status, 0);
  assert.equal(bad.stdout.trim().split("\n").length, 1);
  assert.match(bad.stdout, /could not build|does not load|Node's headers|not supported/);
  assert.match(bad.stdout, /pure-JS/);
});
