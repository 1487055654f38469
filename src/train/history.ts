/**
 * A training history as a table and as a figure: `historyFrame(run)` is a danfojs DataFrame with one
 * row per evaluation (export it with toCSV), `curves(run.history, ["trainLoss", "testLoss"])` a plotly
 * figure that a live display can redraw after every evaluation:
 *   const view = live();
 *   await train.fit(net, data, { ..., onEval: (h) => view.update(train.curves(h, ["trainLoss"], { logY: true })) });
 */
import { table, DataFrame } from "../show/table";
import { lines } from "../show/plot";
import type { AxesOptions } from "../show/plot";
import type { Figure } from "../show/figure";
import type { EvalRecord, FitResult } from "./fit";

/** One row per evaluation, one column per recorded quantity. */
export function historyFrame(run: FitResult | EvalRecord[]): DataFrame {
  const history = Array.isArray(run) ? run : run.history;
  if (history.length === 0) throw new RangeError("historyFrame: the history is empty");
  const keys = Array.from(new Set(history.flatMap((r) => Object.keys(r))));
  return table(history.map((r) => Object.fromEntries(keys.map((k) => [k, r[k] ?? null]))));
}

/** The chosen quantities against the step (or another key of the records, `x`). */
export function curves(history: EvalRecord[], keys: string[], opts: AxesOptions & { x?: string } = {}): Figure {
  const xKey = opts.x ?? "step";
  return lines(keys.map((k) => ({
    name: k,
    x: history.map((r) => r[xKey] as number),
    y: history.map((r) => (r[k] === undefined ? NaN : (r[k] as number))),
  })), { xLabel: xKey, ...opts });
}
