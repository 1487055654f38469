/**
 * What a notebook's code cells take from the library: the names imported from "genlab" and every
 * use of them, as a path from the package root (`experiments.rfSweep(...)` with `experiments` imported by name
 * gives ["experiments", "rfSweep"]; `lab.fit.fitPowerLaw` with `import * as lab` gives ["fit",
 * "fitPowerLaw"]). The lint uses it for unused imports and for finding `check.summary()`; the API
 * reference uses it to say which chapters use each export.
 *
 * Syntactic, with the TypeScript parser: no type checking, so a use through a local alias
 * (`const m = experiments; m.rfSweep()`) counts as a use of `experiments` only, and a local declaration that
 * shadows an imported name is not told apart (chapters do not shadow library names).
 */
import * as ts from "typescript";
import { Notebook, sourceText } from "./nbformat";

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

/** The code cells of a notebook as (1-based index, source) pairs. */
export function codeCells(nb: Notebook): { cell: number; source: string }[] {
  return nb.cells.flatMap((c, i) => (c.cell_type === "code" ? [{ cell: i + 1, source: sourceText(c) }] : []));
}

function parse(source: string): ts.SourceFile {
  // Cells are parsed as TypeScript; tslab's top-level await parses as an expression statement.
  return ts.createSourceFile("cell.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

function importsOf(sf: ts.SourceFile, cell: number): GenlabImport[] {
  const out: GenlabImport[] = [];
  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier) && stmt.moduleSpecifier.text === "genlab") {
      const clause = stmt.importClause;
      if (!clause) continue;
      if (clause.name) out.push({ local: clause.name.text, exported: null, cell });
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) out.push({ local: nb.name.text, exported: null, cell });
      if (nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) out.push({ local: el.name.text, exported: (el.propertyName ?? el.name).text, cell });
      }
    } else if (ts.isImportEqualsDeclaration(stmt) && ts.isExternalModuleReference(stmt.moduleReference)) {
      const e = stmt.moduleReference.expression;
      if (ts.isStringLiteral(e) && e.text === "genlab") out.push({ local: stmt.name.text, exported: null, cell });
    }
  }
  return out;
}

/** True when `id` names a value or type rather than being a declaration name or a property key. */
function isReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if (ts.isQualifiedName(p) && p.right === id) return false;
  if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isPropertySignature(p) || ts.isMethodDeclaration(p) ||
    ts.isMethodSignature(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p) || ts.isEnumMember(p)) && p.name === id) return false;
  if ((ts.isVariableDeclaration(p) || ts.isFunctionDeclaration(p) || ts.isClassDeclaration(p) || ts.isParameter(p) ||
    ts.isInterfaceDeclaration(p) || ts.isTypeAliasDeclaration(p) || ts.isBindingElement(p)) && p.name === id) return false;
  if (ts.isBindingElement(p) && p.propertyName === id) return false;
  if (ts.isImportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p) || ts.isImportEqualsDeclaration(p)) return false;
  if (ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p)) return false;
  return true;
}

/** The member path below `id`: `id.a.b` or `id.a.B` in a type gives ["a", "b"], and whether it is called. */
function memberPath(id: ts.Identifier): { members: string[]; called: boolean } {
  const members: string[] = [];
  let node: ts.Node = id;
  for (;;) {
    const p: ts.Node = node.parent;
    if (ts.isPropertyAccessExpression(p) && p.expression === node && ts.isIdentifier(p.name)) members.push(p.name.text);
    else if (ts.isQualifiedName(p) && p.left === node) members.push(p.right.text);
    else break;
    node = p;
  }
  const p = node.parent;
  return { members, called: ts.isCallExpression(p) && p.expression === node };
}

/** Scan code cells (1-based indices and sources) for genlab imports and their uses. */
export function scanGenlab(cells: { cell: number; source: string }[]): GenlabScan {
  const parsed = cells.map((c) => ({ cell: c.cell, sf: parse(c.source) }));
  const imports = parsed.flatMap(({ cell, sf }) => importsOf(sf, cell));
  const byLocal = new Map(imports.map((i) => [i.local, i]));
  const uses: GenlabUse[] = [];
  for (const { cell, sf } of parsed) {
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node) && byLocal.has(node.text) && isReference(node)) {
        const imp = byLocal.get(node.text)!;
        const { members, called } = memberPath(node);
        uses.push({ path: imp.exported === null ? members : [imp.exported, ...members], local: imp.local, cell, called });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  const used = new Set(uses.map((u) => u.local));
  return { imports, uses, unused: imports.filter((i) => !used.has(i.local)) };
}

/** Scan a parsed notebook's code cells. */
export function scanNotebook(nb: Notebook): GenlabScan {
  return scanGenlab(codeCells(nb));
}
