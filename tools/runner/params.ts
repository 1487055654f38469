/**
 * Parameters: parse `-p key=value`, read the declarations of the `parameters` cell, check the
 * given values against them, and inject a TypeScript cell that reassigns them (papermill-style).
 */
import * as ts from "typescript";
import { Cell, CodeCell, Notebook, NotebookInputError, cellTags, newCellId, sourceText, splitLines } from "./nbformat";

/** The type of a parameter's default, as far as the runner checks it. "unknown": anything is accepted. */
export type ParamKind = "boolean" | "number" | "string" | "array" | "object" | "unknown";

/** One top-level declaration of the parameters cell. */
export interface ParamDecl {
  name: string;
  /** `let` / `var` can be reassigned by the injected cell; `const` cannot. */
  keyword: "let" | "const" | "var";
  kind: ParamKind;
  /** The default's source text, e.g. `false`. */
  defaultText: string;
}

/** A value given on the command line: the parsed value plus the raw text (used when a string is expected). */
export interface GivenParam {
  value: unknown;
  raw: string;
  /** True when the raw text was not valid JSON and was taken as a plain string. */
  fromPlainText: boolean;
}

/**
 * Parse `key=value` arguments. The value is read as JSON when it is valid JSON (numbers, booleans,
 * arrays, objects, quoted strings, null), otherwise as a plain string. Throws on a missing `=`,
 * an empty or non-identifier key, or a key given twice.
 */
export function parseParamArgs(args: string[]): Record<string, GivenParam> {
  const out: Record<string, GivenParam> = {};
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq <= 0) throw new NotebookInputError(`-p ${arg}: expected key=value`);
    const key = arg.slice(0, eq).trim();
    const raw = arg.slice(eq + 1);
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) throw new NotebookInputError(`-p ${arg}: "${key}" is not a valid identifier`);
    if (key in out) throw new NotebookInputError(`-p ${key} given twice`);
    try {
      out[key] = { value: JSON.parse(raw), raw, fromPlainText: false };
    } catch {
      out[key] = { value: raw, raw, fromPlainText: true };
    }
  }
  return out;
}

/** Wrap already-typed values (from the programmatic API) as GivenParams. */
export function givenFromValues(values: Record<string, unknown>): Record<string, GivenParam> {
  const out: Record<string, GivenParam> = {};
  for (const [k, v] of Object.entries(values)) out[k] = { value: v, raw: JSON.stringify(v), fromPlainText: false };
  return out;
}

function kindOfType(node: ts.TypeNode | undefined): ParamKind | null {
  if (!node) return null;
  switch (node.kind) {
    case ts.SyntaxKind.BooleanKeyword: return "boolean";
    case ts.SyntaxKind.NumberKeyword: return "number";
    case ts.SyntaxKind.StringKeyword: return "string";
    case ts.SyntaxKind.ArrayType: return "array";
    case ts.SyntaxKind.TupleType: return "array";
    case ts.SyntaxKind.TypeLiteral: return "object";
    case ts.SyntaxKind.TypeReference:
      return ts.isTypeReferenceNode(node) && node.typeName.getText() === "Array" ? "array" : "unknown";
    default: return "unknown";
  }
}

function kindOfExpr(e: ts.Expression | undefined): ParamKind {
  if (!e) return "unknown";
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) {
    if (ts.isAsExpression(e)) return kindOfType(e.type) ?? "unknown";
    e = e.expression;
  }
  switch (e.kind) {
    case ts.SyntaxKind.TrueKeyword:
    case ts.SyntaxKind.FalseKeyword: return "boolean";
    case ts.SyntaxKind.NumericLiteral: return "number";
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral: return "string";
    case ts.SyntaxKind.ArrayLiteralExpression: return "array";
    case ts.SyntaxKind.ObjectLiteralExpression: return "object";
    case ts.SyntaxKind.PrefixUnaryExpression: {
      const p = e as ts.PrefixUnaryExpression;
      if ((p.operator === ts.SyntaxKind.MinusToken || p.operator === ts.SyntaxKind.PlusToken) && ts.isNumericLiteral(p.operand)) return "number";
      return "unknown";
    }
    default: return "unknown";
  }
}

/**
 * The top-level variable declarations of a parameters cell, with the kind of each default (from
 * the type annotation when there is one, else from the literal). Parsed with the TypeScript
 * parser so comments, type annotations and multi-line values are handled like the kernel does.
 */
export function parseParamDecls(source: string): ParamDecl[] {
  const sf = ts.createSourceFile("parameters.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const decls: ParamDecl[] = [];
  for (const stmt of sf.statements) {
    if (!ts.isVariableStatement(stmt)) continue;
    const flags = stmt.declarationList.flags;
    const keyword = flags & ts.NodeFlags.Const ? "const" : flags & ts.NodeFlags.Let ? "let" : "var";
    for (const d of stmt.declarationList.declarations) {
      if (!ts.isIdentifier(d.name)) continue;
      decls.push({
        name: d.name.text,
        keyword,
        kind: kindOfType(d.type) ?? kindOfExpr(d.initializer),
        defaultText: d.initializer ? d.initializer.getText(sf) : "",
      });
    }
  }
  return decls;
}

/** Index of the (first) code cell tagged `parameters`, or -1. */
export function findParametersCell(nb: Notebook): number {
  return nb.cells.findIndex((c) => c.cell_type === "code" && cellTags(c).includes("parameters"));
}

function kindOfValue(v: unknown): ParamKind {
  if (Array.isArray(v)) return "array";
  if (v === null) return "unknown";
  const t = typeof v;
  if (t === "boolean" || t === "number" || t === "string") return t;
  if (t === "object") return "object";
  return "unknown";
}

/**
 * Check the given values against the declarations and return the values to inject. Throws a
 * NotebookInputError naming the notebook and the problem: an unknown key (listing the known
 * ones), a type that differs from the default's, or a `const` declaration.
 */
export function checkParams(file: string, decls: ParamDecl[], given: Record<string, GivenParam>): Record<string, unknown> {
  const byName = new Map(decls.map((d) => [d.name, d]));
  const known = decls.map((d) => d.name).join(", ") || "(none)";
  const out: Record<string, unknown> = {};
  for (const [key, g] of Object.entries(given)) {
    const d = byName.get(key);
    if (!d) throw new NotebookInputError(`${file}: unknown parameter "${key}"; the parameters cell assigns: ${known}`);
    if (d.keyword === "const") {
      throw new NotebookInputError(`${file}: parameter "${key}" is declared with const in the parameters cell, so it cannot be reassigned; declare it with let`);
    }
    let value = g.value;
    // A string parameter given as bare text that happens to be valid JSON (e.g. name=123) is meant as text.
    if (d.kind === "string" && typeof value !== "string") value = g.raw;
    const vk = kindOfValue(value);
    if (d.kind !== "unknown" && vk !== d.kind) {
      const hint = g.fromPlainText && d.kind !== "string" ? ` (it is not valid JSON, so it was read as a string)` : "";
      throw new NotebookInputError(
        `${file}: parameter "${key}" expects a ${d.kind} like its default ${d.defaultText}, got ${vk === "unknown" ? String(value) : vk} ${JSON.stringify(value)}${hint}`,
      );
    }
    if (typeof value === "number" && !Number.isFinite(value)) throw new NotebookInputError(`${file}: parameter "${key}" must be a finite number`);
    out[key] = value;
  }
  return out;
}

/** The language the notebook's cells are written in: its kernelspec's, else language_info's, else TypeScript. */
export function notebookLanguage(nb: Notebook): string {
  const ks = nb.metadata.kernelspec as { language?: unknown } | undefined;
  const li = nb.metadata.language_info as { name?: unknown } | undefined;
  const lang = typeof ks?.language === "string" ? ks.language : typeof li?.name === "string" ? li.name : "typescript";
  return lang.toLowerCase();
}

const isTypeScript = (lang: string) => ["typescript", "javascript", "ts", "js"].includes(lang);

/** A JSON value as a Python literal (True / False / None; strings and numbers as in JSON, which Python reads too). */
export function pythonLiteral(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (Array.isArray(v)) return `[${v.map(pythonLiteral).join(", ")}]`;
  if (typeof v === "object") return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}: ${pythonLiteral(x)}`).join(", ")}}`;
  return JSON.stringify(v);
}

/**
 * The names a Python parameters cell assigns at top level (`name = value`, `name: type = value`), as
 * papermill reads them; their kinds are not checked (Python's literals are not TypeScript's).
 */
export function pythonParamDecls(source: string): ParamDecl[] {
  const out: ParamDecl[] = [];
  for (const m of source.matchAll(/^([A-Za-z_]\w*)\s*(?::[^=\n]+)?=(?!=)\s*(.*)$/gm)) {
    out.push({ name: m[1], keyword: "let", kind: "unknown", defaultText: m[2].trim() });
  }
  return out;
}

/** The injected cell's code in the notebook's language: Python for a Python kernel (papermill's convention), else TypeScript. */
export function injectionCodeFor(lang: string, values: Record<string, unknown>): string {
  if (isTypeScript(lang)) return injectionCode(values);
  const lines = ["# Parameters injected by the genlab runner"];
  for (const [k, v] of Object.entries(values)) lines.push(`${k} = ${pythonLiteral(v)}`);
  return lines.join("\n");
}

/** The injected cell's code: one TypeScript assignment per parameter (`quick = true;`). */
export function injectionCode(values: Record<string, unknown>): string {
  const lines = ["// Parameters injected by the genlab runner"];
  for (const [k, v] of Object.entries(values)) lines.push(`${k} = ${JSON.stringify(v)};`);
  // tslab prints the value of a cell's last expression; end on undefined so the cell stays quiet.
  lines.push("void 0;");
  return lines.join("\n");
}

/**
 * A copy of the notebook with the parameters injected as a new code cell tagged
 * `injected-parameters` right after the `parameters` cell (replacing an earlier injected cell, as
 * papermill does when re-running an executed copy), and the values recorded in
 * `metadata.genlab.parameters`. With no values, no cell is added but the (empty) record is kept.
 */
export function injectParameters(nb: Notebook, values: Record<string, unknown>, lang = "typescript"): Notebook {
  const copy: Notebook = JSON.parse(JSON.stringify(nb));
  copy.cells = copy.cells.filter((c) => !cellTags(c).includes("injected-parameters"));
  const at = findParametersCell(copy);
  if (Object.keys(values).length > 0 && at >= 0) {
    const cell: CodeCell = {
      cell_type: "code",
      execution_count: null,
      metadata: { tags: ["injected-parameters"] },
      outputs: [],
      source: splitLines(injectionCodeFor(lang, values)),
    };
    if (copy.nbformat_minor >= 5) cell.id = newCellId();
    copy.cells.splice(at + 1, 0, cell as Cell);
  }
  copy.metadata.genlab = { ...(copy.metadata.genlab ?? {}), parameters: values };
  return copy;
}

/**
 * Everything before execution in one call: find the parameters cell (required), parse its
 * declarations, check the given values, and return the notebook with the injected cell.
 */
export function prepareParameters(file: string, nb: Notebook, given: Record<string, GivenParam>): { notebook: Notebook; values: Record<string, unknown> } {
  const at = findParametersCell(nb);
  if (at < 0) {
    // As papermill: a notebook without parameters runs as it is; only setting one needs the cell.
    if (Object.keys(given).length === 0) return { notebook: injectParameters(nb, {}), values: {} };
    throw new NotebookInputError(`${file}: no code cell tagged "parameters", so -p ${Object.keys(given).join(", ")} cannot be set (add the tag "parameters" to the cell that declares them)`);
  }
  const lang = notebookLanguage(nb);
  if (!isTypeScript(lang) && lang !== "python" && Object.keys(given).length > 0) {
    throw new NotebookInputError(`${file}: the runner injects parameters in TypeScript or Python; this notebook's language is ${lang}`);
  }
  const source = sourceText(nb.cells[at]);
  const decls = lang === "python" ? pythonParamDecls(source) : parseParamDecls(source);
  const values = checkParams(file, decls, given);
  return { notebook: injectParameters(nb, values, lang), values };
}
