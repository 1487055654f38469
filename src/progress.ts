/**
 * The one shape of progress reports in the lab. Every long computation takes an optional
 * `onProgress` and calls it with `{ done, total, label }` (plus the latest values worth showing,
 * e.g. a training loss); `live().progress` draws exactly this shape, so a cell writes
 *   const view = live();
 *   await experiments.rfSweep({ ..., onProgress: view.progress });
 */
export interface Progress {
  /** Units of work finished so far (0 <= done <= total). */
  done: number;
  /** Units of work in all. */
  total: number;
  /** What is being done ("random-feature sweep", "width 512"). */
  label?: string;
  /** Latest numbers worth showing next to the bar (e.g. { loss: 0.12 }). */
  values?: Record<string, number>;
}

/** A progress callback (see `Progress`). */
export type OnProgress = (p: Progress) => void;

/** Let the kernel flush displays (live progress, figures) during a long synchronous computation. */
export function yieldToKernel(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
