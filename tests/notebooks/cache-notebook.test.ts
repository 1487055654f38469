/**
 * The cache never returns a result for changed code, tried as a reader would: a notebook whose cached
 * computation calls a function defined in an earlier cell is run, the function is edited, and the
 * notebook is run again on a real tslab kernel. The new result must come back; an unchanged rerun
 * reads the stored one and says so.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { runNotebook, startServer, LocalServer } from "../../tools/runner";
import { projectRoot } from "../../tools/project/paths";

// inside the project, so `import ... from "genlab"` resolves through node_modules/genlab
const dir = fs.mkdtempSync(path.join(projectRoot, "build", "cache-notebook-"));
const cacheDir = path.join(dir, "cache");
let server: LocalServer;
console.debug = () => undefined;

function notebook(teacherBody: string): object {
  let id = 0;
  const code = (src: string, tags?: string[]) => ({ cell_type: "code", id: `c${id++}`, execution_count: null, metadata: tags ? { tags } : {}, outputs: [], source: src });
  return {
    cells: [
      { cell_type: "markdown", id: "title", metadata: {}, source: "# 99 · Cache test" },
      code("let quick = false;\nlet seed = 0;", ["parameters"]),
      code('import { cached, Rng } from "genlab";'),
      code(`function teacherData(k: number) {\n  ${teacherBody}\n}`),
      code('const value = await cached("stale-test", () => teacherData(4) + new Rng(seed).fork("x").int(1));\nconsole.log(`VALUE=${value}`);'),
    ],
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (genlab)", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

async function run(teacherBody: string, parameters: Record<string, unknown> = {}): Promise<string> {
  return runCells(notebook(teacherBody), parameters);
}

async function runCells(nb: object, parameters: Record<string, unknown> = {}): Promise<string> {
  const file = path.join(dir, "99-cache-test.ipynb");
  fs.writeFileSync(file, JSON.stringify(nb, null, 1));
  const out = path.join(dir, "out");
  const report = await runNotebook(file, { parameters, outDir: out, server, writeReport: false, timeoutSec: 120 });
  assert.equal(report.status, "ok", report.error?.message);
  const executed = JSON.parse(fs.readFileSync(path.join(out, "99-cache-test.ipynb"), "utf8")) as { cells: { outputs?: { text?: string | string[] }[] }[] };
  return executed.cells.flatMap((c) => c.outputs ?? []).map((o) => (Array.isArray(o.text) ? o.text.join("") : o.text ?? "")).join("");
}

before(async () => {
  process.env.GENLAB_CACHE_DIR = cacheDir;
  delete process.env.GENLAB_NO_CACHE;
  server = await startServer();
});
after(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("an edited notebook function called by a cached computation gives the new result", { timeout: 300_000 }, async () => {
  const first = await run("return k * 10;");
  assert.match(first, /VALUE=40\b/);
  assert.doesNotMatch(first, /cache: reused/);
  const edited = await run("return k * 100;");
  assert.match(edited, /VALUE=400\b/, "the edited function's result, not the cached 40");
  const again = await run("return k * 100;");
  assert.match(again, /cache: reused 'stale-test'/);
  assert.match(again, /VALUE=400\b/);
  const reparam = await run("return k * 100;", { seed: 1 });
  assert.doesNotMatch(reparam, /cache: reused/, "a changed parameter the computation reads is a new key");
});

/** A notebook whose cached computation calls a closure made by a factory and a helper module next to it. */
function closureNotebook(scale: number): object {
  let id = 0;
  const code = (src: string, tags?: string[]) => ({ cell_type: "code", id: `k${id++}`, execution_count: null, metadata: tags ? { tags } : {}, outputs: [], source: src });
  return {
    cells: [
      { cell_type: "markdown", id: "title", metadata: {}, source: "# 99 · Cache test" },
      code("let quick = false;\nlet seed = 0;", ["parameters"]),
      code('import { cached } from "genlab";\nconst helpers = require("./helpers.js");'),
      code("function makeScale(k: number) {\n  return (x: number) => x * k;\n}"),
      code(`const f = makeScale(${scale});`),
      code('const value = await cached("closure-test", () => f(3) + helpers.offset());\nconsole.log(`VALUE=${value}`);'),
    ],
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (genlab)", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

test("a value captured by a closure and a helper module next to the notebook are part of the key", { timeout: 300_000 }, async () => {
  const helper = (n: number) => fs.writeFileSync(path.join(dir, "helpers.js"), `exports.offset = () => ${n};\n`);
  helper(1);
  assert.match(await runCells(closureNotebook(2)), /VALUE=7\b/);
  const rescaled = await runCells(closureNotebook(5));
  assert.match(rescaled, /VALUE=16\b/, "makeScale(5), not the cached makeScale(2) result");
  assert.doesNotMatch(rescaled, /cache: reused/);
  assert.match(await runCells(closureNotebook(5)), /cache: reused 'closure-test'[\s\S]*VALUE=16\b/, "unchanged: reused");
  helper(2);
  const edited = await runCells(closureNotebook(5));
  assert.match(edited, /VALUE=17\b/, "the edited helper's result");
  assert.doesNotMatch(edited, /cache: reused/);
});
