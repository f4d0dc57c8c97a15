import { loadMapServerMap, readMapServerMetadata } from './world/MapServerMap.js';
import { generateWorld, worldGenerators } from './world/WorldGenerators.js';
import type { GridWorld } from './world/GridWorld.js';

/** The simulator's world settings: `map` is a map_server YAML file or "generate:<kind>". */
export interface SimWorldSettings {
  map: string;
  seed: number;
  /** Generated worlds only: size in cells and cell edge (m). */
  width: number;
  height: number;
  resolution: number;
}

/** The simulated world: a seeded generated one, or a map_server map loaded from its YAML. */
export function loadSimWorld(s: SimWorldSettings): GridWorld {
  const gen = /^generate:([a-z_]+)$/.exec(s.map);
  return gen !== null
    ? generateWorld(gen[1]!, { seed: s.seed, width: s.width, height: s.height, resolution: s.resolution })
    : loadMapServerMap(s.map);
}

/**
 * Checks a `map` value when the launch file loads: a missing or malformed map fails before
 * anything starts. Returns the problem, or undefined.
 */
export function checkSimMap(v: unknown): string | undefined {
  const m = /^generate:(.*)$/.exec(v as string);
  if (m !== null)
    return Object.hasOwn(worldGenerators, m[1]!)
      ? undefined
      : `no world generator "${m[1]}"; expected one of ${Object.keys(worldGenerators).join(', ')}`;
  try {
    readMapServerMetadata(v as string);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
