import { SteppedClock } from './SteppedClock.js';

/**
 * A clock for tests: time stands still until `advance()` or `set()` moves it, and every timer due
 * on the way fires, in order. Deterministic: the same steps give the same callbacks.
 */
export class ManualClock extends SteppedClock {
  constructor(startNs: bigint = 0n) {
    super('ros', startNs);
  }

  advance(ns: bigint): void {
    this.setTime(this.now().nanoseconds + ns);
  }

  set(ns: bigint): void {
    this.setTime(ns);
  }
}
