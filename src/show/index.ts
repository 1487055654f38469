/**
 * `show(x)`: the one call a cell makes to put a result on the page. Figures (plotly), tables
 * (danfojs DataFrames or arrays of records), markdown and plain values are all accepted.
 */
import { emit, escapeHtml, MimeBundle } from "./display";
import { figureBundle, Figure, isFigure } from "./figure";
import { isDataFrame, Row, table, tableBundle } from "./table";
import { inKernel } from "./display";
import { prewarmStaticRenderer } from "./staticImage";

export { inKernel, emit, setTextSink, escapeHtml } from "./display";
export type { MimeBundle } from "./display";
export { figureBundle, isFigure, plotlyJs, plotlyVersion, plotlyLoaderHtml, resetPlotlyInlining, toPlainJson } from "./figure";
export type { Figure, Trace } from "./figure";
export { table, tableBundle, isDataFrame, danfojs, formatCell } from "./table";
export type { DataFrame, Row, Cell } from "./table";
export { live } from "./live";
export type { LiveDisplay } from "./live";
export * as plot from "./plot";
export type { Series, AxesOptions } from "./plot";

export interface ShowOptions {
  /** Table rows shown from the top / bottom (default 10 / 5). */
  head?: number;
  tail?: number;
  /** Caption above a table. */
  caption?: string;
}

/** The bundle `show` would emit for `x`, without emitting it (useful for tests and exports). */
export function bundleOf(x: unknown, opts: ShowOptions = {}): MimeBundle {
  if (isFigure(x)) return figureBundle(x);
  if (isDataFrame(x)) return tableBundle(x, opts);
  if (Array.isArray(x) && x.length > 0 && x.every((r) => typeof r === "object" && r !== null && !Array.isArray(r))) {
    return tableBundle(table(x as Row[]), opts);
  }
  if (typeof x === "string") return { "text/plain": x, "text/html": `<pre>${escapeHtml(x)}</pre>` };
  const text = typeof x === "object" ? JSON.stringify(x, null, 2) : String(x);
  return { "text/plain": text };
}

/**
 * Display a figure, a table (DataFrame or array of records) or a value in the notebook.
 * Outside a kernel it prints the text fallback.
 */
export function show(x: Figure | unknown, opts: ShowOptions = {}): void {
  emit(bundleOf(x, opts));
}

/** Display markdown text (rendered in the notebook, printed as-is elsewhere). */
export function markdown(md: string): void {
  emit({ "text/markdown": md, "text/plain": md });
}
export { figureProblems, figureTitle } from "./figureLint";
export type { FigureProblem } from "./figureLint";
export { renderStatic, staticImagesOff } from "./staticImage";

// Inside a kernel, start the browser for static figure images while the first cells compute.
if (inKernel()) prewarmStaticRenderer();
