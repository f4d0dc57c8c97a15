import type { MessageOf } from '../msg/MessageTypes.js';
import { QoS, resolveQoS } from '../QoS.js';
import { Subscription } from '../Subscription.js';
import type { NodeHandle } from '../transport/Transport.js';
import { SimClock } from './SimClock.js';

/** A SimClock fed by `/clock` through `handle` (a node with `use_sim_time`), and its subscription. */
export function subscribeSimClock(handle: NodeHandle): { clock: SimClock; subscription: Subscription } {
  const sim = new SimClock();
  // The clock callback feeds the clock directly, not through the executor: timers due at the
  // new time are then queued in order behind it, exactly once.
  const sub = new Subscription('/clock', 'rosgraph_msgs/msg/Clock', resolveQoS(QoS.profileClock));
  sub.attach(
    handle.subscribe('/clock', 'rosgraph_msgs/msg/Clock', sub.qos, (m) =>
      sim.onClockMessage(m as MessageOf<'rosgraph_msgs/msg/Clock'>),
    ),
  );
  return { clock: sim, subscription: sub };
}
