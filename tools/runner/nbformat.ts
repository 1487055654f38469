/**
 * nbformat 4 types, reading with validation, and atomic writing.
 *
 * Only the parts of the format the runner touches are typed; everything else is carried through
 * untouched (metadata keys we do not know, attachments, ...) so an executed copy loses nothing.
 */
import * as fs from "fs";
import * as path from "path";
import { randomBytes } from "crypto";

/** A multi-line string as nbformat stores it: one string or a list of lines. */
export type MultilineString = string | string[];

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}
export interface DisplayDataOutput {
  output_type: "display_data";
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}
export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CellMetadata {
  tags?: string[];
  [key: string]: unknown;
}
export interface CodeCell {
  cell_type: "code";
  id?: string;
  metadata: CellMetadata;
  source: MultilineString;
  outputs: Output[];
  execution_count: number | null;
}
export interface MarkdownCell {
  cell_type: "markdown" | "raw";
  id?: string;
  metadata: CellMetadata;
  source: MultilineString;
  attachments?: Record<string, unknown>;
}
export type Cell = CodeCell | MarkdownCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: {
    kernelspec?: { name: string; display_name?: string; language?: string };
    language_info?: Record<string, unknown>;
    genlab?: Record<string, unknown>;
    [key: string]: unknown;
  };
  cells: Cell[];
}

/** An input problem found before anything runs (bad file, bad parameter, ...): exit code 2. */
export class NotebookInputError extends Error {
  override name = "NotebookInputError";
}

/** The text of a cell's source (nbformat allows a string or a list of lines). */
export function sourceText(cell: { source: MultilineString }): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** The cell's tags (empty when it has none). */
export function cellTags(cell: Cell): string[] {
  const tags = cell.metadata?.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

/** Join a MultilineString into one string. */
export function joinText(text: MultilineString): string {
  return Array.isArray(text) ? text.join("") : text;
}

/** Split text into nbformat's list-of-lines form (each line keeps its "\n"), as Jupyter writes it. */
export function splitLines(text: string): string[] {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g);
  return lines ?? [];
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
function isMultiline(x: unknown): boolean {
  return typeof x === "string" || (Array.isArray(x) && x.every((l) => typeof l === "string"));
}

/**
 * Structural problems of a parsed notebook against nbformat 4 (the parts a runner depends on:
 * version, cells, cell types, sources, outputs, ids when minor >= 5). Empty when it is valid.
 * Not a full JSON-schema check; the tests cross-check executed copies with Python's nbformat.
 */
export function notebookProblems(nb: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(nb)) return ["the file is JSON but not an object"];
  if (nb.nbformat !== 4) {
    return [`not an nbformat 4 notebook (nbformat = ${JSON.stringify(nb.nbformat ?? null)})`];
  }
  if (typeof nb.nbformat_minor !== "number" || !Number.isInteger(nb.nbformat_minor)) {
    problems.push("nbformat_minor missing or not an integer");
  }
  if (!isObject(nb.metadata)) problems.push("notebook metadata missing or not an object");
  if (!Array.isArray(nb.cells)) {
    problems.push("no cells array");
    return problems;
  }
  const needIds = typeof nb.nbformat_minor === "number" && nb.nbformat_minor >= 5;
  const seenIds = new Set<string>();
  nb.cells.forEach((cell: unknown, i: number) => {
    const where = `cell ${i + 1}`;
    if (!isObject(cell)) {
      problems.push(`${where}: not an object`);
      return;
    }
    const type = cell.cell_type;
    if (type !== "code" && type !== "markdown" && type !== "raw") {
      problems.push(`${where}: unknown cell_type ${JSON.stringify(type ?? null)}`);
      return;
    }
    if (!isMultiline(cell.source)) problems.push(`${where}: source missing or not a string / list of strings`);
    if (!isObject(cell.metadata)) problems.push(`${where}: metadata missing or not an object`);
    else if (cell.metadata.tags !== undefined && !Array.isArray(cell.metadata.tags)) problems.push(`${where}: metadata.tags is not a list`);
    if (needIds) {
      if (typeof cell.id !== "string" || !/^[a-zA-Z0-9-_]{1,64}$/.test(cell.id)) problems.push(`${where}: missing or invalid cell id (required by nbformat 4.${nb.nbformat_minor})`);
      else if (seenIds.has(cell.id)) problems.push(`${where}: duplicate cell id ${cell.id}`);
      else seenIds.add(cell.id);
    }
    if (type === "code") {
      if (!Array.isArray(cell.outputs)) problems.push(`${where}: code cell without an outputs list`);
      else cell.outputs.forEach((o: unknown, j: number) => {
        const p = outputProblem(o);
        if (p) problems.push(`${where}, output ${j + 1}: ${p}`);
      });
      if (!(cell.execution_count === null || (typeof cell.execution_count === "number" && Number.isInteger(cell.execution_count)))) {
        problems.push(`${where}: execution_count must be an integer or null`);
      }
    }
  });
  return problems;
}

function outputProblem(o: unknown): string | null {
  if (!isObject(o)) return "not an object";
  switch (o.output_type) {
    case "stream":
      if (o.name !== "stdout" && o.name !== "stderr") return `stream name ${JSON.stringify(o.name)}`;
      return isMultiline(o.text) ? null : "stream text missing";
    case "display_data":
    case "execute_result":
      if (!isObject(o.data)) return "data missing";
      if (!isObject(o.metadata)) return "metadata missing";
      return null;
    case "error":
      return typeof o.ename === "string" && typeof o.evalue === "string" && Array.isArray(o.traceback) ? null : "error output incomplete";
    default:
      return `unknown output_type ${JSON.stringify(o.output_type ?? null)}`;
  }
}

/** Parse notebook JSON text and validate it; throws NotebookInputError with a one-line message. */
export function parseNotebook(text: string, file: string): Notebook {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new NotebookInputError(`${file}: not a valid .ipynb file (not JSON: ${(e as Error).message})`);
  }
  const problems = notebookProblems(json);
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (+${problems.length - 1} more)` : "";
    throw new NotebookInputError(`${file}: not a valid nbformat 4 notebook: ${problems[0]}${more}`);
  }
  return json as Notebook;
}

/** Read and validate a notebook file; throws NotebookInputError (one line) when it is missing or malformed. */
export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotebookInputError(`${file}: file not found`);
    if (code === "EISDIR") throw new NotebookInputError(`${file}: is a directory, not a notebook`);
    throw new NotebookInputError(`${file}: cannot read (${(e as Error).message})`);
  }
  return parseNotebook(text, file);
}

/** A fresh nbformat cell id (8 hex chars, like JupyterLab's short ids are unique enough per notebook). */
export function newCellId(): string {
  return randomBytes(4).toString("hex");
}

/**
 * Write a file atomically: write a temporary file in the same folder, fsync, then rename over the
 * target. A reader (or a crash) never sees a half-written notebook, and rename within one folder is
 * atomic on POSIX file systems.
 */
export function writeFileAtomic(file: string, text: string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(3).toString("hex")}.tmp`);
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Serialize a notebook the way Jupyter does (1-space indent, trailing newline) and write it atomically. */
export function writeNotebook(file: string, nb: Notebook): void {
  writeFileAtomic(file, JSON.stringify(nb, null, 1) + "\n");
}
