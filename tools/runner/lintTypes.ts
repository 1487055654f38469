/**
 * The shapes every lint rule file shares: a violation, its rule name and the callback a rule reports
 * through. Kept apart from lint.ts so that the rule files and the driver do not import each other.
 */

/** The name of a lint rule (docs/authoring.md has a table row for each). */
export type LintRule = "nbformat" | "kernelspec" | "title" | "parameters" | "outputs" | "execution-count" | "filename"
  | "goals" | "sections" | "check-summary" | "takeaways" | "exercises" | "references"
  | "control-chars" | "unused-imports" | "answer-numbers"
  | "planning-words" | "doc-examples" | "shorthand" | "no-any" | "cell-length" | "skipped-checks" | "docstrings" | "workshop";

/** One rule violation; printed as `path: rule: detail`. */
export interface LintViolation {
  path: string;
  rule: LintRule;
  detail: string;
}

/** How a rule reports a violation of the file being linted. */
export type Add = (rule: LintRule, detail: string) => void;
