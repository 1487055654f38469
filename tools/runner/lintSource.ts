/**
 * Lint rules on the library's own text, without a kernel (docs/authoring.md defines each one):
 * docstrings (every export of the package has a `/** ... *\/` docstring, which the API reference shows),
 * planning-words (no planning words or issue numbers in a docstring), and doc-examples (a docstring's
 * example names only exports and chapter files that exist). Also the export tree the notebook rule
 * doc-examples resolves names against.
 *
 * Syntactic, with the TypeScript parser: exports are followed through `export *`, `export { a } from`
 * and `export * as ns from`, which is how src/ is put together.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import type { LintViolation } from "./lintTypes";

/** One export of a module: where it is declared and, for a namespace (`export * as fit`), its members. */
export interface ExportEntry {
  name: string;
  /** The file that declares it (a namespace's own index file). */
  file: string;
  /** Its declarations; empty for a namespace. */
  decls: ts.Node[];
  members?: Map<string, ExportEntry>;
}

const parsed = new Map<string, ts.SourceFile>();
function sourceFile(file: string): ts.SourceFile {
  let sf = parsed.get(file);
  if (!sf) {
    sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    parsed.set(file, sf);
  }
  return sf;
}

function resolveModule(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const f of [`${base}.ts`, path.join(base, "index.ts")]) if (fs.existsSync(f)) return f;
  return null;
}

const hasExport = (n: ts.Node): boolean =>
  ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

/** The exports of a module file, following re-exports (cached per file). */
export function moduleExports(file: string, seen = new Map<string, Map<string, ExportEntry>>()): Map<string, ExportEntry> {
  const known = seen.get(file);
  if (known) return known;
  const out = new Map<string, ExportEntry>();
  seen.set(file, out);
  const sf = sourceFile(file);
  const local = new Map<string, ts.Node[]>();
  const addLocal = (name: string, n: ts.Node) => local.set(name, [...(local.get(name) ?? []), n]);
  for (const s of sf.statements) {
    if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isEnumDeclaration(s)) && s.name) addLocal(s.name.text, s);
    if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) addLocal(d.name.text, d);
  }
  for (const s of sf.statements) {
    if (hasExport(s)) {
      if (ts.isVariableStatement(s)) {
        for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) out.set(d.name.text, { name: d.name.text, file, decls: [d] });
      } else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isEnumDeclaration(s)) && s.name) {
        out.set(s.name.text, { name: s.name.text, file, decls: local.get(s.name.text) ?? [s] });
      }
    }
    if (!ts.isExportDeclaration(s)) continue;
    const target = s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier) ? resolveModule(file, s.moduleSpecifier.text) : null;
    const clause = s.exportClause;
    if (!clause) {
      if (target) for (const [k, e] of moduleExports(target, seen)) if (!out.has(k)) out.set(k, e);
    } else if (ts.isNamespaceExport(clause)) {
      if (target) out.set(clause.name.text, { name: clause.name.text, file: target, decls: [], members: moduleExports(target, seen) });
    } else {
      for (const el of clause.elements) {
        const from = (el.propertyName ?? el.name).text;
        const entry = target ? moduleExports(target, seen).get(from) : local.has(from) ? { name: from, file, decls: local.get(from)! } : undefined;
        if (entry) out.set(el.name.text, { ...entry, name: el.name.text });
      }
    }
  }
  return out;
}

const packageCache = new Map<string, Map<string, ExportEntry>>();
/** The exports of the package (`root/src/index.ts`); empty when there is none. */
export function packageExports(root: string): Map<string, ExportEntry> {
  let m = packageCache.get(root);
  if (!m) {
    const index = path.join(root, "src", "index.ts");
    m = fs.existsSync(index) ? moduleExports(index) : new Map();
    packageCache.set(root, m);
  }
  return m;
}

/** Planning words and issue numbers: what a reader should never see in a chapter or a docstring. */
export const PLANNING = /\bissues?\s*#?\d+\b|\b(?:the|this|our|chapter'?s?)\s+plan(?:'s)?\b|\bplan's\b|\bdesign[- ]notes?\b|\bthe brief\b|\bTODO\b|\bFIXME\b/i;

/** The first planning phrase in a text, or null. */
export function planningPhrase(text: string): string | null {
  const m = PLANNING.exec(text);
  return m ? m[0] : null;
}

/** Pieces of text that are code: backtick spans, fenced blocks, and indented example lines of a docstring. */
export function codeSpans(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/```[^\n]*\n([\s\S]*?)```|~~~[^\n]*\n([\s\S]*?)~~~/g)) out.push(m[1] ?? m[2] ?? "");
  const rest = text.replace(/```[\s\S]*?```|~~~[\s\S]*?~~~/g, " ");
  for (const m of rest.matchAll(/`([^`\n]+)`/g)) out.push(m[1]);
  return out;
}

/**
 * The names in example code that do not exist: `ns.name` where `ns` is a namespace of the package but
 * `name` is not among its exports, and chapter files `NN-name.ipynb` (or point notebooks
 * `points/NN-name.ipynb`) that `notebooks/` does not hold.
 */
export function missingNames(text: string, root: string, code: string[] = codeSpans(text)): string[] {
  const exportsOf = packageExports(root);
  const out: string[] = [];
  for (const c of code) {
    for (const m of c.matchAll(/(?<![\w.$/-])([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)/g)) {
      const ns = exportsOf.get(m[1]);
      if (ns?.members && !ns.members.has(m[2])) out.push(`${m[1]}.${m[2]}`);
    }
  }
  const dir = path.join(root, "notebooks");
  // a sweep's point notebook is named with its folder: points/NN-name.ipynb
  for (const m of text.matchAll(/(?:\bpoints\/)?\b\d\d-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb\b/g)) {
    if (fs.existsSync(dir) && !fs.existsSync(path.join(dir, m[0]))) out.push(m[0]);
  }
  return [...new Set(out)];
}

function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** The `/** ... *\/` comments of a file with their line numbers, the leading ` * ` removed from each line. */
function docComments(sf: ts.SourceFile): { line: number; text: string; examples: string[] }[] {
  const out: { line: number; text: string; examples: string[] }[] = [];
  for (const m of sf.text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
    const lines = m[1].split("\n").map((l) => l.replace(/^\s*\* ?/, ""));
    // indented lines (two spaces or more after " * ") are example code
    const examples = lines.filter((l) => /^ {2,}\S/.test(l));
    out.push({ line: sf.getLineAndCharacterOfPosition(m.index ?? 0).line + 1, text: lines.join("\n"), examples });
  }
  return out;
}

/** Lint the library's text: docstrings of every export, planning words in src docstrings, doc examples in src and tools. */
export function lintSources(root: string): LintViolation[] {
  const v: LintViolation[] = [];
  const rel = (f: string) => path.relative(root, f);
  const visit = (entries: Map<string, ExportEntry>, prefix: string, seen: Set<ExportEntry>) => {
    for (const [name, e] of entries) {
      if (seen.has(e)) continue;
      seen.add(e);
      if (e.members) { visit(e.members, `${prefix}${name}.`, seen); continue; }
      const documented = e.decls.some((d) => ts.getJSDocCommentsAndTags(d).some((j) => ts.isJSDoc(j)));
      if (!documented && e.decls.length > 0) {
        const d = e.decls[0];
        const line = d.getSourceFile().getLineAndCharacterOfPosition(d.getStart()).line + 1;
        v.push({ path: `${rel(e.file)}:${line}`, rule: "docstrings", detail: `\`${prefix}${name}\` is exported without a /** docstring */; the API reference shows it to readers: say what it is, its units and its source` });
      }
    }
  };
  visit(packageExports(root), "", new Set());
  for (const [dir, planning] of [["src", true], ["tools", false]] as const) {
    for (const file of tsFiles(path.join(root, dir)).sort()) {
      for (const d of docComments(sourceFile(file))) {
        const where = `${rel(file)}:${d.line}`;
        const phrase = planning ? planningPhrase(d.text) : null;
        if (phrase) v.push({ path: where, rule: "planning-words", detail: `the docstring says "${phrase}"; readers see docstrings in the API reference: say what the code does and why, not which plan or issue asked for it` });
        const missing = missingNames(d.text, root, [...codeSpans(d.text), ...d.examples]);
        if (missing.length) v.push({ path: where, rule: "doc-examples", detail: `the docstring's example names ${missing.map((m) => `\`${m}\``).join(", ")}, which ${missing.length > 1 ? "do" : "does"} not exist; name an existing export or chapter` });
      }
    }
  }
  return v;
}
