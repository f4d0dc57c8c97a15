import type { GoalBlacklist } from './GoalBlacklist.js';
import type { GraphObservation } from './GraphObservation.js';

export interface ObservationMaskOptions {
  blacklist: GoalBlacklist;
  /** Nodes this close to a blacklisted place are avoided. Unit: m. */
  blacklistRadius: number;
  /** Classical policies: nodes this close to a claimed goal are left to its teammate (0: none). Unit: m. */
  goalSeparation: number;
  /** The goals of higher-priority teammates (TeammateGoals.claimed), asked only when needed. */
  claimedGoals: () => ReadonlyArray<{ x: number; y: number }>;
  /** Stepwise: neighbours of the current node closer than this are not offered. Unit: m. */
  minStep: number;
}

/**
 * The observation a policy sees. Blacklisted places are taken out: their utilities zeroed (no
 * policy heads for them). For the policies that step from neighbour to neighbour (IR2's, the
 * expert; `stepwise`) also: blacklisted nodes are dropped from every neighbour list, so a step
 * that failed is not taken again while it is blacklisted, and the current node's neighbours
 * closer than `minStep` are dropped from its list, so every step moves the robot (the robot's
 * own cell and the nearest lattice nodes can lie a few cm apart; IR2 moves a whole edge per step).
 * The classical policies also leave the places higher-priority teammates are heading for to them.
 */
export function maskObservation(obs: GraphObservation, stepwise: boolean, o: ObservationMaskOptions): GraphObservation {
  const r = o.blacklistRadius;
  const banned = obs.nodes.map((n, i) => i !== obs.currentIndex && o.blacklist.covers(n, r));
  if (!stepwise) {
    const sep = o.goalSeparation;
    const claimed = sep > 0 ? o.claimedGoals() : [];
    if (claimed.length > 0) {
      obs.nodes.forEach((n, i) => {
        if (i !== obs.currentIndex && claimed.some((g) => Math.hypot(g.x - n.x, g.y - n.y) <= sep)) banned[i] = true;
      });
    }
  }
  const anyBanned = banned.includes(true);
  if (!anyBanned && !stepwise) return obs;
  const nodes = anyBanned
    ? obs.nodes.map((n, i) => (banned[i] ? { ...n, utility: 0, rendezvousUtility: 0 } : n))
    : obs.nodes;
  if (!stepwise) return { ...obs, nodes };
  const cur = obs.currentIndex;
  const here = obs.nodes[cur]!;
  const minStep = o.minStep;
  const edges = obs.edges.map((list, i) =>
    list.filter(
      (j) =>
        j === i ||
        (!banned[j] && (i !== cur || Math.hypot(obs.nodes[j]!.x - here.x, obs.nodes[j]!.y - here.y) >= minStep)),
    ),
  );
  return { ...obs, nodes, edges };
}
