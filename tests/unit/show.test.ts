import { test } from "node:test";
import assert from "node:assert/strict";
import { bundleOf, show, setTextSink, plot, table, live } from "../../src/show";
import { figureBundle, plotlyLoaderHtml, resetPlotlyInlining } from "../../src/show/figure";
import { formatCell } from "../../src/show/table";

const fig = plot.lines([{ name: "err", x: new Float64Array([1, 2, 3]), y: [0.5, 0.25, 0.125] }], { title: "curve", logY: true });

test("a figure bundle carries plotly JSON (typed arrays made plain), offline HTML and text", () => {
  resetPlotlyInlining();
  const b = figureBundle(fig);
  const json = b["application/vnd.plotly.v1+json"] as { data: { x: number[] }[]; layout: { yaxis: { type: string } } };
  assert.deepEqual(json.data[0].x, [1, 2, 3]);
  assert.equal(json.layout.yaxis.type, "log");
  const html = b["text/html"] as string;
  assert.ok(html.length > 1_000_000, "first figure inlines plotly.js");
  assert.ok(html.includes(`new Function("define","module","exports",src)`), "RequireJS-safe wrapper");
  assert.match(b["text/plain"], /Figure "curve": err \(3 points\)/);
  const second = figureBundle(fig)["text/html"] as string;
  assert.ok(second.length < 10_000, "later figures reference the already loaded library");
  assert.ok(!plotlyLoaderHtml().includes("</script>\n}"), "no premature script close inside the inlined source");
});

test("tables render as HTML with head/tail, shape and a text fallback", () => {
  const rows = Array.from({ length: 30 }, (_, i) => ({ n: i, err: 1 / (i + 1) }));
  const b = bundleOf(table(rows), { head: 3, tail: 2, caption: "errors" });
  const html = b["text/html"] as string;
  assert.match(html, /30 rows × 2 columns/);
  assert.equal((html.match(/<tr><th>/g) ?? []).length, 5, "3 head rows + 2 tail rows");
  assert.match(html, /…/);
  assert.match(b["text/plain"], /errors/);
  assert.match(b["text/plain"], /\[30 rows × 2 columns\]/);
  assert.equal(bundleOf(rows)["text/html"], bundleOf(table(rows))["text/html"], "arrays of records are tables too");
});

test("cells are formatted for reading", () => {
  assert.equal(formatCell(0.123456789), "0.1235");
  assert.equal(formatCell(12), "12");
  assert.equal(formatCell(1.5e-7), "1.500e-7");
  assert.equal(formatCell(null), "");
});

test("outside a kernel, show and live print their text fallbacks", () => {
  const seen: string[] = [];
  const prev = setTextSink((t) => seen.push(t));
  try {
    show(fig);
    show("plain");
    const l = live({ minIntervalMs: 0 });
    l.progress({ done: 5, total: 10, label: "training" });
    l.progress({ done: 10, total: 10, label: "training", values: { loss: 0.125 } });
  } finally {
    setTextSink(prev);
  }
  assert.match(seen[0], /Figure "curve"/);
  assert.equal(seen[1], "plain");
  assert.match(seen[2], /training 5\/10 \(50%\)/);
  assert.match(seen[3], /10\/10 \(100%\).* · loss 0.125/);
});

test("live updates closer than the interval are coalesced; flush() and force send the last one", () => {
  const seen: string[] = [];
  const prev = setTextSink((t) => seen.push(t));
  try {
    const view = live({ minIntervalMs: 60_000 });
    view.update("first");
    view.update("second"); // coalesced: too soon after the first
    assert.deepEqual(seen, ["first"]);
    view.flush();
    assert.deepEqual(seen, ["first", "second"]);
    view.flush(); // nothing pending: nothing sent
    view.update("final", true);
    assert.deepEqual(seen, ["first", "second", "final"]);
  } finally {
    setTextSink(prev);
  }
});

test("the top margin makes room for the title and every legend row", () => {
  assert.equal(plot.legendRows(["a"]), 1);
  assert.equal(plot.legendRows(["short", "names"]), 1);
  const long = Array.from({ length: 6 }, (_, i) => `theory a = ${i} (slope -0.${i}0), a long label`);
  assert.ok(plot.legendRows(long) >= 3, `six long names wrap (got ${plot.legendRows(long)} rows)`);
  const one = plot.lines([{ name: "x", x: [1], y: [1] }], { title: "t" }).layout as { margin: { t: number } };
  const six = plot.lines(long.map((n) => ({ name: n, x: [1], y: [1] })), { title: "t" }).layout as { margin: { t: number } };
  assert.ok(six.margin.t > one.margin.t + 30, `margin grows with rows (${one.margin.t} -> ${six.margin.t})`);
});
