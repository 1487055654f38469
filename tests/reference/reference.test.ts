/**
 * The API reference: which chapters use which export (fixture notebooks, no TypeDoc), and one real
 * TypeDoc build of src/index.ts into a temporary folder (about 5 s) whose pages name the fixture
 * chapters. No module of the library is named here: the exports come from src/index.ts.
 */
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chapterUses, usedInMarkdown, usersOf } from "../../tools/reference/usage";
import { buildReference } from "../../tools/reference/typedoc";

const root = path.resolve(__dirname, "../../../..");
const fixtures = path.join(root, "tests", "fixtures", "reference");

describe("chapter uses", () => {
  test("each chapter's library paths, from named and namespace imports; files not named NN-* are not chapters", () => {
    const ch = chapterUses(fixtures);
    assert.deepEqual(ch.map((c) => [c.file, c.label, c.page]), [
      ["01-alpha.ipynb", "01 · Alpha", "01-alpha.html"],
      ["02-beta.ipynb", "02 · Beta", "02-beta.html"],
    ]);
    assert.deepEqual(ch.map((c) => c.paths.map((p) => p.join("."))), [
      ["Rng", "show", "check.summary"],
      ["check.close", "show", "check.history"],
    ]);
  });
  test("paths resolve by their longest prefix that names an export; chapters are listed in order", () => {
    const exportsTree: Record<string, string[]> = { check: ["close", "summary"], show: [], Rng: [] };
    const resolve = (p: string[]) => {
      if (!(p[0] in exportsTree)) return undefined;
      return p.length > 1 && exportsTree[p[0]].includes(p[1]) ? `${p[0]}.${p[1]}` : p[0];
    };
    const users = usersOf(chapterUses(fixtures), resolve);
    const labels = (k: string) => (users.get(k) ?? []).map((c) => c.label);
    assert.deepEqual(labels("show"), ["01 · Alpha", "02 · Beta"]);
    assert.deepEqual(labels("check.summary"), ["01 · Alpha"]);
    assert.deepEqual(labels("check"), ["02 · Beta"], "check.history is no export here: the path stops at check");
    assert.equal(usedInMarkdown(users.get("show")!, "../.."), "[01 · Alpha](../../01-alpha.html), [02 · Beta](../../02-beta.html)");
  });
});

describe("TypeDoc build", () => {
  test("every page of an export a chapter uses links back to the chapter; unused exports are listed", { timeout: 120_000 }, async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-api-"));
    try {
      const t0 = Date.now();
      const r = await buildReference({ out, notebooksDir: fixtures });
      console.log(`# reference built in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${r.annotated} annotated, ${r.unused.length} unused`);
      assert.ok(fs.existsSync(path.join(out, "index.html")));
      const pages = fs.readdirSync(out, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".html"));
      const linking = pages.filter((f) => fs.readFileSync(path.join(out, f), "utf8").includes('href="../../01-alpha.html">01 · Alpha</a>'));
      assert.ok(linking.length >= 2, `pages naming chapter 01: ${linking.join(", ")}`);
      for (const f of linking) assert.match(fs.readFileSync(path.join(out, f), "utf8"), /id="used-in">Used in</);
      // The fixtures use a handful of exports: most of the library is listed as used by no chapter,
      // and nothing listed there has a "Used in" page.
      assert.ok(r.unused.length > 10 && r.annotated > 0);
      const linkedNames = new Set(linking.map((f) => path.basename(f, ".html")));
      assert.deepEqual(r.unused.filter((n) => linkedNames.has(n)), []);
      assert.ok(!pages.some((f) => /^modules[/\\](runner|cli|bench|project|reference)\.html$/.test(f)), "tooling modules are not documented");
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
