/**
 * Plotly figures: a minimal typed shape for `{data, layout}` plus the MIME bundle that renders it
 * in JupyterLab / VS Code (application/vnd.plotly.v1+json), in the classic notebook and in
 * nbconvert HTML without network (text/html with plotly.js inlined once per kernel session and kept
 * in the browser for reloads), as a static PNG where scripts do not run, and as text. Plotly's own types are huge and loose; a record type keeps cells short and still catches typos
 * in the fields we use most.
 */
import * as fs from "fs";
import { escapeHtml, inKernel, MimeBundle, newDisplayId } from "./display";
import { renderStatic } from "./staticImage";

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

const DB_KEY = (): string => `plotly-${plotlyVersion()}`;

/**
 * HTML that loads plotly.js (inlined, RequireJS-safe: the source runs as a function whose `define`,
 * `module` and `exports` are undefined, so it sets `window.Plotly` even in the classic notebook where
 * RequireJS is present). It also keeps the source in the browser's IndexedDB (database "genlab"),
 * so a reloaded tab, a second tab or a reopened notebook of the same Jupyter server draws its figures
 * although the kernel sends plotly.js only with its first figure.
 */
export function plotlyLoaderHtml(): string {
  const src = JSON.stringify(plotlyJs()).replace(/<\//g, "<\\/");
  return `<script type="text/javascript">(function(){var src=${src};` +
    `try{if(!window.Plotly){new Function("define","module","exports",src).call(window);}}catch(e){console.error("genlab: plotly.js failed to load",e);return;}` +
    `try{var r=indexedDB.open("genlab",1);r.onupgradeneeded=function(){r.result.createObjectStore("lib");};` +
    `r.onsuccess=function(){try{r.result.transaction("lib","readwrite").objectStore("lib").put(src,${JSON.stringify(DB_KEY())});}catch(e){}};}catch(e){}` +
    `})();</script>`;
}

/**
 * The script each figure runs to get plotly.js: the page's own (`window.Plotly`, e.g. loaded by the
 * first figure or by a book page), else the copy an earlier figure kept in IndexedDB. One attempt at
 * a time is shared between the figures of a page; a failed attempt is forgotten so a later figure
 * (say, one that inlines plotly.js) can succeed.
 */
function plotlyGetterJs(): string {
  return `function getPlotly(){var w=window;if(w.Plotly)return Promise.resolve(w.Plotly);if(w.__genlabPlotly)return w.__genlabPlotly;` +
    `var p=new Promise(function(res,rej){var n=0;(function poll(){if(w.Plotly)return res(w.Plotly);if(n++<10)return setTimeout(poll,100);` +
    `try{var r=indexedDB.open("genlab",1);r.onupgradeneeded=function(){r.result.createObjectStore("lib");};r.onerror=function(){rej(r.error);};` +
    `r.onsuccess=function(){try{var q=r.result.transaction("lib").objectStore("lib").get(${JSON.stringify(DB_KEY())});` +
    `q.onerror=function(){rej(q.error);};q.onsuccess=function(){if(!q.result)return rej(new Error("not stored"));` +
    `try{new Function("define","module","exports",q.result).call(w);}catch(e){return rej(e);}w.Plotly?res(w.Plotly):rej(new Error("no Plotly"));};}catch(e){rej(e);}};}catch(e){rej(e);}})();});` +
    `w.__genlabPlotly=p.then(null,function(e){w.__genlabPlotly=null;throw e;});return w.__genlabPlotly;}`;
}

function summary(fig: Figure): string {
  const title = (fig.layout?.title as { text?: string } | string | undefined);
  const t = typeof title === "string" ? title : title?.text;
  const names = fig.data.map((tr) => `${tr.name ?? tr.type ?? "trace"}${tr.x ? ` (${tr.x.length} points)` : ""}`);
  return `<Figure${t ? ` "${t}"` : ""}: ${names.join(", ")}>`;
}

/** Options of `figureBundle`. */
export interface FigureBundleOptions {
  /** Inline plotly.js in the HTML (default: only in the first figure of the kernel session). */
  inlineLibrary?: boolean;
  /**
   * Add a static PNG rendering (headless Chromium, when the machine has one). It goes into the bundle
   * as image/png and inside the HTML as the figure's content until plotly.js draws. Default: inside a
   * kernel only (outside one, `show` prints text and nothing would see the image).
   */
  staticImage?: boolean;
  /** A PNG (base64) made elsewhere, used instead of rendering one. */
  png?: string;
}

/** The MIME bundle for a figure (plotly JSON, HTML with a static image inside, PNG, text). */
export function figureBundle(fig: Figure, opts: FigureBundleOptions = {}): MimeBundle {
  const plain = toPlainJson(fig);
  const inline = opts.inlineLibrary ?? !plotlyInlined;
  if (inline) plotlyInlined = true;
  const png = opts.png ?? (!(opts.staticImage ?? inKernel()) ? undefined : renderStatic({ data: plain.data, layout: plain.layout ?? {} })?.png);
  const id = newDisplayId();
  const json = JSON.stringify(plain).replace(/<\//g, "<\\/");
  const config = JSON.stringify({ responsive: true, displaylogo: false, ...(plain.config ?? {}) });
  const text = summary(fig);
  const note = png
    ? "A static image: the interactive figure needs plotly.js, which this page has not loaded (a figure cell run in this browser loads it)."
    : "plotly.js is not loaded on this page: run a figure cell of the notebook in this browser to load it.";
  const html =
    (inline ? plotlyLoaderHtml() : "") +
    `<div id="${id}" class="genlab-plot" style="width:100%;min-height:${Number(plain.layout?.height ?? 420)}px;">` +
    (png ? `<img class="genlab-static" alt="${escapeHtml(text)}" style="max-width:100%" src="data:image/png;base64,${png}">` : "") +
    `</div>` +
    `<script type="text/javascript">(function(){var fig=${json};${plotlyGetterJs()}` +
    `function el(){return document.getElementById(${JSON.stringify(id)});}` +
    `getPlotly().then(function(P){var e=el();if(!e)return;e.innerHTML="";P.newPlot(e,fig.data,fig.layout||{},${config});},` +
    `function(){var e=el();if(!e||e.querySelector(".genlab-note"))return;var n=document.createElement("div");n.className="genlab-note";` +
    `n.style.cssText="font:12px sans-serif;color:#777";n.textContent=${JSON.stringify(note + " " + text).replace(/<\//g, "<\\/")};e.appendChild(n);});})();</script>`;
  const bundle: MimeBundle = {
    "application/vnd.plotly.v1+json": { data: plain.data, layout: plain.layout ?? {}, config: plain.config ?? {} },
    "text/html": html,
    "text/plain": text,
  };
  if (png) bundle["image/png"] = png;
  return bundle;
}
