#!/usr/bin/env node
// The git clean filter for notebooks (nbstripout-style; `npm run setup` installs it):
//   git config filter.genlab-strip.clean 'node scripts/nbstrip.js %f'   +   .gitattributes
// Reads a notebook on stdin, writes it without outputs, execution counts and volatile metadata to
// stdout (tools/runner/strip.ts says exactly what is removed and how the text is laid out). %f, the
// path, finds the committed version so an unchanged notebook comes out byte for byte as committed.
// Without the compiled library (dist/, built by setup) it exits 1: git then warns and stores the
// file unstripped, and `npm run lint` reports any outputs that reach the index.
"use strict";
const path = require("path");
const root = path.resolve(__dirname, "..");
let strip, gitIndex;
try {
  strip = require(path.join(root, "dist", "tools", "runner", "strip.js"));
  gitIndex = require(path.join(root, "dist", "tools", "runner", "gitIndex.js"));
} catch (e) {
  process.stderr.write(`nbstrip: cannot load dist/tools/runner/strip.js (run npm run setup): ${e.message}\n`);
  process.exit(1);
}
const chunks = [];
process.stdin.on("data", (c) => chunks.push(c));
process.stdin.on("end", () => {
  const text = Buffer.concat(chunks).toString("utf8");
  const file = process.argv[2];
  const committed = file ? gitIndex.indexText(file) : null;
  process.stdout.write(strip.stripText(text, committed));
});
