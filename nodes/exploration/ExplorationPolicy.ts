import { OutpostError } from '../../runtime/index.js';
import type { GraphObservation } from './GraphObservation.js';
import type { GridView } from './GridView.js';
import { NearestFrontierPolicy } from './NearestFrontierPolicy.js';
import { PreplannedRendezvousPolicy } from './PreplannedRendezvousPolicy.js';
import { UtilityGreedyPolicy } from './UtilityGreedyPolicy.js';

/** What a policy may know besides the graph. */
export interface PolicyContext {
  /** The node's clock. Unit: s. */
  now: number;
  /** Map-frame position where this robot started: the default rendezvous place. Unit: m. */
  home: { x: number; y: number };
  /** The map the graph was built on (the privileged expert counts what a visit would reveal on it). */
  grid?: GridView;
  /**
   * The observation as the stepwise policies see it (blacklisted nodes out of the neighbour lists,
   * steps shorter than `min_step` dropped), for a policy that is not stepwise itself but runs one
   * beside it (the expert that labels a classical or learned policy's decisions).
   */
  stepObservation?: () => GraphObservation;
}

/**
 * Picks where to go next on the graph. IR2's learned policy returns one of the current node's
 * neighbours (`obs.edges[obs.currentIndex]`); the classical ones return any node to head for
 * (the planner finds the way). Either way the result is a node index into `obs.nodes`, or −1
 * when the policy has nowhere to go (nothing left to explore).
 */
export interface ExplorationPolicy {
  readonly name: string;
  /** True for policies that answer with a neighbour of the current node (IR2's action space). */
  readonly stepwise?: boolean;
  /**
   * True for a policy that decides again only when its step is done (reached, or failed), not on
   * every decision tick: IR2's, which would otherwise turn the robot around mid-edge.
   */
  readonly decidesPerStep?: boolean;
  /**
   * After an answer: whether it was a step to a neighbour of the current node (the explorer then
   * leaves a step onto the robot's own node to the next tick). Undefined: as `stepwise` says. The
   * learned policy's fallback answers any node, so it is not a step.
   */
  readonly lastAnswerWasStep?: boolean;
  /** Decisions written to a training record so far (DecisionRecorder). */
  readonly recordedDecisions?: number;
  /** A node index, or a promise of one (the learned policy runs its model off the event loop). */
  choose(obs: GraphObservation, ctx: PolicyContext): number | Promise<number>;
  /** Places to avoid too when the current goal failed, besides the goal (the expert's target). */
  failedTargets?(): ReadonlyArray<{ x: number; y: number }>;
  /** Lifecycle, as the explorer node goes through it: endpoints in configure, a model in activate. */
  configure?(): void;
  activate?(): void;
  deactivate?(): void;
  cleanup?(): void;
  shutdown?(): void | Promise<void>;
}

/** Settings the policies read; each policy ignores what it does not use. */
export interface ExplorationPolicyOptions {
  /** utility_greedy: score = utility / (path distance + this). Unit: m. Default 1. */
  distanceOffset?: number;
  /** utility_greedy / preplanned_rendezvous: keep the last goal unless another scores this many times better (1: never keep). Default 1.5. */
  switchRatio?: number;
  /** preplanned_rendezvous: exploring time per round. Unit: s. Default 120. */
  exploreBudget?: number;
  /** preplanned_rendezvous: the agreed meeting time is round start + budget + this. Unit: s. Default 60. */
  returnAllowance?: number;
  /** preplanned_rendezvous: how long to wait at the rendezvous after the meeting time. Unit: s. Default 20. */
  rendezvousWait?: number;
  /** preplanned_rendezvous: speed used to estimate the way back, to leave early enough. Unit: m/s. Default 0.3. */
  nominalSpeed?: number;
  /** preplanned_rendezvous: the meeting place (map frame, m); default the robot's start (`ctx.home`). */
  rendezvous?: { x: number; y: number };
  /** preplanned_rendezvous: within this distance of the meeting place counts as arrived. Unit: m. Default 1. */
  arrivalRadius?: number;
}

/** The policies keyed by the name launch files give in `policy`. */
export const explorationPolicies: Readonly<Record<string, (options: ExplorationPolicyOptions) => ExplorationPolicy>> = {
  nearest_frontier: () => new NearestFrontierPolicy(),
  utility_greedy: (o) => new UtilityGreedyPolicy(o.distanceOffset, o.switchRatio),
  preplanned_rendezvous: (o) => new PreplannedRendezvousPolicy(o),
};

export function createExplorationPolicy(name: string, options: ExplorationPolicyOptions = {}): ExplorationPolicy {
  const make = Object.hasOwn(explorationPolicies, name) ? explorationPolicies[name] : undefined;
  if (make === undefined) {
    throw new OutpostError(
      'OUTPOST_ERR_UNKNOWN_POLICY',
      `exploration policy "${name}" is not known; expected one of ${Object.keys(explorationPolicies)
        .map((n) => `"${n}"`)
        .join(', ')}`,
    );
  }
  return make(options);
}
