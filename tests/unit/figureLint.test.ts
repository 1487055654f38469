import { test } from "node:test";
import assert from "node:assert/strict";
import { plot, figureProblems } from "../../src/show";

test("log axes get explicit, fully written tick labels in one style", () => {
  const wide = plot.logTicks(3e13, 4e17);
  assert.deepEqual(wide.tickvals, [1e14, 1e15, 1e16, 1e17]);
  assert.deepEqual(wide.ticktext, ["10<sup>14</sup>", "10<sup>15</sup>", "10<sup>16</sup>", "10<sup>17</sup>"], "no '100T' next to 10^16");
  const narrow = plot.logTicks(12, 180);
  assert.deepEqual(narrow.ticktext, ["10", "20", "50", "100", "200"], "minor ticks carry their whole value, not a bare digit");
  const small = plot.logTicks(2e-5, 3e-4);
  assert.ok(small.ticktext.every((t) => /10<sup>-\d+<\/sup>$/.test(t)), small.ticktext.join(" "));
  assert.throws(() => plot.logTicks(0, 1), /0 < lo/);
});

test("plot.lines and plot.logLog put explicit ticks on their log axes; reference lines become legend entries", () => {
  const fig = plot.logLog([{ name: "loss", x: [1e3, 1e4, 1e5], y: [0.3, 0.1, 0.05] }],
    { title: "t", xLabel: "D", yLabel: "loss", hLines: [{ y: 0.04, label: "σ²" }], vLines: [{ x: 3e3, label: "budget" }] });
  const layout = fig.layout as Record<string, Record<string, unknown>>;
  assert.equal(layout.xaxis.tickmode, "array");
  assert.equal(layout.yaxis.tickmode, "array");
  assert.equal(fig.layout?.annotations, undefined, "no text drawn on the plot area");
  const names = fig.data.map((t) => t.name);
  assert.deepEqual(names, ["loss", "σ²", "budget"]);
  const floor = fig.data[1];
  assert.deepEqual(floor.y, [0.04, 0.04]);
  assert.deepEqual(floor.x, [1e3, 1e5], "the reference line spans the data");
  assert.deepEqual(figureProblems(fig), []);
});

test("a heatmap over log-spaced widths and budgets uses categorical axes", () => {
  assert.equal(plot.isLogSpaced([8, 16, 32, 64, 128]), true);
  assert.equal(plot.isLogSpaced([100, 300, 1000, 3000]), true);
  assert.equal(plot.isLogSpaced([1, 2, 3, 4, 5, 6]), false);
  assert.equal(plot.isLogSpaced([0, 1, 2]), false);
  const fig = plot.heatmap([[0, 1], [1, 0], [0.5, 0.5]], { x: [250, 1000], y: [8, 16, 32], title: "r", xLabel: "steps", yLabel: "width" });
  const layout = fig.layout as Record<string, Record<string, unknown>>;
  assert.equal(layout.yaxis.type, "category");
  assert.deepEqual(fig.data[0].y, ["8", "16", "32"]);
  assert.deepEqual(figureProblems(fig), []);
});

test("figureProblems finds the defects that mislead", () => {
  const bad = {
    data: [{ type: "heatmap", z: [[1, 2], [3, 4], [5, 6]], x: [1, 2], y: [8, 16, 32] }],
    layout: {
      title: { text: "bad" }, xaxis: { title: { text: "x" }, type: "log" }, yaxis: { type: "linear" },
      annotations: [{ xref: "x", yref: "y", x: 1, y: 16, text: "σ²" }],
    },
  };
  const problems = figureProblems(bad).map((p) => `${p.where}: ${p.problem}`);
  assert.ok(problems.some((p) => /^yaxis: the axis has no title/.test(p)), problems.join("\n"));
  assert.ok(problems.some((p) => /^xaxis: a log axis with plotly's own tick labels/.test(p)), problems.join("\n"));
  assert.ok(problems.some((p) => /^yaxis of heatmap: log-spaced values \(8, 16, 32\)/.test(p)), problems.join("\n"));
  assert.ok(problems.some((p) => /^annotation 1 \("σ²"\)/.test(p)), problems.join("\n"));
  assert.equal(problems.length, 4);
});
