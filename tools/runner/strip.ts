/**
 * The git clean filter for notebooks (`scripts/nbstrip.js`, installed by `npm run setup`): what a
 * commit records is the notebook without outputs, execution counts and volatile metadata, so a
 * reader's executed copy (Jupyter autosaves outputs) never reaches a commit and never shows as
 * changed.
 *
 * Determinism and minimal diffs: the result is written in the repository's nbformat style (JSON
 * indented by one space, non-ASCII characters as themselves, a final newline). When the file has a
 * committed version (the git index), a result with the same content is that version byte for byte
 * (Jupyter re-saves with sorted keys; that alone must not count as a change), and changed content
 * keeps the committed key order. Without one, a notebook that needs no stripping passes through
 * unchanged.
 */
/** Cell metadata that records a session (timings, scroll and collapse state), not the chapter (nbstripout's list). */
const VOLATILE_CELL_METADATA = ["execution", "ExecuteTime", "collapsed", "scrolled", "heading_collapsed", "hidden"];
/** Notebook metadata of a session: the runner's record, widget state, the trust signature. */
const VOLATILE_NOTEBOOK_METADATA = ["genlab", "widgets", "signature"];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const isObj = (x: Json | undefined): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);

/**
 * Strip a parsed notebook in place; returns true when anything was removed or reset.
 * `committed` is the committed notebook, whose `language_info` is kept (or its absence): the kernel
 * rewrites that record on every save (tslab adds a version and an editor mode), and it says nothing
 * about the chapter.
 */
export function stripNotebook(nb: Obj, committed?: Obj): boolean {
  let changed = false;
  const cells = Array.isArray(nb.cells) ? nb.cells : [];
  for (const cell of cells) {
    if (!isObj(cell)) continue;
    if (cell.cell_type === "code") {
      if (!Array.isArray(cell.outputs) || cell.outputs.length > 0) { cell.outputs = []; changed = true; }
      if (cell.execution_count !== null) { cell.execution_count = null; changed = true; }
    }
    if (isObj(cell.metadata)) for (const k of VOLATILE_CELL_METADATA) if (k in cell.metadata) { delete cell.metadata[k]; changed = true; }
  }
  if (isObj(nb.metadata)) {
    for (const k of VOLATILE_NOTEBOOK_METADATA) if (k in nb.metadata) { delete nb.metadata[k]; changed = true; }
    if (committed) {
      const kept = isObj(committed.metadata) ? committed.metadata.language_info : undefined;
      if (!sameJson(kept ?? null, nb.metadata.language_info ?? null)) {
        if (kept === undefined) delete nb.metadata.language_info;
        else nb.metadata.language_info = kept;
        changed = true;
      }
    }
  }
  return changed;
}

/** `value` with its object keys in the order of `template` where both have them (cells matched by id, else by position). */
export function orderLike(value: Json, template: Json | undefined): Json {
  if (Array.isArray(value)) {
    const t = Array.isArray(template) ? template : [];
    const byId = new Map(t.filter(isObj).filter((c) => typeof c.id === "string").map((c) => [c.id as string, c]));
    return value.map((v, i) => orderLike(v, isObj(v) && typeof v.id === "string" && byId.has(v.id) ? byId.get(v.id) : t[i]));
  }
  if (!isObj(value)) return value;
  const t = isObj(template) ? template : {};
  const keys = [...Object.keys(t).filter((k) => k in value), ...Object.keys(value).filter((k) => !(k in t))];
  const out: Obj = {};
  for (const k of keys) out[k] = orderLike(value[k], t[k]);
  return out;
}

/** The repository's notebook style: JSON indented by one space, UTF-8 as is, final newline (as nbformat writes it). */
export function serializeNotebook(nb: Json): string {
  return JSON.stringify(nb, null, 1) + "\n";
}

function sameJson(a: Json, b: Json): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (isObj(a)) {
    if (!isObj(b)) return false;
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => k in b && sameJson(a[k], b[k]));
  }
  return a === b;
}

/**
 * The clean version of notebook text. `committedText` is the file's version in the git index, if
 * any. Text that is not a JSON object passes through unchanged (git then stores it as is, and the
 * lint reports it), so a half-merged file is never destroyed.
 */
export function stripText(text: string, committedText?: string | null): string {
  let nb: Json;
  try {
    nb = JSON.parse(text) as Json;
  } catch {
    return text;
  }
  if (!isObj(nb)) return text;
  let committed: Obj | undefined;
  try {
    const c = committedText ? (JSON.parse(committedText) as Json) : undefined;
    committed = isObj(c) ? c : undefined;
  } catch { /* a malformed committed version is no template */ }
  const changed = stripNotebook(nb, committed);
  if (committed && committedText) {
    if (sameJson(nb, committed)) return committedText;
    return serializeNotebook(orderLike(nb, committed));
  }
  return changed ? serializeNotebook(nb) : text;
}
