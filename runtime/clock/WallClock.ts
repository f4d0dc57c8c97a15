import { Time } from '../Time.js';
import type { Clock, ClockType } from './Clock.js';

/**
 * The system clock: nanoseconds since the Unix epoch, read from a monotonic source anchored once to
 * the wall clock, so stamps never step backwards when NTP slews the system time mid-run.
 */
export class WallClock implements Clock {
  readonly clockType: ClockType = 'system';
  readonly #anchorEpochNs: bigint;
  readonly #anchorHr: bigint;

  constructor() {
    this.#anchorEpochNs = BigInt(Date.now()) * 1_000_000n;
    this.#anchorHr = process.hrtime.bigint();
  }

  now(): Time {
    return new Time(this.#anchorEpochNs + (process.hrtime.bigint() - this.#anchorHr));
  }

  schedule(deadline: bigint, callback: () => void): () => void {
    let handle: NodeJS.Timeout | undefined;
    const arm = (): void => {
      const remainingNs = deadline - this.now().nanoseconds;
      if (remainingNs <= 0n) {
        handle = undefined;
        callback();
        return;
      }
      // setTimeout has millisecond resolution and may fire early by a fraction: re-arm until due.
      const ms = Math.max(0, Math.ceil(Number(remainingNs) / 1e6));
      handle = setTimeout(arm, ms);
    };
    arm();
    return () => {
      if (handle !== undefined) clearTimeout(handle);
      handle = undefined;
    };
  }
}
