/**
 * Figures for slides: every plotly figure a chapter showed, written as JSON (the figure itself, for
 * `Plotly.newPlot` or plotly's other bindings), PNG and SVG (headless Chromium) under
 * `<out>/<chapter>/`, each named from its title (`test-loss-against-data.svg`; untitled figures are
 * `figure-3`). Reads executed notebooks, so no chapter runs twice.
 */
import * as fs from "fs";
import * as path from "path";
import { renderStatic, staticImagesOff } from "../../src/show/staticImage";
import { readNotebook } from "../runner";

/** A file name from a figure title: lower case, ASCII letters and digits, words joined by "-". */
export function slugOf(title: string): string {
  const s = title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/<[^>]+>/g, " ").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return s.slice(0, 80).replace(/-+$/, "");
}

/** What was written for one chapter. */
export interface ExportedFigures { chapter: string; figures: number; files: string[]; skippedImages: string | null }

/** Write every figure of the executed notebook `executed` under `outDir/<chapter>/`. */
export function exportFigures(executed: string, outDir: string): ExportedFigures {
  const chapter = path.basename(executed, ".ipynb");
  const dir = path.join(outDir, chapter);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const nb = readNotebook(executed);
  const used = new Map<string, number>();
  const result: ExportedFigures = { chapter, figures: 0, files: [], skippedImages: staticImagesOff() };
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    for (const o of cell.outputs ?? []) {
      const fig = (o as { data?: Record<string, unknown> }).data?.["application/vnd.plotly.v1+json"] as { data: unknown[]; layout?: Record<string, unknown> } | undefined;
      if (!fig) continue;
      result.figures += 1;
      const t = fig.layout?.title;
      const title = typeof t === "string" ? t : typeof (t as { text?: unknown })?.text === "string" ? (t as { text: string }).text : "";
      let base = slugOf(title) || `figure-${result.figures}`;
      const n = (used.get(base) ?? 0) + 1;
      used.set(base, n);
      if (n > 1) base = `${base}-${n}`;
      const write = (ext: string, content: string | Buffer) => {
        const f = path.join(dir, `${base}.${ext}`);
        fs.writeFileSync(f, content);
        result.files.push(f);
      };
      write("json", JSON.stringify(fig, null, 1) + "\n");
      const img = result.skippedImages ? null : renderStatic(fig, { formats: ["png", "svg"] });
      if (img?.png) write("png", Buffer.from(img.png, "base64"));
      if (img?.svg) write("svg", img.svg);
      if (!img && !result.skippedImages) result.skippedImages = staticImagesOff() ?? "the browser failed";
    }
  }
  return result;
}
