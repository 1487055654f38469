/** The option reader `npm run nb` and `npm run sweep` share (tools/cli/options.ts). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";
import { OptionReader, UsageError } from "../../tools/cli/options";
import { projectRoot } from "../../tools/project/paths";

/** Read every argument: options in `valued` take a value (read as `kind`), the rest are listed as they come. */
function readAll(argv: string[], valued: Record<string, "value" | "number" | "integer">, min = 1): Array<[string, string | number | null]> {
  const r = new OptionReader(argv);
  const out: Array<[string, string | number | null]> = [];
  for (let arg = r.next(); arg !== undefined; arg = r.next()) {
    const kind = valued[arg];
    out.push([arg, kind === "value" ? r.value() : kind === "number" ? r.number(min) : kind === "integer" ? r.integer(min) : null]);
  }
  return out;
}

test("--opt value and --opt=value read the same; other arguments pass through in order", () => {
  const valued = { "--out": "value", "--jobs": "integer", "--timeout": "number" } as const;
  assert.deepEqual(readAll(["a.ipynb", "--out", "dir", "--jobs=3", "--timeout", "2.5", "-p", "b.ipynb"], valued), [
    ["a.ipynb", null], ["--out", "dir"], ["--jobs", 3], ["--timeout", 2.5], ["-p", null], ["b.ipynb", null],
  ]);
  // an inline value may hold '=' and newlines, and be empty
  assert.deepEqual(readAll(["--out=a=b\nc", "--out="], valued), [["--out", "a=b\nc"], ["--out", ""]]);
  // a value that looks like an option is still the value
  assert.deepEqual(readAll(["--out", "--jobs"], valued), [["--out", "--jobs"]]);
});

test("a missing value, a non-number, a fraction where a whole number is needed and a number below the bound are usage errors naming the option", () => {
  const err = (argv: string[], kind: "value" | "number" | "integer", min: number, message: string) =>
    assert.throws(() => readAll(argv, { "--x": kind }, min), (e: unknown) => e instanceof UsageError && e.message === message);
  err(["--x"], "value", 0, "--x needs a value");
  err(["--x", "abc"], "number", 0, "--x abc: expected a number >= 0");
  err(["--x=Infinity"], "number", 0, "--x Infinity: expected a number >= 0");
  err(["--x", "-1"], "number", 0, "--x -1: expected a number >= 0");
  err(["--x", "2.5"], "integer", 1, "--x 2.5: expected a whole number >= 1");
  err(["--x=0"], "integer", 1, "--x 0: expected a whole number >= 1");
  assert.deepEqual(readAll(["--x", "0"], { "--x": "integer" }, 0), [["--x", 0]]);
});

test("npm run book and npm run mutants read their options with it: --opt=value works, a bad value is a usage error (exit 2) naming the option", () => {
  const cli = (name: string, args: string[]) => spawnSync(process.execPath, [path.join(projectRoot, "dist", "tools", "cli", `${name}.js`), ...args], { encoding: "utf8", timeout: 60_000 });
  for (const name of ["book", "mutants"]) {
    const bad = cli(name, ["--jobs=0"]);
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /--jobs 0: expected a whole number >= 1/);
  }
  const listed = cli("mutants", ["--list", "--chapter=5"]);
  assert.equal(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, /^05-/m);
  assert.doesNotMatch(listed.stdout, /^0[^5]-/m);
});
