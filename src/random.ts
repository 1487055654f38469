/**
 * Seeded pseudo-random numbers. Every dataset, initialisation and shuffle in the lab draws from an
 * `Rng`, so a chapter re-run with the same `seed` gives the same numbers.
 *
 * The convention, everywhere in the lab: a function that draws random numbers takes an `rng` in its
 * options and derives what it needs by name, `rng.fork("teacher")`, `rng.fork(\`seed ${s}\`)`.
 * A named fork depends only on the parent's identity and the name, never on how many numbers the
 * parent has drawn, so cells can run in any order, a cached cell that skips its computation leaves
 * every later stream unchanged, and adding draws to one part of an experiment does not move another.
 *
 * Written by hand because no well-kept npm package offers a seedable generator with Gaussian,
 * permutation and child-stream support together; the core is sfc32 (Chris Doty-Humphrey's Small Fast
 * Counting generator, period >= 2^32, passes PractRand to 2^40+), which is small and fast in JS.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | undefined;
  /** The seed this generator was created with (for records and error messages). */
  readonly seed: number;
  /**
   * Where this stream comes from: "7" for `new Rng(7)`, "7/teacher/seed 3" for named forks of it.
   * Two generators with the same path produce the same numbers.
   */
  readonly path: string;

  constructor(seed: number, path?: string) {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng: seed must be a finite number, got ${seed}`);
    this.seed = seed;
    this.path = path ?? String(seed);
    // splitmix32 expands one number into the four words of state, so nearby seeds give unrelated streams.
    let s = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform float in [lo, hi). */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Standard normal draw (Marsaglia polar method; caches the second value). */
  normal(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** Integer uniform in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** A Float64Array of `n` i.i.d. normal draws with the given mean and standard deviation. */
  normals(n: number, mean = 0, std = 1): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** A Float64Array of `n` i.i.d. uniform draws in [lo, hi). */
  uniforms(n: number, lo = 0, hi = 1): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.uniform();
    return out;
  }

  /** A random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** Shuffle an array in place and return it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /**
   * An independent child generator.
   * - `fork("name")` (the lab's convention): derived from this generator's path and the name alone,
   *   without drawing from it, so the parent's stream is untouched and the same name always gives the
   *   same child. Use distinct names for distinct purposes (`"data"`, `"init"`, `` `seed ${s}` ``).
   * - `fork()`: draws the child's seed from this stream (advances the parent), as before.
   */
  fork(name?: string): Rng {
    if (name === undefined) {
      const s = (this.nextUint32() ^ (this.nextUint32() << 7)) >>> 0;
      return new Rng(s);
    }
    if (typeof name !== "string" || name.length === 0) throw new TypeError(`Rng.fork: the name must be a non-empty string, got ${JSON.stringify(name)}`);
    return Rng.atPath(`${this.path}/${name}`);
  }

  /**
   * The generator `fork` gives for this path, e.g. `Rng.atPath(rng.fork("data").path)`: a named fork
   * depends on its path alone, so another thread can rebuild it from the path (a string) and draw the
   * same numbers. The path must be a fork's (it contains "/"); a root generator's state comes from its seed.
   */
  static atPath(path: string): Rng {
    if (typeof path !== "string" || !path.includes("/")) throw new TypeError(`Rng.atPath: expected a fork's path ("parent/name"), got ${JSON.stringify(path)}`);
    const child = new Rng(0, path);
    const h = hash128(path);
    child.a = h[0]; child.b = h[1]; child.c = h[2]; child.d = h[3];
    (child as { seed: number }).seed = h[0] & 0x7fffffff;
    for (let i = 0; i < 12; i++) child.nextUint32();
    return child;
  }

  /** `count` named forks `name 0`, `name 1`, ...: one generator per seed of a Monte-Carlo study. */
  forks(name: string, count: number): Rng[] {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`Rng.forks: count must be a non-negative integer, got ${count}`);
    return Array.from({ length: count }, (_, i) => this.fork(`${name} ${i}`));
  }

  /** A 32-bit integer seed for libraries that take one (TensorFlow.js initialisers). */
  intSeed(): number {
    return this.nextUint32() & 0x7fffffff;
  }
}

/**
 * Four 32-bit words from a string (cyrb128, public domain, by bryc): the state of a named fork.
 * Written out because it is four lines and must give the same words on every platform; a
 * cryptographic hash is not needed, only well-mixed, reproducible state.
 */
function hash128(str: string): [number, number, number, number] {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4; h2 ^= h1; h3 ^= h1; h4 ^= h1;
  return [h1 | 0, h2 | 0, h3 | 0, h4 | 0];
}
