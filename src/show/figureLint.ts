/**
 * Defects that make a figure mislead, found from its plotly JSON alone: an axis without a title,
 * a log axis left to plotly's own tick labels (bare digits on minor ticks, SI suffixes next to powers
 * of ten), log-spaced coordinates of a heatmap on a linear axis (small values become slivers), and
 * text annotations placed in data coordinates (sooner or later they sit on the data). Tests run it
 * over every figure of the executed chapters, so a defect fixed once stays fixed.
 */
import { Figure } from "./figure";
import { isLogSpaced } from "./plot";

/** One problem with a figure: which figure, which part, what is wrong. */
export interface FigureProblem {
  figure: string;
  where: string;
  problem: string;
}

function titleText(t: unknown): string {
  if (typeof t === "string") return t;
  if (t && typeof t === "object" && typeof (t as { text?: unknown }).text === "string") return (t as { text: string }).text;
  return "";
}

/** The figure's title, for messages. */
export function figureTitle(fig: Figure): string {
  return titleText(fig.layout?.title) || "(untitled figure)";
}

/** Every problem found in one figure (empty when none). */
export function figureProblems(fig: Figure): FigureProblem[] {
  const out: FigureProblem[] = [];
  const name = figureTitle(fig);
  const layout = fig.layout ?? {};
  const traces = fig.data ?? [];
  const pie = traces.every((t) => t.type === "pie" || t.type === "table");
  for (const axis of ["xaxis", "yaxis"] as const) {
    const a = (layout[axis] ?? {}) as Record<string, unknown>;
    if (!pie && !titleText(a.title).trim()) out.push({ figure: name, where: axis, problem: "the axis has no title" });
    if (a.type === "log" && a.tickmode !== "array") {
      out.push({ figure: name, where: axis, problem: "a log axis with plotly's own tick labels (bare digits on minor ticks; mixed SI and power labels): give explicit ticks (plot.logTicks)" });
    }
    const key = axis === "xaxis" ? "x" : "y";
    for (const t of traces) {
      if (t.type !== "heatmap") continue;
      const v = t[key] as unknown[] | undefined;
      if (!v || !v.every((x) => typeof x === "number")) continue;
      if (a.type !== "log" && a.type !== "category" && isLogSpaced(v as number[])) {
        out.push({ figure: name, where: `${axis} of heatmap`, problem: `log-spaced values (${(v as number[]).join(", ")}) on a linear axis: use a categorical or log axis` });
      }
    }
  }
  const annotations = (layout.annotations ?? []) as Record<string, unknown>[];
  annotations.forEach((an, i) => {
    const inData = String(an.xref ?? "x").startsWith("x") && String(an.yref ?? "y").startsWith("y");
    const xData = String(an.xref ?? "x").startsWith("x") && an.xref !== "paper";
    const yData = String(an.yref ?? "y").startsWith("y") && an.yref !== "paper";
    if (inData || (xData && !yData && Number(an.y ?? 0) >= 0 && Number(an.y ?? 0) <= 1) || (yData && !xData && Number(an.x ?? 0) >= 0 && Number(an.x ?? 0) <= 1)) {
      out.push({ figure: name, where: `annotation ${i + 1} ("${String(an.text ?? "")}")`, problem: "text placed inside the plot area can cover data: name the line in the legend instead" });
    }
  });
  return out;
}
