/**
 * Runner tests against a real Jupyter server and tslab kernels. One server is started for the
 * whole file (before/after hooks) to keep it fast on 2 cores; only the Ctrl-C test starts its own,
 * because it checks that the CLI stops the server it started.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createHash } from "crypto";
import { spawn, spawnSync } from "child_process";
import { LocalServer, Notebook, runNotebook, startServer } from "../../tools/runner";

const root = path.resolve(__dirname, "../../../..");
const fixtures = path.join(root, "tests", "fixtures", "runner");
const fx = (name: string) => path.join(fixtures, name);
// The CLI compiled by the same tsc run as this test (build/ts/tools/cli/nb.js), so it is never stale.
const cli = path.resolve(__dirname, "../../tools/cli/nb.js");

let server: LocalServer;
let outDir: string;

interface CliResult { code: number | null; stdout: string; stderr: string; ms: number }
function runCli(args: string[], opts: { onStderr?: (text: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => { stderr += d; opts.onStderr?.(stderr, child); });
    child.on("close", (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 }));
  });
}
const sha = (f: string) => createHash("sha256").update(fs.readFileSync(f)).digest("hex");
const text = (t: string | string[]) => (Array.isArray(t) ? t.join("") : t);

/** Validate with Python's nbformat when it is installed (Debian: python3-nbformat). */
function pythonValidate(file: string): void {
  const r = spawnSync("/usr/bin/python3", ["-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", file], { encoding: "utf8" });
  if (r.error || /No module named/.test(r.stderr)) return; // not available: the TS structural check still ran
  assert.equal(r.status, 0, `nbformat.validate failed for ${file}:\n${r.stderr}`);
}

before(async () => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-runner-"));
  server = await startServer();
});
after(async () => {
  await server?.stop();
  fs.rmSync(outDir, { recursive: true, force: true });
});

describe("runner with a live tslab kernel", () => {
  test("a passing notebook: outputs captured, parameters injected, copy valid, source untouched", async () => {
    const src = fx("pass.ipynb");
    const before = sha(src);
    const report = await runNotebook(src, { parameters: { quick: true, seed: 7, label: "hello", sizes: [3, 4] }, outDir, server, timeoutSec: 60 });
    assert.equal(report.status, "ok", report.error?.message);
    assert.equal(sha(src), before, "the source notebook must not change");
    assert.equal(report.cellsExecuted, 8);
    assert.equal(report.cells.find((c) => c.index === 7)?.status, "allowed-error");
    assert.equal(report.cells.find((c) => c.index === 8)?.status, "allowed-error");

    const out = path.join(outDir, "pass.ipynb");
    assert.equal(report.output, out);
    const nb: Notebook = JSON.parse(fs.readFileSync(out, "utf8"));
    pythonValidate(out);
    assert.deepEqual(fs.readdirSync(outDir).filter((f) => f.endsWith(".tmp")), [], "no temp files left behind");
    assert.ok(fs.existsSync(path.join(outDir, "report.json")));

    // Injected right after the parameters cell, tagged, with TypeScript assignments; recorded in metadata.
    const injected = nb.cells[2];
    assert.equal(injected.cell_type, "code");
    assert.deepEqual(injected.metadata.tags, ["injected-parameters"]);
    assert.match(text(injected.source), /^quick = true;$/m);
    assert.match(text(injected.source), /^label = "hello";$/m);
    assert.ok(typeof injected.id === "string");
    assert.deepEqual(nb.metadata.genlab?.parameters, { quick: true, seed: 7, label: "hello", sizes: [3, 4] });

    const outs = (i: number) => (nb.cells[i - 1] as any).outputs as any[];
    // Consecutive stdout chunks merged into one output; stderr separate.
    assert.deepEqual(outs(4).map((o) => [o.output_type, o.name, text(o.text)]), [["stream", "stdout", "out one\nout two\n"], ["stream", "stderr", "err one\n"]]);
    // show() from genlab: one display_data with a bundle.
    assert.equal(outs(5).length, 1);
    assert.equal(outs(5)[0].output_type, "display_data");
    assert.equal(text(outs(5)[0].data["text/plain"]), "shown by genlab");
    assert.ok(outs(5)[0].data["text/html"]);
    // tslab.newDisplay(): the update replaced the first version in place.
    assert.equal(outs(6).length, 1);
    assert.equal(text(outs(6)[0].data["text/plain"]), "second version");
    // raises-exception cell: its error text is kept, and the next cell ran (tslab's 200 ms abort window handled).
    assert.match(text(outs(7)[0].text), /expected failure/);
    // A TypeScript compile error is an error too (tslab prints the diagnostic on stderr).
    assert.match(text(outs(8)[0].text), /not assignable to type 'number'/);
    assert.equal(text(outs(9)[0].text), 'after quick=true seed=7 label=hello sizes=[3,4]\n');
    assert.ok(nb.cells.every((c) => c.cell_type !== "code" || typeof c.execution_count === "number"));
  });

  test("CLI: a failing cell fails the run naming the notebook, cell, source and error; copy written", async () => {
    const r = await runCli([fx("fail.ipynb"), "--server", server.url, "--token", server.token, "--out", outDir]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /fail\.ipynb: cell 4 \(execution count 3\) failed/);
    assert.match(r.stderr, /^    \|   throw new Error\("kaboom 42"\);$/m);
    assert.match(r.stderr, /Error: kaboom 42/);
    assert.doesNotMatch(r.stderr, /node_modules\/tslab/);
    assert.match(r.stdout, /^FAILED\s+fail\.ipynb {2}3\/4 cells .* at cell 4$/m);
    const copy = path.join(outDir, "fail.ipynb");
    assert.match(r.stderr, new RegExp(`executed copy \\(up to the failing cell\\): ${copy.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    const nb = JSON.parse(fs.readFileSync(copy, "utf8"));
    assert.equal(text(nb.cells[2].outputs[0].text), "before the failure\n");
    assert.deepEqual(nb.cells[4].outputs, []);
    assert.equal(nb.metadata.genlab.execution.status, "failed");
    const rep = JSON.parse(fs.readFileSync(path.join(outDir, "report.json"), "utf8"));
    assert.equal(rep.status, "failed");
    assert.equal(rep.notebooks[0].error.cell, 4);
    assert.match(rep.notebooks[0].error.kernelError, /kaboom 42/);
    pythonValidate(copy);
  });

  test("a cell over its timeout is interrupted at the timeout (its 20 s wait is cut short) and fails the run naming the cell", async () => {
    const report = await runNotebook(fx("slow.ipynb"), { outDir, server, timeoutSec: 3 });
    assert.equal(report.status, "failed");
    assert.match(report.error!.message, /slow\.ipynb: cell 3 .*timed out after 3 s/);
    assert.match(report.error!.message, /setTimeout\(r, 20000\)/);
    const last = report.cells.at(-1)!;
    assert.equal(last.status, "timeout");
    // the cell's own time, not the run's: a loaded machine (CI at load 20) slows the kernel's start, not
    // the interrupt. 3 s of timeout plus the interrupt's delivery, far below the 20 s the cell would wait.
    assert.ok(last.ms >= 3000 && last.ms < 10_000, `the timed-out cell ran ${last.ms} ms`);
    const nb = JSON.parse(fs.readFileSync(report.output, "utf8"));
    assert.equal(text(nb.cells[2].outputs[0].text), "waiting\n");
  });
});

describe("errors before execution (no server is started)", () => {
  const cases: Array<[string, string[], RegExp]> = [
    ["wrong type", [fx("pass.ipynb"), "-p", "quick=maybe"], /parameter "quick" expects a boolean like its default false, got string "maybe"/],
    ["unknown key", [fx("pass.ipynb"), "-p", "nope=1"], /unknown parameter "nope"; the parameters cell assigns: quick, seed, label, sizes, frozen/],
    ["const parameter", [fx("pass.ipynb"), "-p", "frozen=2"], /"frozen" is declared with const .* declare it with let/],
    ["number for array", [fx("pass.ipynb"), "-p", "sizes=3"], /"sizes" expects a array/],
    ["malformed JSON", [fx("malformed.ipynb")], /malformed\.ipynb: not a valid \.ipynb file \(not JSON/],
    ["nbformat 3", [fx("nbformat3.ipynb")], /not an nbformat 4 notebook \(nbformat = 3\)/],
    ["cells missing", [fx("nocells.ipynb")], /not a valid nbformat 4 notebook: no cells array/],
    ["-p without a parameters cell", [fx("noparams.ipynb"), "-p", "quick=true"], /noparams\.ipynb: no code cell tagged "parameters", so -p quick cannot be set/],
    ["file not found", [fx("missing.ipynb")], /missing\.ipynb: file not found/],
    ["bad -p syntax", [fx("pass.ipynb"), "-p", "quick"], /-p quick: expected key=value/],
  ];
  for (const [name, args, re] of cases) {
    test(`CLI: ${name} -> exit 2 with a one-line message`, async () => {
      const r = await runCli([...args, "--out", outDir]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /started Jupyter server/);
    });
  }
  test("CLI: no notebook -> usage, exit 2", async () => {
    const r = await runCli([]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no notebook given/);
    assert.match(r.stderr, /usage: npm run nb/);
  });
  test("API: a bad parameter type throws NotebookInputError before anything runs", async () => {
    await assert.rejects(runNotebook(fx("pass.ipynb"), { parameters: { seed: "x" }, outDir }), { name: "NotebookInputError", message: /"seed" expects a number/ });
  });
});

describe("Ctrl-C", () => {
  test("SIGINT interrupts the cell, writes the copy, stops the server it started, exit 130", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-sigint-"));
    let sent = false;
    let pid = 0;
    const r = await runCli([fx("slow.ipynb"), "--out", out, "--timeout", "60"], {
      onStderr: (err, child) => {
        const m = /started Jupyter server .* \(pid (\d+)\)/.exec(err);
        if (m) pid = Number(m[1]);
        // Wait until the kernel is busy in the slow cell (it printed "running" and had time to start).
        if (!sent && /nb: running/.test(err)) {
          sent = true;
          setTimeout(() => child.kill("SIGINT"), 7000);
        }
      },
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /SIGINT: interrupting/);
    assert.ok(pid > 0);
    assert.throws(() => process.kill(pid, 0), { code: "ESRCH" }, "the Jupyter server must be gone");
    const nb = JSON.parse(fs.readFileSync(path.join(out, "slow.ipynb"), "utf8"));
    assert.equal(nb.metadata.genlab.execution.status, "interrupted");
    fs.rmSync(out, { recursive: true, force: true });
  });
});
