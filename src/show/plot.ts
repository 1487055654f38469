/**
 * Short builders for the figures the chapters draw again and again: curves against a parameter,
 * log-log learning curves with a theory line, histograms against a density. Each returns a plain
 * plotly `Figure` that a cell can still edit (`fig.layout.title = ...`) before `show(fig)`.
 */
import { Figure, Trace } from "./figure";

/** One curve or set of markers of a figure: its points, name and style (with optional error bars). */
export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** "lines", "markers" or "lines+markers" (default lines+markers). */
  mode?: string;
  dash?: "solid" | "dash" | "dot" | "dashdot";
  /** Symmetric error bars or [lower, upper] bands drawn as error bars. */
  error?: ArrayLike<number>;
  color?: string;
}

/** Titles, axis labels, log axes and reference lines of a figure. */
export interface AxesOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  logX?: boolean;
  logY?: boolean;
  height?: number;
  /** Vertical reference lines, e.g. the interpolation threshold. */
  vLines?: { x: number; label?: string }[];
  /** Horizontal reference lines, e.g. chance level or 2/eta. */
  hLines?: { y: number; label?: string }[];
}

function seriesTrace(s: Series): Trace {
  const t: Trace = {
    type: "scatter",
    name: s.name,
    x: Array.from(s.x),
    y: Array.from(s.y),
    mode: s.mode ?? "lines+markers",
  };
  if (s.dash || s.color) t.line = { ...(s.dash ? { dash: s.dash } : {}), ...(s.color ? { color: s.color } : {}) };
  if (s.color) t.marker = { color: s.color };
  if (s.error) t.error_y = { type: "data", array: Array.from(s.error), visible: true };
  return t;
}

/**
 * Rows a horizontal plotly legend wraps into, estimated: an entry is about 40 px plus 7 px per
 * character, and a notebook figure is about 800 px wide.
 */
export function legendRows(names: string[], width = 800): number {
  if (names.length < 2) return names.length;
  let rows = 1, used = 0;
  for (const n of names) {
    const w = 40 + 7 * n.length;
    if (used > 0 && used + w > width) { rows += 1; used = 0; }
    used += w;
  }
  return rows;
}

/**
 * Layout with titles, log axes and reference lines. The legend sits in rows between the title and
 * the plot area, and the top margin grows with its rows (below the plot it collides with x-axis
 * titles whenever log-axis tick labels take two lines).
 */
export function axesLayout(o: AxesOptions, legendNames: string[] = []): Record<string, unknown> {
  const shapes: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  for (const v of o.vLines ?? []) {
    shapes.push({ type: "line", xref: "x", yref: "paper", x0: v.x, x1: v.x, y0: 0, y1: 1, line: { dash: "dot", color: "#888" } });
    if (v.label) annotations.push({ xref: "x", yref: "paper", x: o.logX ? Math.log10(v.x) : v.x, y: 1, text: v.label, showarrow: false, xanchor: "left", yanchor: "top", xshift: 3 });
  }
  for (const h of o.hLines ?? []) {
    shapes.push({ type: "line", xref: "paper", yref: "y", x0: 0, x1: 1, y0: h.y, y1: h.y, line: { dash: "dot", color: "#888" } });
    if (h.label) annotations.push({ xref: "paper", yref: "y", x: 1, y: o.logY ? Math.log10(h.y) : h.y, text: h.label, showarrow: false, xanchor: "right", yanchor: "bottom" });
  }
  const rows = legendRows(legendNames);
  const titleSpace = o.title ? 45 : 10;
  return {
    ...(o.title ? { title: { text: o.title, y: 1, yref: "container", yanchor: "top", pad: { t: 12 } } } : {}),
    xaxis: { title: { text: o.xLabel ?? "" }, type: o.logX ? "log" : "linear" },
    yaxis: { title: { text: o.yLabel ?? "" }, type: o.logY ? "log" : "linear" },
    height: (o.height ?? 420) + 20 * rows,
    margin: { t: titleSpace + 22 * rows, r: 20 },
    legend: { orientation: "h", x: 0, xanchor: "left", y: 1.01, yanchor: "bottom" },
    shapes,
    annotations,
  };
}

/** Curves y(x), one per series. */
export function lines(series: Series[], o: AxesOptions = {}): Figure {
  return { data: series.map(seriesTrace), layout: axesLayout(o, series.map((x) => x.name)) };
}

/** Log-log curves (learning curves, scaling laws): same as `lines` with both axes logarithmic. */
export function logLog(series: Series[], o: AxesOptions = {}): Figure {
  return lines(series, { ...o, logX: true, logY: true });
}

/** Histogram of samples (normalised to a density) with optional density curves on top. */
export function histogram(
  samples: ArrayLike<number>,
  o: AxesOptions & { name?: string; bins?: number; curves?: Series[] } = {},
): Figure {
  const data: Trace[] = [
    {
      type: "histogram",
      name: o.name ?? "samples",
      x: Array.from(samples),
      histnorm: "probability density",
      nbinsx: o.bins ?? 60,
      opacity: 0.6,
    },
    ...(o.curves ?? []).map((c) => seriesTrace({ mode: "lines", ...c })),
  ];
  return { data, layout: { ...axesLayout(o, data.map((t) => String(t.name ?? ""))), bargap: 0.02 } };
}

/** A heatmap of a matrix given as rows. */
export function heatmap(z: ArrayLike<number>[], o: AxesOptions & { x?: number[]; y?: number[]; colorscale?: string } = {}): Figure {
  return {
    data: [{ type: "heatmap", z: z.map((r) => Array.from(r)), x: o.x, y: o.y, colorscale: o.colorscale ?? "Viridis" }],
    layout: axesLayout(o),
  };
}
