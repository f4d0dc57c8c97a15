import type { Node } from '../../runtime/index.js';
import { fleetRobotNames, ownRobotName } from '../fleet/FleetNames.js';

/** The fleet parameters of a node that listens to teammates: `robots`, `fleet_size`, `robot_name`. */
export function teamParameters(what: string) {
  return {
    robots: {
      type: 'string_array',
      default: [] as string[],
      description: `Names of the fleet's robots (this one may be included): ${what}.`,
    },
    fleet_size: {
      type: 'integer',
      default: 0,
      range: { from: 0, to: 64 },
      description: 'N > 0: the fleet is r1..rN (instead of listing `robots`).',
    },
    robot_name: {
      type: 'string',
      default: '',
      description: "This robot's name in the fleet; empty: the last segment of the namespace.",
    },
  } as const;
}

/** The values of `teamParameters`, as a kind's typed `params` holds them. */
export interface TeamParams {
  readonly robots: readonly string[];
  readonly fleet_size: number;
  readonly robot_name: string;
}

/** `robots` or r1..r`fleet_size`, this robot (`robot_name` or the namespace's last segment) excluded. */
export function teammateNames(params: TeamParams, namespace: string): string[] {
  const own = ownRobotName(params.robot_name, namespace);
  return fleetRobotNames(params.fleet_size, params.robots).filter((r) => r !== own);
}

/** Teammates' latest poses from `fleet/{teammate}/pose` (map frame; stamp in s of the shared clock). */
export class SharedPoses {
  readonly #poses = new Map<string, { x: number; y: number; stamp: number }>();

  /**
   * Subscribes `node` to each teammate's `fleet/{teammate}/pose` (its kind must declare that
   * pattern); older stamps and non-finite poses are dropped.
   */
  constructor(node: Node, names: readonly string[]) {
    for (const name of names) {
      node.createSubscription('geometry_msgs/msg/PoseStamped', `fleet/${name}/pose`, { qos: 5 }, (m) => {
        const stamp = m.header.stamp.sec + m.header.stamp.nanosec / 1e9;
        const { x, y } = m.pose.position;
        const old = this.#poses.get(name);
        if (!Number.isFinite(x) || !Number.isFinite(y) || (old !== undefined && stamp < old.stamp)) return;
        this.#poses.set(name, { x, y, stamp });
      });
    }
  }

  get size(): number {
    return this.#poses.size;
  }

  /** Poses at most `maxAge` s old at `now`, with their age. */
  fresh(now: number, maxAge: number): Array<{ x: number; y: number; age: number }> {
    const out: Array<{ x: number; y: number; age: number }> = [];
    for (const p of this.#poses.values()) {
      const age = Math.max(0, now - p.stamp);
      if (age <= maxAge) out.push({ x: p.x, y: p.y, age });
    }
    return out;
  }
}
