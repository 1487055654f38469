/**
 * Where a headless Chromium is: Debian's `chromium` (or `CHROMIUM_PATH`). The lab never downloads a
 * browser; without one, figures keep their interactive form only and tools say images were skipped.
 */
import * as fs from "fs";

/** The Chromium executable to drive with playwright-core, or null when the machine has none. */
export function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH ?? "", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium"];
  return candidates.find((p) => p !== "" && fs.existsSync(p)) ?? null;
}

/** Command-line switches for a quiet, offline headless Chromium. */
export const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
];
