import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inflateGrid, isTraversable } from '../../nodes/exploration/GridInflation.js';
import { gridLine } from '../radio/GridLine.js';
import { spawnPoses } from '../SpawnPoses.js';
import { labelFreeComponents } from '../world/FreeSpace.js';
import type { GridWorld } from '../world/GridWorld.js';
import { loadMapServerMap } from '../world/MapServerMap.js';
import { generateWorld } from '../world/WorldGenerators.js';
import { shippedWorlds, shippedWorldsDir } from './ShippedWorlds.js';

describe('shipped worlds', () => {
  it.each(shippedWorlds)('$file loads and equals its generator output for its seed', (s) => {
    const loaded = loadMapServerMap(join(shippedWorldsDir(), s.file));
    const made = generateWorld(s.kind, { seed: s.seed, width: s.width, height: s.height, resolution: s.resolution });
    expect([loaded.width, loaded.height, loaded.resolution, loaded.originX, loaded.originY]).toEqual([
      s.width,
      s.height,
      s.resolution,
      0,
      0,
    ]);
    // If this fails after a generator change: npm run worlds:generate, look at the maps, commit them.
    expect(Buffer.from(loaded.cells).equals(Buffer.from(made.cells))).toBe(true);
    expect(labelFreeComponents(loaded.cells, loaded.width, loaded.height).sizes).toHaveLength(1);
  });

  // Coverage's denominator is the true free area (as in IR2), not the free space a robot can
  // reach: that is only fair while every free cell can be sensed from somewhere a robot fits.
  // The default robot (0.2 m radius, 8 m lidar) must see all of each shipped world's free space.
  it.each(shippedWorlds)(
    '$file: every free cell is in lidar range and sight of a place a 0.2 m robot can drive to',
    (s) => {
      const world = loadMapServerMap(join(shippedWorldsDir(), s.file));
      expect(unobservableFreeCells(world, 0.2, 8)).toEqual([]);
    },
  );
});

/** Free cells no lidar of `rangeM` sees from any cell a disc of `radiusM` can reach from the spawn area. */
function unobservableFreeCells(world: GridWorld, radiusM: number, rangeM: number): Array<[number, number]> {
  const { width: w, height: h, cells } = world;
  const occupancy = Int8Array.from(cells, (c) => (c === 0 ? 0 : 100));
  const r = radiusM / world.resolution;
  const cost = inflateGrid(occupancy, w, h, {
    occupiedThreshold: 65,
    robotRadius: r,
    inflationRadius: 0,
    allowUnknown: false,
  });
  const [sx, sy] = world.cellOf(spawnPoses(world, 1, radiusM)[0]!.x, spawnPoses(world, 1, radiusM)[0]!.y);
  const reach = new Uint8Array(w * h);
  const queue = [sy * w + sx];
  reach[queue[0]!] = 1;
  for (let q = 0; q < queue.length; q++) {
    const x = queue[q]! % w;
    const y = Math.floor(queue[q]! / w);
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const j = (y + dy) * w + x + dx;
        if (world.inBounds(x + dx, y + dy) && reach[j] === 0 && isTraversable(cost[j]!)) {
          reach[j] = 1;
          queue.push(j);
        }
      }
    }
  }
  const range = Math.floor(rangeM / world.resolution);
  const seenFrom = (fx: number, fy: number, cx: number, cy: number): boolean => {
    let clear = true;
    gridLine(cx, cy, fx, fy, (x, y) => {
      if (!world.isFree(x, y)) clear = false;
    });
    return clear;
  };
  const missing: Array<[number, number]> = [];
  for (let fy = 0; fy < h; fy++) {
    for (let fx = 0; fx < w; fx++) {
      if (!world.isFree(fx, fy) || reach[fy * w + fx] === 1) continue;
      let ok = false;
      // Rings of growing Chebyshev radius: the nearest drivable places first.
      for (let ring = 1; ring <= range && !ok; ring++) {
        for (let dy = -ring; dy <= ring && !ok; dy++) {
          const step = Math.abs(dy) === ring ? 1 : 2 * ring;
          for (let dx = -ring; dx <= ring && !ok; dx += step) {
            const cx = fx + dx;
            const cy = fy + dy;
            if (!world.inBounds(cx, cy) || reach[cy * w + cx] === 0 || dx * dx + dy * dy > range * range) continue;
            ok = seenFrom(fx, fy, cx, cy);
          }
        }
      }
      if (!ok) missing.push([fx, fy]);
    }
  }
  return missing;
}
