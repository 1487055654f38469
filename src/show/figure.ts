/**
 * Plotly figures: a minimal typed shape for `{data, layout}` plus the MIME bundle that renders it
 * in JupyterLab / VS Code (application/vnd.plotly.v1+json), in the classic notebook and in
 * nbconvert HTML without network (text/html with plotly.js inlined once per kernel session), and as
 * text. Plotly's own types are huge and loose; a record type keeps cells short and still catches typos
 * in the fields we use most.
 */
import * as fs from "fs";
import { escapeHtml, MimeBundle, newDisplayId } from "./display";

export interface Trace {
  type?: string;
  name?: string;
  x?: ArrayLike<number> | ArrayLike<string>;
  y?: ArrayLike<number>;
  z?: ArrayLike<ArrayLike<number>>;
  mode?: string;
  line?: Record<string, unknown>;
  marker?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A plotly.js figure: its traces, layout and config. */
export interface Figure {
  data: Trace[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** True when `x` looks like a plotly figure. */
export function isFigure(x: unknown): x is Figure {
  return typeof x === "object" && x !== null && Array.isArray((x as Figure).data) &&
    (x as Figure).data.every((t) => typeof t === "object" && t !== null);
}

/** Typed arrays do not survive JSON.stringify as arrays; plotly wants plain arrays. */
export function toPlainJson(fig: Figure): Figure {
  return JSON.parse(
    JSON.stringify(fig, (_k, v) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v)),
  ) as Figure;
}

let plotlySource: string | null = null;
let plotlyInlined = false;

/** plotly.js itself, read once from the installed package. */
export function plotlyJs(): string {
  if (plotlySource === null) {
    plotlySource = fs.readFileSync(require.resolve("plotly.js-dist-min/plotly.min.js"), "utf8");
  }
  return plotlySource;
}

/** Version of the bundled plotly.js. */
export function plotlyVersion(): string {
  return (require("plotly.js-dist-min/package.json") as { version: string }).version;
}

/** Forget that plotly.js was inlined (the next figure inlines it again). */
export function resetPlotlyInlining(): void {
  plotlyInlined = false;
}

/**
 * HTML that loads plotly.js (inlined, RequireJS-safe: the UMD wrapper sees no `define`, `module` or
 * `exports`, so it sets `window.Plotly` even in the classic notebook where RequireJS is present).
 */
export function plotlyLoaderHtml(): string {
  const src = plotlyJs().replace(/<\/script/gi, "<\\/script");
  return `<script type="text/javascript">(function(define, module, exports){\n${src}\n}).call(window, undefined, undefined, undefined);</script>`;
}

function summary(fig: Figure): string {
  const title = (fig.layout?.title as { text?: string } | string | undefined);
  const t = typeof title === "string" ? title : title?.text;
  const names = fig.data.map((tr) => `${tr.name ?? tr.type ?? "trace"}${tr.x ? ` (${tr.x.length} points)` : ""}`);
  return `<Figure${t ? ` "${t}"` : ""}: ${names.join(", ")}>`;
}

/** The MIME bundle for a figure (plotly JSON, offline HTML, text). */
export function figureBundle(fig: Figure, opts: { inlineLibrary?: boolean } = {}): MimeBundle {
  const plain = toPlainJson(fig);
  const inline = opts.inlineLibrary ?? !plotlyInlined;
  if (inline) plotlyInlined = true;
  const id = newDisplayId();
  const json = JSON.stringify(plain).replace(/<\//g, "<\\/");
  const config = JSON.stringify({ responsive: true, displaylogo: false, ...(plain.config ?? {}) });
  const html =
    (inline ? plotlyLoaderHtml() : "") +
    `<div id="${id}" class="genlab-plot" style="width:100%;min-height:${Number(plain.layout?.height ?? 420)}px;"></div>` +
    `<script type="text/javascript">(function(){var fig=${json};var n=0;function draw(){` +
    `var el=document.getElementById(${JSON.stringify(id)});if(!el)return;` +
    `if(window.Plotly){window.Plotly.newPlot(el,fig.data,fig.layout||{},${config});}` +
    `else if(n++<100){setTimeout(draw,100);}else{el.textContent=${JSON.stringify(
      "plotly.js is not loaded on this page: re-run the first figure cell of the notebook. ",
    )}+${JSON.stringify(escapeHtml(summary(fig)))};}}draw();})();</script>`;
  return {
    "application/vnd.plotly.v1+json": { data: plain.data, layout: plain.layout ?? {}, config: plain.config ?? {} },
    "text/html": html,
    "text/plain": summary(fig),
  };
}
