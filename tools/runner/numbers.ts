/**
 * Decimal numbers quoted in prose and written in code, for the lint rule that an exercise answer
 * quotes only numbers the chapter computes (docs/authoring.md, rule `answer-numbers`).
 *
 * A "decimal" is a number written with a decimal point or an exponent: 0.71, 2.5e-3, 13.3%,
 * $6\times 10^{-7}$. Integers (sizes, counts, chapter numbers) are not decimals: they are mostly
 * inputs, and requiring each to be computed would flag every "n = 1000".
 */
import * as ts from "typescript";

export interface QuotedNumber {
  /** As written, e.g. "13.3%". */
  text: string;
  /** The numeral without sign or percent sign, digit for digit: "0.10", "2.5e-3", "6e-7" for $6\times 10^{-7}$. */
  numeral: string;
  /** Its value without sign. */
  value: number;
  percent: boolean;
}

/** A numeral in one spelling: lowercase e, no exponent plus sign, no digit separators. */
export function canonicalNumeral(text: string): string {
  return text.replace(/_/g, "").toLowerCase().replace("e+", "e");
}

/** Identifiers that look like decimals but are not quantities: arXiv ids, DOIs, URLs, section numbers. */
const NOT_QUANTITIES = [
  /https?:\/\/\S+/g,
  /\barXiv[:\s]*\d{4}\.\d{4,5}(v\d+)?/gi,
  /\b10\.\d{4,9}\/\S+/g,
  /§\s*\d+(\.\d+)*/g,
];

// a·10^b in LaTeX ($6\times 10^{-7}$, 3 \cdot 10^5), then plain decimals (2.5, 2.5e-3, 1e-4, 13.3%).
const LATEX_SCI = /(?<![\d.])(\d+(?:\.\d+)?)\s*\\(?:times|cdot)\s*10\^\{?\s*([-+−]?\d+)\s*\}?/g;
const DECIMAL = /(?<![\d.])(\d+\.\d+(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+)(?![\d.]*\d)(\s*\\?%)?/g;

/** The decimals quoted in a piece of markdown. */
export function quotedDecimals(markdown: string): QuotedNumber[] {
  let text = markdown;
  for (const re of NOT_QUANTITIES) text = text.replace(re, " ");
  const out: QuotedNumber[] = [];
  text = text.replace(LATEX_SCI, (whole, a: string, b: string) => {
    const numeral = canonicalNumeral(`${a}e${b.replace("−", "-")}`);
    out.push({ text: whole, numeral, value: Number(numeral), percent: false });
    return " ";
  });
  for (const m of text.matchAll(DECIMAL)) {
    out.push({ text: m[0].replace(/\s+/g, ""), numeral: canonicalNumeral(m[1]), value: Number(m[1]), percent: m[2] !== undefined });
  }
  return out;
}

/** A decimal written in code: its canonical numeral and value. */
export interface CodeNumber {
  numeral: string;
  value: number;
}

/** The decimal numeric literals of TypeScript code (comments and strings do not count). */
export function codeDecimals(source: string): CodeNumber[] {
  const sf = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: CodeNumber[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isNumericLiteral(node)) {
      const numeral = canonicalNumeral(node.getText(sf));
      if (!/^0[xob]/.test(numeral) && /[.e]/.test(numeral)) out.push({ numeral, value: Number(numeral) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/**
 * True when a quoted number is one of the accepted ones: the same numeral digit for digit (0.10 is
 * not 0.1: a quoted 0.10 claims two digits), or, for a percentage p%, any numeral whose value is p/100.
 */
export function matchesAny(q: QuotedNumber, accepted: readonly CodeNumber[]): boolean {
  if (accepted.some((a) => a.numeral === q.numeral)) return true;
  if (!q.percent) return false;
  const t = q.value / 100;
  return accepted.some((a) => Math.abs(a.value - t) <= 1e-9 * Math.max(Math.abs(a.value), t));
}
