import type { ExpertTruth } from './PrivilegedExpert.js';

/** Seeded draws in [0, 1), as the simulator makes them (DAgger's expert_mix decisions). */
export interface SeededDraws {
  next(): number;
}

/**
 * What only a simulator knows, handed down to the explorer for imitation learning: the true world
 * the privileged expert plans on, and the seeded draws that mix its decisions in (DAgger). Nodes
 * never load the simulator's worlds themselves (the layers read runtime ← firmware-bridge ← nodes ←
 * sim ← launch): the registry of node kinds, built above both, passes the simulator's
 * implementation to `createExplorerKind`.
 */
export interface GroundTruthSource {
  /** The true world named by the explorer's `ground_truth_map` (a map_server YAML path). */
  world(ref: string): ExpertTruth;
  /** Independent seeded draws for `seed` (the same seed gives the same sequence). */
  draws(seed: number): SeededDraws;
}
