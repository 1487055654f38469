/**
 * The chapter rules of the lint (skeleton, control characters, unused imports, answer numbers), each
 * shown firing on a small fixture and not firing on the good chapter; and the outputs rules reading
 * the git index.
 */
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { lintFile } from "../../tools/runner";
import { MAX_CELL_LINES, codeLineCount } from "../../tools/runner/lintCode";
import { lintSources, missingNames } from "../../tools/runner/lintSource";
import { scanGenlab } from "../../tools/runner/genlabUses";
import { listItems, markdownLines } from "../../tools/runner/markdown";
import { codeDecimals, matchesAny, quotedDecimals } from "../../tools/runner/numbers";

const root = path.resolve(__dirname, "../../../..");
const lintDir = path.join(root, "tests", "fixtures", "runner", "lint");
const lint = (name: string, rules?: string[]) =>
  lintFile(path.join(lintDir, name)).filter((v) => !rules || rules.includes(v.rule)).map((v) => `${v.rule}: ${v.detail}`);
const SKELETON = ["title", "goals", "sections", "check-summary", "takeaways", "exercises", "references"];

describe("chapter skeleton", () => {
  test("the good chapter has every part (a heading inside a code fence is not a section)", () => {
    assert.deepEqual(lint("01-good-chapter.ipynb"), []);
  });
  test("every missing part is reported", () => {
    assert.deepEqual(lint("10-skeleton-missing.ipynb", SKELETON), [
      'title: cell 1: the title must read "# 10 · Title" (two digits, a space, a middle dot ·, a space), found "# Missing parts"',
      "title: cell 1: after the title, write a short summary of the chapter (at least one line of prose)",
      "goals: cell 1: list what the chapter shows as a numbered or bulleted list of at least 2 items (found 0)",
      'sections: at least 2 numbered sections "## 1 · Title", "## 2 · Title", ... are needed (found 1)',
      'check-summary: no code cell calls check.summary(); add "## Summary of the checks" and a code cell `check.summary();` after the last section',
      'takeaways: no "## Takeaways" heading; add one after the check summary with at least 2 bullet points',
      'exercises: no "## Exercises" heading; add one after ## Takeaways with at least 3 numbered exercises, each with a <details><summary>Answer</summary>...</details>',
      'references: no "## References" heading; add one after ## Exercises listing the papers cited, with their arXiv ids',
    ]);
  });
  test("wrong numbering, order, counts, answers and citations are reported", () => {
    assert.deepEqual(lint("11-skeleton-wrong.ipynb", SKELETON), [
      "goals: cell 1: list what the chapter shows as a numbered or bulleted list of at least 2 items (found 1)",
      "sections: sections must be numbered 1, 2, 3, ... in order; found 1, 3",
      "check-summary: check.summary() is called in cell 3, but it must come after the last section (cell 5) and before ## Takeaways (cell 7)",
      "takeaways: ## Takeaways (cell 7) needs a list of at least 2 points (found 1)",
      "exercises: ## Exercises (cell 7) must come after ## Takeaways (cell 7)",
      'exercises: ## Exercises (cell 7) needs at least 3 numbered exercises "1. ...", "2. ...", "3. ..." (found 2)',
      "exercises: exercise 2 (cell 7) has no answer; add <details><summary>Answer</summary>...</details> inside the item (indented under it)",
      "references: ## References (cell 7): no item has an arXiv id, a DOI or a year; cite at least one paper so a reader can find it",
    ]);
  });
  test("chapter 00, the tour, needs no chapter skeleton but keeps the text rules", () => {
    assert.deepEqual(lint("00-tour.ipynb", SKELETON), []);
    assert.deepEqual(lint("00-tour.ipynb").map((l) => l.split(",")[0]), [
      "unused-imports: cell 3: `plot` is imported from \"genlab\" but no code cell uses it; remove it from the import",
      "answer-numbers: the answer in cell 4 quotes 99.5%",
    ]);
  });
  test("a sweep's point notebook (a folder named points) needs no chapter skeleton; the real one passes every other rule", () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "genlab-lint-")), "points");
    fs.mkdirSync(dir);
    try {
      fs.copyFileSync(path.join(lintDir, "10-skeleton-missing.ipynb"), path.join(dir, "10-skeleton-missing.ipynb"));
      assert.deepEqual(lintFile(path.join(dir, "10-skeleton-missing.ipynb")).filter((v) => SKELETON.includes(v.rule)).map((v) => v.rule), ["title", "title"]);
    } finally {
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    }
    assert.deepEqual(lintFile(path.join(root, "notebooks", "points", "09-scaling-point.ipynb")), []);
    // text may name a point notebook by its folder; a missing one is still reported
    assert.deepEqual(missingNames("notebooks/points/09-scaling-point.ipynb, points/99-nope.ipynb, 98-nope.ipynb", root, []), ["points/99-nope.ipynb", "98-nope.ipynb"]);
  });
  test("list items: numbered or bulleted at column 0; an unindented paragraph after a blank line ends an item", () => {
    const lines = markdownLines({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "markdown", metadata: {}, source: "1. a\n   more\n\n   still a\n2) b\n- c\n\nnot an item\n  1. nested\n" }] });
    assert.deepEqual(listItems(lines).map((it) => [it.number, it.lines.length]), [[1, 4], [2, 1], [null, 2]]);
  });
});

describe("control characters", () => {
  test("a TAB and a FORM FEED in markdown (from \\top and \\frac) are reported once per cell; a TAB in code is not", () => {
    assert.deepEqual(lint("12-control-chars.ipynb"), [
      'control-chars: cell 4, line 1, column 14: TAB (U+0009) in markdown text near "A formula $x^\\top y$ and $\\frac"; it usually comes from the JSON escape \\t (\\tau, \\theta, \\top, \\times, \\text) written with one backslash: write two (\\\\top) in the .ipynb, or type the text in Jupyter (2 control characters in this cell)',
    ]);
  });
});

describe("unused imports", () => {
  test("names imported from genlab that no cell uses are reported; a shorthand property is a use", () => {
    assert.deepEqual(lint("13-unused-imports.ipynb"), [
      'unused-imports: cell 3: `plot` is imported from "genlab" but no code cell uses it; remove it from the import',
      'unused-imports: cell 3: `lab` is imported from "genlab" but no code cell uses it; remove it from the import',
    ]);
  });
  test("the scanner maps each use to a path from the package root", () => {
    const scan = scanGenlab([
      { cell: 1, source: 'import { show, models as m, check } from "genlab";\nimport * as lab from "genlab";\nimport g = require("genlab");' },
      { cell: 2, source: "show(m.rfSweep({}).x);\nconst r: m.Result = lab.fit.fitPowerLaw([1], [2]);\nlet o = { show: 1, check };\ncheck.summary();\nfunction f(models: number) { return models; }" },
    ]);
    assert.deepEqual(scan.uses.map((u) => `${u.cell}:${u.path.join(".")}${u.called ? "()" : ""}`),
      ["2:show()", "2:models.rfSweep()", "2:models.Result", "2:fit.fitPowerLaw()", "2:check", "2:check.summary()"]);
    assert.deepEqual(scan.unused.map((u) => u.local), ["g"]);
  });
});

describe("numbers in answers", () => {
  test("decimals a code cell writes, the questions give, or a cited paragraph states are accepted; others reported", () => {
    assert.deepEqual(lint("14-answer-numbers.ipynb").map((l) => l.split(", which")[0]), [
      "answer-numbers: exercise 1's answer (cell 11) quotes 0.10",
      "answer-numbers: exercise 1's answer (cell 11) quotes 0.33",
      "answer-numbers: exercise 1's answer (cell 11) quotes 0.77",
    ]);
    assert.match(lint("14-answer-numbers.ipynb")[0], /quotes 0\.10, which no code cell computes: let a code cell compute and print it .* or check it as an expected value with a tolerance from its standard error; or state the answer without the number/);
  });
  test("what counts as a decimal in prose and in code", () => {
    const q = quotedDecimals("0.71, 2.5e-3, 13.3%, $6\\times 10^{-7}$, 1000, v1.2.3, arXiv 1912.02292, §2.3, https://x.org/1.5, 10.1073/pnas.1.2, $\\approx1.72$");
    assert.deepEqual(q.map((x) => [x.numeral, x.percent]), [["6e-7", false], ["0.71", false], ["2.5e-3", false], ["13.3", true], ["1.72", false]]);
    assert.deepEqual(codeDecimals('const a = 0.5, b = 1_000.25, c = 3, d = 0x1f, e = 1E+5; // 0.9\nconst s = "0.8" + `${0.7}`;').map((x) => x.numeral),
      ["0.5", "1000.25", "1e5", "0.7"]);
    assert.equal(matchesAny(quotedDecimals("4.6%")[0], codeDecimals("0.046")), true);
    assert.equal(matchesAny(quotedDecimals("0.10")[0], codeDecimals("0.1")), false);
  });
});

const hasGit = spawnSync("git", ["--version"]).status === 0;

describe("outputs are judged in the git index", { skip: hasGit ? false : "git is not installed" }, () => {
  test("an executed working copy passes when the index is clean; staged outputs and untracked files fail", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-lint-git-"));
    const git = (...args: string[]) => {
      const r = spawnSync("git", ["-c", "user.email=t@example.org", "-c", "user.name=t", ...args], { cwd: dir, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
    };
    try {
      git("init", "-q");
      const file = path.join(dir, "01-good-chapter.ipynb");
      const clean = fs.readFileSync(path.join(lintDir, "01-good-chapter.ipynb"), "utf8");
      fs.writeFileSync(file, clean);
      git("add", "01-good-chapter.ipynb");
      git("commit", "-qm", "clean");
      const executed = JSON.parse(clean);
      executed.cells[4].outputs = [{ output_type: "stream", name: "stdout", text: ["1\n"] }];
      executed.cells[4].execution_count = 3;
      fs.writeFileSync(file, JSON.stringify(executed, null, 1) + "\n");
      assert.deepEqual(lintFile(file), [], "a reader's executed copy is not what a commit records");
      git("add", "01-good-chapter.ipynb"); // no filter installed in this repository: the outputs reach the index
      assert.deepEqual(lintFile(file).map((v) => v.rule), ["outputs", "execution-count"]);
      assert.match(lintFile(file)[0].detail, /^cell 5 in the git index \(what a commit records;/);
      const untracked = path.join(dir, "02-good-chapter.ipynb");
      fs.writeFileSync(untracked, JSON.stringify(executed, null, 1).replace("# 01 ·", "# 02 ·") + "\n");
      assert.deepEqual(lintFile(untracked).map((v) => `${v.rule}: ${v.detail}`), [
        "outputs: cell 5 has 1 output(s); commit notebooks without outputs",
        "execution-count: cell 5 has execution_count 3; commit notebooks without execution counts",
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("what a reader sees: planning words and doc examples", () => {
  test("planning words and issue numbers are reported in markdown and code; ordinary words that contain 'plan' or 'issue' are not", () => {
    assert.deepEqual(lint("15-planning-words.ipynb").map((l) => l.split(" is planning")[0]), [
      'planning-words: cell 6: "The plan"',
      'planning-words: cell 7: "issue 12"',
      'planning-words: cell 8: "design note"',
    ]);
    assert.deepEqual(lint("16-planning-words-ok.ipynb"), []);
  });
  test("a code span naming a missing export of a library namespace, or a missing chapter file, is reported", () => {
    assert.deepEqual(lint("17-doc-examples.ipynb"), [
      "doc-examples: cell 6: `check.nope`, `models.nothing`, `99-missing-chapter.ipynb` do not exist in the library or in notebooks/; name an existing export or chapter",
    ]);
    assert.deepEqual(lint("18-doc-examples-ok.ipynb"), []);
  });
});

describe("code cells: shorthand, any, length, skipped checks", () => {
  test("{ x: x } for a parameter or a local is reported; a notebook top-level name keeps the long form", () => {
    assert.deepEqual(lint("19-shorthand.ipynb"), [
      "shorthand: cell 6: write the shorthand { width, depth, k } for local variables and parameters (`{ x: x }` is needed only for a name defined at a cell's top level)",
    ]);
    assert.deepEqual(lint("20-shorthand-ok.ipynb"), []);
  });
  test("the any type is reported; the word in a comment or a string is not", () => {
    assert.deepEqual(lint("21-no-any.ipynb"), ["no-any: cell 6: 2 `any` types; use the type the library exports (or let TypeScript infer it)"]);
    assert.deepEqual(lint("22-no-any-ok.ipynb"), []);
  });
  test(`a cell over ${MAX_CELL_LINES} lines of code is reported; blank and comment lines do not count`, () => {
    assert.equal(MAX_CELL_LINES, 25);
    assert.deepEqual(lint("23-cell-length.ipynb").map((l) => l.split(";")[0]), ["cell-length: cell 6 has 26 lines of code (at most 25, blank and comment lines not counted)"]);
    assert.deepEqual(lint("24-cell-length-ok.ipynb"), []);
    assert.equal(codeLineCount("a;\n\n// c\n/* d\n e */ b;\n/* f */\n  c;"), 3);
  });
  test("a check gated on quick needs check.skip on the other branch", () => {
    assert.deepEqual(lint("25-skipped-checks.ipynb").map((l) => l.split(";")[0]), [
      "skipped-checks: cell 6: a check runs only when `!quick` holds",
      "skipped-checks: cell 6: a check runs only when `quick` fails",
    ]);
    assert.deepEqual(lint("26-skipped-checks-ok.ipynb"), []);
  });
});

describe("the library's docstrings", () => {
  const project = (files: Record<string, string>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-lint-src-"));
    for (const [f, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), text);
    }
    return dir;
  };
  const files = {
    "src/index.ts": '/** The package. */\nexport * as fit from "./fit";\nexport { helper } from "./helper";\n',
    "src/helper.ts": "/** A documented helper. */\nexport function helper(): number {\n  return 1;\n}\n",
    "src/fit/index.ts": '/** Fits. */\nexport * from "./line";\n',
    "src/fit/line.ts": "/** A line fit: call `fit.line([1], [2])`. */\nexport function line(x: number[], y: number[]): number {\n  return y[0] / x[0];\n}\n" +
      "/** The fit's slope and intercept. */\nexport interface LineFit {\n  slope: number;\n}\n",
    "notebooks/01-first.ipynb": "{}",
  };
  test("a fully documented package passes", () => {
    const dir = project(files);
    try {
      assert.deepEqual(lintSources(dir), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  test("an undocumented export (found through re-exports), planning words and a missing example name are reported", () => {
    const dir = project({
      ...files,
      "src/fit/line.ts": "/** A line fit (since issue 8): call `fit.lineFit([1], [2])` as in `02-second.ipynb`. */\nexport function line(x: number[], y: number[]): number {\n  return y[0] / x[0];\n}\n" +
        "export interface LineFit {\n  slope: number;\n}\n",
    });
    try {
      assert.deepEqual(lintSources(dir).map((v) => `${v.path}: ${v.rule}: ${v.detail.split(";")[0]}`), [
        "src/fit/line.ts:5: docstrings: `fit.LineFit` is exported without a /** docstring */",
        'src/fit/line.ts:1: planning-words: the docstring says "issue 8"',
        "src/fit/line.ts:1: doc-examples: the docstring's example names `fit.lineFit`, `02-second.ipynb`, which do not exist",
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("doc-examples: a hyphenated file name in a code span (`test-loss-against-data.svg`) is not read as `data.svg`", () => {
  const { missingNames } = require("../../tools/runner/lintSource") as typeof import("../../tools/runner/lintSource");
  const root = path.resolve(__dirname, "../../../..");
  assert.deepEqual(missingNames("writes `test-loss-against-data.svg` and `out/data.json`", root), []);
  assert.deepEqual(missingNames("calls `data.noSuchGenerator(3)`", root), ["data.noSuchGenerator"]);
});
