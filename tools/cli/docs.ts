/**
 * `npm run docs [-- --out DIR] [--unused]`: the API reference of the library (TypeDoc, from the
 * docstrings of what src/index.ts exports), each export naming the chapters that use it. Written to
 * build/book/api/ by default, where `npm run book` links it from the book's index. `--unused` lists
 * the exported functions, classes and constants that no chapter uses (candidates for dead code)
 * without writing the reference.
 */
import * as path from "path";
import { projectRoot } from "../project/paths";
import { buildReference } from "../reference/typedoc";

/** Build the reference into `<bookDir>/api` and return the index page's link to it (a note when it failed). */
export async function bookReference(bookDir: string): Promise<string> {
  try {
    const r = await buildReference({ out: path.join(bookDir, "api") });
    console.log(`book: API reference in ${path.join(bookDir, "api")} (${r.unused.length} exports used by no chapter: npm run docs -- --unused)`);
    return `<p><a href="api/index.html">API reference</a>: every function of the library, with the chapters that use it.</p>\n`;
  } catch (e) {
    console.error(`book: the API reference was not built: ${(e as Error).message}`);
    return `<p>API reference: not built (${(e as Error).message.split("\n")[0].replace(/[<>&]/g, "")}).</p>\n`;
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes("-h") || argv.includes("--help")) {
    console.log("usage: npm run docs [-- --out DIR] [--unused]   (default out: build/book/api)");
    return 0;
  }
  const outIdx = argv.indexOf("--out");
  const out = path.resolve(outIdx >= 0 && argv[outIdx + 1] ? argv[outIdx + 1] : path.join(projectRoot, "build", "book", "api"));
  const unusedOnly = argv.includes("--unused");
  const r = await buildReference({ out, convertOnly: unusedOnly });
  if (unusedOnly) {
    for (const name of r.unused) console.log(name);
    console.error(`docs: ${r.unused.length} exported functions, classes and constants are used by no chapter`);
  } else {
    console.log(`docs: API reference in ${out} (open index.html); ${r.annotated} exports name the chapters that use them, ` +
      `${r.unused.length} are used by no chapter (npm run docs -- --unused lists them)`);
  }
  return 0;
}

if (require.main === module) {
  main().then((code) => { process.exitCode = code; }, (e) => { console.error(`docs: ${(e as Error).message}`); process.exitCode = 1; });
}
