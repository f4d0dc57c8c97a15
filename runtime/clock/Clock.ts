import type { Time } from '../Time.js';

/** The kinds of clock a node can run on, as in ROS 2 (`rcl_clock_type_t`). */
export type ClockType = 'system' | 'ros' | 'steady';

/**
 * Where a node gets its time and how its timers wait. Nodes never read `Date.now()` or call
 * `setTimeout`: every stamp and every timer goes through one of these, so the simulator can run
 * faster than real time and tests can step time by hand.
 */
export interface Clock {
  readonly clockType: ClockType;
  now(): Time;
  /**
   * Calls `callback` once the clock reaches `deadline` (ns on this clock). Returns a function that
   * cancels the call. Callbacks of one clock fire in deadline order.
   */
  schedule(deadline: bigint, callback: () => void): () => void;
}
