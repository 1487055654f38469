/**
 * The runner tried as a careful user would (a signal to the whole process group, files in --out it
 * did not write, a wrong kernel name, --out in /proc, a copied checkout's kernelspec, the server's
 * token and folder, Python notebooks with parameters). Each test starts what it needs; the ones
 * that need no kernel check that none was started.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn } from "child_process";
import { LocalServer, runNotebook, startServer } from "../../tools/runner";
import { alive, childrenOf, fx, processes, readJson, root, runCli, sha, text, waitFor } from "./helpers";

let tmp: string;
const fresh = (name: string) => fs.mkdtempSync(path.join(tmp, `${name}-`));
before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-careful-")); });
after(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

const stdoutOf = (nb: any, cell: number) => (nb.cells[cell - 1].outputs as any[]).filter((o) => o.output_type === "stream" && o.name === "stdout").map((o) => text(o.text)).join("");

describe("files in --out the runner did not write (exit 2, nothing started)", { timeout: 60_000 }, () => {
  test("a report.json that is not the runner's is not replaced", async () => {
    const out = fresh("report");
    fs.writeFileSync(path.join(out, "report.json"), '{ "mine": true }\n');
    const r = await runCli("nb", [fx("pass.ipynb"), "--out", out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /report\.json exists and is not a report written by the runner; refusing to replace it/);
    assert.doesNotMatch(r.stderr, /started Jupyter server/);
    assert.equal(fs.readFileSync(path.join(out, "report.json"), "utf8"), '{ "mine": true }\n');
  });

  test("a NAME.failed.ipynb that is not the runner's is not replaced", async () => {
    const out = fresh("failed");
    fs.copyFileSync(fx("fail.ipynb"), path.join(out, "flaky.failed.ipynb"));
    const before = sha(path.join(out, "flaky.failed.ipynb"));
    const r = await runCli("nb", [fx("flaky.ipynb"), "--out", out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /flaky\.failed\.ipynb exists and is not an executed copy written by the runner/);
    assert.equal(sha(path.join(out, "flaky.failed.ipynb")), before);
  });

  test("--out inside /proc is refused at once (it used to spin at 100% CPU)", async () => {
    const r = await runCli("nb", [fx("pass.ipynb"), "--out", "/proc/genlab-no-such/out"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^nb: --out \/proc\/genlab-no-such\/out: cannot write there/);
    assert.ok(r.ms < 20_000, `took ${r.ms} ms`);
  });
});

describe("a kernel name the private server lacks", { timeout: 240_000 }, () => {
  test("exit 3 with a report for every notebook; the later notebooks still run", async () => {
    const out = fresh("kernel");
    const r = await runCli("nb", [fx("wrong-kernel.ipynb"), fx("pass.ipynb"), "--out", out, "--timeout", "120"]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr, /unexpected error|is disposed/);
    assert.match(r.stderr, /no kernel named "no-such-kernel"/);
    const rep = readJson(path.join(out, "report.json"));
    assert.deepEqual(rep.notebooks.map((n: any) => [path.basename(n.notebook), n.status]), [["wrong-kernel.ipynb", "error"], ["pass.ipynb", "ok"]]);
  });
});

describe("a signal to the whole process group", { timeout: 180_000 }, () => {
  test("`kill -TERM -- -PGID` on `npm run nb` (npm passes it on too): one signal, the copy and report are written, exit 143", async () => {
    const out = fresh("pgid");
    const child = spawn("npm", ["run", "--silent", "nb", "--", fx("slow.ipynb"), "--out", out, "--timeout", "120"], { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let all = "";
    child.stdout!.on("data", (d) => { all += d; });
    child.stderr!.on("data", (d) => { all += d; });
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    const started = await waitFor(() => /started Jupyter server \S+ \(pid (\d+)\)/.test(all), 60_000);
    assert.ok(started, all);
    const server = Number(/\(pid (\d+)\)/.exec(all)![1]);
    const kernelUp = await waitFor(() => childrenOf(server).some((p) => processes().find((x) => x.pid === p)?.cmdline.includes("launch.js")), 60_000);
    assert.ok(kernelUp, all);
    await waitFor(() => false, 4000); // the kernel enters the 20 s cell
    process.kill(-child.pid!, "SIGTERM");
    const code = await exited;
    assert.equal(code, 143, all);
    assert.doesNotMatch(all, /unexpected error/);
    assert.equal(readJson(path.join(out, "slow.ipynb")).metadata.genlab.execution.status, "interrupted", all);
    assert.equal(readJson(path.join(out, "report.json")).notebooks[0].status, "interrupted");
    assert.ok(await waitFor(() => !alive(server), 20_000), "the server is gone");
  });
});

describe("the kernelspec of a copied or moved checkout", { timeout: 120_000 }, () => {
  test("a kernel.json naming another checkout's launcher is rewritten for this one when a server starts", async () => {
    const copy = fresh("checkout");
    fs.cpSync(path.join(root, "kernel-setup"), path.join(copy, "kernel-setup"), { recursive: true });
    fs.writeFileSync(path.join(copy, "package.json"), JSON.stringify({ name: "genlab", version: "0.0.0" }));
    const specFile = path.join(copy, ".jupyter-local", "share", "jupyter", "kernels", "tslab", "kernel.json");
    fs.mkdirSync(path.dirname(specFile), { recursive: true });
    const original = readJson(path.join(root, ".jupyter-local", "share", "jupyter", "kernels", "tslab", "kernel.json"));
    fs.writeFileSync(specFile, JSON.stringify(original, null, 1)); // as `cp -r` leaves it: the original's paths
    let server: LocalServer | null = null;
    try {
      server = await startServer({ root: copy, rootDir: copy });
      const res = await fetch(new URL("api/kernelspecs", server.url), { headers: { Authorization: `token ${server.token}` } });
      const specs = ((await res.json()) as { kernelspecs: Record<string, { spec: { argv: string[]; metadata?: any } }> }).kernelspecs;
      assert.equal(specs.tslab.spec.argv[1], path.join(copy, "kernel-setup", "launch.js"), "the server runs the copy's launcher");
      assert.equal(specs.tslab.spec.metadata.genlab.root, copy);
      assert.equal(readJson(specFile).argv[1], path.join(copy, "kernel-setup", "launch.js"));
    } finally {
      await server?.stop();
    }
  });
});

describe("exposure", { timeout: 480_000 }, () => {
  test("no kernel inherits the server's token (TypeScript and Python kernels); Python -p, no parameters cell, skip-execution, --allow-errors, no stale widgets", async () => {
    const out = fresh("token");
    const server = await startServer();
    try {
      const ts = await runNotebook(fx("env-token.ipynb"), { outDir: out, server, timeoutSec: 120 });
      assert.equal(ts.status, "ok", ts.error?.message);
      const tsCopy = readJson(ts.output);
      assert.equal(stdoutOf(tsCopy, 2), "token in environ: false\n");
      // As a general runner: skip-execution is honoured and the source's widget state is not copied.
      assert.deepEqual(tsCopy.cells[2].outputs, [], "the cell tagged skip-execution did not run");
      assert.equal(stdoutOf(tsCopy, 4), "after the skipped cell\n");
      assert.equal(ts.cellsExecuted, 2);
      assert.equal(tsCopy.metadata.widgets, undefined, "no stale widget state");
      // --allow-errors: the failing cell is recorded and the run goes on.
      const allowed = await runNotebook(fx("fail.ipynb"), { outDir: out, server, timeoutSec: 120, allowErrors: true });
      assert.equal(allowed.status, "ok", allowed.error?.message);
      assert.deepEqual(allowed.cells.map((c) => c.status), ["ok", "ok", "allowed-error", "ok"]);
      assert.equal(stdoutOf(readJson(allowed.output), 5), "never printed\n");
      const py = await runNotebook(fx("env-token-py.ipynb"), { outDir: out, server, timeoutSec: 120, parameters: { quick: true, label: "it's" } });
      assert.equal(py.status, "ok", py.error?.message);
      const nb = readJson(py.output);
      assert.deepEqual(nb.cells[2].metadata.tags, ["injected-parameters"]);
      assert.equal(text(nb.cells[2].source), "# Parameters injected by the genlab runner\nquick = True\nlabel = \"it's\"");
      assert.equal(stdoutOf(nb, 4), "token in environ: False\nquick=True seed=0 label=\"it's\"\n");
    } finally {
      await server.stop();
    }
  });

  test("a notebook outside the project: its own folder is served, without hidden files", async () => {
    const dir = fresh("outside");
    fs.copyFileSync(fx("pass.ipynb"), path.join(dir, "outside.ipynb"));
    fs.writeFileSync(path.join(dir, ".secret"), "hidden");
    const server = await startServer({ rootDir: dir });
    try {
      const get = (p: string) => fetch(new URL(p, server.url), { headers: { Authorization: `token ${server.token}` } });
      const listing = (await (await get("api/contents")).json()) as { content: { name: string }[] };
      assert.deepEqual(listing.content.map((f) => f.name).sort(), ["outside.ipynb"]);
      const hidden = await get("api/contents/.secret");
      await hidden.arrayBuffer();
      assert.ok(hidden.status === 404 || hidden.status === 403, `HTTP ${hidden.status}`);
    } finally {
      await server.stop();
    }
  });
});

describe("a kernel's late errors and death", { timeout: 400_000 }, () => {
  test("an error from a timer cell 3 started, caught while cell 4 runs, fails cell 3; the copy's later cells are empty", async () => {
    const server = await startServer();
    try {
      const report = await runNotebook(fx("blame-timer.ipynb"), { outDir: fresh("blame"), server, timeoutSec: 120 });
      assert.equal(report.status, "failed");
      assert.equal(report.error?.cell, 3, report.error?.message);
      assert.match(report.error!.message, /blame-timer\.ipynb: cell 3 .* failed: an error was thrown after the cell had returned .*\(reported while cell 4 ran\)/);
      assert.match(report.error!.message, /Error: timer from cell 3/);
      const nb = readJson(report.output);
      assert.equal(stdoutOf(nb, 3), "armed\n");
      assert.deepEqual([nb.cells[3].outputs, nb.cells[4].outputs], [[], []], "cells after the failing one are empty in the copy");
    } finally {
      await server.stop();
    }
  });

  test("the message says it was killed (SIGKILL, as the out-of-memory killer does) and how much memory it had", async () => {
    // Through the CLI: services rejects a reconnect promise of a restarting kernel that no test runner would forgive.
    const out = fresh("killed");
    const r = await runCli("nb", [fx("killed.ipynb"), "--out", out, "--timeout", "120"]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const msg = readJson(path.join(out, "report.json")).notebooks[0].error.message as string;
    console.log(`the message:\n${msg}`);
    assert.match(msg, /killed\.ipynb: cell 3 .* failed: the kernel died/, msg);
    assert.match(msg, /its process was killed by SIGKILL, which is what the system sends when memory runs out/, msg);
    const mib = Number(/the kernel had reached (\d+) MiB of memory/.exec(msg)?.[1]);
    assert.ok(mib >= 300, `peak ${mib} MiB, the cell held 300 MiB:\n${msg}`);
    assert.doesNotMatch(msg, /gave no error text/);
  });
});
