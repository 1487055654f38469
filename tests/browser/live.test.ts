/**
 * Figures survive the things a reader does in the classic notebook: chapter 00 (quick size) is
 * opened in a real Jupyter server's notebook page, run there with Run All, saved, and then the tab
 * is reloaded and the notebook opened in a second tab while the same kernel keeps running. Every
 * figure must draw (plotly's SVG, not the static fallback) in both tabs, and the kernel must be the
 * one that ran the cells (no restart). Runs in headless Chromium with only the local server
 * reachable.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { LocalServer, startServer } from "../../tools/runner";
import { projectRoot } from "../../tools/project/paths";
import { launch, skipWithoutBrowser, watchPage } from "./helpers";

// inside the project (ignored build/ folder), so the kernel resolves "genlab" as a chapter does
const dir = path.join(projectRoot, "build", `live-test-${process.pid}`);
const name = "00-welcome.ipynb";
let server: LocalServer | null = null;
console.debug = () => undefined;

before(async () => {
  if (skipWithoutBrowser) return;
  fs.mkdirSync(dir, { recursive: true });
  const nb = JSON.parse(fs.readFileSync(path.join(projectRoot, "notebooks", name), "utf8")) as { cells: { source: string | string[]; metadata?: { tags?: string[] } }[] };
  const params = nb.cells.find((c) => c.metadata?.tags?.includes("parameters"));
  assert.ok(params, "the chapter has a parameters cell");
  const src = Array.isArray(params.source) ? params.source.join("") : params.source;
  params.source = src.replace(/let quick = false;/, "let quick = true;");
  fs.writeFileSync(path.join(dir, name), JSON.stringify(nb, null, 1));
  server = await startServer({ rootDir: dir });
});
after(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

type Jup = { Jupyter: { notebook: { kernel?: { id: string; is_connected(): boolean }; execute_all_cells(): void; save_notebook(): Promise<unknown>; get_cells(): { cell_type: string; input_prompt_number?: unknown }[] } } };

async function openNotebook(page: import("playwright-core").Page, url: string): Promise<void> {
  await page.goto(url, { timeout: 180_000 });
  await page.waitForFunction(() => { const J = (window as unknown as Partial<Jup>).Jupyter; return !!J?.notebook?.kernel?.is_connected?.(); }, null, { timeout: 180_000 });
}

async function drawnFigures(page: import("playwright-core").Page, expected: number): Promise<number> {
  await page.waitForFunction((n) => Array.from(document.querySelectorAll(".genlab-plot")).filter((e) => e.querySelector(".main-svg")).length >= n, expected, { timeout: 120_000 });
  // plotly draws several .main-svg layers per figure: count the figures that have one
  return page.evaluate(() => Array.from(document.querySelectorAll(".genlab-plot")).filter((e) => e.querySelector(".main-svg")).length);
}

test("figures draw after a reload and in a second tab, with no kernel restart", { skip: skipWithoutBrowser, timeout: 900_000 }, async () => {
  assert.ok(server);
  const base = server.url.replace(/\/$/, "");
  const url = `${base}/notebooks/${name}?token=${server.token}`;
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const w1 = await watchPage(page, base);
    await openNotebook(page, url);
    const kernelId = await page.evaluate(() => (window as unknown as Jup).Jupyter.notebook.kernel!.id);
    await page.evaluate(() => (window as unknown as Jup).Jupyter.notebook.execute_all_cells());
    // done when no code cell is queued or running ("*") and every code cell has run
    await page.waitForFunction(() => (window as unknown as Jup).Jupyter.notebook.get_cells()
      .filter((c) => c.cell_type === "code").every((c) => typeof c.input_prompt_number === "number"), null, { timeout: 600_000, polling: 1000 });
    const figures = await page.locator(".genlab-plot").count();
    assert.ok(figures >= 3, `the chapter shows its figures (${figures})`);
    assert.equal(await drawnFigures(page, figures), figures, "every figure drew in the first run");
    await page.evaluate(() => (window as unknown as Jup).Jupyter.notebook.save_notebook());
    assert.deepEqual(w1.blocked, []);

    // 1. the reader reloads the tab
    await openNotebook(page, url);
    assert.equal(await page.locator(".genlab-plot").count(), figures, "the saved figures are on the reloaded page");
    assert.equal(await drawnFigures(page, figures), figures, "every figure draws after a reload");
    assert.equal(await page.locator(".genlab-note").count(), 0, "no 'plotly.js is not loaded' note");
    assert.equal(await page.evaluate(() => (window as unknown as Jup).Jupyter.notebook.kernel!.id), kernelId, "the same kernel");

    // 2. ... and opens the notebook in a second tab
    const tab2 = await context.newPage();
    const w2 = await watchPage(tab2, base);
    await openNotebook(tab2, url);
    assert.equal(await drawnFigures(tab2, figures), figures, "every figure draws in a second tab");
    assert.equal(await tab2.evaluate(() => (window as unknown as Jup).Jupyter.notebook.kernel!.id), kernelId, "the second tab joins the same kernel");
    assert.deepEqual(w2.blocked, [], "nothing fetched from the network");

    // 3. a browser that never ran a figure (a fresh profile): the saved first figure brings plotly.js
    const fresh = await (await browser.newContext()).newPage();
    await watchPage(fresh, base);
    await openNotebook(fresh, url);
    assert.equal(await drawnFigures(fresh, figures), figures, "every figure draws in a fresh browser profile");
  } finally {
    await browser.close();
  }
});
