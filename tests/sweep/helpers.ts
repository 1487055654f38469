/** Shared by the sweep's live tests: the fixture, the CLI, and reading a sweep's output folder. */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { ChildProcess } from "child_process";
import { CliResult, run } from "../runner/helpers";

export { root, readJson, sleep } from "../runner/helpers";
import { root } from "../runner/helpers";

export const pointNb = path.join("tests", "fixtures", "sweep", "point.ipynb");
export const sweepCli = path.resolve(__dirname, "../../tools/cli/sweep.js");

/** Run `sweep` (from the project root) with these arguments; `onOutput` may kill things mid-run. */
export function runSweepCli(args: string[], opts: { env?: NodeJS.ProcessEnv; onOutput?: (all: string, child: ChildProcess) => void } = {}): Promise<CliResult> {
  return run(process.execPath, [sweepCli, ...args], { cwd: root, env: opts.env ?? process.env, onOutput: opts.onOutput });
}

/** Every result.json under OUT/runs. */
export function results(out: string): any[] {
  const runs = path.join(out, "runs");
  if (!fs.existsSync(runs)) return [];
  return fs.readdirSync(runs).filter((d) => fs.existsSync(path.join(runs, d, "result.json")))
    .map((d) => ({ dir: d, ...JSON.parse(fs.readFileSync(path.join(runs, d, "result.json"), "utf8")) }));
}

/** The rows of OUT/results.csv as objects of strings. */
export function csvRows(out: string): Array<Record<string, string>> {
  const [head, ...lines] = fs.readFileSync(path.join(out, "results.csv"), "utf8").trim().split("\n");
  const cols = head.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v])));
}

/** Lines of the output that report a finished run. */
export const okLines = (all: string): string[] => all.split("\n").filter((l) => l.startsWith("sweep: ok "));

/** No file under `dir` and neither stream contains `secret`. */
export function assertNoSecret(secret: string, dir: string, r: CliResult): void {
  assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), "a token was printed");
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  for (const f of walk(dir)) assert.ok(!fs.readFileSync(f, "utf8").includes(secret), `a token was written to ${f}`);
}
