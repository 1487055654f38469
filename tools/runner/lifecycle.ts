/**
 * How the lab's commands (`npm run nb`, `npm run book`) stop when asked to: SIGINT (Ctrl-C),
 * SIGTERM (what a CI runner, a process manager or `kill` sends) and SIGHUP (the terminal closed)
 * all interrupt the running cell; the command then writes what it has, stops its server and
 * kernels, and exits with 128 + the signal number (130, 143, 129). A second signal forces: the
 * server is killed at once.
 *
 * One signal often arrives twice: sent to the whole process group (`timeout`, `kill -- -PGID`, a
 * terminal hangup), it reaches us directly and again through npm, which passes it on. So a signal
 * that comes within `DUPLICATE_WINDOW_MS` of the first counts as the same one, and only a later
 * one forces; the parent-watch below never forces.
 *
 * Run through npm, the command's parent is npm's `sh -c` (or npm itself, with `exec` in the
 * script). When npm is killed, its shell may die without passing the signal on, leaving us
 * orphaned and still running; so under npm we also watch our parent and stop as on SIGTERM when it
 * is gone.
 */
import * as fs from "fs";

/** Signals this close to the first are one event delivered twice (see the note above). */
export const DUPLICATE_WINDOW_MS = 1500;

export const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

export interface StopControl {
  /** Aborted at the first signal: pass it to executeNotebook / runNotebook. */
  signal: AbortSignal;
  /** The first signal received (null while none). */
  received(): NodeJS.Signals | null;
  /** 128 + the signal number once a signal arrived, else null. */
  exitCode(): number | null;
  /** Remove the handlers (tests, or a command that continues after its run). */
  dispose(): void;
}

/** The parent's pid as it is now (Linux /proc; elsewhere the pid at start, checked for liveness). */
export function parentAlive(startPpid: number): boolean {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (Number.isFinite(ppid)) return ppid === startPpid;
  } catch { /* not Linux */ }
  try {
    process.kill(startPpid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * Install the stop handlers. `name` prefixes the messages; `force` runs at the second signal,
 * before the process exits (kill the server now).
 */
export function handleStopSignals(name: string, force: () => void): StopControl {
  const controller = new AbortController();
  // Whoever read our output may be gone too (a killed npm, a closed CI pipe): a write must not
  // crash us before the cleanup.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
  let first: NodeJS.Signals | null = null;
  let firstAt = 0;
  const onSignal = (sig: NodeJS.Signals, why = sig as string, canForce = true) => {
    if (first === null) {
      first = sig;
      firstAt = Date.now();
      process.stderr.write(`\n${name}: ${why}: interrupting the running cells, writing the executed copies, shutting down (again to force)\n`);
      controller.abort();
    } else if (canForce && Date.now() - firstAt > DUPLICATE_WINDOW_MS) {
      force();
      process.exit(SIGNAL_EXIT_CODES[first] ?? 1);
    }
  };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  const handlers = signals.map((s) => [s, () => onSignal(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  let watch: NodeJS.Timeout | undefined;
  if (process.env.npm_lifecycle_event) {
    const ppid = process.ppid;
    watch = setInterval(() => {
      if (!parentAlive(ppid)) {
        clearInterval(watch);
        onSignal("SIGTERM", `npm (parent ${ppid}) is gone`, false);
      }
    }, 500);
    watch.unref();
  }
  return {
    signal: controller.signal,
    received: () => first,
    exitCode: () => (first ? SIGNAL_EXIT_CODES[first] ?? 1 : null),
    dispose() {
      for (const [s, h] of handlers) process.off(s, h);
      clearInterval(watch);
    },
  };
}
