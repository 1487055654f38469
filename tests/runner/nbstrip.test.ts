/**
 * The notebook clean filter: what it strips, that a clean or merely re-saved notebook comes out byte
 * for byte as committed, and the filter installed by kernel-setup/git-filter.sh in a git repository.
 */
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { stripText } from "../../tools/runner/strip";
import { indexText } from "../../tools/runner/gitIndex";

const root = path.resolve(__dirname, "../../../..");
const chapters = fs.readdirSync(path.join(root, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join(root, "notebooks", f));
const chapter = chapters.find((f) => f.includes("02-")) ?? chapters[0];
/** What is committed (the index), or the file in a copy without git. */
const committedOf = (f: string): string => indexText(f) ?? fs.readFileSync(f, "utf8");

/** A chapter as Jupyter saves it after running: sorted keys, outputs, counts, timings, the kernel's language_info. */
function executedAsJupyterSaves(text: string): string {
  const nb = JSON.parse(text);
  let n = 0;
  for (const c of nb.cells) {
    if (c.cell_type !== "code") continue;
    c.outputs = [{ output_type: "stream", name: "stdout", text: ["ran\n"] }];
    c.execution_count = ++n;
    c.metadata.execution = { "iopub.execute_input": "2026-01-01T00:00:00Z" };
    c.metadata.scrolled = true;
  }
  nb.metadata.language_info = { name: "typescript", version: "3.7.2", mimetype: "text/typescript", file_extension: ".ts", codemirror_mode: { mode: "typescript" } };
  nb.metadata.widgets = { state: {} };
  const sortKeys = (x: unknown): unknown => Array.isArray(x) ? x.map(sortKeys)
    : x && typeof x === "object" ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sortKeys((x as Record<string, unknown>)[k])])) : x;
  return JSON.stringify(sortKeys(nb), null, 1) + "\n";
}

describe("stripping", () => {
  test("every committed chapter passes through unchanged (and stripping is idempotent)", () => {
    for (const f of chapters) {
      const committed = committedOf(f);
      assert.equal(stripText(committed, committed), committed, f);
      assert.equal(stripText(stripText(committed)), stripText(committed), f);
      if (indexText(f) !== null) assert.equal(stripText(committed), committed, `${f}: clean without a template too`);
    }
  });
  test("a chapter that was only run comes out as committed, byte for byte", () => {
    const committed = committedOf(chapter);
    assert.equal(stripText(executedAsJupyterSaves(committed), committed), committed);
  });
  test("an edited chapter keeps the committed layout: only the edited line differs", () => {
    const committed = committedOf(chapter);
    const nb = JSON.parse(executedAsJupyterSaves(committed));
    const md = nb.cells.find((c: { cell_type: string }) => c.cell_type === "markdown");
    md.source[0] = md.source[0].replace("\n", " (edited)\n");
    const out = stripText(JSON.stringify(nb, null, 1) + "\n", committed).split("\n");
    const before = committed.split("\n");
    assert.equal(out.length, before.length);
    assert.deepEqual(out.filter((l, i) => l !== before[i]).length, 1);
  });
  test("without a committed version: outputs, counts and volatile metadata go, the rest stays in place", () => {
    const input = {
      cells: [{ cell_type: "code", execution_count: 4, id: "a1", metadata: { tags: ["parameters"], execution: {}, ExecuteTime: {}, collapsed: false, custom: 1 },
        outputs: [{ output_type: "stream", name: "stdout", text: "x" }], source: "let quick = false;" }],
      metadata: { kernelspec: { name: "tslab" }, genlab: { parameters: {} }, signature: "x", widgets: {}, language_info: { name: "typescript", version: "3.7.2" } },
      nbformat: 4, nbformat_minor: 5,
    };
    const out = stripText(JSON.stringify(input));
    assert.equal(out, JSON.stringify({
      cells: [{ cell_type: "code", execution_count: null, id: "a1", metadata: { tags: ["parameters"], custom: 1 }, outputs: [], source: "let quick = false;" }],
      metadata: { kernelspec: { name: "tslab" }, language_info: { name: "typescript", version: "3.7.2" } },
      nbformat: 4, nbformat_minor: 5,
    }, null, 1) + "\n");
  });
  test("text that is not a notebook passes through (a file with merge conflicts is never lost)", () => {
    assert.equal(stripText("<<<<<<< ours\n{"), "<<<<<<< ours\n{");
    assert.equal(stripText("[1, 2]"), "[1, 2]");
  });
});

const hasGit = spawnSync("git", ["--version"]).status === 0;

describe("the git clean filter", { skip: hasGit ? false : "git is not installed" }, () => {
  /** A copy of the project's filter pieces in `dir/prefix`, as a checkout has them after setup. */
  function project(dir: string, prefix: string): string {
    const p = path.join(dir, prefix);
    for (const [from, to] of [
      [path.join(root, "kernel-setup", "git-filter.sh"), "kernel-setup/git-filter.sh"],
      [path.join(root, "scripts", "nbstrip.js"), "scripts/nbstrip.js"],
      [path.resolve(__dirname, "../../tools/runner/strip.js"), "dist/tools/runner/strip.js"],
      [path.resolve(__dirname, "../../tools/runner/gitIndex.js"), "dist/tools/runner/gitIndex.js"],
      [path.join(root, ".gitattributes"), ".gitattributes"],
    ]) {
      fs.mkdirSync(path.dirname(path.join(p, to)), { recursive: true });
      fs.copyFileSync(from, path.join(p, to));
    }
    fs.mkdirSync(path.join(p, "notebooks"));
    return p;
  }
  const run = (cwd: string, cmd: string, ...args: string[]) => {
    const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.org", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.org" } });
    assert.equal(r.status, 0, `${cmd} ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };

  for (const prefix of ["", "lab folder"]) {
    test(`setup installs it (idempotently) and git add records a run chapter as committed${prefix ? " (project in a sub-folder)" : ""}`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-strip-"));
      try {
        const p = project(dir, prefix);
        run(dir, "git", "init", "-q");
        assert.match(run(p, "bash", "kernel-setup/git-filter.sh"), /notebooks are stripped of outputs on git add/);
        assert.equal(run(p, "bash", "kernel-setup/git-filter.sh"), "", "a second run changes nothing");
        const nb = path.join(p, "notebooks", path.basename(chapter));
        const committed = committedOf(chapter);
        fs.writeFileSync(nb, executedAsJupyterSaves(committed));
        run(p, "git", "add", "-A");
        const rel = path.relative(dir, nb);
        assert.equal(run(dir, "git", "cat-file", "blob", `:${rel}`), stripText(executedAsJupyterSaves(committed)), "outputs never reach the index");
        run(dir, "git", "commit", "-qm", "x");
        fs.writeFileSync(nb, executedAsJupyterSaves(run(dir, "git", "show", `HEAD:${rel}`)));
        assert.equal(run(dir, "git", "diff", "--stat"), "", "running a chapter again is no change");
        run(p, "git", "add", "-A");
        assert.equal(run(dir, "git", "diff", "--cached", "--stat"), "");
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
  test("outside a git checkout setup does nothing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-strip-nogit-"));
    try {
      const p = project(dir, "");
      const r = spawnSync("bash", ["kernel-setup/git-filter.sh"], { cwd: p, encoding: "utf8", env: { ...process.env, GIT_CEILING_DIRECTORIES: dir } });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, "");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
