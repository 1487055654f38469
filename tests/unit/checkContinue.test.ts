import { test } from "node:test";
import assert from "node:assert/strict";
import * as check from "../../src/check";
import { setTextSink } from "../../src/show";

test("GENLAB_CHECK_CONTINUE=1: a failed check prints and records ✘ without throwing; summary still fails", () => {
  const seen: string[] = [];
  const prev = setTextSink((t) => seen.push(t));
  const old = process.env.GENLAB_CHECK_CONTINUE;
  process.env.GENLAB_CHECK_CONTINUE = "1";
  try {
    check.reset();
    check.z("wrong by 10 s.e.", 1.1, 0.01, 1);
    check.close("right", 1, 1, { rtol: 1e-9 });
    assert.equal(check.history().length, 2);
    assert.equal(check.history()[0].passed, false);
    assert.ok((check.history()[0].marginSe ?? 0) < -6);
    assert.match(seen[0], /^✘ wrong by 10 s\.e\./);
    assert.throws(() => check.summary(), /1 check\(s\) failed/);
  } finally {
    if (old === undefined) delete process.env.GENLAB_CHECK_CONTINUE;
    else process.env.GENLAB_CHECK_CONTINUE = old;
    setTextSink(prev);
    check.reset();
  }
  assert.throws(() => { const p = setTextSink(() => undefined); try { check.z("fails", 2, 0.1, 1); } finally { setTextSink(p); } }, check.CheckFailure);
  check.reset();
});
