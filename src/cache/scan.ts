/**
 * What a piece of code refers to, read with the TypeScript parser (syntax only, no type checking).
 * One scanner serves two readers: the cache, which finds the notebook names a computation uses
 * from its compiled source (`referencedNames`), and the tools, which find what a notebook's cells
 * take from the library (`scanGenlab`: unused imports, which chapters use each export).
 *
 * TypeScript is loaded on first use, not when the library is imported: a notebook that never
 * caches does not pay for it.
 */
import type * as TS from "typescript";

let tsModule: typeof TS | null = null;
function ts(): typeof TS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  tsModule ??= require("typescript") as typeof TS;
  return tsModule;
}

/** Parse TypeScript (or JavaScript) source; tslab's top-level await parses as an expression statement. */
export function parseSource(source: string, name = "cell.ts"): TS.SourceFile {
  const t = ts();
  return t.createSourceFile(name, source, t.ScriptTarget.ES2022, true, t.ScriptKind.TS);
}

/** True when `id` names a value or type rather than being a declaration name or a property key. */
export function isReference(id: TS.Identifier): boolean {
  const t = ts();
  const p = id.parent;
  if (t.isPropertyAccessExpression(p) && p.name === id) return false;
  if (t.isQualifiedName(p) && p.right === id) return false;
  if ((t.isPropertyAssignment(p) || t.isPropertyDeclaration(p) || t.isPropertySignature(p) || t.isMethodDeclaration(p) ||
    t.isMethodSignature(p) || t.isGetAccessor(p) || t.isSetAccessor(p) || t.isEnumMember(p)) && p.name === id) return false;
  if ((t.isVariableDeclaration(p) || t.isFunctionDeclaration(p) || t.isClassDeclaration(p) || t.isParameter(p) ||
    t.isInterfaceDeclaration(p) || t.isTypeAliasDeclaration(p) || t.isBindingElement(p)) && p.name === id) return false;
  if (t.isBindingElement(p) && p.propertyName === id) return false;
  if (t.isImportSpecifier(p) || t.isImportClause(p) || t.isNamespaceImport(p) || t.isImportEqualsDeclaration(p)) return false;
  if (t.isLabeledStatement(p) || t.isBreakOrContinueStatement(p)) return false;
  return true;
}

/** The member path below `id`: `id.a.b` or `id.a.B` in a type gives ["a", "b"], and whether it is called. */
export function memberPath(id: TS.Identifier): { members: string[]; called: boolean } {
  const t = ts();
  const members: string[] = [];
  let node: TS.Node = id;
  for (;;) {
    const p: TS.Node = node.parent;
    if (t.isPropertyAccessExpression(p) && p.expression === node && t.isIdentifier(p.name)) members.push(p.name.text);
    else if (t.isQualifiedName(p) && p.left === node) members.push(p.right.text);
    else break;
    node = p;
  }
  const p = node.parent;
  return { members, called: t.isCallExpression(p) && p.expression === node };
}

function hasSyntaxErrors(sf: TS.SourceFile): boolean {
  return ((sf as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics?.length ?? 0) > 0;
}

/**
 * The names a function's source refers to: every identifier used as a value, and NAME in
 * `exports.NAME` (tslab compiles a notebook's top-level names to properties of `exports`).
 * Over-approximate on purpose (a local variable that shadows a notebook name counts too): a name
 * too many costs a needless key ingredient, a name missed would cost a stale result. Words in
 * strings and comments are not references and do not count.
 */
export function referencedNames(functionSource: string): Set<string> {
  const t = ts();
  // Function.prototype.toString gives an expression (function, arrow, class) or, for a method, a
  // member of an object literal.
  let sf = parseSource(`(${functionSource});`, "fn.js");
  if (hasSyntaxErrors(sf)) sf = parseSource(`({ ${functionSource} });`, "fn.js");
  const out = new Set<string>();
  const visit = (node: TS.Node): void => {
    if (t.isPropertyAccessExpression(node) && t.isIdentifier(node.expression) && node.expression.text === "exports" && t.isIdentifier(node.name)) {
      out.add(node.name.text);
    } else if (t.isIdentifier(node) && node.text !== "exports" && isReference(node)) {
      out.add(node.text);
    } else if (t.isShorthandPropertyAssignment(node)) {
      out.add(node.name.text);
    }
    t.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** One name bound by an import from "genlab". */
export interface GenlabImport {
  /** The name the cells use. */
  local: string;
  /** The exported name, or null for the whole package (`import * as lab`, `import lab from`). */
  exported: string | null;
  /** 1-based cell index of the import. */
  cell: number;
}

/** One use of an imported name, as a path from the package root. */
export interface GenlabUse {
  /** e.g. ["experiments", "rfSweep"]; empty for a bare use of a namespace import (`lab`). */
  path: string[];
  /** The local name it goes through. */
  local: string;
  /** 1-based cell index. */
  cell: number;
  /** True when the path is called: `check.summary()`. */
  called: boolean;
}

export interface GenlabScan {
  imports: GenlabImport[];
  uses: GenlabUse[];
  /** Imports that no code cell uses. */
  unused: GenlabImport[];
}

function importsOf(sf: TS.SourceFile, cell: number): GenlabImport[] {
  const t = ts();
  const out: GenlabImport[] = [];
  for (const stmt of sf.statements) {
    if (t.isImportDeclaration(stmt) && t.isStringLiteral(stmt.moduleSpecifier) && stmt.moduleSpecifier.text === "genlab") {
      const clause = stmt.importClause;
      if (!clause) continue;
      if (clause.name) out.push({ local: clause.name.text, exported: null, cell });
      const nb = clause.namedBindings;
      if (nb && t.isNamespaceImport(nb)) out.push({ local: nb.name.text, exported: null, cell });
      if (nb && t.isNamedImports(nb)) {
        for (const el of nb.elements) out.push({ local: el.name.text, exported: (el.propertyName ?? el.name).text, cell });
      }
    } else if (t.isImportEqualsDeclaration(stmt) && t.isExternalModuleReference(stmt.moduleReference)) {
      const e = stmt.moduleReference.expression;
      if (t.isStringLiteral(e) && e.text === "genlab") out.push({ local: stmt.name.text, exported: null, cell });
    }
  }
  return out;
}

/**
 * What code cells (1-based indices and sources) take from the library: the names imported from
 * "genlab" and every use of them, as a path from the package root (`experiments.rfSweep(...)` with
 * `experiments` imported by name gives ["experiments", "rfSweep"]; `lab.fit.fitPowerLaw` with
 * `import * as lab` gives ["fit", "fitPowerLaw"]). A use through a local alias (`const m = experiments;
 * m.rfSweep()`) counts as a use of `experiments` only, and a local declaration that shadows an imported
 * name is not told apart (chapters do not shadow library names).
 */
export function scanGenlab(cells: { cell: number; source: string }[]): GenlabScan {
  const t = ts();
  const parsed = cells.map((c) => ({ cell: c.cell, sf: parseSource(c.source) }));
  const imports = parsed.flatMap(({ cell, sf }) => importsOf(sf, cell));
  const byLocal = new Map(imports.map((i) => [i.local, i]));
  const uses: GenlabUse[] = [];
  for (const { cell, sf } of parsed) {
    const visit = (node: TS.Node): void => {
      if (t.isIdentifier(node) && byLocal.has(node.text) && isReference(node)) {
        const imp = byLocal.get(node.text)!;
        const { members, called } = memberPath(node);
        uses.push({ path: imp.exported === null ? members : [imp.exported, ...members], local: imp.local, cell, called });
      }
      t.forEachChild(node, visit);
    };
    visit(sf);
  }
  const used = new Set(uses.map((u) => u.local));
  return { imports, uses, unused: imports.filter((i) => !used.has(i.local)) };
}
