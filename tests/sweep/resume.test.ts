/**
 * Kill-and-resume and the faults of single runs, on a private local server started by the sweep:
 * a sweep killed with SIGKILL after some runs is rerun and exactly the missing runs execute; a cell
 * that throws, a kernel that dies (once: retried and finished; every time: failed with its cause)
 * and a cell timeout fail that run only; bad input is refused before anything runs.
 */
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { csvRows, okLines, pointNb, results, runSweepCli } from "./helpers";

let tmp: string;
before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-sweep-resume-")); });
after(() => { if (!process.env.GENLAB_KEEP_TEST_FILES) fs.rmSync(tmp, { recursive: true, force: true }); });

test("bad input is refused before anything runs, naming the key, with a non-zero exit", { timeout: 120_000 }, async () => {
  const out = path.join(tmp, "bad");
  const grid = (name: string, text: string) => { const f = path.join(tmp, name); fs.writeFileSync(f, text); return f; };
  const cases: Array<[string[], RegExp]> = [
    [[pointNb, "--grid", grid("malformed.json", '{"width": [1, 2'), "--out", out], /^sweep: .*malformed\.json: not valid JSON/],
    [[pointNb, "--grid", grid("scalar.json", '{"width": 3}'), "--out", out], /"width" must be a list of values, got 3/],
    [[pointNb, "--grid", grid("unknown.json", '{"width": [1], "depth": [2, 3]}'), "--out", out], /unknown\.json, point 0 \{"depth":2,"width":1\}: .*unknown parameter "depth"/],
    [["tests/fixtures/sweep/noparams.ipynb", "--grid", grid("w.json", '{"width": [1]}'), "--out", out], /noparams\.ipynb: no code cell tagged "parameters"/],
    [[pointNb, "--grid", grid("w2.json", '{"width": [1]}'), "--out", out, "--server", "http://127.0.0.1:8888/", "--token-env", "GENLAB_SWEEP_UNSET_VAR"], /--token-env GENLAB_SWEEP_UNSET_VAR: the environment variable is not set/],
  ];
  for (const [args, re] of cases) {
    const r = await runSweepCli(args);
    assert.equal(r.code, 2, `${args.join(" ")}\n${r.stdout}${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split("\n").length, 1, `one line: ${r.stderr}`);
    assert.equal(r.stdout, "", "nothing ran");
  }
  assert.ok(!fs.existsSync(path.join(out, "sweep.json")));
});

test("a sweep killed after two runs resumes with exactly the two missing runs", { timeout: 600_000 }, async () => {
  const out = path.join(tmp, "resume");
  const grid = path.join(tmp, "grid4.json");
  fs.writeFileSync(grid, JSON.stringify({ width: [1, 2, 4, 8] }));
  const args = [pointNb, "--grid", grid, "--out", out, "--workers", "1"];
  let killed = false;
  const first = await runSweepCli(args, { onOutput: (all, child) => { if (!killed && okLines(all).length >= 2) { killed = true; child.kill("SIGKILL"); } } });
  assert.ok(killed, first.stdout + first.stderr);
  assert.equal(first.signal, "SIGKILL");
  const before = results(out);
  assert.equal(before.length, 2, "the two finished runs are on disk");
  const stamp = new Map(before.map((r) => [r.dir, fs.readFileSync(path.join(out, "runs", r.dir, "result.json"), "utf8")]));

  const second = await runSweepCli(args);
  const all = second.stdout + second.stderr;
  assert.equal(second.code, 0, all);
  assert.match(all, /sweep: 4 runs, 2 already done, 2 to run on 1 server/);
  const ran = okLines(all);
  assert.equal(ran.length, 2, all);
  const doneBefore = before.map((r) => r.parameters.width);
  for (const l of ran) assert.ok(!doneBefore.some((w: number) => l.startsWith(`sweep: ok     width=${w} `)), `reran a finished run: ${l}`);
  for (const [dir, text] of stamp) assert.equal(fs.readFileSync(path.join(out, "runs", dir, "result.json"), "utf8"), text, "a finished run is never rewritten");
  assert.deepEqual(csvRows(out).map((r) => r.width), ["1", "2", "4", "8"]);

  // A third time: nothing left to do, nothing runs.
  const third = await runSweepCli(args);
  assert.equal(third.code, 0);
  assert.match(third.stdout, /4 already done, 0 to run/);
  assert.equal(okLines(third.stdout).length, 0);
});

test("a throwing cell, a dying kernel and a cell timeout fail their run only", { timeout: 600_000 }, async () => {
  const out = path.join(tmp, "faults");
  const marker = path.join(tmp, "died-once");
  const grid = path.join(tmp, "faults.json");
  fs.writeFileSync(grid, JSON.stringify([
    { width: 1 },
    { width: 2, fail: true },
    { width: 3, dieOnceMarker: marker },
    { width: 4, dieAlways: true },
    { width: 5, waitMs: 600_000 },
  ]));
  const r = await runSweepCli([pointNb, "--grid", grid, "--out", out, "--workers", "2", "--timeout", "30"]);
  const all = r.stdout + r.stderr;
  assert.equal(r.code, 1, all);
  const byWidth = new Map(results(out).map((x) => [x.parameters.width, x]));
  assert.equal(byWidth.size, 5, all);
  assert.equal(byWidth.get(1).status, "ok");
  assert.equal(byWidth.get(2).status, "failed");
  assert.match(byWidth.get(2).error, /point\.ipynb: cell \d+ .*failed:[\s\S]*asked to fail at width 2/);
  assert.ok(fs.existsSync(marker), "the kernel of width 3 did die once");
  assert.equal(byWidth.get(3).status, "ok", all);
  assert.equal(byWidth.get(3).attempts, 2);
  assert.match(all, /sweep: kernel died in width=3 dieOnceMarker=.* on local .*; restarting it and retrying once/);
  assert.equal(byWidth.get(4).status, "failed");
  assert.match(byWidth.get(4).error, /^the kernel died twice: .*the kernel died/);
  assert.equal(byWidth.get(4).attempts, 2);
  assert.equal(byWidth.get(5).status, "failed");
  assert.match(byWidth.get(5).error, /timed out after 30 s/);
  assert.match(all, /sweep: 2\/5 runs done \(0 from before, 2 now\), 3 failed, 0 not run/);
  assert.deepEqual(csvRows(out).map((row) => row.width), ["1", "3"], "finished runs are kept, failed ones are not rows");
});
