import { OutpostError } from '../../runtime/index.js';
import type { ExplorationPolicy } from './ExplorationPolicy.js';
import type { GraphObservation } from './GraphObservation.js';
import { shortestPaths } from './GraphPaths.js';

/**
 * IR2's Pursuit-like greedy baseline: the node maximising utility / (path distance + c), so a
 * rich frontier a little further beats a poor one next door. c (m) keeps near nodes from winning
 * by division by almost zero. The current node is never chosen.
 *
 * Commitment (hysteresis): the goal chosen last is kept while it still has utility, is reachable
 * and is not yet reached, unless another node scores `switchRatio` times better. Scores move a
 * little with every map update; re-choosing from scratch every decision made the robot flip
 * between goals on opposite sides and turn on the spot (on rooms.yaml, robots spent most of their
 * time rotating). switchRatio 1 is the memoryless rule.
 */
export class UtilityGreedyPolicy implements ExplorationPolicy {
  readonly name = 'utility_greedy';
  readonly #c: number;
  readonly #ratio: number;
  #committed: { x: number; y: number } | undefined;

  constructor(distanceOffset = 1, switchRatio = 1.5) {
    if (!(distanceOffset > 0))
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `utility_greedy: expected distance offset > 0 m, got ${distanceOffset}`,
      );
    if (!(switchRatio >= 1))
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `utility_greedy: expected switch ratio ≥ 1, got ${switchRatio}`,
      );
    this.#c = distanceOffset;
    this.#ratio = switchRatio;
  }

  choose(obs: GraphObservation): number {
    const { dist } = shortestPaths(obs, obs.currentIndex);
    const here = obs.nodes[obs.currentIndex]!;
    let best = -1;
    let bestScore = 0;
    let kept = -1;
    let keptScore = 0;
    const c = this.#committed;
    obs.nodes.forEach((n, i) => {
      if (i === obs.currentIndex || n.utility <= 0 || dist[i] === Infinity) return;
      const score = n.utility / (dist[i]! + this.#c);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
      // The committed goal: the same place (nodes sit on cell centres), not reached yet.
      if (
        c !== undefined &&
        Math.abs(n.x - c.x) < 1e-6 &&
        Math.abs(n.y - c.y) < 1e-6 &&
        Math.hypot(n.x - here.x, n.y - here.y) > 0.3
      ) {
        kept = i;
        keptScore = score;
      }
    });
    const choice = kept >= 0 && bestScore < keptScore * this.#ratio ? kept : best;
    this.#committed = choice >= 0 ? { x: obs.nodes[choice]!.x, y: obs.nodes[choice]!.y } : undefined;
    return choice;
  }
}
