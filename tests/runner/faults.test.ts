/**
 * Faults a run must not pass over or lose data on (issue 9), against a real Jupyter server and tslab
 * kernels: errors thrown in timers and un-awaited promises, output that used to stall or be dropped,
 * a kernelspec naming a missing kernel, output folders that are the source folder, unwritable, or
 * shared by two runs at once, and a failed rerun over a good copy. One server serves most tests.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalServer, runNotebook, startServer } from "../../tools/runner";
import { fixtures, fx, pythonValidate, readJson, root, runCli, sha, text } from "./helpers";

let server: LocalServer;
let tmp: string;
const fresh = (name: string) => fs.mkdtempSync(path.join(tmp, `${name}-`));
/** All stream text of one cell of an executed copy (1-based index, as in messages). */
const streamText = (nb: any, cell: number, name = "stdout") =>
  (nb.cells[cell - 1].outputs as any[]).filter((o) => o.output_type === "stream" && o.name === name).map((o) => text(o.text)).join("");

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-faults-"));
  server = await startServer();
});
after(async () => {
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("errors that used to pass unseen", { timeout: 240_000 }, () => {
  test("an error thrown in a timer after the last cell returned fails that cell", async () => {
    const report = await runNotebook(fx("late-error.ipynb"), { outDir: fresh("late"), server, timeoutSec: 60 });
    assert.equal(report.status, "failed", "the run must not report ok");
    assert.equal(report.error?.cell, 3);
    assert.match(report.error!.message, /late-error\.ipynb: cell 3 .* failed: an error was thrown after the cell had returned/);
    assert.match(report.error!.message, /Error: timer boom 7/);
    assert.doesNotMatch(report.error!.message, /kernel-guards|node_modules\/tslab/);
    const nb = readJson(report.output);
    assert.match(streamText(nb, 3, "stderr"), /genlab: uncaught exception .*\nError: timer boom 7/, "the copy keeps the error in the cell");
    assert.equal(nb.metadata.genlab.execution.status, "failed");
  });

  test("an un-awaited promise that rejects fails its own cell, not a later one", async () => {
    const report = await runNotebook(fx("unawaited.ipynb"), { outDir: fresh("unawaited"), server, timeoutSec: 60 });
    assert.equal(report.status, "failed");
    assert.equal(report.error?.cell, 3, report.error?.message);
    assert.match(report.error!.kernelError, /rejected boom 8/);
  });

  test("a rejection a cell allows (raises-exception): the run is ok and the next cell shows it, as in Jupyter", async () => {
    const report = await runNotebook(fx("unawaited-allowed.ipynb"), { outDir: fresh("allowed"), server, timeoutSec: 60 });
    assert.equal(report.status, "ok", report.error?.message);
    assert.equal(report.cells.find((c) => c.index === 3)?.status, "allowed-error");
    const nb = readJson(report.output);
    const shown = streamText(nb, 3, "stderr") + streamText(nb, 4, "stderr");
    assert.match(shown, /rejected boom 9/, "the error is printed where a person running the notebook sees it");
    assert.equal(streamText(nb, 4), "next cell\n");
  });

  test("3000 lines from one cell: every line recorded, no silence until the timeout", async () => {
    const t0 = Date.now();
    const report = await runNotebook(fx("many-lines.ipynb"), { outDir: fresh("lines"), server, timeoutSec: 60 });
    assert.equal(report.status, "ok", report.error?.message);
    const lines = streamText(readJson(report.output), 3).split("\n").filter(Boolean);
    assert.equal(lines.length, 3000);
    assert.equal(lines[2999], "line 2999");
    assert.ok(Date.now() - t0 < 45_000, `took ${Date.now() - t0} ms`);
  });

  test("8 MB printed by one cell: all of it in the copy", async () => {
    const report = await runNotebook(fx("big-output.ipynb"), { outDir: fresh("big"), server, timeoutSec: 120 });
    assert.equal(report.status, "ok", report.error?.message);
    const out = streamText(readJson(report.output), 3);
    assert.equal(out.length, 8 * 1024 * 1024, "nothing dropped");
  });

  test("output a server drops (IOPub rate limit) fails the cell, naming the drop", async () => {
    // A server with Jupyter's default data limit (1 MB/s), as a remote one may have.
    const limited = await startServer({ serverArgs: ["--ServerApp.iopub_data_rate_limit=1000000"] });
    try {
      const report = await runNotebook(fx("big-output.ipynb"), { outDir: fresh("dropped"), server: limited, timeoutSec: 120 });
      assert.equal(report.status, "failed");
      assert.equal(report.error?.cell, 3);
      assert.match(report.error!.message, /the Jupyter server dropped part of its output \("IOPub data rate exceeded\."\)/);
    } finally {
      await limited.stop();
    }
  });

  test("a kernelspec naming a kernel the server lacks: exit 3 naming it and the kernels there; --kernel overrides", async () => {
    const out = fresh("kernel");
    const r = await runCli("nb", [fx("wrong-kernel.ipynb"), "--server", server.url, "--token", server.token, "--out", out]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /no kernel named "no-such-kernel" \(the notebook's metadata\.kernelspec\.name\) on this Jupyter server; it has: .*tslab/);
    assert.doesNotMatch(r.stdout + r.stderr, /\bran\b/);
    const ok = await runCli("nb", [fx("wrong-kernel.ipynb"), "--server", server.url, "--token", server.token, "--out", out, "--kernel", "tslab"]);
    assert.equal(ok.code, 0, ok.stderr);
    const nb = readJson(path.join(out, "wrong-kernel.ipynb"));
    assert.equal(nb.metadata.kernelspec.name, "tslab", "the copy names the kernel it ran on");
    pythonValidate(path.join(out, "wrong-kernel.ipynb"));
  });
});

describe("nothing lost", { timeout: 240_000 }, () => {
  test("a failed rerun and a kernel that cannot start keep the good copy; a good run tidies up", async () => {
    const out = fresh("rerun");
    const copy = path.join(out, "flaky.ipynb");
    const failedCopy = path.join(out, "flaky.failed.ipynb");
    const good = await runNotebook(fx("flaky.ipynb"), { outDir: out, server, timeoutSec: 60, parameters: { seed: 1 } });
    assert.equal(good.status, "ok", good.error?.message);
    const goodSha = sha(copy);

    const bad = await runNotebook(fx("flaky.ipynb"), { outDir: out, server, timeoutSec: 60, parameters: { seed: 2, fail: true } });
    assert.equal(bad.status, "failed");
    assert.equal(sha(copy), goodSha, "the good copy is untouched");
    assert.equal(bad.output, failedCopy);
    assert.equal(bad.kept, copy);
    assert.equal(readJson(failedCopy).metadata.genlab.execution.status, "failed");

    const r = await runCli("nb", [fx("flaky.ipynb"), "--server", server.url, "--token", server.token, "--out", out, "--kernel", "nope"]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /no kernel named "nope" \(--kernel\)/);
    assert.match(r.stderr, /good copy of an earlier run was kept/);
    assert.equal(sha(copy), goodSha, "still untouched");
    assert.equal(readJson(failedCopy).metadata.genlab.execution.status, "error");

    const again = await runNotebook(fx("flaky.ipynb"), { outDir: out, server, timeoutSec: 60, parameters: { seed: 3 } });
    assert.equal(again.status, "ok");
    assert.equal(readJson(copy).metadata.genlab.parameters.seed, 3);
    assert.equal(readJson(copy).metadata.genlab.execution.runId, again.runId);
    assert.ok(!fs.existsSync(failedCopy), "the stale failed copy is gone");
  });

  test("an output folder made unwritable during the run: the copy is saved elsewhere and the run says where", async () => {
    const out = fresh("breaks");
    const report = await runNotebook(fx("breaks-out.ipynb"), { outDir: out, server, timeoutSec: 60, parameters: { target: out }, writeReport: false });
    assert.equal(report.status, "failed");
    assert.match(report.error!.message, /cannot write .*breaks-out\.ipynb .*; the executed copy was saved to .*genlab-rescued-/);
    assert.ok(report.output.startsWith(os.tmpdir()) && fs.existsSync(report.output), report.output);
    assert.equal(streamText(readJson(report.output), 4), "output folder replaced by a file\n", "the results are in the rescued copy");
    fs.rmSync(path.dirname(report.output), { recursive: true, force: true });
  });

  test("two runs of one notebook into one folder at once leave one whole copy from one run", async () => {
    const out = fresh("race");
    const [a, b] = await Promise.all([1, 2].map((seed) => runCli("nb", [fx("flaky.ipynb"), "-p", `seed=${seed}`, "--out", out, "--timeout", "120"])));
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const copy = path.join(out, "flaky.ipynb");
    pythonValidate(copy);
    const nb = readJson(copy);
    const seed = nb.metadata.genlab.parameters.seed;
    assert.ok(seed === 1 || seed === 2);
    assert.equal(streamText(nb, 4), `seed ${seed}\n`, "outputs and parameters come from the same run");
    assert.equal(streamText(nb, 5), `seed ${seed} again\n`);
    assert.deepEqual(fs.readdirSync(out).filter((f) => /\.(tmp|lock)$/.test(f)), [], "no temporary or lock file left");
    const rep = readJson(path.join(out, "report.json"));
    assert.equal(rep.status, "ok");
  });
});

describe("output folder checked before anything runs (exit 2, no server)", { timeout: 120_000 }, () => {
  test("--out onto the notebook's own folder is refused and the source stays as it was", async () => {
    const before = sha(fx("flaky.ipynb"));
    const r = await runCli("nb", [fx("flaky.ipynb"), "--out", fixtures]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /flaky\.ipynb: --out .* would overwrite the source notebook with its executed copy/);
    assert.doesNotMatch(r.stderr, /started Jupyter server/);
    assert.equal(sha(fx("flaky.ipynb")), before);
    const b = await runCli("book", [fx("flaky.ipynb"), "--out", fixtures]);
    assert.equal(b.code, 2, b.stderr);
    assert.match(b.stderr, /would overwrite the source notebook/);
    assert.equal(sha(fx("flaky.ipynb")), before);
  });

  test("a notebook of the same name in --out that the runner did not write is not replaced", async () => {
    const out = fresh("foreign");
    fs.copyFileSync(fx("flaky.ipynb"), path.join(out, "flaky.ipynb"));
    const r = await runCli("nb", [fx("flaky.ipynb"), "--out", out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /exists and is not an executed copy written by the runner/);
  });

  test("an --out that is a file, or below one, is reported in one line before a server starts", async () => {
    const file = path.join(fresh("notdir"), "file.txt");
    fs.writeFileSync(file, "x");
    for (const out of [file, path.join(file, "sub")]) {
      const r = await runCli("nb", [fx("flaky.ipynb"), "--out", out]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^nb: --out .*: (exists and is not a folder|cannot write there)/);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
  });
});

describe("the private server", { timeout: 60_000 }, () => {
  test("serves the project, and refuses requests for anything outside it", async () => {
    const get = (p: string) => fetch(new URL(p, server.url), { headers: { Authorization: `token ${server.token}` } });
    assert.equal(path.resolve(server.rootDir!), root);
    const listing = (await (await get("api/contents")).json()) as { content: { name: string }[] };
    assert.ok(listing.content.some((f) => f.name === "package.json"), "the project is the root");
    for (const p of ["api/contents/..%2F..%2F..%2Fetc%2Fpasswd", "files/..%2F..%2F..%2Fetc%2Fpasswd", "api/contents/node_modules/genlab/..%2F..%2F..%2Fetc%2Fpasswd"]) {
      const res = await get(p);
      await res.arrayBuffer();
      assert.ok(res.status === 403 || res.status === 404, `${p}: HTTP ${res.status}`);
    }
  });
});
