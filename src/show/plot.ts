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

/** Finite positive values of one axis across traces (what a log axis can show). */
function positiveValues(traces: Trace[], axis: "x" | "y"): number[] {
  const out: number[] = [];
  for (const t of traces) {
    const v = t[axis] as ArrayLike<unknown> | undefined;
    if (!v) continue;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (typeof x === "number" && Number.isFinite(x) && x > 0) out.push(x);
    }
  }
  return out;
}

const power10 = (k: number): string => `10<sup>${k}</sup>`;

/**
 * Tick values and labels for a log axis spanning [lo, hi]. Plotly labels a log axis's minor ticks
 * with a bare leading digit ("2", "5") and switches between SI suffixes and powers of ten within one
 * axis ("100T" next to "10^16"); explicit ticks give every label its full value in one style: plain
 * numbers when every tick lies in [0.001, 100000), otherwise m×10^k.
 */
export function logTicks(lo: number, hi: number): { tickvals: number[]; ticktext: string[] } {
  if (!(lo > 0) || !(hi >= lo) || !Number.isFinite(hi)) throw new RangeError(`logTicks: need 0 < lo <= hi, got [${lo}, ${hi}]`);
  const k0 = Math.floor(Math.log10(lo) + 1e-9), k1 = Math.ceil(Math.log10(hi) - 1e-9);
  const span = Math.log10(hi / lo);
  const mantissas = span >= 2.5 ? [1] : span >= 0.8 ? [1, 2, 5] : [1, 2, 3, 5, 7];
  const every = span > 9 ? Math.ceil(span / 8) : 1;
  let vals: number[] = [];
  for (let k = k0; k <= k1; k++) {
    if (mantissas.length === 1 && (k - k0) % every !== 0) continue;
    for (const m of mantissas) {
      const v = Number((m * 10 ** k).toPrecision(12));
      // a little slack: plotly pads the range, and a tick just outside the data still helps reading
      if (v >= lo / 1.5 && v <= hi * 1.5) vals.push(v);
    }
  }
  if (vals.length < 2) vals = [lo, hi];
  const plain = vals.every((v) => v >= 1e-3 && v < 1e5);
  const text = vals.map((v) => {
    if (plain) return String(Number(v.toPrecision(3)));
    const k = Math.floor(Math.log10(v) + 1e-9);
    const m = Number((v / 10 ** k).toPrecision(3));
    return m === 1 ? power10(k) : `${m}×${power10(k)}`;
  });
  return { tickvals: vals, ticktext: text };
}

/** One axis's layout: title, type, and for a log axis explicit ticks from the data it shows. */
function axisLayout(title: string | undefined, log: boolean | undefined, values: number[]): Record<string, unknown> {
  const axis: Record<string, unknown> = { title: { text: title ?? "" }, type: log ? "log" : "linear", exponentformat: "power" };
  if (log && values.length > 0) {
    let lo = Infinity, hi = -Infinity;
    for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
    Object.assign(axis, { tickmode: "array", ...logTicks(lo, hi) });
  }
  return axis;
}

/**
 * Reference lines as dotted legend entries (a line spanning the data) rather than text annotations:
 * a label drawn inside the plot area sits on the data sooner or later (a noise floor that curves
 * approach, a critical batch size the noise scale crosses).
 */
function referenceTraces(o: AxesOptions, data: Trace[]): Trace[] {
  const out: Trace[] = [];
  const styles = [{ dash: "dot", color: "#555" }, { dash: "dashdot", color: "#888" }, { dash: "longdash", color: "#333" }, { dash: "dot", color: "#aaa" }];
  const extent = (axis: "x" | "y", log: boolean | undefined): [number, number] | null => {
    const vals: number[] = [];
    for (const t of data) {
      const v = t[axis] as ArrayLike<unknown> | undefined;
      if (!v) continue;
      for (let i = 0; i < v.length; i++) { const x = v[i]; if (typeof x === "number" && Number.isFinite(x) && (!log || x > 0)) vals.push(x); }
    }
    if (vals.length === 0) return null;
    let lo = Infinity, hi = -Infinity;
    for (const v of vals) { if (v < lo) lo = v; if (v > hi) hi = v; }
    return [lo, hi];
  };
  let n = 0;
  const xs = extent("x", o.logX), ys = extent("y", o.logY);
  for (const h of o.hLines ?? []) {
    const style = styles[n++ % styles.length];
    const [x0, x1] = xs ?? [0, 1];
    out.push({ type: "scatter", mode: "lines", name: h.label ?? `y = ${h.y}`, x: [x0, x1], y: [h.y, h.y], line: { ...style, width: 1.5 }, hoverinfo: "name+y" });
  }
  for (const v of o.vLines ?? []) {
    const style = styles[n++ % styles.length];
    const [y0, y1] = ys ?? [0, 1];
    out.push({ type: "scatter", mode: "lines", name: v.label ?? `x = ${v.x}`, x: [v.x, v.x], y: [y0, y1], line: { ...style, width: 1.5 }, hoverinfo: "name+x" });
  }
  return out;
}

/**
 * Layout with titles and log axes (explicit, fully labelled ticks). The legend sits in rows between
 * the title and the plot area, and the top margin grows with its rows (below the plot it collides
 * with x-axis titles whenever log-axis tick labels take two lines). `data` are the figure's traces,
 * which a log axis's ticks are computed from.
 */
export function axesLayout(o: AxesOptions, legendNames: string[] = [], data: Trace[] = []): Record<string, unknown> {
  const rows = legendRows(legendNames);
  const titleSpace = o.title ? 45 : 10;
  return {
    ...(o.title ? { title: { text: o.title, y: 1, yref: "container", yanchor: "top", pad: { t: 12 } } } : {}),
    xaxis: axisLayout(o.xLabel, o.logX, o.logX ? positiveValues(data, "x") : []),
    yaxis: axisLayout(o.yLabel, o.logY, o.logY ? positiveValues(data, "y") : []),
    height: (o.height ?? 420) + 20 * rows,
    margin: { t: titleSpace + 22 * rows, r: 20 },
    legend: { orientation: "h", x: 0, xanchor: "left", y: 1.01, yanchor: "bottom" },
  };
}

/**
 * True when positive values are spaced evenly on a log scale rather than a linear one (8, 16, 32,
 * 64; 100, 300, 1000): a linear axis would squeeze the small ones into slivers.
 */
export function isLogSpaced(values: ArrayLike<number>): boolean {
  const v = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length < 3 || v[0] <= 0 || v[v.length - 1] / v[0] < 4) return false;
  const cv = (d: number[]) => {
    const m = d.reduce((a, b) => a + b, 0) / d.length;
    return Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / d.length) / Math.abs(m);
  };
  const lin = v.slice(1).map((x, i) => x - v[i]);
  const log = v.slice(1).map((x, i) => Math.log(x) - Math.log(v[i]));
  return cv(log) < cv(lin);
}

/** Curves y(x), one per series. */
export function lines(series: Series[], o: AxesOptions = {}): Figure {
  const data = series.map(seriesTrace);
  const all = [...data, ...referenceTraces(o, data)];
  return { data: all, layout: axesLayout(o, all.map((t) => String(t.name ?? "")), all) };
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
  const base: Trace[] = [
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
  const data = [...base, ...referenceTraces(o, base)];
  return { data, layout: { ...axesLayout(o, data.map((t) => String(t.name ?? "")), data), bargap: 0.02 } };
}

/**
 * A heatmap of a matrix given as rows (`z[i][j]` at y[i], x[j]). Log-spaced coordinates (widths
 * 8, 16, 32; budgets 100, 300, 1000) go on categorical axes, one equal cell per value, labelled
 * with the value; `colorbarTitle` names what the colour shows.
 */
export function heatmap(z: ArrayLike<number>[], o: AxesOptions & { x?: number[]; y?: number[]; colorscale?: string; colorbarTitle?: string; zmid?: number } = {}): Figure {
  const layout = axesLayout(o);
  const trace: Trace = { type: "heatmap", z: z.map((r) => Array.from(r)), colorscale: o.colorscale ?? "Viridis" };
  if (o.zmid !== undefined) trace.zmid = o.zmid;
  if (o.colorbarTitle) trace.colorbar = { title: { text: o.colorbarTitle, side: "right" } };
  for (const axis of ["x", "y"] as const) {
    const v = o[axis];
    if (!v) continue;
    if (isLogSpaced(v)) {
      (trace as Record<string, unknown>)[axis] = v.map((x) => String(Number(x.toPrecision(4))));
      Object.assign(layout[`${axis}axis`] as Record<string, unknown>, { type: "category" });
    } else trace[axis] = v;
  }
  return { data: [trace], layout };
}
