/**
 * Browser test: a figure and a table emitted by `show` render offline in an nbconvert HTML export
 * of an executed notebook (plotly.js inlined once, RequireJS-safe), opened in headless Chromium with
 * every network request blocked. Uses Debian's chromium (`apt-get install chromium`; scripts/test.sh
 * installs it when it can); skipped with a note when no Chromium is on the machine.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot, readJupyterConfig } from "../../tools/project/paths";

const chromiumPath = ["/usr/bin/chromium", "/usr/bin/chromium-browser", process.env.CHROMIUM_PATH ?? ""].find((p) => p && fs.existsSync(p));

test("figures and tables render offline in an nbconvert HTML export", { skip: chromiumPath ? false : "no Chromium on this machine (apt-get install chromium)", timeout: 240_000 }, async () => {
  const config = readJupyterConfig();
  assert.ok(config, "npm run setup has run");
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-render-"));
  const nb = path.join(projectRoot, "notebooks", "00-welcome.ipynb");
  execFileSync(process.execPath, [path.join(projectRoot, "dist", "tools", "cli", "nb.js"), nb, "-p", "quick=true", "--out", out], { stdio: "pipe" });
  const executed = path.join(out, "00-welcome.ipynb");
  assert.ok(fs.existsSync(executed), "executed copy written");
  execFileSync(config.python, ["-m", "nbconvert", "--to", "html", executed, "--output-dir", out], { stdio: "pipe" });
  const html = path.join(out, "00-welcome.html");

  const { chromium } = require("playwright-core") as typeof import("playwright-core");
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    const blocked: string[] = [];
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    await page.goto(`file://${html}`);
    await page.waitForSelector(".genlab-plot .main-svg", { timeout: 30_000 });
    const plots = await page.evaluate(() => document.querySelectorAll(".genlab-plot.js-plotly-plot").length);
    const tables = await page.evaluate(() => document.querySelectorAll(".genlab-table table").length);
    const traces = await page.evaluate(() => document.querySelectorAll(".genlab-plot .scatterlayer .trace").length);
    assert.ok(plots >= 1, `at least one plotly figure rendered (found ${plots})`);
    assert.ok(traces >= 2, `the figure's two traces are drawn (found ${traces})`);
    assert.ok(tables >= 1, `the table rendered (found ${tables})`);
    await page.screenshot({ path: path.join(out, "00-welcome.png"), fullPage: false });
  } finally {
    await browser.close();
  }
  fs.rmSync(out, { recursive: true, force: true });
});
