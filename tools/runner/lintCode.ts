/**
 * Lint rules on a chapter's code cells (docs/authoring.md defines each one): shorthand (write `{ x }`
 * where tslab allows it), no-any (no `any` type), cell-length (a cell holds one step, at most
 * MAX_CELL_LINES lines of code) and skipped-checks (a check gated on `quick` reports itself as skipped
 * at the other size, so the summary shows it).
 *
 * Syntactic, with the TypeScript parser: each cell is parsed on its own.
 */
import * as ts from "typescript";
import type { Add } from "./lintTypes";
import { Notebook } from "./nbformat";
import { codeCells, scanNotebook } from "./genlabUses";

/** The most lines of code (not counting blank or comment-only lines) one code cell may hold. */
export const MAX_CELL_LINES = 25;

function parse(source: string): ts.SourceFile {
  return ts.createSourceFile("cell.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

function bindingNames(name: ts.BindingName, out: Set<string>): void {
  if (ts.isIdentifier(name)) out.add(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(el.name, out);
}

function declaredIn(list: ts.VariableDeclarationList | undefined, out: Set<string>): void {
  for (const d of list?.declarations ?? []) bindingNames(d.name, out);
}

/** The names a scope node (a function, a block, a loop, a catch clause) declares directly. */
function scopeNames(node: ts.Node): Set<string> {
  const out = new Set<string>();
  if (ts.isFunctionLike(node)) {
    for (const p of node.parameters) bindingNames(p.name, out);
    if ((ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node)) && node.name) out.add(node.name.text);
  }
  if (ts.isBlock(node) || ts.isCaseClause(node) || ts.isDefaultClause(node)) {
    for (const s of node.statements) {
      if (ts.isVariableStatement(s)) declaredIn(s.declarationList, out);
      else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) out.add(s.name.text);
    }
  }
  if ((ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node)) && node.initializer && ts.isVariableDeclarationList(node.initializer)) {
    declaredIn(node.initializer, out);
  }
  if (ts.isCatchClause(node) && node.variableDeclaration) bindingNames(node.variableDeclaration.name, out);
  return out;
}

/** True when `name`, used at `at`, is declared by a scope below the cell's top level (a local or a parameter). */
function isLocal(name: string, at: ts.Node): boolean {
  for (let n: ts.Node | undefined = at.parent; n && !ts.isSourceFile(n); n = n.parent) {
    if (scopeNames(n).has(name)) return true;
  }
  return false;
}

/**
 * `{ x: x }` where `x` is a local variable or a parameter: write `{ x }`. tslab's rewrite misses a
 * shorthand property only for a notebook's top-level names, which keep the long form.
 */
export function shorthandViolations(nb: Notebook, add: Add): void {
  for (const { cell, source } of codeCells(nb)) {
    const sf = parse(source);
    const found: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && ts.isIdentifier(node.initializer) &&
        node.name.text === node.initializer.text && isLocal(node.name.text, node)) found.push(node.name.text);
      ts.forEachChild(node, visit);
    };
    visit(sf);
    if (found.length > 0) {
      add("shorthand", `cell ${cell}: write the shorthand { ${[...new Set(found)].join(", ")} } for ${found.length === 1 ? "a local variable or parameter" : "local variables and parameters"} ` +
        `(\`{ x: x }\` is needed only for a name defined at a cell's top level)`);
    }
  }
}

/** No `any` type in a code cell: name the library's type (`theory.ChinchillaLaw`) or let TypeScript infer it. */
export function noAnyViolations(nb: Notebook, add: Add): void {
  for (const { cell, source } of codeCells(nb)) {
    const sf = parse(source);
    let count = 0;
    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.AnyKeyword) count++;
      ts.forEachChild(node, visit);
    };
    visit(sf);
    if (count > 0) add("no-any", `cell ${cell}: ${count} \`any\` type${count > 1 ? "s" : ""}; use the type the library exports (or let TypeScript infer it)`);
  }
}

/** Lines that hold code: not blank and not only a comment. */
export function codeLineCount(source: string): number {
  let inBlock = false;
  let n = 0;
  for (const raw of source.split("\n")) {
    let line = raw.trim();
    if (inBlock) {
      const end = line.indexOf("*/");
      if (end < 0) continue;
      inBlock = false;
      line = line.slice(end + 2).trim();
    }
    if (line.startsWith("/*")) {
      const end = line.indexOf("*/", 2);
      if (end < 0) { inBlock = true; continue; }
      line = line.slice(end + 2).trim();
    }
    if (line === "" || line.startsWith("//")) continue;
    n++;
  }
  return n;
}

/** A code cell holds at most MAX_CELL_LINES lines of code: longer work goes to a library function. */
export function cellLengthViolations(nb: Notebook, add: Add): void {
  for (const { cell, source } of codeCells(nb)) {
    const n = codeLineCount(source);
    if (n > MAX_CELL_LINES) {
      add("cell-length", `cell ${cell} has ${n} lines of code (at most ${MAX_CELL_LINES}, blank and comment lines not counted); ` +
        `move the work into a library function, or split the cell where the text has something to say`);
    }
  }
}

/**
 * A `check.*` call under `if (... quick ...)` has a `check.skip(label, reason)` on the other branch,
 * so the summary lists the check as skipped at the other size instead of dropping it.
 */
export function skippedCheckViolations(nb: Notebook, add: Add): void {
  const scan = scanNotebook(nb);
  const named = new Set(scan.imports.filter((i) => i.exported === "check").map((i) => i.local));
  const whole = new Set(scan.imports.filter((i) => i.exported === null).map((i) => i.local));
  const checkCall = (node: ts.Node): string | null => {
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return null;
    const target = node.expression.expression;
    const isCheck = (ts.isIdentifier(target) && named.has(target.text)) ||
      (ts.isPropertyAccessExpression(target) && target.name.text === "check" && ts.isIdentifier(target.expression) && whole.has(target.expression.text));
    return isCheck ? node.expression.name.text : null;
  };
  const calls = (node: ts.Node | undefined): { checks: number; skips: number } => {
    const out = { checks: 0, skips: 0 };
    const visit = (n: ts.Node): void => {
      const fn = checkCall(n);
      if (fn === "skip") out.skips++;
      else if (fn !== null && fn !== "summary" && fn !== "reset" && fn !== "history") out.checks++;
      ts.forEachChild(n, visit);
    };
    if (node) visit(node);
    return out;
  };
  const mentionsQuick = (e: ts.Expression): boolean => {
    let hit = false;
    const visit = (n: ts.Node): void => {
      if (ts.isIdentifier(n) && n.text === "quick") hit = true;
      ts.forEachChild(n, visit);
    };
    visit(e);
    return hit;
  };
  for (const { cell, source } of codeCells(nb)) {
    const visit = (node: ts.Node): void => {
      if (ts.isIfStatement(node) && mentionsQuick(node.expression)) {
        const a = calls(node.thenStatement), b = calls(node.elseStatement);
        if ((a.checks > 0 && b.skips === 0) || (b.checks > 0 && a.skips === 0)) {
          add("skipped-checks", `cell ${cell}: a check runs only when \`${node.expression.getText()}\` ${a.checks > 0 ? "holds" : "fails"}; ` +
            `call check.skip(label, reason) on the other branch so the summary shows it as skipped`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(parse(source));
  }
}
