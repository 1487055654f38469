/** Timing helpers for `npm run bench`: medians of repeated runs after a warm-up call. */
export interface Timing {
  /** Median seconds per call. */
  median_s: number;
  reps: number;
}

export interface TimingOptions {
  /** Seconds of repeats to aim for (after the warm-up). */
  budget_s: number;
  minReps?: number;
  maxReps?: number;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e9;

/** Time `f` (sync or async): one warm-up call, then repeats until the budget is spent (at least minReps, or 1 when a call is slower than the budget). */
export async function timeit(f: () => unknown | Promise<unknown>, opts: TimingOptions): Promise<Timing> {
  const minReps = opts.minReps ?? 3, maxReps = opts.maxReps ?? 25;
  const w0 = now();
  await f();
  const warm = now() - w0;
  const need = warm > opts.budget_s ? 1 : minReps;
  const ts: number[] = [];
  const start = now();
  while (ts.length < need || (ts.length < maxReps && now() - start < opts.budget_s)) {
    const t0 = now();
    await f();
    ts.push(now() - t0);
  }
  ts.sort((a, b) => a - b);
  return { median_s: ts[Math.floor(ts.length / 2)], reps: ts.length };
}
