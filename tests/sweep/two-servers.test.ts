/**
 * A sweep over two real local Jupyter servers, each with its own token (one from an environment
 * variable, one from a file), one of them killed mid-sweep: every run finishes exactly once on the
 * survivor, the loss is reported in one line, and no token reaches the output. Also: a wrong token
 * and an unreachable server are refused in one line each, before anything runs.
 */
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalServer, freePort, killServerNow, startServer } from "../../tools/runner";
import { assertNoSecret, csvRows, okLines, pointNb, readJson, results, root, runSweepCli } from "./helpers";

let a: LocalServer;
let b: LocalServer;
let tmp: string;
before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-sweep2-"));
  [a, b] = await Promise.all([startServer({ rootDir: root }), startServer({ rootDir: root })]);
});
after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  if (!process.env.GENLAB_KEEP_TEST_FILES) fs.rmSync(tmp, { recursive: true, force: true });
});

const host = (s: LocalServer) => new URL(s.url).host;

test("a wrong token and an unreachable server are refused in one line, nothing runs", { timeout: 120_000 }, async () => {
  const out = path.join(tmp, "refused");
  const wrong = await runSweepCli([pointNb, "--grid", "tests/fixtures/sweep/grid8.json", "--out", out, "--server", a.url, "--token", "not-the-token"]);
  assert.equal(wrong.code, 3, wrong.stdout + wrong.stderr);
  assert.match(wrong.stderr, new RegExp(`^sweep: server ${host(a)}: token refused \\(HTTP 403\\); left out\\nsweep: no usable server; nothing ran\\n$`));
  const port = await freePort(); // nothing listens there
  const gone = await runSweepCli([pointNb, "--grid", "tests/fixtures/sweep/grid8.json", "--out", out, "--server", `http://127.0.0.1:${port}/`, "--token", "x"]);
  assert.equal(gone.code, 3, gone.stdout + gone.stderr);
  assert.equal(gone.stderr, `sweep: server 127.0.0.1:${port}: unreachable (ECONNREFUSED); left out\nsweep: no usable server; nothing ran\n`);
  assert.equal(results(out).length, 0);
});

test("8 points over two servers, one killed mid-sweep: all 8 results, none twice, the loss reported", { timeout: 600_000 }, async () => {
  const out = path.join(tmp, "two");
  const tokenFile = path.join(tmp, "token-b");
  fs.writeFileSync(tokenFile, b.token + "\n", { mode: 0o600 });
  const grid = path.join(tmp, "grid.json");
  fs.writeFileSync(grid, JSON.stringify({ width: [1, 2, 4, 8], seed: [0, 1], waitMs: [1500] }));
  let killed = false;
  const r = await runSweepCli(
    [pointNb, "--grid", grid, "--out", out, "--workers", "2", "--server", a.url, "--token-env", "SWEEP_TEST_TOKEN_A", "--server", b.url, "--token-file", tokenFile],
    {
      env: { ...process.env, SWEEP_TEST_TOKEN_A: a.token },
      // Kill b (SIGKILL, kernels included) as soon as it has finished one run: it has another in flight.
      onOutput: (all: string) => {
        if (!killed && okLines(all).some((l) => l.includes(` on ${host(b)} in `))) { killed = true; killServerNow(b); }
      },
    },
  );
  const all = r.stdout + r.stderr;
  assert.ok(killed, `server b never finished a run:\n${all}`);
  assert.equal(r.code, 0, all);
  const lost = all.split("\n").filter((l) => l.includes(`server ${host(b)} left the sweep`));
  assert.equal(lost.length, 1, all);
  assert.match(lost[0], /left the sweep: unreachable \(ECONNREFUSED\); its runs go to the 1 other server/);
  assert.equal(okLines(all).length, 8, `each run reported finished once:\n${all}`);

  const rows = csvRows(out);
  assert.equal(rows.length, 8);
  const pairs = rows.map((row) => `${row.width}/${row.seed}`);
  assert.deepEqual([...new Set(pairs)].sort(), ["1/0", "1/1", "2/0", "2/1", "4/0", "4/1", "8/0", "8/1"]);
  for (const row of rows) assert.equal(Number(row.loss), 1 / Number(row.width) + Number(row.seed) / 100, `the recorded value comes from this run's parameters: ${JSON.stringify(row)} (${out})`);
  const res = results(out);
  assert.equal(res.length, 8);
  assert.ok(res.every((x) => x.status === "ok"));
  const onB = res.filter((x) => x.server === host(b)).length;
  assert.ok(onB >= 1 && onB < 8, `runs on b: ${onB}`);
  for (const x of res) assert.equal(readJson(path.join(out, "runs", x.dir, x.executed)).metadata.genlab.execution.status, "ok");
  // 8 distinct kernels: no run was counted from another's kernel.
  assert.equal(new Set(res.map((x) => x.values.kernel_pid)).size, 8);
  assertNoSecret(a.token, out, r);
  assertNoSecret(b.token, out, r);
});
