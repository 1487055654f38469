/**
 * Exercise checks for workshop copies (`npm run workshop`): `check.exercise(id, answer, expected, opts)`
 * compares a student's number with the expected one and says whether it is right and, where it can,
 * why not: a list of known wrong answers with their reason (`wrong: [{ value, why }]`), then generic
 * diagnoses (a factor 2 or a power of ten, the sign, the right order of magnitude).
 *
 * The tolerance comes from the expected value's own uncertainty when it is measured (`se`, with
 * `zMax` standard errors, default 3) or from the precision an exact answer is asked to (`atol` /
 * `rtol`, e.g. the rounding of a quoted "4.55%"). Exercise results are recorded apart from the
 * chapter's checks (`exerciseHistory()`, never in `check.summary()`).
 *
 * In a chapter (and its teacher copy, which runs the same code) the answer is the solution, so a
 * wrong or missing one throws a `CheckFailure` like any check and the chapter fails. A student copy
 * calls `check.studentMode()` in its import cell: from then on an exercise check prints ✔ or ✘ with
 * the hint and never throws, whatever it is given.
 */
import { emit, escapeHtml } from "./show/display";
import { CheckFailure } from "./check";

/** A wrong answer someone is likely to give, and why it is wrong. */
export interface WrongAnswer {
  /** The wrong value, or how it follows from the expected one (e.g. `(e) => e - 2` for a missing term). */
  value: number | ((expected: number) => number);
  /** What the student probably did, e.g. "you used σ² where the optimum has σ". */
  why: string;
}

/** How close an answer must be, and the known wrong answers. */
export interface ExerciseOptions {
  /** Standard error of `expected` when it is measured: the tolerance is zMax·se (plus atol). */
  se?: number;
  /** Standard errors allowed with `se` (default 3). */
  zMax?: number;
  /** Absolute tolerance (e.g. the rounding an exact answer is asked to). */
  atol?: number;
  /** Relative tolerance. */
  rtol?: number;
  /** Known wrong answers with the reason; matched with the same tolerance as the right one. */
  wrong?: readonly WrongAnswer[];
  /** What the number is, for the printed line (e.g. "γ* for σ = 0.5"). */
  what?: string;
}

/** One exercise check as recorded: the answer, the verdict and the hint shown. */
export interface ExerciseRecord {
  id: string;
  /** The answer as given (a number, or a description of what was given instead). */
  answer: string;
  expected: string;
  /** "right", "wrong" or "unanswered" (no number given yet). */
  verdict: "right" | "wrong" | "unanswered";
  /** The hint printed with a wrong answer. */
  hint?: string;
}

/** The display-data metadata key under which an exercise record travels in a notebook's outputs. */
export const EXERCISE_METADATA_KEY = "genlab_exercise";

const exerciseRecords = new Map<string, ExerciseRecord>();
let student = false;

/** The exercise checks run in this kernel so far, one per id (its latest result). */
export function exerciseHistory(): readonly ExerciseRecord[] {
  return Array.from(exerciseRecords.values());
}

/** Forget recorded exercise checks, and leave student mode. */
export function resetExercises(): void {
  exerciseRecords.clear();
  student = false;
}

/**
 * Student mode (workshop student copies call it in their import cell): exercise checks print their
 * verdict and hint and never throw, so a wrong answer never stops the notebook.
 */
export function studentMode(on = true): void {
  student = on;
}

const fmt = (v: number): string =>
  Number.isInteger(v) || !Number.isFinite(v) ? String(v) : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6 ? v.toExponential(3) : String(Number(v.toPrecision(4)));

/** The tolerance of an answer to `expected` under `opts` (throws RangeError when none is given). */
export function exerciseTolerance(expected: number, opts: ExerciseOptions): number {
  const se = opts.se ?? 0, atol = opts.atol ?? 0, rtol = opts.rtol ?? 0, zMax = opts.zMax ?? 3;
  if (se < 0 || atol < 0 || rtol < 0 || !(zMax > 0) || !Number.isFinite(se + atol + rtol)) throw new RangeError("check.exercise: se, atol and rtol must be finite and non-negative, zMax positive");
  const tol = zMax * se + atol + rtol * Math.abs(expected);
  if (!(tol > 0)) throw new RangeError("check.exercise: give a tolerance: se (a measured expected value), atol or rtol (an exact one)");
  return tol;
}

/**
 * Why `answer` may be wrong when it is none of the known wrong answers: a factor 2 or a power of ten
 * away, the wrong sign, or the right order of magnitude with the relative error. Null when nothing
 * simple explains it.
 */
export function diagnose(answer: number, expected: number, tol: number): string | null {
  if (expected === 0) return null;
  const near = (target: number) => Math.abs(answer - target) <= tol * Math.max(1, Math.abs(target / expected));
  if (near(-expected)) return "the size is right but the sign is wrong";
  if (near(2 * expected)) return "twice the expected value: a factor 2 too many";
  if (near(expected / 2)) return "half the expected value: a factor 2 is missing";
  for (let k = 1; k <= 6; k++) {
    if (near(expected * 10 ** k) || near(expected / 10 ** k)) return `off by a factor 10^${k}: check the units and the powers of ten`;
  }
  const ratio = answer / expected;
  if (ratio > 1 / 3 && ratio < 3) return `the right order of magnitude, but ${fmt(Math.abs(ratio - 1) * 100)}% ${ratio > 1 ? "too large" : "too small"}`;
  return null;
}

/** The verdict on one answer, without printing or recording (what `exercise` shows). */
export function judge(id: string, answer: unknown, expected: number, opts: ExerciseOptions = {}): ExerciseRecord {
  const tol = exerciseTolerance(expected, opts);
  const expectedText = `${fmt(expected)} ± ${fmt(tol)}${opts.se ? ` (${fmt(opts.zMax ?? 3)} s.e. of a measured value)` : ""}`;
  if (answer === undefined || answer === null) return { id, answer: "none yet", expected: expectedText, verdict: "unanswered" };
  if (typeof answer !== "number" || Number.isNaN(answer)) {
    return { id, answer: typeof answer === "number" ? "NaN" : `a ${typeof answer}`, expected: expectedText, verdict: "wrong", hint: "the answer must be a number" };
  }
  if (Math.abs(answer - expected) <= tol) return { id, answer: fmt(answer), expected: expectedText, verdict: "right" };
  const known = (opts.wrong ?? []).find((w) => Math.abs(answer - (typeof w.value === "function" ? w.value(expected) : w.value)) <= tol);
  const hint = known?.why ?? diagnose(answer, expected, tol) ?? "not within the tolerance; look again at the question";
  return { id, answer: fmt(answer), expected: expectedText, verdict: "wrong", hint };
}

/**
 * Check a student's `answer` to exercise `id` ("NN-k": chapter NN, exercise k) against `expected`.
 * Prints one line (✔ right, ✘ wrong with the hint, or a reminder when there is no answer yet) and
 * records it (`exerciseHistory()`). Throws a CheckFailure on a wrong or missing answer unless in
 * student mode (`studentMode()`); in student mode it never throws, even on bad arguments.
 * Returns true when the answer is right.
 */
export function exercise(id: string, answer: unknown, expected: number, opts: ExerciseOptions = {}): boolean {
  let rec: ExerciseRecord;
  try {
    rec = judge(id, answer, expected, opts);
  } catch (e) {
    if (!student) throw e;
    rec = { id, answer: String(answer), expected: String(expected), verdict: "wrong", hint: `the check itself could not run: ${(e as Error).message}` };
  }
  exerciseRecords.set(id, rec);
  const what = opts.what ? ` (${opts.what})` : "";
  const text = rec.verdict === "right" ? `✔ exercise ${id}${what}: right: ${rec.answer} (expected ${rec.expected})`
    : rec.verdict === "unanswered" ? `… exercise ${id}${what}: no answer yet: set the value in the answer cell above and run it, then this cell`
      : `✘ exercise ${id}${what}: ${rec.answer} is not right: ${rec.hint}`;
  const color = rec.verdict === "right" ? "#1a7f37" : rec.verdict === "wrong" ? "#cf222e" : "#6e7781";
  emit({ "text/plain": text, "text/html": `<div style="font-family:monospace;color:${color}">${escapeHtml(text)}</div>` },
    undefined, false, { [EXERCISE_METADATA_KEY]: rec });
  if (rec.verdict !== "right" && !student) throw new CheckFailure(`exercise ${id}: ${rec.verdict === "unanswered" ? "no answer" : `${rec.answer} is not right (expected ${rec.expected}): ${rec.hint}`}`);
  return rec.verdict === "right";
}
