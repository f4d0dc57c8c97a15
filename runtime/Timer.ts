import type { Clock } from './clock/Clock.js';
import type { Executor } from './Executor.js';

/**
 * Calls back every `period` nanoseconds of its node's clock (rclnodejs `Timer` shape). On the wall
 * clock a timer that fell behind skips the periods it missed, as rcl does; on a stepped clock
 * (sim, manual) it fires once per period passed, so a simulator step of any size gives the same
 * callbacks as real time would.
 */
export class Timer {
  readonly period: bigint;
  #clock: Clock;
  #executor: Executor;
  #callback: () => unknown;
  #origin: string;
  #cancelSchedule: (() => void) | undefined;
  #next = 0n;
  #canceled = false;

  /** @internal created by `Node.createTimer`. */
  constructor(period: bigint, clock: Clock, executor: Executor, callback: () => unknown, origin: string) {
    this.period = period;
    this.#clock = clock;
    this.#executor = executor;
    this.#callback = callback;
    this.#origin = origin;
    this.reset();
  }

  isCanceled(): boolean {
    return this.#canceled;
  }

  cancel(): void {
    this.#canceled = true;
    this.#cancelSchedule?.();
    this.#cancelSchedule = undefined;
  }

  /** Restarts the period from now (and un-cancels). */
  reset(): void {
    this.#cancelSchedule?.();
    this.#canceled = false;
    this.#arm(this.#clock.now().nanoseconds + this.period);
  }

  /** Nanoseconds until the next call. */
  timeUntilNextCall(): bigint {
    return this.#canceled ? -1n : this.#next - this.#clock.now().nanoseconds;
  }

  #arm(deadline: bigint): void {
    this.#next = deadline;
    this.#cancelSchedule = this.#clock.schedule(deadline, () => {
      if (this.#canceled) return;
      let next = deadline + this.period;
      if (this.#clock.clockType === 'system') {
        const now = this.#clock.now().nanoseconds;
        if (next <= now) next += ((now - next) / this.period + 1n) * this.period;
      }
      this.#arm(next);
      this.#executor.enqueue(this.#callback, this.#origin);
    });
  }
}
