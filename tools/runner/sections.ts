/**
 * Run part of a chapter: keep its numbered sections ("## 4 · Limited precision") that were asked for,
 * with the set-up before the first `## ` heading, every unnumbered section (the summary of the checks)
 * and each earlier code cell the kept code needs (the names it uses, followed transitively, as the
 * teacher's notes compute them). Used by `npm run nb -- --section N` and by the mutation harness, whose
 * chapter-12 mutants each attack one section of a chapter that takes minutes whole.
 *
 * A section run is not the chapter: a cell of another section may still change shared state (a random
 * stream, say), so its numbers are compared only with a run of the same sections.
 */
import { Notebook, NotebookInputError, sourceText } from "./nbformat";
import { needs } from "../workshop/notes";

/** The section number of each cell: null before the first `## ` heading and in unnumbered sections. */
export function sectionNumbers(nb: Notebook): { numbers: (number | null)[]; setUpEnds: number } {
  let current: number | null = null;
  let setUpEnds = -1;
  const numbers = nb.cells.map((c, i) => {
    if (c.cell_type === "markdown") {
      const h = [...sourceText(c).matchAll(/^##\s+(.+?)\s*$/gm)].pop();
      if (h) {
        if (setUpEnds < 0) setUpEnds = i;
        const n = /^(\d+)\s*[·.:)-]/.exec(h[1]);
        current = n ? Number(n[1]) : null;
      }
    }
    return current;
  });
  return { numbers, setUpEnds: setUpEnds < 0 ? nb.cells.length : setUpEnds };
}

/**
 * The notebook with only the sections `wanted` (plus set-up, unnumbered sections and the cells they
 * need). Throws NotebookInputError naming the sections the chapter has when one asked for is not there.
 */
export function selectSections(nb: Notebook, wanted: number[], file = "notebook"): Notebook {
  const { numbers, setUpEnds } = sectionNumbers(nb);
  const present = [...new Set(numbers.filter((n): n is number => n !== null))].sort((a, b) => a - b);
  const missing = wanted.filter((w) => !present.includes(w));
  if (missing.length) throw new NotebookInputError(`${file}: no section ${missing.join(", ")} (it has ${present.length ? present.join(", ") : "no numbered sections"})`);
  const keep = new Set<number>();
  numbers.forEach((n, i) => { if (i < setUpEnds || n === null || wanted.includes(n)) keep.add(i); });
  for (const i of [...keep]) {
    if (nb.cells[i].cell_type !== "code") continue;
    for (const cell of needs(nb, i).all) keep.add(cell - 1);   // needs() numbers cells from 1
  }
  return { ...nb, cells: nb.cells.filter((_, i) => keep.has(i)) };
}
