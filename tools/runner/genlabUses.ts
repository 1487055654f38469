/**
 * What a notebook's code cells take from the library: the names imported from "genlab" and every
 * use of them (the lint's unused imports and `check.summary()`, the API reference's "used by").
 * The scanner itself lives in the library (src/cache/scan.ts), where the results cache uses the
 * same parser to find what a computation refers to; this module applies it to notebooks.
 */
import { GenlabScan, scanGenlab } from "../../src/cache/scan";
import { Notebook, sourceText } from "./nbformat";

export { scanGenlab } from "../../src/cache/scan";
export type { GenlabImport, GenlabScan, GenlabUse } from "../../src/cache/scan";

/** The code cells of a notebook as (1-based index, source) pairs. */
export function codeCells(nb: Notebook): { cell: number; source: string }[] {
  return nb.cells.flatMap((c, i) => (c.cell_type === "code" ? [{ cell: i + 1, source: sourceText(c) }] : []));
}

/** Scan a parsed notebook's code cells. */
export function scanNotebook(nb: Notebook): GenlabScan {
  return scanGenlab(codeCells(nb));
}
