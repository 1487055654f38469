/**
 * Learning-rate schedules, as data (so a cached result's key records them): the learning rate at
 * step t (0-based) of T is lr * factor(t, T).
 *   constant                   1
 *   cosine  {warmup, final}    linear warm-up over `warmup` steps, then 1 -> final along half a cosine
 *   linear  {warmup, final}    linear warm-up, then a straight line 1 -> final
 *   step    {every, factor}    multiplied by `factor` every `every` steps
 *   exponential {halfLife}     halves every `halfLife` steps
 */
export type Schedule =
  | { kind: "constant" }
  | { kind: "cosine"; warmup?: number; final?: number }
  | { kind: "linear"; warmup?: number; final?: number }
  | { kind: "step"; every: number; factor: number }
  | { kind: "exponential"; halfLife: number };

/** Check a schedule; errors name the field. */
export function validateSchedule(s: Schedule): void {
  const bad = (what: string, v: unknown): never => { throw new RangeError(`schedule "${s.kind}": ${what}, got ${JSON.stringify(v)}`); };
  switch (s?.kind) {
    case "constant": return;
    case "cosine":
    case "linear":
      if (s.warmup !== undefined && !(Number.isInteger(s.warmup) && s.warmup >= 0)) bad("warmup must be a non-negative integer number of steps", s.warmup);
      if (s.final !== undefined && !(s.final >= 0)) bad("final must be a non-negative fraction of the base learning rate", s.final);
      return;
    case "step":
      if (!(Number.isInteger(s.every) && s.every > 0)) bad("every must be a positive integer", s.every);
      if (!(s.factor > 0)) bad("factor must be positive", s.factor);
      return;
    case "exponential":
      if (!(s.halfLife > 0)) bad("halfLife must be positive", s.halfLife);
      return;
    default:
      throw new RangeError(`schedule: kind must be "constant", "cosine", "linear", "step" or "exponential"; got ${JSON.stringify((s as { kind?: unknown })?.kind)}`);
  }
}

/** The multiplier of the base learning rate at step t (0-based) of a run of `total` steps. */
export function scheduleFactor(s: Schedule | undefined, t: number, total: number): number {
  if (!s || s.kind === "constant") return 1;
  switch (s.kind) {
    case "cosine":
    case "linear": {
      const warm = s.warmup ?? 0, final = s.final ?? 0;
      if (t < warm) return (t + 1) / warm;
      const span = Math.max(1, total - warm - 1);
      const u = Math.min(1, (t - warm) / span);
      const shape = s.kind === "cosine" ? 0.5 * (1 + Math.cos(Math.PI * u)) : 1 - u;
      return final + (1 - final) * shape;
    }
    case "step": return s.factor ** Math.floor(t / s.every);
    case "exponential": return 0.5 ** (t / s.halfLife);
  }
}
