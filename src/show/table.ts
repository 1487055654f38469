/**
 * Tables: danfojs DataFrames built from plain records, rendered as HTML (head/tail and shape) with a
 * text fallback. danfojs prints tables only as text and has no HTML output, so the rendering is ours.
 * `require('danfojs-node')` costs 1-2 s, so it is loaded on first use only.
 */
import type { DataFrame } from "danfojs-node";
import { escapeHtml, MimeBundle } from "./display";

export type { DataFrame };
export type Cell = number | string | boolean | null | undefined;
export type Row = Record<string, Cell>;

let danfo: typeof import("danfojs-node") | null = null;
/** The danfojs-node module (loaded lazily, sharing the lab's TensorFlow.js engine). */
export function danfojs(): typeof import("danfojs-node") {
  if (danfo === null) {
    // Load the lab's backend first so danfo's tfjs import finds it already initialised.
    danfo = require("danfojs-node") as typeof import("danfojs-node");
  }
  return danfo;
}

/** Build a danfojs DataFrame from an array of records (`[{n: 10, err: 0.3}, ...]`) or from columns. */
export function table(rows: Row[] | Record<string, Cell[] | ArrayLike<number>>): DataFrame {
  const { DataFrame: DF } = danfojs();
  if (Array.isArray(rows)) {
    if (rows.length === 0) throw new Error("table: no rows given");
    return new DF(rows as unknown as Record<string, unknown>[]);
  }
  const cols = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, Array.from(v as ArrayLike<Cell>)]));
  return new DF(cols as never);
}

/** Duck-typed check for a danfojs DataFrame (works across danfojs copies). */
export function isDataFrame(x: unknown): x is DataFrame {
  return typeof x === "object" && x !== null && Array.isArray((x as DataFrame).columns) &&
    Array.isArray((x as DataFrame).shape) && "values" in (x as object) && "index" in (x as object);
}

/** Format one cell the way a reader wants to see it: 4 significant digits, no float noise. */
export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (Number.isInteger(v)) return String(v);
    if (!Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
  }
  return String(v);
}

interface Tabular { columns: string[]; index: (string | number)[]; rows: unknown[][] }

function tabular(df: DataFrame): Tabular {
  const values = df.values as unknown[];
  // df.columns, not df.shape: danfojs exposes each column as a property, so a column named "shape" hides it
  const rows = (df.columns.length === 1 && !Array.isArray(values[0]) ? values.map((v) => [v]) : values) as unknown[][];
  return { columns: df.columns.map(String), index: df.index as (string | number)[], rows };
}

function pickRows(n: number, head: number, tail: number): (number | null)[] {
  if (n <= head + tail) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: head }, (_, i) => i), null, ...Array.from({ length: tail }, (_, i) => n - tail + i)];
}

/** HTML + text bundle of a DataFrame showing `head` first and `tail` last rows and the shape. */
export function tableBundle(df: DataFrame, opts: { head?: number; tail?: number; caption?: string } = {}): MimeBundle {
  const head = opts.head ?? 10;
  const tail = opts.tail ?? 5;
  const t = tabular(df);
  const picks = pickRows(t.rows.length, head, tail);
  const th = ["", ...t.columns].map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = picks
    .map((i) =>
      i === null
        ? `<tr><td>…</td>${t.columns.map(() => "<td>…</td>").join("")}</tr>`
        : `<tr><th>${escapeHtml(String(t.index[i]))}</th>${t.rows[i].map((v) => `<td>${escapeHtml(formatCell(v))}</td>`).join("")}</tr>`,
    )
    .join("");
  const shape = `${t.rows.length} rows × ${t.columns.length} columns`;
  const caption = opts.caption ? `<caption style="caption-side:top;text-align:left;font-weight:bold">${escapeHtml(opts.caption)}</caption>` : "";
  const html = `<div class="genlab-table"><table class="dataframe" style="border-collapse:collapse;font-variant-numeric:tabular-nums">${caption}<thead><tr style="text-align:right">${th}</tr></thead><tbody>${body}</tbody></table><p style="font-size:smaller;color:#666">${shape}</p></div>`;

  const cells = picks.map((i) => (i === null ? ["…", ...t.columns.map(() => "…")] : [String(t.index[i]), ...t.rows[i].map(formatCell)]));
  const all = [["", ...t.columns], ...cells];
  const widths = all[0].map((_, j) => Math.max(...all.map((r) => r[j].length)));
  const text = [
    ...(opts.caption ? [opts.caption] : []),
    ...all.map((r) => r.map((c, j) => c.padStart(widths[j])).join("  ")),
    `[${shape}]`,
  ].join("\n");
  return { "text/html": html, "text/plain": text };
}
