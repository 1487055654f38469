/**
 * Named results of a notebook run, as data: `record("testLoss", 0.123)` shows the value and tags
 * it with a MIME type of its own, so whoever executes the notebook (the sweep runner, on any
 * Jupyter server) can read the values back from the executed copy's outputs without parsing text.
 * This is what papermill's scrapbook calls "glue".
 */
import { emit } from "./show/display";

/** The MIME type of a recorded value's display output: `{ name, value }` as JSON. */
export const RECORD_MIME = "application/vnd.genlab.record+json";

/** A value that can be recorded: JSON data (numbers may be NaN or infinite, they are encoded). */
export type Recordable = number | string | boolean | null | Recordable[] | { [key: string]: Recordable };

/** JSON has no NaN or Infinity; they travel as these strings and come back as numbers. */
const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

const recordedHere = new Map<string, Recordable>();

/** Names become CSV and DataFrame columns: identifiers only. */
export function checkRecordName(name: string): void {
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new Error(`record: name ${JSON.stringify(name)} must be an identifier (letters, digits, _), it becomes a column name`);
  }
}

function encode(name: string, v: unknown, where: string): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.map((x, i) => encode(name, x, `${where}[${i}]`));
  if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, encode(name, x, `${where}.${k}`)]));
  }
  throw new Error(`record("${name}"): ${where} is a ${v === undefined ? "undefined" : typeof v === "object" ? (v as object).constructor?.name ?? "object" : typeof v}; only numbers, strings, booleans, null, arrays and plain objects can be recorded`);
}

/** Undo `encode`: the strings "NaN", "Infinity", "-Infinity" at a number's place become numbers again. */
export function decodeRecorded(v: unknown): Recordable {
  if (typeof v === "string" && v in NON_FINITE) return NON_FINITE[v];
  if (Array.isArray(v)) return v.map(decodeRecorded);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decodeRecorded(x)]));
  return v as Recordable;
}

/**
 * Record a named result of this run (a loss, an exponent, a list of numbers). In a notebook it is
 * shown as `name = value` and carried in the output under RECORD_MIME; a sweep collects every
 * recorded value into one row per run. Recording a name again replaces its value.
 */
export function record(name: string, value: Recordable): void {
  checkRecordName(name);
  const encoded = encode(name, value, "the value");
  recordedHere.set(name, decodeRecorded(encoded));
  emit({ [RECORD_MIME]: { name, value: encoded }, "text/plain": `${name} = ${JSON.stringify(encoded)}` });
}

/** The values recorded in this process so far (name -> value), in recording order. */
export function recorded(): Record<string, Recordable> {
  return Object.fromEntries(recordedHere);
}

/**
 * The values recorded in an executed notebook (nbformat 4 JSON, already parsed): the last value of
 * each name wins, as in `record`.
 */
export function recordedInNotebook(nb: { cells?: Array<{ cell_type?: string; outputs?: Array<{ output_type?: string; data?: Record<string, unknown> }> }> }): Record<string, Recordable> {
  const out: Record<string, Recordable> = {};
  for (const cell of nb.cells ?? []) {
    if (cell.cell_type !== "code") continue;
    for (const o of cell.outputs ?? []) {
      if (o.output_type !== "display_data" && o.output_type !== "execute_result") continue;
      const r = o.data?.[RECORD_MIME] as { name?: unknown; value?: unknown } | undefined;
      if (!r || typeof r.name !== "string") continue;
      out[r.name] = decodeRecorded(r.value);
    }
  }
  return out;
}
