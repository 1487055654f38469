/**
 * `npm run mutants -- [--size quick|full] [--chapter NN]... [--mutant NAME]... [--jobs N]
 *                     [--out FILE] [--timeout S] [--list] [--check-targets] [--keep]`
 *
 * Applies the planted mistakes of tools/mutants/mutants.json one at a time to private copies of the
 * project, runs the affected chapters (cache off, every check run after a failure) and prints a
 * table: mutant, chapters, caught or missed, the check that caught it and its margin. Writes the
 * result as JSON (machine, date, commit included) and the table as Markdown next to it.
 *
 * Exit codes: 0 every applied mutant was caught (or detected); 1 some mutant was missed, could not be
 * applied, or a baseline failed; 2 usage error.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../project/paths";
import { Mutant, Size, checkTarget, loadMutants } from "../mutants/list";
import { ChapterRun, MutantResult, resultTable } from "../mutants/outcome";
import { OptionReader, UsageError } from "./options";
import { Workspace, gitState, machine, makeWorkspace, mutantRuns, runChapters, runKey, runMutant } from "../mutants/harness";

const USAGE = `usage: npm run mutants -- [options]

options:
  --size quick|full   chapter size to run (default quick)
  --chapter NN        only mutants whose claim is in chapter NN (repeatable)
  --mutant NAME       only this mutant (repeatable)
  --jobs N            workspaces run side by side (default 1; each runs one chapter kernel at a time)
  --timeout S         per-cell timeout in seconds (default 900)
  --out FILE          result JSON (default build/mutants/result-<size>.json; the table goes to the same name .md)
  --list              print the selected mutants and exit
  --check-targets     check that every selected mutant's target text is in the tree (no chapter runs)
  --keep              keep the workspaces (default: removed at the end)`;

interface Args { size: Size; chapters: string[]; mutants: string[]; jobs: number; timeout: number; out?: string; list: boolean; checkTargets: boolean; keep: boolean }

function parseArgs(argv: string[]): Args | "help" {
  const a: Args = { size: "quick", chapters: [], mutants: [], jobs: 1, timeout: 900, list: false, checkTargets: false, keep: false };
  const r = new OptionReader(argv);
  for (let flag = r.next(); flag !== undefined; flag = r.next()) {
    switch (flag) {
      case "-h": case "--help": return "help";
      case "--size": { const s = r.value(); if (s !== "quick" && s !== "full") throw new UsageError(`--size ${s}: quick or full`); a.size = s; break; }
      case "--chapter": { const c = r.value().padStart(2, "0"); if (!/^\d\d$/.test(c)) throw new UsageError(`--chapter ${c}: a chapter number`); a.chapters.push(c); break; }
      case "--mutant": a.mutants.push(r.value()); break;
      case "--jobs": a.jobs = r.integer(1); break;
      case "--timeout": { const n = r.number(0); if (n === 0) throw new UsageError("--timeout: seconds > 0"); a.timeout = n; break; }
      case "--out": a.out = r.value(); break;
      case "--list": a.list = true; break;
      case "--check-targets": a.checkTargets = true; break;
      case "--keep": a.keep = true; break;
      default: throw new UsageError(`unknown argument ${flag}`);
    }
  }
  return a;
}

function select(all: Mutant[], a: Args): Mutant[] {
  const unknown = a.mutants.filter((n) => !all.some((m) => m.name === n));
  if (unknown.length) throw new Error(`no mutant named ${unknown.join(", ")} (see --list)`);
  return all.filter((m) => (a.mutants.length === 0 || a.mutants.includes(m.name)) && (a.chapters.length === 0 || a.chapters.includes(m.chapters[0])));
}

async function main(): Promise<number> {
  let a: Args | "help";
  try { a = parseArgs(process.argv.slice(2)); } catch (e) { console.error(`mutants: ${(e as Error).message}\n\n${USAGE}`); return 2; }
  if (a === "help") { console.log(USAGE); return 0; }
  const all = loadMutants(projectRoot);
  let chosen: Mutant[];
  try { chosen = select(all, a); } catch (e) { console.error(`mutants: ${(e as Error).message}`); return 2; }
  if (a.list) {
    for (const m of chosen) console.log(`${m.name.padEnd(34)} ${m.kind.padEnd(9)} ${m.pending ? "[pending] " : ""}${m.claim} — ${m.reason}`);
    console.log(`${chosen.length} mutants`);
    return 0;
  }
  if (a.checkTargets) {
    let bad = 0;
    for (const m of chosen) {
      if (m.pending) { console.log(`pending   ${m.name}: ${m.pending}`); continue; }
      const { result } = checkTarget(projectRoot, m);
      if (!result.ok) bad++;
      console.log(`${result.ok ? "ok       " : "NOT FOUND"} ${m.name}${result.ok ? "" : `: ${m.file}: ${result.why}`}`);
    }
    console.log(`${chosen.length - bad} of ${chosen.length} targets apply${bad ? `; ${bad} do not: update their find text` : ""}`);
    return bad ? 1 : 0;
  }

  const started = new Date();
  const git = gitState(projectRoot);
  const results: MutantResult[] = [];
  const skip = (m: Mutant, verdict: "pending" | "skipped", detail: string): MutantResult =>
    ({ name: m.name, chapters: m.chapters, claim: m.claim, kind: m.kind, size: a.size, verdict, caughtBy: [], margin: null, detail, seconds: 0 });
  const runnable: Mutant[] = [];
  for (const m of chosen) {
    if (m.pending) results.push(skip(m, "pending", m.pending));
    else if (m.sizes && !m.sizes.includes(a.size)) results.push(skip(m, "skipped", `the chapter checks this claim at ${m.sizes.join(", ")} size only`));
    else runnable.push(m);
  }
  const chapters = [...new Set(runnable.flatMap((m) => m.chapters))].sort();
  // the baseline runs: each chapter whole, or only the sections a mutant runs ("12§4")
  const baseRuns = new Map<string, { chapter: string; sections: number[] }>();
  for (const r of runnable.flatMap(mutantRuns)) baseRuns.set(runKey(r.chapter, r.sections), r);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "genlab-mutants-"));
  const jobs = Math.max(1, Math.min(a.jobs, runnable.length));
  console.error(`mutants: ${runnable.length} to run at ${a.size} size over chapters ${chapters.join(", ") || "none"}, ${jobs} workspace(s) under ${tmp}`);
  const baseline = new Map<string, ChapterRun>();
  const outFile = path.resolve(a.out ?? path.join(projectRoot, "build", "mutants", `result-${a.size}.json`));
  const count = (v: string) => results.filter((r) => r.verdict === v).length;
  const order = new Map(chosen.map((m, i) => [m.name, i]));
  const save = (partial: boolean): { md: string } => {
    results.sort((x, y) => order.get(x.name)! - order.get(y.name)!);
    const summary = `${count("caught")} caught, ${count("crashed")} crashed (detected without a check), ${count("build-failed")} did not compile, ${count("missed")} missed, ${count("below-resolution")} below the chapter's stated resolution, ${count("not-applied")} not applied, ${count("baseline-failed")} with a failing baseline, ${count("skipped")} skipped (claim not checked at this size), ${count("pending")} pending${partial ? ` (partial: ${results.length} of ${chosen.length})` : ""}`;
    const finishedAt = new Date().toISOString();
    const record = {
      harness: "genlab mutants", size: a.size, startedAt: started.toISOString(), finishedAt, partial,
      machine: machine(), git, filters: { chapters: a.chapters, mutants: a.mutants }, jobs,
      baseline: [...baseline.values()].map((b) => ({ chapter: b.chapter, ...(b.sections ? { sections: b.sections } : {}), status: b.status, seconds: b.seconds, checks: b.checks.length, failed: b.checks.filter((c) => !c.passed).map((c) => c.name), ...(b.error ? { error: b.error } : {}) })),
      summary, results,
    };
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    fs.writeFileSync(outFile, JSON.stringify(record, null, 1) + "\n");
    const md = `Mutants at ${a.size} size, ${finishedAt.slice(0, 16).replace("T", " ")} UTC, ${record.machine.cpu} (${record.machine.cores} cores, load ${record.machine.loadAvg[0]}), commit ${git.commit.slice(0, 10)}${git.dirty ? " + uncommitted changes" : ""}\n\n${resultTable(results)}\n\n${summary}\n`;
    fs.writeFileSync(outFile.replace(/\.json$/, "") + ".md", md);
    return { md };
  };
  // Ctrl-C / kill: keep what was measured, remove the copies (the chapter runners stop their own servers)
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      if (results.length) save(true);
      if (!a.keep) fs.rmSync(tmp, { recursive: true, force: true });
      console.error(`mutants: interrupted (${sig}); ${results.length} result(s) kept in ${outFile}`);
      process.exit(sig === "SIGINT" ? 130 : 143);
    });
  }
  try {
    const spaces: Workspace[] = [];
    for (let j = 0; j < jobs; j++) {
      console.error(`mutants: copying and building workspace ${j + 1} ...`);
      spaces.push(makeWorkspace(projectRoot, path.join(tmp, `w${j + 1}`)));
    }
    if (runnable.length) {
      const keys = [...baseRuns.keys()].sort();
      console.error(`mutants: baseline (unmutated) run of ${keys.join(", ")} ...`);
      // the baseline runs are spread over the workspaces too, one runner call per set of sections
      let nextBase = 0;
      await Promise.all(spaces.map(async (ws, j) => {
        while (nextBase < keys.length) {
          const k = keys[nextBase++], { chapter, sections } = baseRuns.get(k)!;
          for (const r of await runChapters(ws, [chapter], a.size, `baseline-${j + 1}-${k.replace("§", "-s").replace(/,/g, "-")}`, a.timeout, sections)) {
            baseline.set(k, r);
            const failed = r.checks.filter((c) => !c.passed);
            console.error(`mutants: baseline ${k}: ${r.status}, ${r.checks.length} checks, ${failed.length} failed, ${r.seconds.toFixed(0)} s${r.error ? ` (${r.error})` : ""}`);
          }
        }
      }));
    }
    let next = 0, done = 0;
    await Promise.all(spaces.map(async (ws) => {
      while (next < runnable.length) {
        const m = runnable[next++];
        const r = await runMutant(ws, m, a.size, baseline, a.timeout);
        results.push(r);
        done++;
        save(true);   // a run cut short still leaves what it measured
        console.error(`mutants: [${done}/${runnable.length}] ${m.name}: ${r.verdict}${r.caughtBy[0] ? ` by ${r.caughtBy[0]}` : r.closest ? ` (closest ${r.closest}, margin ${r.margin?.toFixed(2)})` : r.detail ? ` (${r.detail})` : ""} in ${r.seconds.toFixed(0)} s`);
      }
    }));
  } finally {
    if (!a.keep) fs.rmSync(tmp, { recursive: true, force: true });
  }
  const { md } = save(false);
  console.log(md);
  console.error(`mutants: result written to ${outFile} and ${outFile.replace(/\.json$/, "")}.md`);
  return count("missed") + count("not-applied") + count("baseline-failed") > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => { console.error(`mutants: ${(e as Error).stack ?? e}`); process.exit(1); });
