/**
 * Processes left behind and secrets exposed (issue 9): SIGTERM through `npm run nb`, SIGTERM to
 * `npm run book`'s command, SIGKILL of the runner, and the server's token, which must be on no
 * command line and in no file the run writes. Each test starts its own server through the CLI and
 * signals it while the kernel runs tests/fixtures/runner/slow.ipynb (a 20 s cell).
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ChildProcess } from "child_process";
import { alive, childrenOf, environOf, filesContaining, fx, processes, readJson, root, run, runCli, waitFor } from "./helpers";

let tmp: string;
before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-procs-")); });
after(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

/**
 * Once the runner (nb or book) printed its server's pid and that server's kernel process exists,
 * wait `settleMs` more (the kernel enters the slow cell), then call `act`.
 */
function onKernelRunning(settleMs: number, act: (serverPid: number, child: ChildProcess) => void) {
  let started = false;
  return (all: string, child: ChildProcess) => {
    const m = /started Jupyter server \S+ \(pid (\d+)\)/.exec(all);
    if (!m || started) return;
    started = true;
    const server = Number(m[1]);
    void waitFor(() => kernelsOf(server).length > 0, 60_000).then(() => setTimeout(() => act(server, child), settleMs));
  };
}

/** The server's kernel(s): the children of the server process (serve.py runs jupyter_server in-process). */
const kernelsOf = (serverPid: number) => childrenOf(serverPid).filter((p) => processes().find((x) => x.pid === p)?.cmdline.includes("launch.js"));

describe("processes", { timeout: 180_000 }, () => {
  test("SIGTERM to `npm run nb` stops the runner, its server and kernel; the copy records the interruption", async () => {
    const out = fs.mkdtempSync(path.join(tmp, "npm-"));
    let pids: { runner?: number; server?: number; kernels: number[] } = { kernels: [] };
    const r = await run("npm", ["run", "--silent", "nb", "--", fx("slow.ipynb"), "--out", out, "--timeout", "120"], {
      onOutput: onKernelRunning(3000, (server, npm) => {
        pids = {
          runner: processes().find((p) => p.cmdline.includes("cli/nb.js") && p.cmdline.includes(out))?.pid,
          server,
          kernels: kernelsOf(server),
        };
        npm.kill("SIGTERM"); // npm alone, as a terminal, a CI runner or a process manager does
      }),
    });
    assert.ok(pids.runner && pids.server && pids.kernels.length === 1, `found ${JSON.stringify(pids)}:\n${r.stderr}`);
    assert.equal(r.code, 143, `npm passes on the runner's exit code:\n${r.stderr}`);
    const gone = await waitFor(() => [pids.runner!, pids.server!, ...pids.kernels].every((p) => !alive(p)), 20_000);
    assert.ok(gone, `left running: ${[pids.runner!, pids.server!, ...pids.kernels].filter(alive).join(", ")}`);
    assert.match(r.stderr, /nb: SIGTERM: interrupting/);
    const nb = readJson(path.join(out, "slow.ipynb"));
    assert.equal(nb.metadata.genlab.execution.status, "interrupted");
  });

  test("SIGKILL of the runner leaves no server or kernel; the token is on no command line and in no file the run wrote", async () => {
    const out = fs.mkdtempSync(path.join(tmp, "kill-"));
    const box: { seen?: { server: number; kernels: number[]; token?: string; runtime?: string; onCmdline: number[]; inRuntime: string[] } } = {};
    const r = await runCli("nb", [fx("slow.ipynb"), "--out", out, "--timeout", "120"], {
      onOutput: onKernelRunning(3000, (server, child) => {
        const token = environOf(server, "JUPYTER_TOKEN");
        const runtime = environOf(server, "JUPYTER_RUNTIME_DIR");
        box.seen = {
          server,
          kernels: kernelsOf(server),
          token,
          runtime,
          onCmdline: token ? processes().filter((p) => p.cmdline.includes(token)).map((p) => p.pid) : [],
          inRuntime: token && runtime ? filesContaining(runtime, token) : [],
        };
        child.kill("SIGKILL");
      }),
    });
    assert.equal(r.signal, "SIGKILL");
    assert.ok(box.seen, r.stderr);
    const s = box.seen;
    assert.ok(s.token && s.token.length >= 32, "the server got its token from the environment");
    assert.deepEqual(s.onCmdline, [], "no process shows the token in its command line");
    assert.deepEqual(s.inRuntime, [], "no runtime file (jpserver-*.json, *-open.html) holds the token");
    assert.equal(s.kernels.length, 1, "the kernel was running");
    const gone = await waitFor(() => [s.server, ...s.kernels].every((p) => !alive(p)), 25_000);
    assert.ok(gone, `left running: ${[s.server, ...s.kernels].filter(alive).join(", ")}`);
    assert.ok(await waitFor(() => !fs.existsSync(s.runtime!), 5000), "the private runtime folder is removed");
    assert.deepEqual([...filesContaining(out, s.token!), ...filesContaining(path.join(root, ".jupyter-local"), s.token!)], []);
  });

  test("SIGTERM to `npm run book`'s command: cell interrupted, server stopped, exit 143", async () => {
    const out = fs.mkdtempSync(path.join(tmp, "book-"));
    let server = 0;
    const r = await runCli("book", [fx("slow.ipynb"), "--out", out, "--timeout", "120"], {
      onOutput: onKernelRunning(3000, (pid, child) => { server = pid; child.kill("SIGTERM"); }),
    });
    assert.equal(r.code, 143, r.stdout + r.stderr);
    assert.match(r.stderr, /book: SIGTERM: interrupting/);
    assert.ok(server > 0 && !alive(server), "the server is gone");
    assert.equal(readJson(path.join(out, "notebooks", "slow.ipynb")).metadata.genlab.execution.status, "interrupted"); // the book keeps its executed copies in notebooks/
    assert.ok(fs.existsSync(path.join(out, "index.html")), "the index is still written");
  });

  test("the nb, book and start scripts exec their command, so npm's SIGTERM reaches it", () => {
    const scripts = readJson(path.join(root, "package.json")).scripts as Record<string, string>;
    assert.match(scripts.nb, /^exec node dist\/tools\/cli\/nb\.js$/);
    assert.match(scripts.book, /^exec node dist\/tools\/cli\/book\.js$/);
    assert.match(scripts.start, /&& exec node dist\/tools\/cli\/start\.js$/);
  });
});
