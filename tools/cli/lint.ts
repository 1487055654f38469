/**
 * `npm run lint [-- paths...]`: static checks of the chapter notebooks (every notebooks/*.ipynb and
 * notebooks/points/*.ipynb when no path is given) and of the library's docstrings (src/ and tools/: when no path is given, or
 * with `--source`). Prints `path: rule: detail` per violation; exit 1 if any, 2 on usage.
 */
import * as fs from "fs";
import * as path from "path";
import { lintFile } from "../runner/lint";
import { lintSources } from "../runner/lintSource";
import type { LintViolation } from "../runner/lintTypes";
import { projectRoot } from "../project/paths";

function main(): number {
  const args = process.argv.slice(2);
  if (args.includes("-h") || args.includes("--help")) {
    console.log("usage: npm run lint [-- [--source] notebook.ipynb...]   (default: notebooks/*.ipynb and the docstrings of src/ and tools/)");
    return 0;
  }
  // no argument: every chapter and the library; --source adds the library to the files given
  const source = args.length === 0 || args.includes("--source");
  let files = args.filter((a) => a !== "--source");
  if (args.length === 0) {
    // the chapters, and the sweeps' point notebooks (notebooks/points/, held to every rule but the chapter skeleton)
    const list = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join(dir, f)) : []);
    files = [...list("notebooks"), ...list(path.join("notebooks", "points"))];
  }
  let count = 0;
  const print = (v: LintViolation) => {
    console.log(`${v.path}: ${v.rule}: ${v.detail}`);
    count++;
  };
  for (const f of files) lintFile(f).forEach(print);
  if (source) lintSources(projectRoot).forEach(print);
  const what = `${files.length} notebook(s)${source ? " and the library's docstrings" : ""}`;
  console.error(count === 0 ? `lint: ${what} ok` : `lint: ${count} problem(s) in ${what}`);
  return count === 0 ? 0 : 1;
}

process.exitCode = main();
