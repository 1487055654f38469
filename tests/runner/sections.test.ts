// Running part of a chapter (npm run nb -- --section N): which cells are kept.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Notebook } from "../../tools/runner/nbformat";
import { NotebookInputError } from "../../tools/runner/nbformat";
import { sectionNumbers, selectSections } from "../../tools/runner/sections";

const md = (s: string) => ({ cell_type: "markdown" as const, metadata: {}, source: s });
const code = (s: string, tags: string[] = []) => ({ cell_type: "code" as const, metadata: tags.length ? { tags } : {}, source: s, outputs: [], execution_count: null });

// set-up, three numbered sections (section 2 uses a name from section 1), a summary
const nb = {
  nbformat: 4, nbformat_minor: 5, metadata: {},
  cells: [
    md("# 99 · A chapter"),                       // 0
    code("let quick = false;", ["parameters"]),    // 1
    code("const rng = 1;"),                        // 2
    md("## 1 · First"),                            // 3
    code("const table = rng + 1;"),                // 4
    code("const unused = 3;"),                     // 5
    md("## 2 · Second"),                           // 6
    code("const fit = table * 2;"),                // 7
    md("## 3. Third"),                             // 8
    code("const other = rng;"),                    // 9
    md("## Summary of the checks"),                // 10
    code("check.summary();"),                      // 11
  ],
} as unknown as Notebook;

const kept = (n: Notebook) => n.cells.map((c) => nb.cells.indexOf(c));

test("sectionNumbers: the number of each cell's section, null in the set-up and in unnumbered sections", () => {
  const { numbers, setUpEnds } = sectionNumbers(nb);
  assert.deepEqual(numbers, [null, null, null, 1, 1, 1, 2, 2, 3, 3, null, null]);
  assert.equal(setUpEnds, 3);
});

test("selectSections keeps the set-up, the sections asked for, the summary and the earlier cells they need", () => {
  assert.deepEqual(kept(selectSections(nb, [3])), [0, 1, 2, 8, 9, 10, 11]);
  // section 2 needs `table` from section 1's cell 4, but not cell 5
  assert.deepEqual(kept(selectSections(nb, [2])), [0, 1, 2, 4, 6, 7, 10, 11]);
  assert.deepEqual(kept(selectSections(nb, [1, 2, 3])), nb.cells.map((_, i) => i));
});

test("selectSections names the sections a chapter has when one asked for is missing", () => {
  assert.throws(() => selectSections(nb, [4], "x.ipynb"), (e: Error) => e instanceof NotebookInputError && /x\.ipynb: no section 4 \(it has 1, 2, 3\)/.test(e.message));
});
