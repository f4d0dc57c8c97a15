import { OutpostError, describeValue } from '../OutpostError.js';
import { routeFromRosTopic } from './FleetTopics.js';

/**
 * How a route (one ROS topic carried to a teammate) behaves on the fleet link.
 * - `reliable`: written to the outbox, resent until the peer acknowledges it; delivered exactly once, in order.
 * - `latest-only`: the outbox keeps only the newest message of the route (older ones are superseded);
 *   that one is resent until acknowledged. For state such as poses or tile version vectors.
 * - `best-effort`: sent once when the link is up, never resent; may be lost. For high-rate telemetry.
 *
 * A latest-only route with `acked: false` is sent at QoS 0 and never acknowledged: a periodic record
 * (telemetry to the ground station) whose next message is its retry. The outbox still keeps only
 * the newest (older ones counted as superseded) and deletes it once written to the socket; one lost
 * on the way shows at the receiver as a skipped seq. Saves the acks' ~58 B per message (issue 15).
 */
export type Reliability = 'reliable' | 'latest-only' | 'best-effort';

/** What a full route does with one more message: evict its oldest, refuse the new one, or throw. */
export type DropPolicy = 'drop-oldest' | 'drop-newest' | 'reject';

export interface FleetRouteOptions {
  /** ROS topic, e.g. `/r1/map_tiles`; the route name is the topic without its leading slash. */
  topic: string;
  /** ROS 2 type name of the messages, e.g. `outpost_msgs/msg/MapTile`. */
  type: string;
  /** Default `reliable`. */
  reliability?: Reliability;
  /** Higher goes first when the link drains (0-255). Default 100. */
  priority?: number;
  /** At most this many messages per second leave on this route; 0 = unlimited. Default 0. Unit: Hz. */
  maxRateHz?: number;
  /** A message not sent within this many seconds of enqueueing is dropped (counted); 0 = never. Default 0. Unit: s. */
  expirySec?: number;
  /** Most bytes of payload the route may hold queued on disk; 0 = unlimited. Default 64 MiB. Unit: bytes. */
  byteCap?: number;
  /** What happens when `byteCap` would be exceeded. Default `drop-oldest`. */
  dropPolicy?: DropPolicy;
  /** A latest-only route may turn the peer's acks off (see above). Default true. */
  acked?: boolean;
}

export interface FleetRoute {
  readonly route: string;
  readonly topic: string;
  readonly type: string;
  readonly reliability: Reliability;
  readonly priority: number;
  readonly maxRateHz: number;
  readonly expirySec: number;
  readonly byteCap: number;
  readonly dropPolicy: DropPolicy;
  /** Sent with QoS 1 and an application ack, resent until acknowledged (false only for latest-only). */
  readonly acked: boolean;
}

const RELIABILITIES: readonly Reliability[] = ['reliable', 'latest-only', 'best-effort'];
const DROP_POLICIES: readonly DropPolicy[] = ['drop-oldest', 'drop-newest', 'reject'];

/** Fills in defaults and validates once, at the edge. */
export function defineRoute(o: FleetRouteOptions): FleetRoute {
  const route = routeFromRosTopic(o.topic);
  const bad = (what: string, v: unknown): never => {
    throw new OutpostError('OUTPOST_ERR_FLEET_ROUTE', `route "${route}": ${what}, got ${describeValue(v)}`);
  };
  const reliability = o.reliability ?? 'reliable';
  if (!RELIABILITIES.includes(reliability)) bad(`reliability must be one of ${RELIABILITIES.join(', ')}`, reliability);
  const dropPolicy = o.dropPolicy ?? 'drop-oldest';
  if (!DROP_POLICIES.includes(dropPolicy)) bad(`dropPolicy must be one of ${DROP_POLICIES.join(', ')}`, dropPolicy);
  const priority = o.priority ?? 100;
  if (!Number.isInteger(priority) || priority < 0 || priority > 255) bad('priority must be an integer 0-255', priority);
  const nonNeg = (k: string, v: number): number =>
    Number.isFinite(v) && v >= 0 ? v : bad(`${k} must be a number >= 0`, v);
  if (typeof o.type !== 'string' || o.type.length === 0) bad('type must be a ROS 2 type name', o.type);
  const acked = o.acked ?? reliability !== 'best-effort';
  if (typeof acked !== 'boolean') bad('acked must be true or false', acked);
  if (!acked && reliability === 'reliable')
    bad('a reliable route is acknowledged (acked=false needs latest-only)', acked);
  if (acked && reliability === 'best-effort') bad('a best-effort route is never acknowledged', acked);
  return {
    route,
    topic: o.topic,
    type: o.type,
    reliability,
    priority,
    dropPolicy,
    acked,
    maxRateHz: nonNeg('maxRateHz', o.maxRateHz ?? 0),
    expirySec: nonNeg('expirySec', o.expirySec ?? 0),
    byteCap: nonNeg('byteCap', o.byteCap ?? 64 * 1024 * 1024),
  };
}
