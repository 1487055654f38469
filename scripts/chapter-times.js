#!/usr/bin/env node
/*
 * Record measured chapter running times in docs/chapter-times.json (read by chapter 13's table).
 *   npm run nb -- notebooks/*.ipynb --out /tmp/full          # full size; use a cold cache (GENLAB_NO_CACHE=1)
 *   node scripts/chapter-times.js /tmp/full/report.json      # merges the times, names the CPU and the load
 * A run with quick=true fills quickSeconds, a full-size run fullSeconds. Chapters in notebooks/ without a
 * measurement are listed with null times; entries of chapters that no longer exist are dropped.
 * With no report, only the list of chapters is brought in sync.
 * The load recorded is the one-minute load average now, unless `--load X` states the load during the
 * runs (e.g. read with `uptime` while they ran): recording happens after the runs, when the load differs.
 */
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.resolve(__dirname, "..");
const out = path.join(root, "docs", "chapter-times.json");
const files = fs.readdirSync(path.join(root, "notebooks")).filter((f) => /^\d\d-[a-z0-9-]+\.ipynb$/.test(f) && !f.startsWith("00-")).sort();
const old = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, "utf8")) : { chapters: {} };
const cpuLine = (() => { try { return /model name\s*:\s*(.+)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))[1].trim(); } catch { return os.cpus()[0]?.model ?? "unknown"; } })();
const args = process.argv.slice(2);
const loadAt = args.indexOf("--load");
const statedLoad = loadAt >= 0 ? Number(args[loadAt + 1]) : null;
if (loadAt >= 0 && !(statedLoad >= 0)) { console.error("chapter-times: --load needs a non-negative number"); process.exit(2); }
const reports = loadAt >= 0 ? args.filter((_, i) => i !== loadAt && i !== loadAt + 1) : args;
const chapters = {};
for (const f of files) chapters[f] = old.chapters?.[f] ?? { fullSeconds: null, quickSeconds: null };
let measured = 0;
for (const r of reports) {
  const rep = JSON.parse(fs.readFileSync(r, "utf8"));
  for (const nb of rep.notebooks ?? []) {
    const f = path.basename(nb.notebook);
    if (!(f in chapters)) continue;
    if (nb.status !== "ok") { console.error(`chapter-times: ${f} did not finish (${nb.status}); not recorded`); continue; }
    const key = nb.parameters && nb.parameters.quick === true ? "quickSeconds" : "fullSeconds";
    chapters[f][key] = Math.round(nb.seconds * 10) / 10;
    measured++;
  }
}
const record = measured > 0
  ? { cpu: cpuLine, cores: os.cpus().length, load: statedLoad ?? Math.round(os.loadavg()[0] * 10) / 10, measuredAt: new Date().toISOString(), chapters }
  : { cpu: old.cpu ?? null, cores: old.cores ?? null, load: old.load ?? null, measuredAt: old.measuredAt ?? null, chapters };
fs.writeFileSync(out, JSON.stringify(record, null, 1) + "\n");
console.log(`chapter-times: ${measured} time(s) recorded for ${files.length} chapters in ${path.relative(root, out)}`);
