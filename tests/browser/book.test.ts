/**
 * The static book in real headless Chromium, offline: a quick-size book of chapter 00 (executed once
 * here; the chapter tests execute every chapter separately) is built, copied to another folder and
 * opened there with every network request blocked. Every page loads without a console error, every
 * plotly figure draws, the math is typeset, every relative link resolves, and checks.html lists as
 * many checks as the chapter printed. The same executed copy, exported by nbconvert, draws its
 * figures too (plotly.js inlined once, RequireJS-safe), and its figures pass the figure lint.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot, readJupyterConfig } from "../../tools/project/paths";
import { figureProblems } from "../../src/show";
import { CHECK_METADATA_KEY } from "../../src/check";
import { brokenLinks, launch, skipWithoutBrowser, watchPage } from "./helpers";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-book-"));
const chapter = "00-welcome";
let built: { book: string; executed: string; printedChecks: number } | null = null;

before(async () => {
  if (skipWithoutBrowser) return;
  const out = path.join(work, "build");
  execFileSync(process.execPath, [path.join(projectRoot, "dist", "tools", "cli", "book.js"), "--quick", "--out", out, path.join(projectRoot, "notebooks", `${chapter}.ipynb`)],
    { stdio: "pipe", timeout: 900_000 });
  // the book is read from a copy in another folder: nothing may point back into the build folder
  const book = path.join(work, "elsewhere", "my book");
  fs.cpSync(out, book, { recursive: true });
  fs.rmSync(out, { recursive: true, force: true });
  const executed = path.join(book, "notebooks", `${chapter}.ipynb`);
  const nb = JSON.parse(fs.readFileSync(executed, "utf8")) as { cells: { outputs?: { data?: Record<string, unknown>; metadata?: Record<string, unknown> }[] }[] };
  // the chapter's checks are the outputs carrying a check record (an exercise check prints ✔ too, but is
  // recorded apart from the chapter's checks and is not on checks.html)
  let printedChecks = 0;
  for (const c of nb.cells) for (const o of c.outputs ?? []) {
    const t = o.data?.["text/plain"];
    const text = Array.isArray(t) ? t.join("") : typeof t === "string" ? t : "";
    if ((text.startsWith("✔ ") || text.startsWith("✘ ")) && o.metadata?.[CHECK_METADATA_KEY]) printedChecks += 1;
  }
  built = { book, executed, printedChecks };
}, { timeout: 900_000 });
after(() => fs.rmSync(work, { recursive: true, force: true }));

test("the book works from another folder with the network blocked", { skip: skipWithoutBrowser, timeout: 600_000 }, async () => {
  assert.ok(built, "the book was built");
  const { book, printedChecks } = built;
  assert.ok(printedChecks > 0, "the chapter printed checks");
  assert.deepEqual(brokenLinks(book), [], "every relative link and script resolves");
  for (const f of ["index.html", "checks.html", `${chapter}.html`, "assets/plotly.min.js", "assets/mathjax/tex-chtml-full.js", "api/index.html"]) {
    assert.ok(fs.existsSync(path.join(book, f)), `${f} exists`);
  }
  const html = fs.readFileSync(path.join(book, `${chapter}.html`), "utf8");
  assert.ok(html.length < 2_000_000, `the page does not embed plotly.js (${html.length} bytes)`);
  const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(scripts.filter((s) => !s.startsWith("assets/")), [], "every script comes from the book's assets/ (no system folder, no CDN)");
  const browser = await launch();
  try {
    for (const page of ["index.html", "checks.html", `${chapter}.html`, "api/index.html"]) {
      const p = await browser.newPage();
      const w = await watchPage(p);
      await p.goto(`file://${path.join(book, page)}`, { timeout: 180_000 });
      await p.waitForLoadState("load");
      if (page === `${chapter}.html`) {
        const figures = await p.locator(".genlab-plot").count();
        assert.ok(figures >= 3, `chapter 00 shows its figures (found ${figures})`);
        await p.waitForFunction((n) => Array.from(document.querySelectorAll(".genlab-plot")).filter((e) => e.querySelector(".main-svg")).length >= n, figures, { timeout: 120_000 });
        await p.waitForFunction(() => (window as unknown as { MathJax?: { startup?: { promise?: Promise<unknown> } } }).MathJax?.startup?.promise !== undefined, null, { timeout: 120_000 });
        await p.evaluate(() => (window as unknown as { MathJax: { startup: { promise: Promise<unknown> } } }).MathJax.startup.promise);
        const typeset = await p.locator("main mjx-container").count();
        assert.ok(typeset > 0, "formulas are typeset by MathJax");
        const rawTex = await p.evaluate(() => Array.from(document.querySelectorAll("section.md")).map((s) => s.textContent ?? "").filter((t) => /\$[^$\s][^$]*\$/.test(t)).length);
        assert.equal(rawTex, 0, "no raw TeX left in the prose");
        const nav = await p.evaluate(() => Array.from(document.querySelectorAll(".book-nav a")).map((a) => a.getAttribute("href")));
        assert.ok(nav.includes("index.html") && nav.includes("checks.html"), `contents and checks links on the page (${nav.join(", ")})`);
        assert.ok(await p.locator(".api-links a").count() > 0, "the chapter links into the API reference");
        assert.equal(await p.locator(".genlab-plot img.genlab-static").count(), 0, "plotly replaced every static image");
        assert.ok(html.includes('class="genlab-static"'), "the page carries the static images for readers without scripts");
      }
      if (page === "checks.html") {
        const rows = await p.locator("tr.check").count();
        assert.equal(rows, printedChecks, "checks.html lists every check the chapter printed");
        const cells = await p.locator("tr.check").first().locator("td").allTextContents();
        assert.ok(cells[2] && cells[3] && cells[4] && cells[5], `measured, expected, tolerance and margin columns are filled (${cells.join(" | ")})`);
      }
      if (page === "index.html") {
        const summary = await p.locator("td small").first().textContent();
        assert.ok(summary && summary.length > 20, `the index carries the chapter's summary (${summary})`);
      }
      if (page === "api/index.html") {
        const back = await p.evaluate(() => Array.from(document.querySelectorAll("a")).map((a) => a.getAttribute("href") ?? "").filter((h) => /(^|\/)index\.html$/.test(h) && h.startsWith("..")).length);
        assert.ok(back > 0, "the API reference links back to the book");
      }
      assert.deepEqual(w.blocked, [], `${page}: no network request`);
      assert.deepEqual(w.errors, [], `${page}: no console error`);
      await p.close();
    }
  } finally {
    await browser.close();
  }
});

test("the executed chapter's figures carry static images and pass the figure lint", { skip: skipWithoutBrowser }, () => {
  assert.ok(built);
  const nb = JSON.parse(fs.readFileSync(built.executed, "utf8")) as { cells: { outputs?: { data?: Record<string, unknown>; name?: string; text?: string | string[] }[] }[] };
  const notes = nb.cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.name === "stderr").map((o) => [o.text ?? ""].flat().join(""))).join(" ");
  const figures = nb.cells.flatMap((c) => (c.outputs ?? []).map((o) => o.data ?? {})).filter((d) => d["application/vnd.plotly.v1+json"]);
  assert.ok(figures.length >= 3);
  for (const d of figures) {
    const png = [d["image/png"] ?? ""].flat().join("");
    assert.ok(png.length > 1000 && Buffer.from(png, "base64").subarray(1, 4).toString() === "PNG", `a static PNG beside the interactive figure (the chapter's stderr: ${notes.slice(0, 400)})`);
    const html = Array.isArray(d["text/html"]) ? (d["text/html"] as string[]).join("") : String(d["text/html"]);
    assert.ok(html.includes('class="genlab-static"'), "the HTML shows the static image until plotly.js draws");
    assert.deepEqual(figureProblems(d["application/vnd.plotly.v1+json"] as never), []);
  }
});

test("an nbconvert HTML export of the executed chapter draws its figures offline", { skip: skipWithoutBrowser, timeout: 300_000 }, async () => {
  assert.ok(built);
  const config = readJupyterConfig();
  assert.ok(config, "npm run setup has run");
  const out = path.join(work, "nbconvert");
  execFileSync(config.python, ["-m", "nbconvert", "--to", "html", built.executed, "--output-dir", out], { stdio: "pipe" });
  const browser = await launch();
  try {
    const p = await browser.newPage();
    await watchPage(p);
    await p.goto(`file://${path.join(out, `${chapter}.html`)}`, { timeout: 180_000 });
    const figures = await p.locator(".genlab-plot").count();
    assert.ok(figures >= 3, `figures in the export (${figures})`);
    await p.waitForFunction((n) => Array.from(document.querySelectorAll(".genlab-plot")).filter((e) => e.querySelector(".main-svg")).length >= n, figures, { timeout: 120_000 });
    assert.ok(await p.locator(".genlab-table table").count() >= 1, "the table rendered");
  } finally {
    await browser.close();
  }
});

test("--figures writes every figure as JSON, PNG and SVG, named from its title", { skip: skipWithoutBrowser, timeout: 600_000 }, () => {
  assert.ok(built);
  const figs = path.join(work, "figures");
  execFileSync(process.execPath, [path.join(projectRoot, "dist", "tools", "cli", "book.js"), "--quick", "--no-api", "--from", path.dirname(built.executed),
    "--out", path.join(work, "book-again"), "--figures-out", figs, path.join(projectRoot, "notebooks", `${chapter}.ipynb`)], { stdio: "pipe", timeout: 600_000 });
  const files = fs.readdirSync(path.join(figs, chapter)).sort();
  assert.ok(files.includes("a-noisy-target.json") && files.includes("a-noisy-target.png") && files.includes("a-noisy-target.svg"), files.join(", "));
  const png = fs.readFileSync(path.join(figs, chapter, "a-noisy-target.png"));
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], "a PNG file");
  assert.match(fs.readFileSync(path.join(figs, chapter, "a-noisy-target.svg"), "utf8"), /^<svg[^>]*xmlns/);
  const json = JSON.parse(fs.readFileSync(path.join(figs, chapter, "a-noisy-target.json"), "utf8")) as { data: unknown[] };
  assert.equal(json.data.length, 2, "the figure's two traces");
  assert.equal(files.filter((f) => f.endsWith(".json")).length, files.filter((f) => f.endsWith(".svg")).length, "every figure has its SVG");
});
