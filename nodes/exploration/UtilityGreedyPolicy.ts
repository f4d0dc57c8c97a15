import { OutpostError } from '../../runtime/index.js';
import type { ExplorationPolicy } from './ExplorationPolicy.js';
import type { GraphObservation } from './GraphObservation.js';
import { shortestPaths } from './GraphPaths.js';

/**
 * IR2's Pursuit-like greedy baseline: the node maximising utility / (path distance + c), so a
 * rich frontier a little further beats a poor one next door. c (m) keeps near nodes from winning
 * by division by almost zero. The current node is never chosen.
 */
export class UtilityGreedyPolicy implements ExplorationPolicy {
  readonly name = 'utility_greedy';
  readonly #c: number;

  constructor(distanceOffset = 1) {
    if (!(distanceOffset > 0)) throw new OutpostError('OUTPOST_ERR_INVALID_ARGUMENT', `utility_greedy: expected distance offset > 0 m, got ${distanceOffset}`);
    this.#c = distanceOffset;
  }

  choose(obs: GraphObservation): number {
    const { dist } = shortestPaths(obs, obs.currentIndex);
    let best = -1;
    let bestScore = 0;
    obs.nodes.forEach((n, i) => {
      if (i === obs.currentIndex || n.utility <= 0 || dist[i] === Infinity) return;
      const score = n.utility / (dist[i]! + this.#c);
      if (score > bestScore) { bestScore = score; best = i; }
    });
    return best;
  }
}
