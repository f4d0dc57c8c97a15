import type { GroundTruthSource } from '../../nodes/exploration/GroundTruthSource.js';
import type { ExpertTruth } from '../../nodes/exploration/PrivilegedExpert.js';
import { Random } from '../Random.js';
import { CELL_FREE } from './GridWorld.js';
import { loadMapServerMap } from './MapServerMap.js';

/** The simulator's ground truth for the explorer's privileged expert: map_server worlds, its seeded Random. */
export const mapServerGroundTruth: GroundTruthSource = {
  world(ref: string): ExpertTruth {
    const world = loadMapServerMap(ref);
    const free = new Uint8Array(world.cells.length);
    for (let i = 0; i < free.length; i++) free[i] = world.cells[i] === CELL_FREE ? 1 : 0;
    return { ...world, free };
  },
  draws: (seed: number) => new Random(seed),
};
