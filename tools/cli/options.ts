/**
 * The command-line option reader the CLIs share (`npm run nb`, `sweep`, `workshop`, `book`, `mutants`): walks the arguments,
 * splits `--opt=value` into its name and value, takes the next argument as the value of `--opt
 * value`, and reads numbers with a lower bound. A mistake throws `UsageError`, which each CLI prints
 * with its usage text and exit code 2.
 *
 *   const r = new OptionReader(process.argv.slice(2));
 *   for (let arg = r.next(); arg !== undefined; arg = r.next()) {
 *     if (arg === "--jobs") jobs = r.integer(1); else if (arg === "--out") out = r.value(); ...
 *   }
 */

/** A mistake on the command line (an unknown option, a missing or malformed value). */
export class UsageError extends Error {}

/** Reads an argument list one option at a time; see the file's note. */
export class OptionReader {
  private i = -1;
  private inline: string | undefined;
  /** The option being read (its name without any `=value`). */
  arg = "";

  constructor(private readonly argv: readonly string[]) {}

  /** The next argument, with a `--name=value` form reduced to `--name`; undefined after the last. */
  next(): string | undefined {
    if (++this.i >= this.argv.length) return undefined;
    const m = /^(--[a-z-]+)=(.*)$/s.exec(this.argv[this.i]);
    this.arg = m ? m[1] : this.argv[this.i];
    this.inline = m ? m[2] : undefined;
    return this.arg;
  }

  /** The current option's value: after its `=`, else the next argument. */
  value(): string {
    if (this.inline !== undefined) return this.inline;
    const v = this.argv[++this.i];
    if (v === undefined) throw new UsageError(`${this.arg} needs a value`);
    return v;
  }

  /** The value as a finite number >= min. */
  number(min: number): number {
    const v = this.value();
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new UsageError(`${this.arg} ${v}: expected a number >= ${min}`);
    return n;
  }

  /** The value as a whole number >= min. */
  integer(min: number): number {
    const v = this.value();
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`${this.arg} ${v}: expected a whole number >= ${min}`);
    return n;
  }
}
