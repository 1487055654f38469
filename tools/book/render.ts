/**
 * One executed notebook as a static book page: markdown through markdown-it with its TeX left for
 * MathJax, code and outputs, plotly figures drawn by the book's one shared copy of plotly.js (with
 * the static PNG, when the notebook has one, shown until plotly draws), checks as they printed.
 * Nothing is fetched from the network or from the machine's shared JavaScript folder: the page
 * loads `assets/` beside it.
 */
import { CHECK_METADATA_KEY, CheckRecord } from "../../src/check";
import { escapeHtml } from "../../src/show/display";
import { Notebook, Output, sourceText } from "../runner/nbformat";

type MarkdownIt = { render(src: string): string };
// markdown-it ships no types of its own; this is the one call the book makes.
const MarkdownItCtor = require("markdown-it") as new (opts: Record<string, unknown>) => MarkdownIt;
const md = new MarkdownItCtor({ html: true, linkify: false, typographer: false });

/** A link in the page's navigation. */
export interface NavLink { href: string; label: string }

/** What a page needs besides its notebook. */
export interface PageContext {
  title: string;
  contents: NavLink;
  prev?: NavLink;
  next?: NavLink;
  checks?: NavLink;
  /** Library functions the chapter uses, linked into the API reference. */
  apiLinks?: NavLink[];
  /** A line shown above the chapter (e.g. a failed cell). */
  banner?: string;
  /** Path from the page to the assets folder ("assets"). */
  assets: string;
}

const multiline = (v: unknown): string => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : "");

/**
 * Markdown to HTML with TeX kept intact: `$…$`, `$$…$$`, `\(…\)` and `\[…\]` are cut out before
 * markdown-it sees them (it would read `_` and `*` inside them as emphasis) and put back escaped,
 * for MathJax to typeset in the browser. Code spans and fenced blocks are left alone.
 */
export function markdownToHtml(src: string): string {
  const math: string[] = [];
  const protect = (text: string) => text.replace(/\$\$[\s\S]+?\$\$|\\\[[\s\S]+?\\\]|\\\([\s\S]+?\\\)|(?<![\\$])\$(?!\s)[^$\n]+?(?<![\s\\])\$(?!\d)/g, (m) => {
    math.push(m);
    return `GENLABMATH${math.length - 1}X`;
  });
  // split off fenced blocks and code spans, protect math elsewhere
  const parts = src.split(/(```[\s\S]*?```|~~~[\s\S]*?~~~|`[^`\n]*`)/g);
  const guarded = parts.map((p, i) => (i % 2 === 1 ? p : protect(p))).join("");
  return md.render(guarded).replace(/GENLABMATH(\d+)X/g, (_m, i) => escapeHtml(math[Number(i)]));
}

let figureCounter = 0;

function figureHtml(data: Record<string, unknown>): string {
  const fig = data["application/vnd.plotly.v1+json"] as { data: unknown[]; layout?: Record<string, unknown>; config?: Record<string, unknown> };
  // nbformat may store base64 data as one string or as a list of lines
  const png = multiline(data["image/png"]).replace(/\s/g, "");
  const id = `fig-${++figureCounter}`;
  const json = JSON.stringify(fig).replace(/<\//g, "<\\/");
  const alt = escapeHtml(multiline(data["text/plain"]));
  return `<div id="${id}" class="genlab-plot" style="width:100%;min-height:${Number(fig.layout?.height ?? 420)}px">` +
    (png ? `<img class="genlab-static" alt="${alt}" style="max-width:100%" src="data:image/png;base64,${png}">` : "") +
    `</div><script>(function(){var f=${json};var e=document.getElementById("${id}");` +
    `if(window.Plotly){e.innerHTML="";Plotly.newPlot(e,f.data,f.layout||{},Object.assign({responsive:true,displaylogo:false},f.config||{}));}})();</script>`;
}

/** The HTML of one output. */
export function outputHtml(out: Output): string {
  if (out.output_type === "stream") {
    return `<pre class="stream ${out.name}">${escapeHtml(multiline(out.text))}</pre>`;
  }
  if (out.output_type === "error") {
    // tracebacks carry ANSI colour codes
    const tb = out.traceback.join("\n").replace(/\u001b\[[0-9;]*m/g, "");
    return `<pre class="error">${escapeHtml(tb || `${out.ename}: ${out.evalue}`)}</pre>`;
  }
  const data = out.data ?? {};
  if (data["application/vnd.plotly.v1+json"]) return figureHtml(data);
  if (data["text/html"]) return `<div class="html-output">${multiline(data["text/html"])}</div>`;
  if (data["text/markdown"]) return `<div class="md-output math-ok">${markdownToHtml(multiline(data["text/markdown"]))}</div>`;
  if (data["image/svg+xml"]) return `<div class="svg-output">${multiline(data["image/svg+xml"])}</div>`;
  if (data["image/png"]) return `<img src="data:image/png;base64,${multiline(data["image/png"]).replace(/\s/g, "")}">`;
  if (data["text/plain"]) return `<pre>${escapeHtml(multiline(data["text/plain"]))}</pre>`;
  return "";
}

/** Every check a chapter printed (from the structured record each check output carries). */
export function checksOf(nb: Notebook): (CheckRecord & { cell: number })[] {
  const found: (CheckRecord & { cell: number })[] = [];
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== "code") return;
    for (const o of c.outputs ?? []) {
      if (o.output_type !== "display_data" && o.output_type !== "execute_result") continue;
      const r = (o.metadata ?? {})[CHECK_METADATA_KEY] as CheckRecord | undefined;
      if (r && typeof r.name === "string") found.push({ ...r, cell: i + 1 });
    }
  });
  return found;
}

function navHtml(ctx: PageContext): string {
  const a = (l: NavLink | undefined, rel: string, arrow: string) =>
    l ? `<a rel="${rel}" href="${escapeHtml(l.href)}">${arrow} ${escapeHtml(l.label)}</a>` : `<span></span>`;
  return `<nav class="book-nav">${a(ctx.prev, "prev", "←")}<a rel="contents" href="${escapeHtml(ctx.contents.href)}">${escapeHtml(ctx.contents.label)}</a>` +
    `${ctx.checks ? `<a href="${escapeHtml(ctx.checks.href)}">${escapeHtml(ctx.checks.label)}</a>` : ""}${a(ctx.next, "next", "→")}</nav>`;
}

/** The page head shared by every book page: styles, MathJax and plotly.js from `assets/`. */
export function pageHead(title: string, assets: string, opts: { plotly?: boolean; math?: boolean } = {}): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${assets}/book.css">
${opts.math === false ? "" : `<script>window.MathJax={tex:{inlineMath:[["$","$"],["\\\\(","\\\\)"]],displayMath:[["$$","$$"],["\\\\[","\\\\]"]],processEscapes:true},options:{ignoreHtmlClass:"no-math",processHtmlClass:"math-ok"},startup:{typeset:true}};</script>
<script defer src="${assets}/mathjax/tex-chtml-full.js"></script>`}
${opts.plotly === false ? "" : `<script src="${assets}/plotly.min.js"></script>`}
</head><body>`;
}

/** The whole page of one executed chapter. */
export function chapterPage(nb: Notebook, ctx: PageContext): string {
  figureCounter = 0;
  const body: string[] = [];
  nb.cells.forEach((c, i) => {
    if (c.cell_type === "markdown") {
      body.push(`<section class="md" id="cell-${i + 1}">${markdownToHtml(sourceText(c))}</section>`);
    } else if (c.cell_type === "code") {
      const src = sourceText(c);
      const outs = (c.outputs ?? []).map(outputHtml).join("\n");
      body.push(`<section class="code" id="cell-${i + 1}"><pre class="input no-math"><code>${escapeHtml(src)}</code></pre>` +
        (outs ? `<div class="outputs no-math">${outs}</div>` : "") + `</section>`);
    }
  });
  const api = ctx.apiLinks && ctx.apiLinks.length > 0
    ? `<aside class="api-links"><h2>The library in this chapter</h2><p>${ctx.apiLinks.map((l) => `<a href="${escapeHtml(l.href)}"><code>${escapeHtml(l.label)}</code></a>`).join(", ")}</p></aside>`
    : "";
  return `${pageHead(ctx.title, ctx.assets)}
${navHtml(ctx)}
${ctx.banner ? `<p class="banner">${ctx.banner}</p>` : ""}
<main>
${body.join("\n")}
${api}
</main>
${navHtml(ctx)}
</body></html>
`;
}

/** The book's stylesheet. */
export const BOOK_CSS = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60em;margin:1.5em auto;padding:0 1em;line-height:1.5;color:#222}
.book-nav{display:flex;justify-content:space-between;gap:1em;padding:.5em 0;border-bottom:1px solid #ddd;margin-bottom:1em}
.book-nav:last-of-type{border-top:1px solid #ddd;border-bottom:none;margin-top:2em}
pre{background:#f6f8fa;padding:.6em;overflow-x:auto;font-size:.85em}
pre.input{border-left:3px solid #4a7bd0}
pre.stderr{background:#fff5f5}pre.error{background:#ffecec;color:#900}
.outputs{margin:.3em 0 1em 0}
table{border-collapse:collapse}td,th{padding:.25em .7em;text-align:left;border-bottom:1px solid #eee}
.banner{background:#ffecec;padding:.6em;border-left:4px solid #cf222e}
.api-links{margin-top:2em;border-top:1px solid #ddd}
.ok{color:#1a7f37}.failed{color:#cf222e}
`;
