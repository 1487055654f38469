/**
 * Reading an executed chapter: the check lines it printed (✔ / ✘ with their margins) and whether it
 * ran to the end; and judging a mutant from them against the unmutated (baseline) run.
 */

/** One printed check line. */
export interface CheckLine {
  passed: boolean;
  name: string;
  /** The margin to failure it printed ("margin -2.31 s.e." or "half-widths"), when it prints one. */
  margin: number | null;
  line: string;
}

/** One chapter's run, as the harness keeps it. */
export interface ChapterRun {
  chapter: string;
  /** The numbered sections run, when not the whole chapter. */
  sections?: number[];
  /** ok: every cell ran; failed: a cell raised (a check on a non-number, a crash, a timeout). */
  status: "ok" | "failed" | "error";
  seconds: number;
  checks: CheckLine[];
  /** The first line of the error when a cell raised. */
  error?: string;
}

const CHECK_RE = /^([✔✘]) (.*?): measured /;
const MARGIN_RE = /margin (-?(?:\d+(?:\.\d*)?|Infinity)) (?:s\.e\.|half-widths)/;

/** The check lines in one text output. */
export function parseCheckLines(text: string): CheckLine[] {
  const out: CheckLine[] = [];
  for (const line of text.split("\n")) {
    const m = CHECK_RE.exec(line);
    if (!m) continue;
    const g = MARGIN_RE.exec(line);
    out.push({ passed: m[1] === "✔", name: m[2], margin: g ? Number(g[1]) : null, line });
  }
  return out;
}

interface Output { output_type: string; text?: string | string[]; data?: Record<string, unknown>; ename?: string; evalue?: string }

/** Every check line in an executed notebook's outputs, in order (the summary table's lines excluded). */
export function checksOfNotebook(json: string): CheckLine[] {
  const nb = JSON.parse(json) as { cells: { cell_type: string; source: string | string[]; outputs?: Output[] }[] };
  const lines: CheckLine[] = [];
  for (const c of nb.cells) {
    if (c.cell_type !== "code") continue;
    const src = Array.isArray(c.source) ? c.source.join("") : c.source;
    if (/check\.summary\(\)/.test(src)) continue;   // the summary repeats every line
    for (const o of c.outputs ?? []) {
      const t = o.output_type === "stream" ? o.text : (o.data?.["text/plain"] as string | string[] | undefined);
      if (t !== undefined) lines.push(...parseCheckLines(Array.isArray(t) ? t.join("") : t));
    }
  }
  return lines;
}

/** What happened to one mutant. */
export type Verdict =
  | "caught"          // a check that passed in the baseline failed (or a check raised on a non-number)
  | "missed"          // every check passed and the chapter ran to the end
  | "below-resolution" // missed, and the chapter states that its measurement cannot resolve this mistake (the list's `resolution`)
  | "crashed"         // no check failed, but the chapter stopped with another error (detected, not by a check)
  | "not-applied"     // the target text is not in the tree (the code moved on: update the mutant)
  | "build-failed"    // the mutated library did not compile (detected by the compiler)
  | "baseline-failed" // the unmutated chapter already fails at this size: nothing can be concluded
  | "pending"         // the targeted chapter does not exist yet
  | "skipped";        // the claim is not checked at this size

export interface MutantResult {
  name: string;
  chapters: string[];
  claim: string;
  kind: string;
  size: string;
  /** The sections of the claim's chapter that ran, when not the whole chapter. */
  sections?: number[];
  verdict: Verdict;
  /** The failing checks, "chapter: name (margin m)". */
  caughtBy: string[];
  /** The smallest margin among the failing checks (most negative), or among all checks when missed. */
  margin: number | null;
  /** For a missed mutant: the check that came closest to failing. */
  closest?: string;
  detail?: string;
  seconds: number;
}

/**
 * Judge a mutant from its chapter runs and the baseline runs of the same chapters at the same size.
 * A failing check counts only when the baseline ran every check of that chapter without a failure.
 */
export function judge(runs: ChapterRun[], baseline: Map<string, ChapterRun>): Pick<MutantResult, "verdict" | "caughtBy" | "margin" | "closest" | "detail"> {
  const caughtBy: string[] = [];
  let worst: number | null = null;
  let closest: { label: string; margin: number } | null = null;
  const baseProblems: string[] = [];
  let crash: string | undefined;
  for (const r of runs) {
    const b = baseline.get(r.chapter);
    if (!b || b.status !== "ok" || b.checks.some((c) => !c.passed)) {
      baseProblems.push(`${r.chapter}: baseline ${!b ? "missing" : b.status !== "ok" ? `stopped (${b.error ?? b.status})` : `fails ${b.checks.filter((c) => !c.passed).map((c) => c.name).join("; ")}`}`);
      continue;
    }
    for (const c of r.checks) {
      if (!c.passed) {
        caughtBy.push(`${r.chapter}: ${c.name}${c.margin === null ? "" : ` (margin ${c.margin.toFixed(2)})`}`);
        if (c.margin !== null) worst = worst === null ? c.margin : Math.min(worst, c.margin);
      } else if (c.margin !== null && (!closest || c.margin < closest.margin)) {
        closest = { label: `${r.chapter}: ${c.name}`, margin: c.margin };
      }
    }
    if (r.status !== "ok") {
      if (r.error && /CheckFailure/.test(r.error)) caughtBy.push(`${r.chapter}: ${r.error}`);
      else crash = `${r.chapter}: ${r.error ?? r.status}`;
    }
  }
  if (caughtBy.length) return { verdict: "caught", caughtBy, margin: worst, ...(crash ? { detail: crash } : {}) };
  if (baseProblems.length) return { verdict: "baseline-failed", caughtBy, margin: null, detail: baseProblems.join("; ") };
  if (crash) return { verdict: "crashed", caughtBy, margin: null, detail: crash };
  return { verdict: "missed", caughtBy, margin: closest ? closest.margin : null, ...(closest ? { closest: closest.label } : {}) };
}

/** The result table as Markdown (also what the CLI prints). */
export function resultTable(results: MutantResult[]): string {
  const rows = results.map((r) => {
    const by = r.verdict === "caught" ? r.caughtBy[0] + (r.caughtBy.length > 1 ? ` (+${r.caughtBy.length - 1} more)` : "")
      : r.verdict === "missed" ? (r.closest ? `closest: ${r.closest}` : "")
      : r.verdict === "below-resolution" ? `closest: ${r.closest ?? "none"}; stated: ${r.detail ?? ""}` : (r.detail ?? "");
    const margin = r.margin === null ? "" : r.margin.toFixed(2);
    const chapters = r.chapters.map((c, i) => (i === 0 && r.sections?.length ? `${c} §${r.sections.join(",")}` : c)).join(", ");
    return `| ${r.name} | ${chapters} | ${r.size} | ${r.verdict} | ${by.replace(/\|/g, "\\|")} | ${margin} |`;
  });
  return ["| mutant | chapters | size | result | caught by (or closest check) | margin (s.e.) |", "|---|---|---|---|---|---|", ...rows].join("\n");
}
