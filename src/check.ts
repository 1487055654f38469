/**
 * Visible checks of a chapter's claims. Each call prints one line, measured against expected with
 * the tolerance, and throws a `CheckFailure` when the claim does not hold, so an executed notebook
 * (and the test suite that runs it) fails when a claim fails. Every check is also recorded, so a
 * chapter can end with `check.summary()`.
 *
 * Tolerances come from measured uncertainty: `z` (agreement within k standard errors plus a stated
 * finite-size gap), `zAbove` / `zBelow` (a one-sided claim held at k standard errors), `zNotAbove` /
 * `zNotBelow` (no significant effect in one direction, e.g. "no peak"), `inInterval`
 * (a value inside a bootstrap interval). They print the margin in standard errors, so a reader sees
 * how close a claim came to failing. The plain `close` / `between` / `above` / `below` remain for
 * exact statements (identities, round-off).
 */
import { emit, escapeHtml } from "./show/display";

/** The error a failed check throws, so that an executed chapter fails where its claim fails. */
export class CheckFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckFailure";
  }
}

/** One check as the summary lists it: measured, expected, whether it passed, and its margin in standard errors. */
export interface CheckRecord {
  name: string;
  measured: string;
  expected: string;
  passed: boolean;
  /** For the standard-error checks: the margin to failure in standard errors (negative = failed). */
  marginSe?: number;
  /** True for a check not run at this size (`skip`): it neither passed nor failed. */
  skipped?: boolean;
  /** The expected value alone (without the tolerance), when the check has one. */
  target?: string;
  /** The tolerance alone (e.g. "± 1%", "3 s.e. + 0.01"), when the check has one. */
  tolerance?: string;
  /** The margin to failure in the check's own unit (e.g. "0.42 half-widths"), when it is not in s.e. */
  margin?: string;
}

/**
 * One record per check name, in the order the checks first ran: running a cell again replaces its
 * checks' records with the latest results (a Map keeps the first insertion's position on `set`).
 */
const records = new Map<string, CheckRecord>();

/** The checks run in this kernel session so far: one per name, its latest result, in first-run order. */
export function history(): readonly CheckRecord[] {
  return Array.from(records.values());
}

/** Forget recorded checks (e.g. at the top of a chapter). */
export function reset(): void {
  records.clear();
}

/** The display-data metadata key under which each check's record travels in a notebook's outputs. */
export const CHECK_METADATA_KEY = "genlab_check";

function report(name: string, measured: string, expected: string, passed: boolean, marginSe?: number, parts: { target?: string; tolerance?: string; margin?: string } = {}): void {
  const record: CheckRecord = { name, measured, expected, passed, ...(marginSe === undefined ? {} : { marginSe }), ...parts };
  records.set(name, record);
  const mark = passed ? "✔" : "✘";
  const text = `${mark} ${name}: measured ${measured}; expected ${expected}`;
  emit({
    "text/plain": text,
    "text/html": `<div style="font-family:monospace;color:${passed ? "#1a7f37" : "#cf222e"}">${escapeHtml(text)}</div>`,
  }, undefined, false, { [CHECK_METADATA_KEY]: record });
  if (!passed && !continueAfterFailure()) throw new CheckFailure(`check failed: ${name}: measured ${measured}, expected ${expected}`);
}

/**
 * With GENLAB_CHECK_CONTINUE=1 in the kernel's environment a failed check is printed (✘) and
 * recorded but does not throw, so every later check of the chapter still runs and reports its
 * margin; `summary()` still fails at the end. The mutation harness (`npm run mutants`) runs chapters
 * this way to see every check that a planted mistake breaks, not only the first.
 */
export function continueAfterFailure(): boolean {
  return ["1", "true", "yes"].includes((process.env.GENLAB_CHECK_CONTINUE ?? "").toLowerCase());
}

/** Checks show 6 significant digits (tables show 4): a tolerance can be finer than a table's rounding. */
const fmt = (v: number): string =>
  Number.isInteger(v) || !Number.isFinite(v) ? String(v) : Math.abs(v) !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(6)));

function assertFinite(name: string, v: number): void {
  if (typeof v !== "number" || Number.isNaN(v)) throw new CheckFailure(`check '${name}': measured value is ${v}, not a number`);
}

/**
 * |measured - expected| <= atol + rtol * |expected|. Give `rtol` (relative) and/or `atol` (absolute).
 */
export function close(name: string, measured: number, expected: number, tol: { rtol?: number; atol?: number }): void {
  assertFinite(name, measured);
  const rtol = tol.rtol ?? 0;
  const atol = tol.atol ?? 0;
  if (rtol < 0 || atol < 0 || rtol + atol === 0) throw new RangeError(`check.close('${name}'): give a positive rtol and/or atol`);
  const bound = atol + rtol * Math.abs(expected);
  // trailing zeros are trimmed only from a plain decimal (1e-10 would otherwise print as "1.00e-1")
  const pct = (rtol * 100).toPrecision(3);
  const parts = [rtol ? `${/e/.test(pct) ? pct : pct.replace(/\.?0+$/, "")}%` : "", atol ? `${fmt(atol)}` : ""].filter(Boolean).join(" + ");
  report(name, fmt(measured), `${fmt(expected)} ± ${parts}`, Math.abs(measured - expected) <= bound, undefined, { target: fmt(expected), tolerance: `± ${parts}` });
}

/** lo <= measured <= hi. */
export function between(name: string, measured: number, lo: number, hi: number): void {
  assertFinite(name, measured);
  if (!(lo <= hi)) throw new RangeError(`check.between('${name}'): lo ${lo} > hi ${hi}`);
  report(name, fmt(measured), `in [${fmt(lo)}, ${fmt(hi)}]`, measured >= lo && measured <= hi, undefined,
    { target: `[${fmt(lo)}, ${fmt(hi)}]`, tolerance: "none (the interval is the claim)" });
}

/** measured < bound (or <= with `orEqual`). */
export function below(name: string, measured: number, bound: number, orEqual = false): void {
  assertFinite(name, measured);
  report(name, fmt(measured), `${orEqual ? "≤" : "<"} ${fmt(bound)}`, orEqual ? measured <= bound : measured < bound);
}

/** measured > bound (or >= with `orEqual`). */
export function above(name: string, measured: number, bound: number, orEqual = false): void {
  assertFinite(name, measured);
  report(name, fmt(measured), `${orEqual ? "≥" : ">"} ${fmt(bound)}`, orEqual ? measured >= bound : measured > bound);
}

/** A boolean claim with a description of what was observed. */
export function that(name: string, condition: boolean, observed: string): void {
  report(name, observed, "true", condition);
}

/**
 * The sequence is non-increasing up to `slack` (relative): each value may exceed the previous one by
 * at most `slack * |previous|`, which allows Monte-Carlo noise while still catching a real rise.
 */
export function decreasing(name: string, values: ArrayLike<number>, slack = 0): void {
  const v = Array.from(values);
  v.forEach((x) => assertFinite(name, x));
  let worst = -Infinity;
  for (let i = 1; i < v.length; i++) worst = Math.max(worst, (v[i] - v[i - 1]) / Math.abs(v[i - 1] || 1));
  report(name, `[${v.map(fmt).join(", ")}] (largest relative rise ${fmt(Math.max(worst, 0))})`, `non-increasing within ${fmt(slack)}`, worst <= slack);
}

function assertSe(fn: string, name: string, se: number): void {
  if (typeof se !== "number" || !(se > 0) || !Number.isFinite(se)) {
    throw new RangeError(`check.${fn}('${name}'): the standard error must be a positive finite number, got ${se}`);
  }
}

/**
 * Agreement within the measured uncertainty: |measured - expected| <= zMax * se + gap, where `se` is
 * the standard error of `measured` (over seeds, or from a bootstrap) and `gap` a stated systematic
 * allowance (e.g. the finite-size gap of an asymptotic formula; explain it in `gapWhy`). Prints the
 * z-score and the margin to failure in standard errors. Default zMax = 3 (a false alarm about 3 in
 * 1000 checks when the claim is true).
 */
export function z(name: string, measured: number, se: number, expected: number, opts: { zMax?: number; gap?: number; gapWhy?: string } = {}): void {
  assertFinite(name, measured);
  assertFinite(name, expected);
  assertSe("z", name, se);
  const zMax = opts.zMax ?? 3, gap = opts.gap ?? 0;
  if (!(zMax > 0) || gap < 0) throw new RangeError(`check.z('${name}'): zMax must be positive and gap non-negative`);
  const dev = Math.abs(measured - expected);
  const zv = (measured - expected) / se;
  const margin = (zMax * se + gap - dev) / se;
  const gapText = gap > 0 ? ` + ${fmt(gap)}${opts.gapWhy ? ` (${opts.gapWhy})` : ""}` : "";
  report(name, `${fmt(measured)} ± ${fmt(se)} s.e. (z = ${zv.toFixed(2)})`,
    `${fmt(expected)} within ${fmt(zMax)} s.e.${gapText}; margin ${margin.toFixed(2)} s.e.`, dev <= zMax * se + gap, margin,
    { target: fmt(expected), tolerance: `${fmt(zMax)} s.e. (${fmt(zMax * se)})${gapText}` });
}

/** A one-sided claim held at zMin standard errors: (measured - bound) / se >= zMin. */
export function zAbove(name: string, measured: number, se: number, bound: number, opts: { zMin?: number } = {}): void {
  assertFinite(name, measured);
  assertSe("zAbove", name, se);
  const zMin = opts.zMin ?? 3;
  const zv = (measured - bound) / se;
  report(name, `${fmt(measured)} ± ${fmt(se)} s.e.`, `> ${fmt(bound)} by at least ${fmt(zMin)} s.e. (z = ${zv.toFixed(2)}; margin ${(zv - zMin).toFixed(2)} s.e.)`, zv >= zMin, zv - zMin,
    { target: `> ${fmt(bound)}`, tolerance: `at least ${fmt(zMin)} s.e. above` });
}

/** A one-sided claim held at zMin standard errors: (bound - measured) / se >= zMin. */
export function zBelow(name: string, measured: number, se: number, bound: number, opts: { zMin?: number } = {}): void {
  assertFinite(name, measured);
  assertSe("zBelow", name, se);
  const zMin = opts.zMin ?? 3;
  const zv = (bound - measured) / se;
  report(name, `${fmt(measured)} ± ${fmt(se)} s.e.`, `< ${fmt(bound)} by at least ${fmt(zMin)} s.e. (z = ${zv.toFixed(2)}; margin ${(zv - zMin).toFixed(2)} s.e.)`, zv >= zMin, zv - zMin,
    { target: `< ${fmt(bound)}`, tolerance: `at least ${fmt(zMin)} s.e. below` });
}

/**
 * A one-sided claim that allows for noise: `measured` is not above `bound` by more than zMax standard
 * errors, (measured - bound) / se <= zMax. For "no effect in this direction" claims, e.g. "no peak":
 * a peak statistic that may be negative but is not significantly positive.
 */
export function zNotAbove(name: string, measured: number, se: number, bound: number, opts: { zMax?: number } = {}): void {
  assertFinite(name, measured);
  assertSe("zNotAbove", name, se);
  const zMax = opts.zMax ?? 3;
  const zv = (measured - bound) / se;
  report(name, `${fmt(measured)} ± ${fmt(se)} s.e.`, `not above ${fmt(bound)} by more than ${fmt(zMax)} s.e. (z = ${zv.toFixed(2)}; margin ${(zMax - zv).toFixed(2)} s.e.)`, zv <= zMax, zMax - zv,
    { target: `≤ ${fmt(bound)}`, tolerance: `up to ${fmt(zMax)} s.e. above` });
}

/** The mirror of `zNotAbove`: (bound - measured) / se <= zMax. */
export function zNotBelow(name: string, measured: number, se: number, bound: number, opts: { zMax?: number } = {}): void {
  assertFinite(name, measured);
  assertSe("zNotBelow", name, se);
  const zMax = opts.zMax ?? 3;
  const zv = (bound - measured) / se;
  report(name, `${fmt(measured)} ± ${fmt(se)} s.e.`, `not below ${fmt(bound)} by more than ${fmt(zMax)} s.e. (z = ${(-zv).toFixed(2)}; margin ${(zMax - zv).toFixed(2)} s.e.)`, zv <= zMax, zMax - zv,
    { target: `≥ ${fmt(bound)}`, tolerance: `up to ${fmt(zMax)} s.e. below` });
}

/**
 * `value` lies inside an interval [lo, hi] estimated from data (a bootstrap or a ±z·se interval); the
 * margin is the distance to the nearer end in units of the interval's half-width.
 */
export function inInterval(name: string, value: number, interval: readonly [number, number], opts: { estimate?: number; level?: number } = {}): void {
  assertFinite(name, value);
  const [lo, hi] = interval;
  if (!(lo <= hi)) throw new RangeError(`check.inInterval('${name}'): interval [${lo}, ${hi}] is empty`);
  const half = (hi - lo) / 2;
  const margin = half > 0 ? Math.min(value - lo, hi - value) / half : value === lo ? 0 : -Infinity;
  const est = opts.estimate !== undefined ? `estimate ${fmt(opts.estimate)}, ` : "";
  const lvl = opts.level !== undefined ? `${Math.round(opts.level * 100)}% ` : "";
  report(name, `${est}${lvl}interval [${fmt(lo)}, ${fmt(hi)}]`, `contains ${fmt(value)} (margin ${margin.toFixed(2)} half-widths)`, value >= lo && value <= hi, undefined,
    { target: fmt(value), tolerance: `${lvl}interval [${fmt(lo)}, ${fmt(hi)}]`, margin: `${margin.toFixed(2)} half-widths` });
}

/**
 * A check this run does not make, with the reason (e.g. one decided only at the full size, because the
 * quick grid is too small to resolve it): it prints a line and appears in `summary()` as skipped, so a
 * size-gated claim never vanishes silently. It counts as neither passed nor failed.
 */
export function skip(name: string, reason: string): void {
  if (typeof reason !== "string" || reason.trim() === "") throw new RangeError(`check.skip('${name}'): give the reason the check is skipped`);
  const record: CheckRecord = { name, measured: "not run", expected: `skipped: ${reason}`, passed: true, skipped: true };
  records.set(name, record);
  const text = `– ${name}: skipped (${reason})`;
  emit({ "text/plain": text, "text/html": `<div style="font-family:monospace;color:#6e7781">${escapeHtml(text)}</div>` }, undefined, false, { [CHECK_METADATA_KEY]: record });
}

/**
 * A summary table of the checks run so far, one line per check (a check run again, e.g. by re-running
 * its cell, counts once with its latest result); skipped checks are listed as skipped; throws if any
 * failed.
 */
export function summary(): void {
  const all = history();
  const failed = all.filter((r) => !r.passed).length;
  const skipped = all.filter((r) => r.skipped).length;
  const lines = all.map((r) => r.skipped ? `– ${r.name}: ${r.expected}` : `${r.passed ? "✔" : "✘"} ${r.name}: ${r.measured} (expected ${r.expected})`);
  const text = `${all.length - failed - skipped}/${all.length - skipped} checks passed${skipped ? `, ${skipped} skipped at this size` : ""}\n${lines.join("\n")}`;
  emit({ "text/plain": text, "text/html": `<pre>${escapeHtml(text)}</pre>` });
  if (failed) throw new CheckFailure(`${failed} check(s) failed`);
}

// Exercise checks for workshop copies: recorded apart from the chapter's checks (src/exercise.ts).
export { exercise, exerciseHistory, studentMode, judge as judgeExercise } from "./exercise";
export type { ExerciseOptions, ExerciseRecord, WrongAnswer } from "./exercise";
