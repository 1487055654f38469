/** The sweep's pure parts: grids, run keys and folder names, recorded values, and reading results back. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { canonicalJson, cleanServerUrl, parseGrid, planSweep, readToken, runDirName, runDirPath, runKey, notebookKey } from "../../tools/sweep";
import { NotebookInputError, readNotebook } from "../../tools/runner";
import { RECORD_MIME, decodeRecorded, record, recorded, recordedInNotebook } from "../../src/record";
import { setTextSink } from "../../src/show/display";
import { loadSweep, readSweep, sweepCsv } from "../../src/sweepResults";

const root = path.resolve(__dirname, "../../../..");
const point = path.join(root, "tests", "fixtures", "sweep", "point.ipynb");

test("an object of lists expands to every combination, last key fastest", () => {
  const g = parseGrid('{"width": [1, 2], "seed": [0, 1, 2]}', "g.json");
  assert.deepEqual(g.parameters, ["width", "seed"]);
  assert.equal(g.points.length, 6);
  assert.deepEqual(g.points.slice(0, 4), [{ width: 1, seed: 0 }, { width: 1, seed: 1 }, { width: 1, seed: 2 }, { width: 2, seed: 0 }]);
  const list = parseGrid('[{"width": 3}, {"width": 5, "label": "x"}]', "l.json");
  assert.deepEqual(list.parameters, ["width", "label"]);
  assert.equal(list.points.length, 2);
});

test("malformed grids are rejected naming the key or point", () => {
  const bad: Array<[string, RegExp]> = [
    ['{"width": [1, 2', /g\.json: not valid JSON/],
    ['{"width": 8}', /"width" must be a list of values, got 8/],
    ['{"width": []}', /"width" is an empty list/],
    ['{"bad-name": [1]}', /key "bad-name" is not a parameter name/],
    ["[]", /the list of points is empty/],
    ['[{"width": 1}, 7]', /point 1 is 7/],
    ['[{"width": 1, "seed": 2}, {"seed": 2, "width": 1}]', /point 1 .* repeats point 0/],
    ["42", /expected a JSON object of lists or a list of points/],
  ];
  for (const [text, re] of bad) assert.throws(() => parseGrid(text, "g.json"), (e: Error) => e instanceof NotebookInputError && re.test(e.message), text);
});

test("every point is checked against the parameters cell before anything runs", () => {
  assert.throws(() => planSweep(point, parseGrid('{"width": [1], "depth": [2]}', "g.json"), "g.json"),
    /g\.json, point 0 \{"depth":2,"width":1\}: .*unknown parameter "depth"; the parameters cell assigns: quick, seed, width/);
  assert.throws(() => planSweep(point, parseGrid('{"width": [1, "wide"]}', "g.json"), "g.json"), /point 1 .*"width" expects a number/);
  const noParams = path.join(root, "tests", "fixtures", "sweep", "noparams.ipynb");
  assert.throws(() => planSweep(noParams, parseGrid('{"width": [1]}', "g.json"), "g.json"), /no code cell tagged "parameters"/);
  const plan = planSweep(point, parseGrid('{"width": [1, 2]}', "g.json"), "g.json");
  assert.equal(plan.points.length, 2);
  assert.notEqual(plan.points[0].key, plan.points[1].key);
});

test("run keys follow the notebook's code and the values, not key order or outputs", () => {
  const nb = readNotebook(point);
  const k = notebookKey(nb);
  assert.equal(runKey(k, { a: 1, b: [1, 2] }), runKey(k, { b: [1, 2], a: 1 }));
  assert.notEqual(runKey(k, { a: 1 }), runKey(k, { a: 2 }));
  const withOutputs = JSON.parse(JSON.stringify(nb));
  (withOutputs.cells[3] as any).outputs = [{ output_type: "stream", name: "stdout", text: "hi" }];
  assert.equal(notebookKey(withOutputs), k, "outputs do not change the key");
  const edited = JSON.parse(JSON.stringify(nb));
  edited.cells[4].source = "record(\"loss\", 2);\n";
  assert.notEqual(notebookKey(edited), k, "a changed cell changes the key");
  assert.equal(canonicalJson({ b: 1, a: { d: 2, c: 3 } }), '{"a":{"c":3,"d":2},"b":1}');
});

test("run folder names from any parameter values stay inside the output folder", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-sweep-names-"));
  const hostile = ["../../etc/passwd", "/abs/path", "..", ".hidden", "a\0b", "x/../../y", "\\..\\..\\win", "-rf", "é漢字", "a".repeat(500)];
  const names = new Set<string>();
  for (const v of hostile) {
    const key = runKey("nb", { label: v });
    const dir = runDirName({ label: v }, key);
    assert.match(dir, /^[A-Za-z0-9][A-Za-z0-9._=,+-]*$/, `${JSON.stringify(v)} -> ${dir}`);
    assert.ok(!dir.includes(".."), dir);
    assert.ok(dir.length <= 93, dir);
    const p = runDirPath(out, dir);
    assert.equal(path.dirname(p), path.join(out, "runs"));
    names.add(dir);
  }
  assert.equal(names.size, hostile.length, "distinct values give distinct folders");
  assert.throws(() => runDirPath(out, "../escape"), /would leave/);
  fs.rmSync(out, { recursive: true, force: true });
});

test("tokens come from a value, an environment variable or a file; URLs may not carry them", () => {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "genlab-tok-")), "t");
  fs.writeFileSync(f, "s3cret\n");
  assert.equal(readToken({ file: f }), "s3cret");
  process.env.GENLAB_TEST_TOKEN_X = "envtok";
  assert.equal(readToken({ env: "GENLAB_TEST_TOKEN_X" }), "envtok");
  assert.throws(() => readToken({ env: "GENLAB_TEST_TOKEN_UNSET" }), /--token-env GENLAB_TEST_TOKEN_UNSET: the environment variable is not set/);
  assert.throws(() => readToken({ file: f + ".missing" }), /--token-file .*: cannot read it \(ENOENT\)/);
  assert.throws(() => cleanServerUrl("http://127.0.0.1:8888/?token=abc"), (e: Error) => /carries credentials/.test(e.message) && !e.message.includes("abc"));
  assert.equal(cleanServerUrl("http://127.0.0.1:8888/user/a"), "http://127.0.0.1:8888/user/a/");
  assert.throws(() => cleanServerUrl("ftp://x/"), /only http and https/);
});

test("record tags values with its MIME type and checks names and values", () => {
  const seen: string[] = [];
  const prev = setTextSink((t) => seen.push(t));
  try {
    record("loss", 0.25);
    record("curve", [1, NaN, Infinity]);
    record("loss", 0.5);
    assert.throws(() => record("bad name", 1), /must be an identifier/);
    assert.throws(() => record("f", (() => 1) as never), /only numbers, strings, booleans, null, arrays and plain objects/);
    assert.throws(() => record("d", { when: new Date() } as never), /the value\.when is a Date/);
  } finally {
    setTextSink(prev);
  }
  assert.deepEqual(seen, ["loss = 0.25", 'curve = [1,"NaN","Infinity"]', "loss = 0.5"]);
  assert.deepEqual(recorded(), { loss: 0.5, curve: [1, NaN, Infinity] });
  const nb = { cells: [{ cell_type: "code", outputs: [
    { output_type: "display_data", data: { [RECORD_MIME]: { name: "a", value: 1 }, "text/plain": "a = 1" } },
    { output_type: "stream" },
    { output_type: "display_data", data: { [RECORD_MIME]: { name: "a", value: "-Infinity" } } },
  ] }] };
  assert.deepEqual(recordedInNotebook(nb), { a: -Infinity });
  assert.deepEqual(decodeRecorded({ x: ["NaN", "text"] }), { x: [NaN, "text"] });
});

test("a sweep folder reads back as rows, CSV and a DataFrame; incomplete sweeps say what is missing", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-sweep-read-"));
  const pts = [{ w: 1, s: 0 }, { w: 2, s: 0 }, { w: 3, s: 0 }].map((parameters, index) => {
    const key = runKey("nb", parameters);
    return { index, parameters, key, dir: runDirName(parameters, key) };
  });
  fs.writeFileSync(path.join(out, "sweep.json"), JSON.stringify({ version: 1, notebook: "x.ipynb", notebookKey: "nb", parameters: ["w", "s"], points: pts }));
  const write = (i: number, status: string, values: object, error?: string) => {
    fs.mkdirSync(path.join(out, "runs", pts[i].dir), { recursive: true });
    fs.writeFileSync(path.join(out, "runs", pts[i].dir, "result.json"), JSON.stringify({ key: pts[i].key, index: i, parameters: pts[i].parameters, status, values, error, server: "s", seconds: 1, attempts: 1, finishedAt: "", executed: "x.ipynb" }));
  };
  write(1, "ok", { loss: 0.5, note: "a,b" });
  write(0, "ok", { loss: "NaN", extra: [1, 2] });
  const t = readSweep(out);
  assert.deepEqual(t.columns, ["w", "s", "loss", "extra", "note"]);
  assert.deepEqual(t.rows.map((r) => r.w), [1, 2], "grid order");
  assert.ok(Number.isNaN(t.rows[0].loss as number));
  assert.equal(t.missing.length, 1);
  assert.equal(sweepCsv(t), 'w,s,loss,extra,note\n1,0,NaN,"[1,2]",\n2,0,0.5,,"a,b"\n');
  assert.throws(() => loadSweep(out), /2 of 3 runs finished, 1 not run \(w=3,s=0-/);
  write(2, "failed", {}, "cell 4 failed:\nError: boom");
  assert.throws(() => loadSweep(out), /2 of 3 runs finished, 1 failed \(w=3,s=0-[0-9a-f]+: cell 4 failed:\)/);
  const df = loadSweep(out, { partial: true });
  assert.deepEqual(df.shape, [2, 5]);
  assert.deepEqual(df.column("loss").values.slice(1), [0.5]);
  fs.rmSync(out, { recursive: true, force: true });
});
