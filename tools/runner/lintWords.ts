/**
 * Lint rules on what a chapter says to its reader (docs/authoring.md defines each one):
 * planning-words (no planning words or issue numbers in any cell) and doc-examples (code in the
 * markdown names only library exports and chapter files that exist).
 */
import { projectRoot } from "../project/paths";
import type { Add } from "./lintTypes";
import { Notebook, sourceText } from "./nbformat";
import { missingNames, planningPhrase } from "./lintSource";

/** No planning words or issue numbers in a markdown cell, a code comment or a string a reader sees. */
export function planningWordViolations(nb: Notebook, add: Add): void {
  nb.cells.forEach((c, i) => {
    const phrase = planningPhrase(sourceText(c));
    if (phrase) add("planning-words", `cell ${i + 1}: "${phrase}" is planning language; a reader has no plan or issue tracker: state the claim and its source (a paper, a check) instead`);
  });
}

/** `ns.name` in a markdown cell's code names an existing export; `NN-name.ipynb` an existing chapter. */
export function docExampleViolations(nb: Notebook, add: Add, root: string = projectRoot): void {
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== "markdown") return;
    const missing = missingNames(sourceText(c), root);
    if (missing.length) add("doc-examples", `cell ${i + 1}: ${missing.map((m) => `\`${m}\``).join(", ")} ${missing.length > 1 ? "do" : "does"} not exist in the library or in notebooks/; name an existing export or chapter`);
  });
}

