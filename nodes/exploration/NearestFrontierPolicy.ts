import type { ExplorationPolicy } from './ExplorationPolicy.js';
import type { GraphObservation } from './GraphObservation.js';
import { shortestPaths } from './GraphPaths.js';

/**
 * The classical baseline (Yamauchi's frontier exploration on IR2's graph): the node with positive
 * utility nearest by path distance on the graph. Ties go to the higher utility. The current node
 * is never chosen (the robot is already there).
 */
export class NearestFrontierPolicy implements ExplorationPolicy {
  readonly name = 'nearest_frontier';

  choose(obs: GraphObservation): number {
    const { dist } = shortestPaths(obs, obs.currentIndex);
    let best = -1;
    obs.nodes.forEach((n, i) => {
      if (i === obs.currentIndex || n.utility <= 0 || dist[i] === Infinity) return;
      if (best < 0 || dist[i]! < dist[best]! || (dist[i] === dist[best] && n.utility > obs.nodes[best]!.utility))
        best = i;
    });
    return best;
  }
}
