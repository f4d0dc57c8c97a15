import { OutpostError } from '../OutpostError.js';
import { Time } from '../Time.js';
import type { Clock, ClockType } from './Clock.js';

interface Entry {
  deadline: bigint;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

/**
 * A clock whose time only moves when told to: the base of the manual clock (tests) and the sim
 * clock (`use_sim_time`, fed by `/clock`). Moving time forward fires every due callback in
 * deadline order (ties in scheduling order); a callback that schedules another due one (a periodic
 * timer catching up) fires within the same step, exactly as often as wall time would have.
 */
export class SteppedClock implements Clock {
  readonly clockType: ClockType;
  #now: bigint;
  #entries: Entry[] = [];
  #seq = 0;
  #firing = false;

  constructor(clockType: ClockType, start: bigint = 0n) {
    this.clockType = clockType;
    this.#now = start;
  }

  now(): Time {
    return new Time(this.#now);
  }

  schedule(deadline: bigint, callback: () => void): () => void {
    const entry: Entry = { deadline, seq: this.#seq++, callback, cancelled: false };
    // Sorted insert: timers per clock are few, and firing must be strictly ordered.
    let i = this.#entries.length;
    while (i > 0 && compare(this.#entries[i - 1]!, entry) > 0) i--;
    this.#entries.splice(i, 0, entry);
    return () => {
      entry.cancelled = true;
    };
  }

  /** Moves time to `t` (ns), firing due callbacks. Time never goes backwards. */
  setTime(t: bigint): void {
    if (t < this.#now) {
      // ROS 2 resets timers when sim time jumps back (a restarted bag); we hold instead, loudly.
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `clock time cannot go backwards: now ${this.#now} ns, asked for ${t} ns`,
      );
    }
    if (this.#firing) {
      this.#now = t > this.#now ? t : this.#now;
      return;
    }
    this.#firing = true;
    try {
      for (;;) {
        const next = this.#entries[0];
        if (next === undefined || next.deadline > t) break;
        this.#entries.shift();
        if (next.cancelled) continue;
        // biome-ignore lint/complexity/useMathMinMax: bigint nanoseconds (Math.max takes numbers)
        this.#now = next.deadline > this.#now ? next.deadline : this.#now;
        next.callback();
      }
      this.#now = t;
    } finally {
      this.#firing = false;
    }
  }

  /** Deadline of the next pending callback, if any: lets a simulator jump straight to it. */
  nextDeadline(): bigint | undefined {
    while (this.#entries[0]?.cancelled) this.#entries.shift();
    return this.#entries[0]?.deadline;
  }
}

function compare(a: Entry, b: Entry): number {
  if (a.deadline !== b.deadline) return a.deadline < b.deadline ? -1 : 1;
  return a.seq - b.seq;
}
