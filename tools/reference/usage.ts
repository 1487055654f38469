/**
 * Which chapters use which library export, as d2l's library points back to its sections. Each
 * chapter's code cells are scanned for the names imported from "genlab" and their member paths
 * (`experiments.rfSweep(...)`, `show(...)`, `lab.fit.fitPowerLaw`); a path is then resolved against the
 * exports of src/index.ts by the caller (the API reference resolves it on TypeDoc's reflections), so
 * nothing here knows a module's name.
 */
import * as fs from "fs";
import * as path from "path";
import { readNotebook, sourceText } from "../runner/nbformat";
import { scanNotebook } from "../runner/genlabUses";

/** One chapter and the library paths its code uses. */
export interface ChapterUses {
  /** The notebook's file name, e.g. "02-double-descent.ipynb". */
  file: string;
  /** "02 · Double descent": the title line without the "# ". */
  label: string;
  /** The chapter's page in the book, next to the api/ folder: "02-double-descent.html". */
  page: string;
  /** Distinct paths from the package root, e.g. ["experiments", "rfSweep"], ["show"]. */
  paths: string[][];
}

/** The chapters of a folder (`NN-*.ipynb`, in order) and what each uses. */
export function chapterUses(notebooksDir: string): ChapterUses[] {
  const files = fs.existsSync(notebooksDir) ? fs.readdirSync(notebooksDir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort() : [];
  return files.map((file) => {
    const nb = readNotebook(path.join(notebooksDir, file));
    const first = nb.cells.find((c) => c.cell_type === "markdown");
    const label = (first && /^#\s+(.+)$/m.exec(sourceText(first))?.[1]?.trim()) || file.replace(/\.ipynb$/, "");
    const seen = new Set<string>();
    const paths: string[][] = [];
    for (const u of scanNotebook(nb).uses) {
      const key = u.path.join("\u0000");
      if (u.path.length > 0 && !seen.has(key)) {
        seen.add(key);
        paths.push(u.path);
      }
    }
    return { file, label, page: file.replace(/\.ipynb$/, ".html"), paths };
  });
}

/**
 * Resolve every chapter's paths with `resolve` (which returns the export a path lands on, by the
 * longest prefix that names an export, or undefined) and collect, per export, the chapters that use
 * it, in chapter order.
 */
export function usersOf<T>(chapters: ChapterUses[], resolve: (path: string[]) => T | undefined): Map<T, ChapterUses[]> {
  const users = new Map<T, ChapterUses[]>();
  for (const ch of chapters) {
    for (const p of ch.paths) {
      const target = resolve(p);
      if (target === undefined) continue;
      const list = users.get(target) ?? [];
      if (!list.includes(ch)) list.push(ch);
      users.set(target, list);
    }
  }
  return users;
}

/** "02 · Double descent, 04 · Kernel limits" as markdown links to the chapters' pages; `base` is the path from the page to the book's folder. */
export function usedInMarkdown(chapters: ChapterUses[], base: string): string {
  const prefix = base === "" || base.endsWith("/") ? base : `${base}/`;
  return chapters.map((c) => `[${c.label.replace(/[[\]]/g, "\\$&")}](${prefix}${c.page})`).join(", ");
}
