/**
 * Seeded pseudo-random numbers: every random draw in amem-flow comes from an `Rng` passed in
 * explicitly, so the same seed gives the same model on every backend and every machine.
 *
 * The generator is xoshiro128** (32-bit integer arithmetic only, so it is bit-reproducible in any
 * JavaScript engine), seeded through splitmix32. `Rng.derive(seed, ...labels)` makes independent
 * streams keyed by names or sample ids, so a draw does not depend on how data was batched.
 *
 * @example
 * const rng = new Rng(42);
 * rng.float();               // uniform in [0, 1)
 * Rng.derive(42, 'noise', 7) // the stream for sample 7 of the 'noise' step
 */

const TWO_32 = 4294967296;

function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/** FNV-1a over the UTF-16 code units of a string, mixed into `h`. */
function mixString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Mixes a finite number (an integer seed or sample id, up to 2^53) into `h`. */
function mixNumber(h: number, v: number): number {
  if (!Number.isSafeInteger(v)) throw new RangeError(`random seed parts must be safe integers, got ${v}`);
  const lo = v >>> 0;
  const hi = Math.floor(v / TWO_32) >>> 0;
  h = Math.imul(h ^ lo, 0x01000193);
  h = Math.imul(h ^ hi, 0x01000193);
  return splitmix32(h)[1];
}

/** A seeded xoshiro128** generator. */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | undefined;

  /** Seeds the generator from any safe integer. */
  constructor(seed: number) {
    let st = mixNumber(0x811c9dc5, seed);
    [st, this.s0] = splitmix32(st);
    [st, this.s1] = splitmix32(st);
    [st, this.s2] = splitmix32(st);
    [, this.s3] = splitmix32(st);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** An independent stream for `seed` and the given labels (step names, sample ids, ...). */
  static derive(seed: number, ...labels: (string | number)[]): Rng {
    let h = mixNumber(0x811c9dc5, seed);
    for (const label of labels) h = typeof label === 'string' ? mixString(h, label) : mixNumber(h, label);
    return new Rng(h);
  }

  /** A seed (uint32) for a named sub-stream, to hand to another component. */
  static deriveSeed(seed: number, ...labels: (string | number)[]): number {
    return Rng.derive(seed, ...labels).uint32();
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 32 bits of resolution. */
  float(): number {
    return this.uint32() / TWO_32;
  }

  /** A uniform integer in [0, n), without modulo bias; n at most 2^32. */
  int(n: number): number {
    if (!(n >= 1 && n <= TWO_32 && Number.isInteger(n))) throw new RangeError(`Rng.int needs an integer n in [1, 2^32], got ${n}`);
    const limit = TWO_32 - (TWO_32 % n);
    for (;;) {
      const u = this.uint32();
      if (u < limit) return u % n;
    }
  }

  /** -1 or +1 with equal probability. */
  sign(): number {
    return this.uint32() & 1 ? 1 : -1;
  }

  /** A standard normal draw (Box–Muller, both outputs used). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    const u = 1 - this.float(); // in (0, 1]: log is finite
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Shuffles `a` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
