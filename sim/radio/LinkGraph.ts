import type { LinkState } from '../../runtime/fleet/LinkGate.js';
import { OutpostError } from '../../runtime/OutpostError.js';
import type { GridWorld } from '../world/GridWorld.js';
import type { RadioModel } from './RadioModel.js';

/** A robot where the radio sees it. x, y unit: m, world frame. */
export interface RobotPosition {
  id: string;
  x: number;
  y: number;
}

/** One pair's link as the fleet link gate takes it, plus what the radio model computed. */
export interface RadioLink extends LinkState {
  /** Received power (line_of_sight); NaN for models without one. Unit: dBm. */
  rssiDbm: number;
  /** Straight-line distance between the robots. Unit: m. */
  distanceM: number;
}

export interface LinkGraph {
  /** Every unordered pair once, in input order (a before b), up or down. */
  links: RadioLink[];
  /**
   * Who can talk, relaying through teammates: connected components of the up links, each listing
   * robot ids in input order, components ordered by their first robot. A lone robot is its own.
   */
  components: string[][];
}

export interface LinkGraphOptions {
  /** One-way latency to put on every link, for the link gate. Unit: s. Default 0. */
  latencySec?: number;
}

/**
 * The radio link graph of the fleet at one instant: the model's verdict on every pair, and the
 * groups that can exchange data through relays (IR2's connected components, env.py).
 */
export function computeLinkGraph(
  world: GridWorld,
  model: RadioModel,
  robots: readonly RobotPosition[],
  options: LinkGraphOptions = {},
): LinkGraph {
  const n = robots.length;
  const ids = new Set(robots.map((r) => r.id));
  if (ids.size !== n)
    throw new OutpostError(
      'OUTPOST_ERR_INVALID_ARGUMENT',
      `link graph: robot ids must be unique, got ${robots.map((r) => r.id).join(', ')}`,
    );
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const links: RadioLink[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = robots[i]!;
      const b = robots[j]!;
      const q = model.link(world, a, b);
      links.push({
        a: a.id,
        b: b.id,
        up: q.up,
        bytesPerSecond: q.bytesPerSecond,
        loss: q.loss,
        latencySec: options.latencySec ?? 0,
        rssiDbm: q.rssiDbm,
        distanceM: Math.hypot(a.x - b.x, a.y - b.y),
      });
      if (q.up) parent[find(j)] = find(i);
    }
  }
  const byRoot = new Map<number, string[]>();
  for (let i = 0; i < n; i++) {
    const root = find(i);
    const group = byRoot.get(root);
    if (group === undefined) byRoot.set(root, [robots[i]!.id]);
    else group.push(robots[i]!.id);
  }
  return { links, components: [...byRoot.values()] };
}
