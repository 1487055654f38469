/**
 * The static book: pages from executed notebooks, an index with each chapter's one-line summary,
 * time and checks, a page of every check (`checks.html`), the API reference linked both ways, and
 * one shared copy of MathJax and plotly.js from the npm packages under `assets/`. Every link is
 * relative, so the folder works from any place on disk or any web host, offline.
 */
import * as fs from "fs";
import * as path from "path";
import { CheckRecord } from "../../src/check";
import { escapeHtml } from "../../src/show/display";
import { Notebook, readNotebook, sourceText } from "../runner";
import { ChapterUses, chapterUses } from "../reference/usage";
import { BOOK_CSS, NavLink, chapterPage, checksOf, markdownToHtml, pageHead } from "./render";

/** One chapter as the book shows it. */
export interface BookChapter {
  /** The source notebook (notebooks/NN-name.ipynb). */
  source: string;
  /** The executed copy, or null when the chapter could not run at all. */
  executed: string | null;
  status: "ok" | "failed" | "interrupted" | "error";
  seconds: number;
  /** Where it failed: "cell 12: <the error's first line>". */
  failure?: string;
}

/** What the book folder holds once written. */
export interface BookResult {
  pages: string[];
  checks: number;
  figures: number;
  /** Figures with a static image beside the interactive one. */
  staticImages: number;
}

const stem = (file: string) => path.basename(file, ".ipynb");

/** The chapter's title (its first `# ` heading) and one-line summary (the first sentence after it). */
export function titleAndSummary(nb: Notebook, fallback: string): { title: string; summary: string } {
  const first = nb.cells.find((c) => c.cell_type === "markdown");
  const src = first ? sourceText(first) : "";
  const title = /^#\s+(.+)$/m.exec(src)?.[1]?.trim() ?? fallback;
  const paragraphs = src.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p && !p.startsWith("#") && !p.startsWith("<") && !p.startsWith("|") && !p.startsWith(">"));
  const para = (paragraphs[0] ?? "").replace(/\s+/g, " ");
  // the first sentence: up to a full stop followed by a space and a capital (not "e.g. " or "et al. ")
  const m = /^(.+?[.!?])\s+(?=[A-Z(])/.exec(para);
  let summary = (m ? m[1] : para).replace(/\*\*|__|`/g, "");
  if (summary.length > 240) summary = summary.slice(0, 237).replace(/\s+\S*$/, "") + " …";
  return { title, summary };
}

/** Copy MathJax (TeX input, CommonHTML output with its fonts) and plotly.js into `assets/`, once. */
export function copyAssets(outDir: string): void {
  const assets = path.join(outDir, "assets");
  fs.mkdirSync(assets, { recursive: true });
  fs.copyFileSync(require.resolve("plotly.js-dist-min/plotly.min.js"), path.join(assets, "plotly.min.js"));
  const mj = path.dirname(require.resolve("mathjax/es5/tex-chtml-full.js"));
  const mjOut = path.join(assets, "mathjax");
  fs.rmSync(mjOut, { recursive: true, force: true });
  fs.mkdirSync(mjOut, { recursive: true });
  fs.copyFileSync(path.join(mj, "tex-chtml-full.js"), path.join(mjOut, "tex-chtml-full.js"));
  // the fonts, and the components MathJax's menu loads on demand (accessibility, speech)
  for (const dir of ["output", "a11y", "ui", "sre", "input", "adaptors"]) {
    if (fs.existsSync(path.join(mj, dir))) fs.cpSync(path.join(mj, dir), path.join(mjOut, dir), { recursive: true });
  }
  for (const f of ["LICENSE"]) {
    const p = path.join(path.dirname(mj), f);
    if (fs.existsSync(p)) fs.copyFileSync(p, path.join(mjOut, f));
  }
  fs.writeFileSync(path.join(assets, "book.css"), BOOK_CSS);
}

/** The API reference page of each library path a chapter uses (e.g. ["models", "rfSweep"]), where TypeDoc wrote one. */
function apiLinksFor(uses: ChapterUses | undefined, apiDir: string): NavLink[] {
  if (!uses || !fs.existsSync(apiDir)) return [];
  const pages = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".html") && e.name !== "index.html") pages.set(e.name.replace(/\.html$/, "").toLowerCase(), path.relative(path.dirname(apiDir), p).split(path.sep).join("/"));
    }
  };
  walk(apiDir);
  const links: NavLink[] = [];
  const seen = new Set<string>();
  for (const p of uses.paths) {
    // TypeDoc names a page after the member's full path: functions/models.rfSweep.html
    for (let n = p.length; n > 0; n--) {
      const key = p.slice(0, n).join(".").toLowerCase();
      const href = pages.get(key);
      if (href) {
        if (!seen.has(href)) { seen.add(href); links.push({ href, label: p.slice(0, n).join(".") }); }
        break;
      }
    }
  }
  return links.sort((a, b) => a.label.localeCompare(b.label));
}

/** TypeDoc's "The book" link made relative to each reference page's depth, and its icons made page-local. */
function fixReferenceLinks(apiDir: string): void {
  if (!fs.existsSync(apiDir)) return;
  const walk = (dir: string, depth: number) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (e.name.endsWith(".html")) {
        const html = fs.readFileSync(p, "utf8");
        // TypeDoc's icons point into assets/icons.svg, which a page opened from file:// may not load
        // (Chromium treats each file as its own origin and logs an error per icon); its icons.js puts
        // the same sprite into every page, so a reference within the page works everywhere
        const fixed = html.replace(/href="(\.\.\/)*src\/index\.html"/g, `href="${"../".repeat(depth + 1)}index.html"`)
          .replace(/href="(?:\.\.\/)*assets\/icons\.svg#(icon-[\w-]+)"/g, 'href="#$1"');
        if (fixed !== html) fs.writeFileSync(p, fixed);
      }
    }
  };
  walk(apiDir, 0);
}

/**
 * Write the book for `chapters` into `outDir`: one page per chapter (executed copies go to
 * `outDir/notebooks/`), index.html, checks.html, assets/. `reference` is the API reference's HTML
 * snippet for the index (built into `outDir/api` by the caller), `note` a line about how it was made.
 */
export function writeBook(chapters: BookChapter[], outDir: string, opts: { quick: boolean; reference: string; notes: string[]; notebooksDir: string }): BookResult {
  copyAssets(outDir);
  const apiDir = path.join(outDir, "api");
  fixReferenceLinks(apiDir);
  const uses = new Map(chapterUses(opts.notebooksDir).map((u) => [u.file, u]));
  const nbDir = path.join(outDir, "notebooks");
  fs.mkdirSync(nbDir, { recursive: true });
  const result: BookResult = { pages: [], checks: 0, figures: 0, staticImages: 0 };
  const allChecks: { chapter: string; page: string; record: CheckRecord & { cell: number } }[] = [];
  const info = chapters.map((c) => {
    const nb = c.executed && fs.existsSync(c.executed) ? readNotebook(c.executed) : readNotebook(c.source);
    const { title, summary } = titleAndSummary(nb, stem(c.source));
    return { c, nb, title, summary, page: `${stem(c.source)}.html`, checks: c.executed ? checksOf(nb) : [] };
  });
  info.forEach((x, i) => {
    const prev = info[i - 1], next = info[i + 1];
    let banner: string | undefined;
    if (x.c.status !== "ok") {
      banner = `This chapter did not finish (${escapeHtml(x.c.status)}${x.c.failure ? `: ${escapeHtml(x.c.failure)}` : ""}); the page shows the outputs up to there.`;
    }
    const html = chapterPage(x.nb, {
      title: x.title, assets: "assets", contents: { href: "index.html", label: "Contents" },
      prev: prev ? { href: prev.page, label: prev.title } : undefined,
      next: next ? { href: next.page, label: next.title } : undefined,
      checks: { href: "checks.html", label: "All checks" },
      apiLinks: apiLinksFor(uses.get(path.basename(x.c.source)), apiDir), banner,
    });
    fs.writeFileSync(path.join(outDir, x.page), html);
    if (x.c.executed && fs.existsSync(x.c.executed) && path.resolve(path.dirname(x.c.executed)) !== path.resolve(nbDir)) {
      fs.copyFileSync(x.c.executed, path.join(nbDir, path.basename(x.c.source)));
    }
    result.pages.push(x.page);
    for (const cell of x.nb.cells) {
      if (cell.cell_type !== "code") continue;
      for (const o of cell.outputs ?? []) {
        const d = (o as { data?: Record<string, unknown> }).data;
        if (d?.["application/vnd.plotly.v1+json"]) { result.figures += 1; if (d["image/png"]) result.staticImages += 1; }
      }
    }
    for (const r of x.checks) allChecks.push({ chapter: x.title, page: x.page, record: r });
  });
  result.checks = allChecks.length;

  const fmtTime = (s: number) => (s >= 90 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`);
  const rows = info.map((x) => {
    const passed = x.checks.filter((r) => r.passed).length, failed = x.checks.length - passed;
    return `<tr><td><a href="${x.page}">${escapeHtml(x.title)}</a><br><small>${markdownToHtml(x.summary).replace(/^<p>|<\/p>\s*$/g, "")}</small></td>` +
      `<td class="${x.c.status === "ok" ? "ok" : "failed"}">${escapeHtml(x.c.status)}${x.c.failure ? `<br><small>${escapeHtml(x.c.failure)}</small>` : ""}</td>` +
      `<td>${fmtTime(x.c.seconds)}</td><td><a href="checks.html#${stem(x.c.source)}">${passed} passed${failed ? `, ${failed} failed` : ""}</a></td></tr>`;
  }).join("\n");
  const index = `${pageHead("genlab — the book", "assets", { plotly: false })}
<h1>Statistical Properties of Training &amp; Generalization — the lab</h1>
<p>Executed ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC at ${opts.quick ? "test size (quick=true)" : "full size"}.
${opts.notes.map((n) => escapeHtml(n)).join(" ")}</p>
<p><a href="checks.html">Every check of every chapter</a> (${result.checks}) · executed notebooks in <a href="notebooks/">notebooks/</a></p>
<table><tr><th>chapter</th><th>status</th><th>time</th><th>checks</th></tr>
${rows}
</table>
${opts.reference}
</body></html>
`;
  fs.writeFileSync(path.join(outDir, "index.html"), index);

  const checkRows = info.map((x) => {
    const head = `<tr id="${stem(x.c.source)}" class="chapter"><th colspan="7"><a href="${x.page}">${escapeHtml(x.title)}</a> (${x.checks.length} checks)</th></tr>`;
    return head + x.checks.map((r) => `<tr class="check ${r.passed ? "ok" : "failed"}"><td>${r.passed ? "✔" : "✘"}</td>` +
      `<td><a href="${x.page}#cell-${r.cell}">${escapeHtml(r.name)}</a></td><td>${escapeHtml(r.measured)}</td>` +
      `<td>${escapeHtml(r.target ?? r.expected)}</td><td>${escapeHtml(r.tolerance ?? "")}</td>` +
      `<td>${r.marginSe !== undefined ? `${r.marginSe.toFixed(2)} s.e.` : escapeHtml(r.margin ?? "")}</td></tr>`).join("\n");
  }).join("\n");
  fs.writeFileSync(path.join(outDir, "checks.html"), `${pageHead("genlab — every check", "assets", { plotly: false, math: false })}
<nav class="book-nav"><a href="index.html">Contents</a></nav>
<h1>Every check, chapter by chapter</h1>
<p>${result.checks} checks: what each chapter measured, what theory or a reference expected, the tolerance (from the measured uncertainty) and the margin left before the check would fail.</p>
<table><tr><th></th><th>check</th><th>measured</th><th>expected</th><th>tolerance</th><th>margin</th></tr>
${checkRows}
</table>
</body></html>
`);
  return result;
}
