/**
 * Shared pieces of the browser tests: Debian's Chromium driven by playwright-core (never a
 * downloaded browser), with every request that is not a local file (or the local test server)
 * blocked and recorded, and console errors collected.
 */
import * as fs from "fs";
import * as path from "path";
import { chromiumPath, CHROMIUM_ARGS } from "../../src/show/chromium";

export const chromium = chromiumPath();
/** The reason a browser test is skipped, or false: only when no Chromium can be found. */
export const skipWithoutBrowser: string | false = chromium ? false : "no Chromium on this machine (apt-get install chromium; scripts/test.sh installs it when it runs as root)";

type Browser = import("playwright-core").Browser;
type Page = import("playwright-core").Page;

export async function launch(): Promise<Browser> {
  const { chromium: c } = require("playwright-core") as typeof import("playwright-core");
  return c.launch({ executablePath: chromium!, args: CHROMIUM_ARGS });
}

/** What a page did wrong while loading: console errors, uncaught errors, requests that were blocked. */
export interface PageWatch { errors: string[]; blocked: string[] }

/** Block every request except file:, data: and blob: URLs (and `allowOrigin`, e.g. a local Jupyter server). */
export async function watchPage(page: Page, allowOrigin?: string): Promise<PageWatch> {
  const w: PageWatch = { errors: [], blocked: [] };
  page.on("console", (m) => { if (m.type() === "error") w.errors.push(m.text()); });
  page.on("pageerror", (e) => w.errors.push(String(e.message ?? e)));
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("data:") || url.startsWith("blob:") || (allowOrigin && url.startsWith(allowOrigin))) return route.continue();
    w.blocked.push(url);
    return route.abort();
  });
  return w;
}

/** Every relative link (href, src) of the HTML files under `dir` that points at a missing file. */
export function brokenLinks(dir: string): string[] {
  const broken: string[] = [];
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".html")) files.push(p);
    }
  };
  walk(dir);
  for (const f of files) {
    const html = fs.readFileSync(f, "utf8");
    for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const raw = m[1].replace(/&amp;/g, "&");
      if (!raw || raw.startsWith("#") || /^[a-z][a-z0-9+.-]*:/i.test(raw)) continue;
      const target = decodeURIComponent(raw.split("#")[0].split("?")[0]);
      if (!target) continue;
      const abs = path.resolve(path.dirname(f), target);
      if (!fs.existsSync(abs)) broken.push(`${path.relative(dir, f)} -> ${raw}`);
    }
  }
  return broken;
}
