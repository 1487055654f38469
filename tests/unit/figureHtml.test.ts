import { test } from "node:test";
import assert from "node:assert/strict";
import { figureBundle, resetPlotlyInlining } from "../../src/show/figure";

const fig = { data: [{ type: "scatter", name: "a <b>", x: [1, 2], y: [3, 4] }], layout: { title: { text: "</script><i>x & y</i>" } } };

test("a figure's HTML loads plotly.js from the page or the browser's store, and its fallback note is escaped once", () => {
  resetPlotlyInlining();
  figureBundle(fig, { staticImage: false });   // the first figure inlines plotly.js
  const html = figureBundle(fig, { staticImage: false })["text/html"] as string;
  assert.equal((html.match(/<\/script>/g) ?? []).length, 1, "the title cannot close the script early");
  assert.match(html, /indexedDB\.open\("genlab",1\)/, "falls back to the copy kept in IndexedDB");
  assert.doesNotMatch(html, /&lt;|&quot;|&amp;/, "the note is set as text, never pre-escaped");
  assert.doesNotMatch(html, /genlab-static/, "no static image when none was made");
});

test("a static PNG goes into the bundle and inside the HTML until plotly.js draws", () => {
  const png = "iVBORw0KGgo=";
  const b = figureBundle(fig, { png, inlineLibrary: false });
  assert.equal(b["image/png"], png);
  assert.match(b["text/html"] as string, /<img class="genlab-static" alt="[^"]*&lt;b&gt;[^"]*" style="max-width:100%" src="data:image\/png;base64,iVBORw0KGgo=">/);
});
