import type { GraphObservation } from './GraphObservation.js';
import { nearestNode, pathTo, shortestPaths } from './GraphPaths.js';
import type { GridView } from './GridView.js';

/** Constants of IR2's map-delta layer (test_parameter.py), lengths converted to metres. */
export interface RendezvousOptions {
  /** A teammate is worth meeting once it lacks at least this fraction of the map's cells (IR2 MIN_MAP_DELTA_MAP_RATIO). Default 0.01. */
  minDeltaRatio?: number;
  /** Δ is normalised as Δ·normFactor / map cells (IR2 MAP_DELTA_NORM_FACTOR). Default 8. */
  normFactor?: number;
  /** Added to every non-zero value, so a far teammate still shows (IR2 MAP_DELTA_MIN_CONST). Default 0.1. */
  minConst?: number;
  /** Nodes within this distance of the path, in line of sight, take the path's value (IR2 50 px). Default 2.5 m. */
  inflation?: number;
  /** Within this distance of the robot the layer is 0, so staying put never pays (IR2 30 px). Default 1.5 m. */
  selfRadius?: number;
}

export interface RendezvousTeammate {
  x: number;
  y: number;
  inContact: boolean;
  /** Cells our map gained since we last heard this teammate. */
  mapDelta: number;
}

/**
 * IR2's rendezvous ("map-delta") utility (env.generate_rendezvous_utility_layer): for each teammate
 * out of contact that lacks enough of our map, the graph path from the robot to where we believe
 * the teammate is carries value Δ·8/A + 0.1 at the teammate, decaying linearly with path length
 * to 0.1 at the robot; nodes near the path (in line of sight) take the largest value of any path
 * point; nodes near the robot get 0. Writes `rendezvousUtility` of `obs.nodes` in place.
 */
export function addRendezvousUtility(
  obs: GraphObservation,
  grid: GridView,
  teammates: readonly RendezvousTeammate[],
  options: RendezvousOptions = {},
): void {
  const minRatio = options.minDeltaRatio ?? 0.01;
  const norm = options.normFactor ?? 8;
  const minConst = options.minConst ?? 0.1;
  const inflation = options.inflation ?? 2.5;
  const selfRadius = options.selfRadius ?? 1.5;
  const area = grid.width * grid.height;
  const nodes = obs.nodes;
  const worth = teammates.filter((t) => !t.inContact && t.mapDelta >= minRatio * area);
  if (worth.length === 0 || nodes.length === 0) return;
  const paths = shortestPaths(obs, obs.currentIndex);
  const cell = nodes.map((n) => grid.cellOf(n.x, n.y));
  for (const t of worth) {
    const path = pathTo(paths, nearestNode(obs, t.x, t.y));
    if (path.length === 0) continue;
    const delta = (t.mapDelta * norm) / area;
    const total = paths.dist[path[path.length - 1]!]!;
    for (const p of path) {
      // Full Δ at the teammate, falling linearly along the path to none at the robot.
      const value = (total > 0 ? delta * (paths.dist[p]! / total) : delta) + minConst;
      const a = nodes[p]!;
      const [pcx, pcy] = cell[p]!;
      nodes.forEach((b, j) => {
        if (b.rendezvousUtility >= value || Math.hypot(a.x - b.x, a.y - b.y) > inflation) return;
        const [cx, cy] = cell[j]!;
        if (j === p || grid.lineClear(pcx, pcy, cx, cy)) b.rendezvousUtility = value;
      });
    }
  }
  const self = nodes[obs.currentIndex]!;
  for (const n of nodes) if (Math.hypot(n.x - self.x, n.y - self.y) <= selfRadius) n.rendezvousUtility = 0;
}
