import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labelFreeComponents } from '../world/FreeSpace.js';
import { loadMapServerMap } from '../world/MapServerMap.js';
import { generateWorld } from '../world/WorldGenerators.js';
import { shippedWorlds, shippedWorldsDir } from './ShippedWorlds.js';

describe('shipped worlds', () => {
  it.each(shippedWorlds)('$file loads and equals its generator output for its seed', (s) => {
    const loaded = loadMapServerMap(join(shippedWorldsDir(), s.file));
    const made = generateWorld(s.kind, { seed: s.seed, width: s.width, height: s.height, resolution: s.resolution });
    expect([loaded.width, loaded.height, loaded.resolution, loaded.originX, loaded.originY]).toEqual([s.width, s.height, s.resolution, 0, 0]);
    // If this fails after a generator change: npm run worlds:generate, look at the maps, commit them.
    expect(Buffer.from(loaded.cells).equals(Buffer.from(made.cells))).toBe(true);
    expect(labelFreeComponents(loaded.cells, loaded.width, loaded.height).sizes).toHaveLength(1);
  });
});
