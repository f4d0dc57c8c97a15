import { OutpostError, describeValue } from '../OutpostError.js';

/**
 * The fleet link's MQTT topic scheme (see README.md in this folder):
 *
 *   outpost/<fleet>/<robot>/<route>           data: one FleetEnvelope per message, published by <robot>
 *   outpost/<fleet>/<robot>/~ack/<sender>     acks: <robot> (the receiver) acknowledges envelopes from <sender>
 *
 * `<route>` is the ROS topic without its leading slash (`/r1/map_tiles` → `r1/map_tiles`), so it may
 * span several MQTT levels. `~` cannot appear in a ROS 2 topic name (it expands to the private
 * namespace before a name becomes a topic), so `~ack` never collides with a route. Every topic a
 * robot writes lies under its own `outpost/<fleet>/<robot>/`, which is the whole ACL rule.
 */
export const TOPIC_ROOT = 'outpost';
export const ACK_LEVEL = '~ack';
/** Stream requests of a ground station (issue 15): `outpost/<fleet>/<station>/~stream/<robot>`. */
export const STREAM_LEVEL = '~stream';

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Checks a fleet or robot name: a letter, then letters, digits, `_` or `-` (at most 64). */
export function assertFleetName(kind: 'fleet' | 'robot', name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new OutpostError(
      'OUTPOST_ERR_INVALID_NAME',
      `${kind} name ${describeValue(name)}: expected a letter then letters, digits, "_" or "-" (at most 64)`,
    );
  }
}

/** `/r1/map_tiles` → `r1/map_tiles`; checks that the route is a ROS-style name usable as MQTT levels. */
export function routeFromRosTopic(topic: string): string {
  const route = topic.startsWith('/') ? topic.slice(1) : topic;
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/.test(route) || route.length > 200) {
    throw new OutpostError(
      'OUTPOST_ERR_INVALID_NAME',
      `route ${describeValue(topic)}: expected a ROS topic name like "/r1/map_tiles" (letters, digits, "_", levels split by "/")`,
    );
  }
  return route;
}

export function dataTopic(fleet: string, robot: string, route: string): string {
  return `${TOPIC_ROOT}/${fleet}/${robot}/${route}`;
}

/** The topic on which `receiver` acknowledges what `sender` sent it (under the receiver's namespace). */
export function ackTopic(fleet: string, receiver: string, sender: string): string {
  return `${TOPIC_ROOT}/${fleet}/${receiver}/${ACK_LEVEL}/${sender}`;
}

/** Where ground station `station` asks `robot` for a topic (the one thing a read-only user may publish besides acks). */
export function streamRequestTopic(fleet: string, station: string, robot: string): string {
  return `${TOPIC_ROOT}/${fleet}/${station}/${STREAM_LEVEL}/${robot}`;
}

/** The subscription that receives every robot's data (and acks, filtered out by `parseFleetTopic`). */
export function fleetWildcard(fleet: string): string {
  return `${TOPIC_ROOT}/${fleet}/+/#`;
}

export type ParsedFleetTopic =
  | { kind: 'data'; fleet: string; robot: string; route: string }
  | { kind: 'ack'; fleet: string; robot: string; sender: string };

/** Splits a fleet topic; undefined for topics outside the scheme. */
export function parseFleetTopic(topic: string): ParsedFleetTopic | undefined {
  const levels = topic.split('/');
  if (levels.length < 4 || levels[0] !== TOPIC_ROOT) return undefined;
  const fleet = levels[1]!;
  const robot = levels[2]!;
  if (levels[3] === ACK_LEVEL) {
    if (levels.length !== 5) return undefined;
    return { kind: 'ack', fleet, robot, sender: levels[4]! };
  }
  return { kind: 'data', fleet, robot, route: levels.slice(3).join('/') };
}
