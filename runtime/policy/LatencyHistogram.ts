/**
 * Latencies in log-spaced buckets (2% wide, 1 µs to ~100 s): O(1) to record, fixed memory, and
 * quantiles within 2% (HdrHistogram's idea, much simplified). Values in milliseconds.
 */
export class LatencyHistogram {
  static readonly #MIN_MS = 0.001;
  static readonly #RATIO = 1.02;
  static readonly #BUCKETS = Math.ceil(Math.log(1e8) / Math.log(1.02)) + 1;
  #counts = new Uint32Array(LatencyHistogram.#BUCKETS);
  #count = 0;
  #max = 0;
  #sum = 0;

  record(ms: number): void {
    const v = Math.max(ms, LatencyHistogram.#MIN_MS);
    const i = Math.min(
      LatencyHistogram.#BUCKETS - 1,
      Math.floor(Math.log(v / LatencyHistogram.#MIN_MS) / Math.log(LatencyHistogram.#RATIO)),
    );
    this.#counts[i]!++;
    this.#count++;
    this.#sum += ms;
    if (ms > this.#max) this.#max = ms;
  }

  get count(): number {
    return this.#count;
  }

  get maxMs(): number {
    return this.#max;
  }

  get meanMs(): number {
    return this.#count === 0 ? 0 : this.#sum / this.#count;
  }

  /** The q-quantile (0..1), as the geometric middle of its bucket; NaN when empty. */
  quantile(q: number): number {
    if (this.#count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return Math.min(this.#max, LatencyHistogram.#MIN_MS * LatencyHistogram.#RATIO ** (i + 0.5));
    }
    return this.#max;
  }

  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#max = 0;
    this.#sum = 0;
  }
}
