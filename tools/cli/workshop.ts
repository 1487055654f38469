/**
 * `npm run workshop [-- --out DIR] [--chapter NN ...] [--quick] [--no-run] [--jobs N] [--timeout S] [--notes]`:
 * workshop copies of every chapter (or the chapters named by number) under build/workshop/:
 *
 *   NN-title.student.ipynb  answers removed; each exercise followed by an empty answer cell and, where
 *                           the answer is a number, a check.exercise cell that says right or why not;
 *   NN-title.teacher.ipynb  the chapter itself with its solutions, executed (full size unless --quick;
 *                           --no-run writes it unexecuted).
 *
 * The teacher copies run on one Jupyter server, up to N kernels at once (default 1: a workshop copy is
 * made once, and other work may share the machine); progress shows the chapter, its cell and the time.
 * A chapter that fails names its cell; every other copy is still written. A chapter whose exercise
 * marks do not pass the lint rule `workshop` gets no copies (the lint says what to fix).
 * `--notes` also rewrites the generated part of docs/teaching.md (times, exercise dependencies).
 *
 * Exit codes: 0 every copy written and every teacher copy ran; 1 a chapter failed; 2 bad arguments;
 * 3 no Jupyter server; 130 / 143 / 129 interrupted.
 */
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../project/paths";
import {
  LocalServer, NotebookInputError, RunnerSetupError, handleStopSignals, killServerNow, readNotebook, runNotebook,
  serverRootFor, startServer, writeNotebook,
} from "../runner";
import type { LintViolation } from "../runner";
import { workshopViolations } from "../workshop/lint";
import { copyNames, studentCopy, teacherCopy } from "../workshop/copies";
import { exercises, allExerciseChecks } from "../workshop/chapter";
import { updateTeachingNotes } from "../workshop/notes";
import { OptionReader, UsageError } from "./options";

interface Args { outDir: string; chapters: string[]; quick: boolean; run: boolean; jobs: number; timeoutSec: number; notes: boolean }

function parseArgs(argv: string[]): Args {
  const a: Args = { outDir: path.join(projectRoot, "build", "workshop"), chapters: [], quick: false, run: true, jobs: 1, timeoutSec: 600, notes: false };
  const wanted: string[] = [];
  const r = new OptionReader(argv);
  for (let arg = r.next(); arg !== undefined; arg = r.next()) {
    if (arg === "--out") a.outDir = path.resolve(r.value());
    else if (arg === "--chapter") wanted.push(r.value());
    else if (arg === "--quick") a.quick = true;
    else if (arg === "--no-run") a.run = false;
    else if (arg === "--notes") a.notes = true;
    else if (arg === "--jobs") a.jobs = r.integer(1);
    else if (arg === "--timeout") a.timeoutSec = r.integer(0); // seconds, 0 = none
    else if (/^\d\d?$/.test(arg)) wanted.push(arg);
    else throw new UsageError(`unknown argument ${arg} (usage: npm run workshop -- [--out DIR] [--chapter NN ...] [--quick] [--no-run] [--jobs N] [--timeout S] [--notes])`);
  }
  const dir = path.join(projectRoot, "notebooks");
  const all = fs.readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();
  for (const w of wanted) {
    const nn = w.padStart(2, "0");
    const f = all.find((x) => x.startsWith(`${nn}-`));
    if (!f) throw new NotebookInputError(`--chapter ${w}: no chapter notebooks/${nn}-*.ipynb`);
    a.chapters.push(path.join(dir, f));
  }
  if (wanted.length === 0) a.chapters = all.map((f) => path.join(dir, f));
  return a;
}

const mmss = (s: number) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, "0")}`;

interface Outcome { chapter: string; student: string | null; teacher: string | null; status: "ok" | "not run" | "failed" | "skipped"; detail: string }

/** Write the student copy and stage the teacher copy of one chapter; null (with the reason) when its marks do not pass the lint. */
function makeCopies(file: string, outDir: string, stageDir: string, run: boolean): { outcome: Outcome; staged: string | null } {
  const name = path.basename(file);
  const text = fs.readFileSync(file, "utf8");
  const nb = readNotebook(file);
  const problems: LintViolation[] = [];
  workshopViolations(nb, /^(\d\d)-/.exec(name)?.[1] ?? null, (rule, detail) => problems.push({ path: file, rule, detail }));
  if (problems.length) {
    return { outcome: { chapter: name, student: null, teacher: null, status: "skipped", detail: `no copies: ${problems.map((p) => p.detail).join("; ")}` }, staged: null };
  }
  const names = copyNames(file);
  const student = path.join(outDir, names.student);
  writeNotebook(student, studentCopy(nb, file, text));
  const teacher = teacherCopy(nb, file, text);
  const checked = allExerciseChecks(nb).length, count = exercises(nb).length;
  const detail = `${count} exercise(s), ${checked} with a check`;
  if (!run) {
    writeNotebook(path.join(outDir, names.teacher), teacher);
    return { outcome: { chapter: name, student, teacher: path.join(outDir, names.teacher), status: "not run", detail }, staged: null };
  }
  const staged = path.join(stageDir, names.teacher);
  writeNotebook(staged, teacher);
  return { outcome: { chapter: name, student, teacher: null, status: "ok", detail }, staged };
}

async function main(): Promise<number> {
  console.debug = () => undefined; // @jupyterlab/services logs WebSocket chatter on console.debug
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
    fs.mkdirSync(args.outDir, { recursive: true });
  } catch (e) {
    if (e instanceof NotebookInputError || e instanceof UsageError) { console.error(`workshop: ${e.message}`); return 2; }
    console.error(`workshop: --out: ${(e as Error).message}`);
    return 2;
  }
  // the teacher copies run from a folder inside the project, where `import ... from "genlab"` resolves
  fs.mkdirSync(path.join(projectRoot, "build"), { recursive: true });
  const stageDir = fs.mkdtempSync(path.join(projectRoot, "build", "workshop-stage-"));
  const start = Date.now();
  const outcomes: Outcome[] = [];
  const toRun: { staged: string; outcome: Outcome }[] = [];
  args.chapters.forEach((file, i) => {
    const { outcome, staged } = makeCopies(file, args.outDir, stageDir, args.run);
    outcomes.push(outcome);
    if (staged) toRun.push({ staged, outcome });
    console.log(`workshop: [${i + 1}/${args.chapters.length}] ${outcome.chapter}: ${outcome.status === "skipped" ? outcome.detail : `student copy written (${outcome.detail})`}`);
  });
  let code = 0;
  if (toRun.length) {
    let server: LocalServer | null = null;
    const stop = handleStopSignals("workshop", () => { if (server) killServerNow(server); });
    process.on("exit", () => { if (server) killServerNow(server); });
    try {
      server = await startServer({ rootDir: serverRootFor(toRun.map((t) => t.staged)) });
    } catch (e) {
      fs.rmSync(stageDir, { recursive: true, force: true });
      if (e instanceof RunnerSetupError) { console.error(`workshop: ${e.message}`); return 3; }
      throw e;
    }
    const running = new Map<string, string>();
    let done = 0;
    const ticker = setInterval(() => process.stderr.write(`workshop: teacher copies ${done}/${toRun.length} done, ${mmss((Date.now() - start) / 1000)} elapsed; running: ${[...running].map(([f, c]) => `${f} ${c}`).join(", ") || "-"}\n`), 15_000);
    ticker.unref();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < toRun.length && !stop.signal.aborted) {
        const { staged, outcome } = toRun[next++];
        const label = path.basename(staged, ".ipynb");
        running.set(label, "starting");
        console.log(`workshop: running ${label}${args.quick ? " (quick)" : ""} ...`);
        try {
          const report = await runNotebook(staged, {
            parameters: args.quick ? { quick: true } : {}, outDir: args.outDir, server: server!, writeReport: false, timeoutSec: args.timeoutSec, signal: stop.signal,
            onProgress: (p) => running.set(label, `cell ${p.codeCell}/${p.codeCells}`),
          });
          outcome.teacher = report.output;
          if (report.status === "ok") outcome.detail += `; teacher copy ran in ${report.seconds.toFixed(1)} s`;
          else {
            outcome.status = "failed";
            // the kernel's error when it printed one (an exception, a failed check), else the runner's reason; a
            // timeout is named as such even when the interrupted kernel printed its own "interrupted by SIGINT"
            const kernel = report.error?.kernelError ?? "";
            const message = report.error?.message ?? "";
            const timedOut = /\) timed out after /.test(message);
            const text = timedOut || !kernel.trim() || /gave no error text|printed no error/.test(kernel) ? message.replace(/^[\s\S]*?\) (?=timed out)/, "") : kernel;
            const first = text.split("\n").find((l) => l.trim()) ?? "";
            outcome.detail += `; teacher copy ${report.status} at ${report.error?.cell ? `cell ${report.error.cell}` : "the start"}${first ? `: ${first.slice(0, 200)}` : ""}`;
          }
        } catch (e) {
          outcome.status = "failed";
          outcome.detail += `; teacher copy not run: ${(e as Error).message.split("\n")[0]}`;
        } finally {
          running.delete(label);
          done++;
        }
        console.log(`workshop: ${label}: ${outcome.status === "failed" ? "FAILED" : "ok"} (${outcome.detail})`);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(args.jobs, toRun.length) }, () => worker()));
    } finally {
      clearInterval(ticker);
      await server.stop();
      server = null;
      fs.rmSync(stageDir, { recursive: true, force: true });
    }
    code = stop.exitCode() ?? 0;
  } else fs.rmSync(stageDir, { recursive: true, force: true });
  if (args.notes) console.log(`workshop: ${updateTeachingNotes()}`);
  const failed = outcomes.filter((o) => o.status === "failed" || o.status === "skipped");
  console.log(`workshop: ${outcomes.length - failed.length}/${outcomes.length} chapter(s) ok in ${mmss((Date.now() - start) / 1000)}; copies in ${args.outDir}`);
  for (const f of failed) console.log(`workshop:   ${f.chapter}: ${f.detail}`);
  return code || (failed.length ? 1 : 0);
}

main().then((c) => process.exit(c), (e) => { console.error(e); process.exit(1); });
