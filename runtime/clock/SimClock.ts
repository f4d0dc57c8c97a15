import { Time, type TimeMsg } from '../Time.js';
import { SteppedClock } from './SteppedClock.js';

/**
 * ROS time under `use_sim_time`: it reads 0 until the first `/clock` message, then follows it;
 * timers fire in sim time as `/clock` advances. The node feeds it from its `/clock` subscription.
 */
export class SimClock extends SteppedClock {
  #received = false;

  constructor() {
    super('ros', 0n);
  }

  /** True once a `/clock` message has arrived. */
  get isActive(): boolean {
    return this.#received;
  }

  onClockMessage(msg: { clock: TimeMsg }): void {
    this.#received = true;
    const t = Time.fromMsg(msg.clock).nanoseconds;
    // A stale or repeated /clock (two publishers, a replayed bag) must not throw inside a callback.
    if (t >= this.now().nanoseconds) this.setTime(t);
  }
}
