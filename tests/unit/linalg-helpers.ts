/** Shared by the linear-algebra tests: random matrices and a relative error. */
import assert from "node:assert/strict";
import { Rng } from "../../src/random";
import * as la from "../../src/linalg";
import type { Matrix } from "../../src/linalg";

/** An r x c matrix of standard normals. */
export function rand(rng: Rng, r: number, c: number): Matrix {
  return la.matrix(r, c, rng.normals(r * c));
}

/** ||a - b|| / ||b|| over all entries (shapes must match). */
export function relErr(a: Matrix | Float64Array, b: Matrix | Float64Array): number {
  const da = "data" in a ? a.data : a, db = "data" in b ? b.data : b;
  assert.equal(da.length, db.length);
  let num = 0, den = 0;
  for (let i = 0; i < da.length; i++) { num += (da[i] - db[i]) ** 2; den += db[i] ** 2; }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-300);
}
