import { OutpostError, type Node } from '../../runtime/index.js';
import { NodePolicyHost } from '../../runtime/policy/NodePolicyHost.js';
import {
  createExplorationPolicy,
  explorationPolicies,
  type ExplorationPolicy,
  type ExplorationPolicyOptions,
} from './ExplorationPolicy.js';
import { ExpertSupervision, type ExpertSupervisionOptions } from './ExpertSupervision.js';
import { Ir2Policy } from './Ir2Policy.js';

/** The privileged expert's settings, as the explorer's parameters give them. */
export interface ExpertSettings extends Omit<ExpertSupervisionOptions, 'truth' | 'draws' | 'recordPath'> {
  /** The explorer's `ground_truth_map` ('' = none): what GroundTruthSource.world is asked for. */
  truthRef: string;
  /** The simulator's ground truth, handed down by the registry; undefined outside a simulator. */
  groundTruth: import('./GroundTruthSource.js').GroundTruthSource | undefined;
  /** `record_dir` joined with this robot's file name; undefined when `record_dir` is empty. */
  recordPath: string | undefined;
  /** Seed of the DAgger draws (`expert_seed` combined with the robot's index). */
  seed: number;
}

/** What a policy may be built from. */
export interface ExplorerPolicyDeps {
  /** The classical policies' settings. */
  options: ExplorationPolicyOptions;
  /** The node the policy runs in (the learned policy hosts its model on it). */
  node: Node;
  expert: ExpertSettings;
}

/**
 * The explorer's policies keyed by the name launch files give in `policy`: the classical ones
 * (explorationPolicies), IR2's learned one and the privileged expert. The one place a policy is
 * chosen: each entry builds its policy from what it needs.
 */
export const explorerPolicies: Readonly<Record<string, (deps: ExplorerPolicyDeps) => ExplorationPolicy>> = {
  ...Object.fromEntries(
    Object.entries(explorationPolicies).map(([name, make]) => [name, (d: ExplorerPolicyDeps) => make(d.options)]),
  ),
  ir2: (d) => new NodeHostedIr2Policy(new NodePolicyHost(d.node), classicalFallbacks(d.options)),
  expert: (d) => new ExpertSupervision(undefined, supervisionOptions(d.expert)),
};

/**
 * Builds the named policy. With a ground truth (simulation, `ground_truth_map`), the privileged
 * expert runs beside it: it labels every decision for `record_dir` and takes over `expert_mix` of
 * them (DAgger).
 */
export function createExplorerPolicy(name: string, deps: ExplorerPolicyDeps): ExplorationPolicy {
  const make = Object.hasOwn(explorerPolicies, name) ? explorerPolicies[name] : undefined;
  if (make === undefined) {
    throw new OutpostError(
      'OUTPOST_ERR_UNKNOWN_POLICY',
      `exploration policy "${name}" is not known; expected one of ${Object.keys(explorerPolicies)
        .map((n) => `"${n}"`)
        .join(', ')}`,
    );
  }
  const e = deps.expert;
  if (e.truthRef === '' && (name === 'expert' || e.recordPath !== undefined || e.mix > 0)) {
    throw new OutpostError(
      'OUTPOST_ERR_INVALID_ARGUMENT',
      `explorer ${deps.node.getFullyQualifiedName()}: policy "expert", record_dir and expert_mix need the simulator's ground truth: expected ground_truth_map (a map_server YAML), got ""`,
    );
  }
  if (name === 'expert' || e.truthRef === '') return make(deps);
  return new ExpertSupervision(make(deps), supervisionOptions(e));
}

function supervisionOptions(e: ExpertSettings): ExpertSupervisionOptions {
  if (e.groundTruth === undefined) {
    throw new OutpostError(
      'OUTPOST_ERR_INVALID_ARGUMENT',
      `ground_truth_map "${e.truthRef}": expected an explorer kind given the simulator's ground truth (createExplorerKind({ groundTruth }), as the built-in registry does), got one without`,
    );
  }
  const { truthRef, groundTruth, seed, ...rest } = e;
  return { ...rest, truth: groundTruth.world(truthRef), draws: e.mix > 0 ? groundTruth.draws(seed) : undefined };
}

/** The card's fallback by name ("" or an unknown name: nearest_frontier), each made once. */
function classicalFallbacks(options: ExplorationPolicyOptions): (name: string) => ExplorationPolicy {
  const made = new Map<string, ExplorationPolicy>();
  return (name) => {
    const key = name !== '' && Object.hasOwn(explorationPolicies, name) ? name : 'nearest_frontier';
    let p = made.get(key);
    if (p === undefined) made.set(key, (p = createExplorationPolicy(key, options)));
    return p;
  };
}

/** IR2's policy with its model hosted on the node: loaded at activate, released at deactivate and shutdown. */
class NodeHostedIr2Policy extends Ir2Policy {
  readonly #nodeHost: NodePolicyHost;
  readonly #load: { ready: Promise<unknown> };

  constructor(nodeHost: NodePolicyHost, fallback: (name: string) => ExplorationPolicy) {
    // Decisions wait for the model asked for at activation (see Ir2Policy's `ready`).
    const load = { ready: Promise.resolve() as Promise<unknown> };
    super(nodeHost.host, () => load.ready, fallback);
    this.#nodeHost = nodeHost;
    this.#load = load;
  }

  activate(): void {
    this.#load.ready = this.#nodeHost.activate();
  }
  deactivate(): void {
    this.#nodeHost.deactivate();
  }
  shutdown(): Promise<void> {
    return this.#nodeHost.close();
  }
}
