/**
 * A sweep on a real JupyterHub (Debian's jupyterhub, configurable-http-proxy from npm, set up by
 * kernel-setup/hub/): two users whose servers the sweep starts through the hub's REST API and then
 * runs on, and a wrong token refused in one line. Skipped, saying why, only where the hub cannot be
 * installed (scripts/test.sh installs it with apt when it runs as root).
 */
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TestHub, hubMissing, hubProcesses, startTestHub } from "../../tools/sweep";
import { assertNoSecret, csvRows, okLines, pointNb, results, root, runSweepCli } from "./helpers";

const missing = hubMissing(root);
if (missing) console.log(`# JupyterHub test SKIPPED: ${missing}`);

let hub: TestHub | undefined;
let tmp: string;
before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-sweep-hub-"));
  if (!missing) hub = await startTestHub({ users: ["alice", "bob"], root });
});
after(async () => {
  if (hub) {
    const state = hub.state;
    await hub.stop();
    assert.deepEqual(hubProcesses(state), [], "every server and kernel of the hub is gone");
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

test("a sweep runs on two users' servers through the hub's API and token", { skip: missing ? `JupyterHub unavailable: ${missing}` : false, timeout: 600_000 }, async () => {
  const h = hub!;
  const out = path.join(tmp, "hub");
  const grid = path.join(tmp, "grid.json");
  fs.writeFileSync(grid, JSON.stringify({ width: [1, 2, 4, 8] }));
  const r = await runSweepCli([pointNb, "--grid", grid, "--out", out, "--workers", "2", "--hub", h.url, "--token-env", "GENLAB_TEST_HUB_TOKEN", "--users", "alice,bob"],
    { env: { ...process.env, GENLAB_TEST_HUB_TOKEN: h.token } });
  const all = r.stdout + r.stderr;
  assert.equal(r.code, 0, `${all}\nhub log:\n${h.log()}`);
  assert.match(all, /user alice: starting the server/);
  assert.match(all, /user bob: starting the server/);
  assert.equal(okLines(all).length, 4);
  assert.deepEqual(csvRows(out).map((row) => [row.width, row.loss]), [["1", "1"], ["2", "0.5"], ["4", "0.25"], ["8", "0.125"]]);
  const host = new URL(h.url).host;
  const servers = new Set(results(out).map((x) => x.server));
  assert.deepEqual([...servers].sort(), [`${host}/user/alice`, `${host}/user/bob`], "both users' servers ran runs");
  assertNoSecret(h.token, out, r);
});

test("a wrong hub token is refused in one line", { skip: missing ? `JupyterHub unavailable: ${missing}` : false, timeout: 120_000 }, async () => {
  const h = hub!;
  const r = await runSweepCli([pointNb, "--grid", "tests/fixtures/sweep/grid8.json", "--out", path.join(tmp, "wrong"), "--hub", h.url, "--token", "wrong-token", "--users", "alice,bob"]);
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.equal(r.stderr, `sweep: hub ${h.url}: token refused (HTTP 403); left out\nsweep: no usable server; nothing ran\n`);
});
