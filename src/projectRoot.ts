/**
 * Where the project lives: the folder the cache stores results under, and that the tools start Jupyter
 * from. It sits with the science package (the cache needs it) and the tools re-export it
 * (`tools/project/paths.ts`), so imports only ever point from the tools to the science.
 */
import * as fs from "fs";
import * as path from "path";

/**
 * The project root: the nearest folder above `from` whose package.json is named "genlab". The
 * library is compiled both to dist/src/ and (with the tests) to build/ts/src/, so the root is found by
 * walking up rather than by a fixed relative path.
 */
export function findProjectRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, "utf8")) as { name?: string }).name === "genlab") return dir;
      } catch { /* unreadable package.json: keep walking */ }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the genlab project root above ${from}`);
    dir = up;
  }
}

/** The project root of this copy of the library. */
export const projectRoot: string = findProjectRoot();
