/**
 * `npm run lint [-- paths...]`: static checks of the chapter notebooks (every notebooks/*.ipynb
 * when no path is given). Prints `path: rule: detail` per violation; exit 1 if any, 2 on usage.
 */
import * as fs from "fs";
import * as path from "path";
import { lintFile } from "../runner/lint";

function main(): number {
  const args = process.argv.slice(2);
  if (args.includes("-h") || args.includes("--help")) {
    console.log("usage: npm run lint [-- notebook.ipynb...]   (default: notebooks/*.ipynb)");
    return 0;
  }
  let files = args;
  if (files.length === 0) {
    const dir = "notebooks";
    files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join(dir, f)) : [];
    if (files.length === 0) {
      console.log("lint: no notebooks/*.ipynb to check");
      return 0;
    }
  }
  let count = 0;
  for (const f of files) {
    for (const v of lintFile(f)) {
      console.log(`${v.path}: ${v.rule}: ${v.detail}`);
      count++;
    }
  }
  console.error(count === 0 ? `lint: ${files.length} notebook(s) ok` : `lint: ${count} problem(s) in ${files.length} notebook(s)`);
  return count === 0 ? 0 : 1;
}

process.exitCode = main();
