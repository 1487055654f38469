/** Runner pieces that need no kernel: parameters, output collection, nbformat checks, lint. */
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn, spawnSync } from "child_process";
import {
  CodeCell, Notebook, OutputCollector, checkOutputs, checkParams, chooseKernel, failedPath, injectParameters, injectionCode,
  inspectTarget, lintFile, notebookProblems, parseParamArgs, parseParamDecls, readNotebook, serverRootFor, sessionPath, trimKernelError,
  writeExecutedCopy, writeNotebook,
} from "../../tools/runner";

const root = path.resolve(__dirname, "../../../..");
const lintDir = path.join(root, "tests", "fixtures", "runner", "lint");
const lintCli = path.resolve(__dirname, "../../tools/cli/lint.js");

describe("parameters", () => {
  test("-p values: JSON when valid, else a string", () => {
    const p = parseParamArgs(["a=3", "b=true", "c=[1,2]", 'd="x y"', "e=hello", "f=1e-3", "g="]);
    assert.deepEqual(Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.value])), { a: 3, b: true, c: [1, 2], d: "x y", e: "hello", f: 0.001, g: "" });
    assert.throws(() => parseParamArgs(["a=1", "a=2"]), /given twice/);
    assert.throws(() => parseParamArgs(["=1"]), /expected key=value/);
  });
  test("declarations of the parameters cell, with the kind of each default", () => {
    const d = parseParamDecls('let quick = false; // c\nlet seed = -1;\nlet lr: number = 1e-3, name = `n`;\nconst k = 2;\nvar widths = [1, 2];\nlet cfg = { a: 1 };\nlet n = Math.PI;\nlet s = "x" as string;\n');
    assert.deepEqual(d.map((x) => [x.name, x.keyword, x.kind]), [
      ["quick", "let", "boolean"], ["seed", "let", "number"], ["lr", "let", "number"], ["name", "let", "string"],
      ["k", "const", "number"], ["widths", "var", "array"], ["cfg", "let", "object"], ["n", "let", "unknown"], ["s", "let", "string"],
    ]);
  });
  test("type checks, string coercion and injection code", () => {
    const decls = parseParamDecls('let quick = false;\nlet seed = 0;\nlet tag = "a";\nlet anything = f();\n');
    assert.deepEqual(checkParams("nb", decls, parseParamArgs(["tag=123", "anything=[1]", "seed=2"])), { tag: "123", anything: [1], seed: 2 });
    assert.throws(() => checkParams("nb", decls, parseParamArgs(["quick=maybe"])), /"quick" expects a boolean like its default false, got string "maybe" \(it is not valid JSON/);
    assert.throws(() => checkParams("nb", decls, parseParamArgs(["seed=true"])), /"seed" expects a number/);
    assert.equal(injectionCode({ quick: true, tag: 'a"b' }), '// Parameters injected by the genlab runner\nquick = true;\ntag = "a\\"b";\nvoid 0;');
  });
  test("injection replaces an earlier injected cell (re-running an executed copy)", () => {
    const nb = readNotebook(path.join(root, "tests", "fixtures", "runner", "pass.ipynb"));
    const once = injectParameters(nb, { seed: 1 });
    const twice = injectParameters(once, { seed: 2 });
    assert.equal(twice.cells.length, nb.cells.length + 1);
    assert.match((twice.cells[2].source as string[]).join(""), /seed = 2;/);
    assert.deepEqual(notebookProblems(twice), []);
  });
});

describe("output collection", () => {
  const msg = (msg_type: string, content: Record<string, unknown>) => ({ header: { msg_type }, content }) as any;
  test("streams merge; clear_output(wait) clears at the next output; updates reach earlier cells", () => {
    const displays = new Map();
    const a: CodeCell = { cell_type: "code", metadata: {}, source: "", outputs: [], execution_count: null };
    const ca = new OutputCollector(a);
    ca.useDisplays(displays);
    ca.handle(msg("display_data", { data: { "text/plain": "v1" }, metadata: {}, transient: { display_id: "d" } }));
    const b: CodeCell = { cell_type: "code", metadata: {}, source: "", outputs: [], execution_count: null };
    const cb = new OutputCollector(b);
    cb.useDisplays(displays);
    cb.handle(msg("stream", { name: "stdout", text: "x" }));
    cb.handle(msg("stream", { name: "stdout", text: "y\n" }));
    cb.handle(msg("stream", { name: "stderr", text: "e\n" }));
    cb.handle(msg("stream", { name: "stdout", text: "z\n" }));
    assert.deepEqual(b.outputs.map((o: any) => o.text), ["xy\n", "e\n", "z\n"]);
    cb.handle(msg("clear_output", { wait: true }));
    assert.equal(b.outputs.length, 3, "wait=true keeps outputs until the next one");
    cb.handle(msg("update_display_data", { data: { "text/plain": "v2" }, metadata: {}, transient: { display_id: "d" } }));
    assert.equal(b.outputs.length, 3, "an update is not a new output");
    assert.equal((a.outputs[0] as any).data["text/plain"], "v2");
    cb.handle(msg("execute_result", { execution_count: 4, data: { "text/plain": "r" }, metadata: {} }));
    assert.deepEqual(b.outputs.map((o) => o.output_type), ["execute_result"]);
    cb.handle(msg("clear_output", { wait: false }));
    assert.equal(b.outputs.length, 0);
    cb.handle(msg("error", { ename: "E", evalue: "bad", traceback: ["\u001b[31mE: bad\u001b[0m"] }));
    assert.equal(b.outputs[0].output_type, "error");
    assert.equal(cb.errorText(), "E: bad\ne", "iopub error first, then the stderr text");
  });
  test("kernel-internal stack frames are trimmed from error messages", () => {
    const t = "Error: x\n    at f (evalmachine.<anonymous>:1:1)\n    at sigintHandlersWrap (node:vm:280:12)\n    at Object.execute (/p/node_modules/tslab/dist/executor.js:1:1)";
    assert.equal(trimKernelError(t), "Error: x\n    at f (evalmachine.<anonymous>:1:1)");
  });
  test("writeNotebook is atomic (no temp file left) and readable back", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-nbw-"));
    const f = path.join(dir, "x.ipynb");
    writeNotebook(f, { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] });
    assert.deepEqual(fs.readdirSync(dir), ["x.ipynb"]);
    assert.equal(readNotebook(f).nbformat, 4);
    fs.rmSync(dir, { recursive: true });
  });
});

describe("lint", () => {
  // The rules that predate the chapter skeleton; tests/runner/lint-chapter.test.ts covers the rest.
  const BASIC = new Set(["nbformat", "kernelspec", "title", "parameters", "outputs", "execution-count", "filename"]);
  const lint = (name: string) => lintFile(path.join(lintDir, name)).map((v) => `${v.rule}: ${v.detail}`)
    // the title's number and summary are chapter rules, tested there; these fixtures are not chapters
    .filter((l) => BASIC.has(l.split(":")[0]) && !l.startsWith("title: cell 1:"));
  test("a good chapter passes every rule", () => assert.deepEqual(lintFile(path.join(lintDir, "01-good-chapter.ipynb")), []));
  test("each rule reports", () => {
    assert.match(lint("BadName.ipynb").join("\n"), /^filename: "BadName.ipynb" should be NN-short-name.ipynb/);
    assert.deepEqual(lint("02-wrong-kernel.ipynb"), ['kernelspec: metadata.kernelspec.name is "python3", expected "tslab"']);
    assert.deepEqual(lint("03-no-title.ipynb"), ["title: the first cell is code, expected markdown starting with '# '"]);
    assert.match(lint("04-two-params.ipynb").join("\n"), /parameters: 2 code cells tagged "parameters" \(cells 2, 3\)/);
    assert.deepEqual(lint("05-no-params.ipynb").filter((l) => l.startsWith("parameters")), ['parameters: no code cell tagged "parameters"']);
    assert.deepEqual(lint("06-bad-params.ipynb").filter((l) => l.startsWith("parameters")), [
      "parameters: cell 2: `quick` is declared with const; use let so the runner can reassign it",
      "parameters: cell 2: `seed` must be a number, its default is \"zero\"",
    ]);
    assert.deepEqual(lint("07-missing-seed.ipynb").filter((l) => l.startsWith("parameters")), ["parameters: cell 2: must define `seed` (a number) with let"]);
    assert.deepEqual(lint("08-with-outputs.ipynb").map((l) => l.replace(/ in the git index \(.*?\)/, "")), [
      "outputs: cell 3 has 1 output(s); commit notebooks without outputs",
      "execution-count: cell 3 has execution_count 2; commit notebooks without execution counts",
    ]);
    assert.match(lint("09-not-json.ipynb").join("\n"), /^nbformat: not JSON/);
  });
  test("CLI prints path: rule: detail and exits 1; 0 on a good file", () => {
    const badFile = path.join(lintDir, "13-unused-imports.ipynb");
    const bad = spawnSync(process.execPath, [lintCli, badFile, path.join(lintDir, "01-good-chapter.ipynb")], { encoding: "utf8" });
    assert.equal(bad.status, 1);
    assert.equal(bad.stdout.trim().split("\n")[0], `${badFile}: unused-imports: cell 3: \`plot\` is imported from "genlab" but no code cell uses it; remove it from the import`);
    const good = spawnSync(process.execPath, [lintCli, path.join(lintDir, "01-good-chapter.ipynb")], { encoding: "utf8" });
    assert.equal(good.status, 0, good.stdout + good.stderr);
  });
});

describe("errors and drops seen in the output", () => {
  const msg = (msg_type: string, content: Record<string, unknown>) => ({ header: { msg_type }, content }) as any;
  const cell = (): CodeCell => ({ cell_type: "code", metadata: {}, source: "", outputs: [], execution_count: null });
  const report = "genlab: uncaught exception (in a timer, callback or un-awaited promise):\nError: boom\n    at Timeout._onTimeout (evalmachine.<anonymous>:3:26)\n    at listOnTimeout (node:internal/timers:581:17)\n";
  test("the launcher's report is recognised, during the cell or after its reply", () => {
    const during = new OutputCollector(cell());
    during.handle(msg("stream", { name: "stderr", text: report }));
    assert.equal(during.uncaught.length, 1);
    assert.equal(during.lateUncaught, false);
    assert.equal(during.uncaughtText(), "genlab: uncaught exception (in a timer, callback or un-awaited promise):\nError: boom\n    at Timeout._onTimeout (evalmachine.<anonymous>:3:26)");
    const late = new OutputCollector(cell());
    late.replied = true;
    late.handle(msg("stream", { name: "stderr", text: report.replace("exception", "promise rejection") }));
    assert.equal(late.lateUncaught, true);
  });
  test("not recognised: the same words in stdout, or the indented replay at the top of the next cell", () => {
    const c = new OutputCollector(cell());
    c.handle(msg("stream", { name: "stdout", text: report }));
    c.handle(msg("stream", { name: "stderr", text: "genlab: this error was thrown after the previous cell had finished:\n" + report.replace(/^/gm, "  ") }));
    assert.deepEqual(c.uncaught, []);
  });
  test("jupyter_server's note that it dropped output", () => {
    const c = new OutputCollector(cell());
    c.handle(msg("stream", { name: "stderr", text: "IOPub data rate exceeded.\nThe Jupyter server will temporarily stop sending output\n" }));
    assert.equal(c.dropped, "IOPub data rate exceeded.");
  });
  test("the kernel: --kernel, else the notebook's kernelspec, else tslab", () => {
    const nb = (ks?: { name: string }) => ({ nbformat: 4, nbformat_minor: 5, metadata: ks ? { kernelspec: ks } : {}, cells: [] }) as Notebook;
    assert.deepEqual(chooseKernel(nb({ name: "python3" }), "tslab"), { name: "tslab", from: "--kernel" });
    assert.deepEqual(chooseKernel(nb({ name: "python3" })), { name: "python3", from: "the notebook's metadata.kernelspec.name" });
    assert.deepEqual(chooseKernel(nb()), { name: "tslab", from: "the default" });
  });
});

describe("server root", () => {
  test("the project when every notebook is in it; else their common folder; never /", () => {
    assert.equal(serverRootFor([path.join(root, "notebooks", "a.ipynb"), path.join(root, "tests", "b.ipynb")], root), root);
    assert.equal(serverRootFor(["/tmp/x/y/a.ipynb", "/tmp/x/z/b.ipynb"], root), "/tmp/x");
    assert.equal(serverRootFor(["/tmp/x/a.ipynb"], root), "/tmp/x");
    assert.throws(() => serverRootFor(["/tmp/a.ipynb", "/var/b.ipynb"], root), { name: "NotebookInputError", message: /only common folder is \/, and the runner will not serve all of it; .*separate command/ });
    // Notebooks in two folders under the home or temporary folder: not the whole home or /tmp.
    assert.throws(() => serverRootFor([path.join(os.tmpdir(), "a", "x.ipynb"), path.join(os.tmpdir(), "b", "y.ipynb")], root), /will not serve all of it/);
    assert.throws(() => serverRootFor([path.join(os.homedir(), "a", "x.ipynb"), path.join(os.homedir(), "b", "y.ipynb")], root), /will not serve all of it/);
    assert.equal(serverRootFor([path.join(os.tmpdir(), "x.ipynb")], root), os.tmpdir(), "one notebook's own folder is served (hidden files not)");
    assert.throws(() => serverRootFor(["/a.ipynb"], root), /will not serve the whole disk/);
  });
  test("a session path is relative to the served folder; a notebook outside it is refused, not run elsewhere", () => {
    const info = { url: "http://127.0.0.1:1/", token: "t", rootDir: root };
    assert.equal(sessionPath(path.join(root, "notebooks", "a.ipynb"), info), "notebooks/a.ipynb");
    assert.throws(() => sessionPath("/tmp/elsewhere/a.ipynb", info), { name: "NotebookInputError", message: /outside the folder the Jupyter server serves/ });
  });
});

describe("executed copies", () => {
  const nb = (status: string, mark = ""): Notebook => ({ nbformat: 4, nbformat_minor: 5, metadata: { genlab: { execution: { status }, mark } }, cells: [] });
  test("a failed run never replaces a good copy; a good run replaces and tidies", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-copies-"));
    const f = path.join(dir, "x.ipynb");
    assert.deepEqual(writeExecutedCopy(f, nb("failed"), "failed"), { path: f, kept: undefined });
    assert.deepEqual(writeExecutedCopy(f, nb("ok"), "ok"), { path: f, kept: undefined });
    assert.deepEqual(writeExecutedCopy(f, nb("error"), "error"), { path: failedPath(f), kept: f });
    assert.deepEqual(inspectTarget(f), { kind: "copy", status: "ok" });
    assert.deepEqual(inspectTarget(failedPath(f)), { kind: "copy", status: "error" });
    writeExecutedCopy(f, nb("ok", "2"), "ok");
    assert.equal(fs.existsSync(failedPath(f)), false);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["x.ipynb"]);
    fs.rmSync(dir, { recursive: true });
  });
  test("checkOutputs: creates the folder; refuses the source itself and files the runner did not write", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-check-"));
    const src = path.join(dir, "src", "a.ipynb");
    fs.mkdirSync(path.dirname(src));
    fs.writeFileSync(src, JSON.stringify(nb("ok")).replace(/"genlab".*\}\}/, '"x": 1}'));
    checkOutputs(path.join(dir, "new", "deeper"), [src]);
    assert.ok(fs.statSync(path.join(dir, "new", "deeper")).isDirectory());
    assert.throws(() => checkOutputs(path.join(dir, "src"), [src]), /would overwrite the source notebook/);
    fs.symlinkSync(path.join(dir, "src"), path.join(dir, "link"));
    assert.throws(() => checkOutputs(path.join(dir, "link"), [src]), /would overwrite the source notebook/, "also through a symlink");
    fs.mkdirSync(path.join(dir, "other"));
    fs.copyFileSync(src, path.join(dir, "other", "a.ipynb"));
    assert.throws(() => checkOutputs(path.join(dir, "other"), [src]), /is not an executed copy written by the runner/);
    fs.rmSync(dir, { recursive: true });
  });
  test("a writer waits while a live process holds the copy's lock, and takes over the lock of a dead one", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-lock-"));
    const f = path.join(dir, "x.ipynb");
    const lock = path.join(dir, ".x.ipynb.lock");
    const output = path.resolve(__dirname, "../../tools/runner/output.js");
    const write = () => new Promise<number | null>((r) => spawn(process.execPath, ["-e",
      `require(${JSON.stringify(output)}).writeExecutedCopy(${JSON.stringify(f)}, { nbformat: 4, nbformat_minor: 5, metadata: { genlab: { execution: { status: "ok" } } }, cells: [] }, "ok")`,
    ], { stdio: "inherit" }).once("exit", r));
    fs.writeFileSync(lock, String(process.pid)); // held by us, alive
    const waiting = write();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(fs.existsSync(f), false, "no write while the lock is held");
    fs.rmSync(lock);
    assert.equal(await waiting, 0);
    assert.equal(inspectTarget(f).kind, "copy");
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!; // a pid that has exited
    fs.writeFileSync(lock, String(dead));
    fs.rmSync(f);
    assert.equal(await write(), 0);
    assert.equal(inspectTarget(f).kind, "copy", "a dead holder's lock is taken over");
    assert.equal(fs.existsSync(lock), false);
    fs.rmSync(dir, { recursive: true });
  });
  test("writers racing on one copy: every read sees a whole notebook, and a failed run never replaces a good copy", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-race-"));
    const f = path.join(dir, "x.ipynb");
    const output = path.resolve(__dirname, "../../tools/runner/output.js");
    const writer = (status: string, n: number) => spawn(process.execPath, ["-e", `
      const { writeExecutedCopy } = require(${JSON.stringify(output)});
      const pad = "x".repeat(20000); // big enough that a torn write would show
      for (let i = 0; i < ${n}; i++) writeExecutedCopy(${JSON.stringify(f)}, { nbformat: 4, nbformat_minor: 5, metadata: { genlab: { execution: { status: "${status}" }, i, pad } }, cells: [] }, "${status}");
    `], { stdio: "inherit" });
    const procs = [writer("ok", 60), writer("ok", 60), writer("failed", 60), writer("failed", 60), writer("error", 60), writer("failed", 60)];
    const running = procs.map((p) => new Promise<void>((r) => p.once("exit", (code) => { assert.equal(code, 0); r(); })));
    let seenOk = false;
    let reads = 0;
    let finished = false;
    void Promise.all(running).then(() => { finished = true; });
    while (!finished) {
      try {
        const status = (JSON.parse(fs.readFileSync(f, "utf8")) as Notebook).metadata.genlab!.execution as { status: string };
        reads++;
        if (status.status === "ok") seenOk = true;
        else assert.ok(!seenOk, "a failed run replaced a good copy");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e; // a torn file would fail JSON.parse here
      }
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(reads > 10, `only ${reads} reads`);
    assert.equal(inspectTarget(f).kind, "copy");
    assert.deepEqual(fs.readdirSync(dir).filter((x) => /\.(tmp|lock)$/.test(x)), []);
    fs.rmSync(dir, { recursive: true });
  });
});

describe("kernel start", () => {
  test("a lost kernel_info answer is asked for again (the start-up race), and a kernel that never answers times out", async () => {
    const { waitForKernel } = await import("../../tools/runner/execute");
    let resolveInfo: (v: unknown) => void = () => undefined;
    let asked = 0;
    const statusChanged = { connect: () => undefined, disconnect: () => undefined };
    const lost = {
      info: new Promise((r) => { resolveInfo = r; }),
      statusChanged,
      // the first request's answer was lost; the second one arrives
      requestKernelInfo: async () => { if (++asked === 2) resolveInfo({ status: "ok", implementation: "tslab" }); },
    };
    const info = await waitForKernel(lost as never, 5000, undefined, 20);
    assert.equal((info as { implementation: string }).implementation, "tslab");
    assert.equal(asked, 2);
    const silent = { info: new Promise(() => undefined), statusChanged, requestKernelInfo: async () => undefined };
    await assert.rejects(() => waitForKernel(silent as never, 100, undefined, 20), /did not answer within/);
  });
});
