import { OutpostError } from '../runtime/OutpostError.js';

/**
 * The simulator's seeded random numbers: mulberry32 (a 32-bit state, full period 2^32, passes
 * gjrand/PractRand far enough for world generation and sensor noise). Everything random in sim/
 * draws from one of these so that a seed reproduces a run; nothing in sim/ calls Math.random.
 */
export class Random {
  #state: number;

  /** `seed`: any finite number; its low 32 bits (after truncation) are the state. */
  constructor(seed: number) {
    if (!Number.isFinite(seed))
      throw new OutpostError('OUTPOST_ERR_INVALID_ARGUMENT', `random: seed must be a finite number, got ${seed}`);
    this.#state = Math.trunc(seed) >>> 0;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [a, b). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.next();
  }

  /** Uniform integer in [a, b] (both inclusive). */
  int(a: number, b: number): number {
    return a + Math.floor(this.next() * (b - a + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /**
   * Standard normal (mean 0, sd 1) by Box–Muller. Each call consumes exactly two uniforms (the
   * second Box–Muller value is discarded) so that the stream position does not depend on history.
   */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log stays finite
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * An independent generator for one purpose (`label`), seeded from this one's next draw mixed
   * with the label, so adding draws to one consumer does not shift another's stream.
   */
  fork(label: string): Random {
    let h = Math.floor(this.next() * 4294967296) >>> 0;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x9e3779b1) >>> 0;
    return new Random(h);
  }
}
