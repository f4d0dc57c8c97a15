import { OutpostError } from '../../runtime/OutpostError.js';
import { defineRoute, type FleetRoute, type FleetRouteOptions } from '../../runtime/fleet/FleetRoute.js';
import { defaultRegistry } from '../../runtime/msg/defaultRegistry.js';

/**
 * A route as the fleet_link node's `routes` parameter gives it, one string each:
 *
 *   "TOPIC TYPE [reliability=reliable|latest-only|best-effort] [priority=0..255] [max_rate_hz=HZ]
 *    [expiry_s=S] [byte_cap=BYTES] [drop=drop-oldest|drop-newest|reject] [acked=true|false]"
 *
 * e.g. "pose geometry_msgs/msg/PoseStamped reliability=latest-only priority=200". TOPIC is
 * relative to the robot's namespace: the node forwards what its robot publishes on `<ns>/TOPIC`
 * and publishes what teammate X sent on `<ns>/fleet/X/TOPIC`.
 */
const KEYS: Record<string, (o: FleetRouteOptions, v: string) => void> = {
  reliability: (o, v) => {
    o.reliability = v as FleetRouteOptions['reliability'];
  },
  priority: (o, v) => {
    o.priority = num(v, 'priority');
  },
  max_rate_hz: (o, v) => {
    o.maxRateHz = num(v, 'max_rate_hz');
  },
  expiry_s: (o, v) => {
    o.expirySec = num(v, 'expiry_s');
  },
  byte_cap: (o, v) => {
    o.byteCap = num(v, 'byte_cap');
  },
  drop: (o, v) => {
    o.dropPolicy = v as FleetRouteOptions['dropPolicy'];
  },
  acked: (o, v) => {
    if (v !== 'true' && v !== 'false')
      throw new OutpostError('OUTPOST_ERR_FLEET_ROUTE', `acked: expected true or false, got ${JSON.stringify(v)}`);
    o.acked = v === 'true';
  },
};

export function parseRouteSpec(spec: string): FleetRoute {
  const [topic, type, ...rest] = spec.trim().split(/\s+/);
  if (topic === undefined || type === undefined || topic === '') {
    throw new OutpostError(
      'OUTPOST_ERR_FLEET_ROUTE',
      `route ${JSON.stringify(spec)}: expected "TOPIC TYPE [key=value ...]"`,
    );
  }
  if (topic.startsWith('/') || topic.startsWith('~')) {
    throw new OutpostError(
      'OUTPOST_ERR_FLEET_ROUTE',
      `route ${JSON.stringify(spec)}: TOPIC must be relative to the robot's namespace (e.g. "pose"), got ${JSON.stringify(topic)}`,
    );
  }
  if (!defaultRegistry().has(type)) {
    throw new OutpostError(
      'OUTPOST_ERR_FLEET_ROUTE',
      `route ${JSON.stringify(spec)}: ${JSON.stringify(type)} is not a known message type`,
    );
  }
  const options: FleetRouteOptions = { topic, type };
  for (const kv of rest) {
    const i = kv.indexOf('=');
    const set = i > 0 ? KEYS[kv.slice(0, i)] : undefined;
    if (set === undefined) {
      throw new OutpostError(
        'OUTPOST_ERR_FLEET_ROUTE',
        `route ${JSON.stringify(spec)}: ${JSON.stringify(kv)} is not one of ${Object.keys(KEYS)
          .map((k) => `${k}=...`)
          .join(', ')}`,
      );
    }
    set(options, kv.slice(i + 1));
  }
  return defineRoute(options);
}

function num(v: string, key: string): number {
  const n = Number(v);
  if (v === '' || !Number.isFinite(n))
    throw new OutpostError('OUTPOST_ERR_FLEET_ROUTE', `${key}: expected a number, got ${JSON.stringify(v)}`);
  return n;
}

/** For ParameterSpec.check: what is wrong with a list of route specs, or undefined. */
export function checkRouteSpecs(specs: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const s of specs) {
    try {
      const r = parseRouteSpec(s);
      if (seen.has(r.route)) return `route ${JSON.stringify(r.route)} is given twice`;
      seen.add(r.route);
    } catch (err) {
      return (err as Error).message;
    }
  }
  return undefined;
}
