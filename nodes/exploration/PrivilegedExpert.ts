import type { GraphObservation } from './GraphObservation.js';
import { pathTo, shortestPaths } from './GraphPaths.js';
import type { GridView } from './GridView.js';

/** The ground truth the expert may see (only a simulator has it). */
export interface ExpertTruth {
  width: number;
  height: number;
  resolution: number;
  originX: number;
  originY: number;
  /** 1 where the true world is free (drivable, transparent), 0 elsewhere. Row 0 is the bottom row. */
  free: Uint8Array;
}

export interface ExpertOptions {
  /** How far the lidar sees: cells farther than this from a node add no gain. Unit: m. Default 4. */
  sensorRange?: number;
  /** Rays cast per node to count the cells a visit would reveal. Default 72. */
  rays?: number;
  /** score = gain / (path distance + this). Unit: m. Default 1. */
  distanceOffset?: number;
  /**
   * A node closer (straight line) to a teammate's true position than to this robot (by path) has its
   * score multiplied by this: the teammate will get there first. Default 0.25.
   */
  claimedFactor?: number;
}

export interface ExpertChoice {
  /** The node the expert heads for; −1 when no node has gain left. */
  target: number;
  /** The slot in `obs.edges[obs.currentIndex]` (IR2's action: a neighbour of the current node) toward `target` (see firstStepSlot). */
  slot: number;
}

/**
 * A privileged expert for imitation learning (DAgger): it sees the TRUE map and the teammates' TRUE
 * positions, which no robot has. Per candidate node it counts the true free cells that this robot's
 * map still lacks and that a lidar at the node would see (rays over the true map, up to the sensor
 * range), and heads for the node with the best gain per metre of graph path, discounting nodes a
 * teammate is closer to. The learned policy only ever sees IR2's observation; the expert supplies the
 * labels ("what should I have picked among my neighbours").
 */
export class PrivilegedExpert {
  readonly #o: Required<ExpertOptions>;
  readonly #truth: ExpertTruth;
  #seen: Int32Array;
  #stamp = 0;

  constructor(truth: ExpertTruth, options: ExpertOptions = {}) {
    this.#truth = truth;
    this.#o = {
      sensorRange: options.sensorRange ?? 4,
      rays: options.rays ?? 72,
      distanceOffset: options.distanceOffset ?? 1,
      claimedFactor: options.claimedFactor ?? 0.25,
    };
    this.#seen = new Int32Array(truth.width * truth.height);
  }

  /** Cells a lidar at (x, y) would see on the true map that `known` (this robot's map) lacks. */
  gainAt(x: number, y: number, known: GridView): number {
    const t = this.#truth;
    const stamp = ++this.#stamp;
    const step = t.resolution * 0.5;
    const steps = Math.ceil(this.#o.sensorRange / step);
    let gain = 0;
    for (let r = 0; r < this.#o.rays; r++) {
      const a = (2 * Math.PI * r) / this.#o.rays;
      const dx = Math.cos(a) * step;
      const dy = Math.sin(a) * step;
      for (let s = 1; s <= steps; s++) {
        const px = x + dx * s;
        const py = y + dy * s;
        const cx = Math.floor((px - t.originX) / t.resolution);
        const cy = Math.floor((py - t.originY) / t.resolution);
        if (cx < 0 || cy < 0 || cx >= t.width || cy >= t.height) break;
        const i = cy * t.width + cx;
        if (t.free[i] === 0) break;
        if (this.#seen[i] === stamp) continue;
        this.#seen[i] = stamp;
        const [kx, ky] = known.cellOf(px, py);
        if (!known.inBounds(kx, ky) || known.state(kx, ky) === 2) gain++;
      }
    }
    return gain;
  }

  choose(obs: GraphObservation, known: GridView, teammates: ReadonlyArray<{ x: number; y: number }>): ExpertChoice {
    const cur = obs.currentIndex;
    const { dist } = shortestPaths(obs, cur);
    let target = -1;
    let best = 0;
    obs.nodes.forEach((n, i) => {
      // Gain only exists near what is still unknown: nodes without frontier utility are skipped
      // (also what keeps this affordable: a few dozen ray fans per decision).
      if (i === cur || n.utility <= 0 || dist[i] === Infinity) return;
      const gain = this.gainAt(n.x, n.y, known);
      if (gain <= 0) return;
      let score = gain / (dist[i]! + this.#o.distanceOffset);
      if (teammates.some((m) => Math.hypot(m.x - n.x, m.y - n.y) < dist[i]!)) score *= this.#o.claimedFactor;
      if (score > best) {
        best = score;
        target = i;
      }
    });
    if (target < 0) return { target, slot: -1 };
    return { target, slot: firstStepSlot(obs, target) };
  }
}

/**
 * The neighbour slot of the current node that starts the way to `target`: the node farthest along
 * the shortest graph path to `target` that is still one of the current node's neighbours (a straight,
 * collision-free edge from here), so one decision covers as much of the way as an edge allows; when
 * no node of that path is a neighbour (the path leaves through an edge listed only by the other
 * end), the neighbour j minimising |here→j| + path(j→target). −1 when `target` is the current node
 * or no neighbour leads to it.
 */
export function firstStepSlot(obs: GraphObservation, target: number): number {
  const cur = obs.currentIndex;
  if (target === cur) return -1;
  const path = pathTo(shortestPaths(obs, cur), target);
  const list = obs.edges[cur] ?? [];
  for (let k = path.length - 1; k >= 1; k--) {
    const slot = list.indexOf(path[k]!);
    if (slot > 0) return slot;
  }
  const toTarget = shortestPaths(obs, target).dist;
  const here = obs.nodes[cur]!;
  let slot = -1;
  let best = Infinity;
  list.forEach((j, s) => {
    if (j === cur || toTarget[j] === Infinity) return;
    const len = Math.hypot(obs.nodes[j]!.x - here.x, obs.nodes[j]!.y - here.y) + toTarget[j]!;
    if (len < best) {
      best = len;
      slot = s;
    }
  });
  return slot;
}
