/**
 * Per-map-update costs the simulator pays for every robot (simulator speed): the
 * planner's inflation and fleet_link's own-map → tiles cut, each incremental against its
 * whole-grid baseline measured in the same run, on the rooms map (640×480) with 20 m known around
 * the centre and 8 m of new map per update (a lidar's reach).
 *
 *   npm run bench:incremental-maps [-- --updates 40]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { IncrementalInflation, inflateGrid } from '../nodes/exploration/GridInflation.js';
import { TiledMap } from '../nodes/fleet/TiledMap.js';
import { packageRoot } from '../runtime/packageRoot.js';
import { loadMapServerMap } from '../sim/world/MapServerMap.js';
import { CELL_FREE } from '../sim/world/GridWorld.js';
import { machine } from './BenchRunner.js';

export interface IncrementalMapsResult {
  inflation: { fullMs: number; incrementalMs: number; recomputedShare: number };
  tiles: { allMs: number; changedMs: number; tileCount: number };
}

export function runIncrementalMapsBench(updates = 40): IncrementalMapsResult {
  const world = loadMapServerMap(join(packageRoot(), 'sim/worlds/rooms.yaml'));
  const { width: w, height: h } = world;
  const data = new Int8Array(w * h).fill(-1);
  const reveal = (cx: number, cy: number, r: number): void => {
    for (let y = Math.max(0, cy - r); y < Math.min(h, cy + r); y++) {
      for (let x = Math.max(0, cx - r); x < Math.min(w, cx + r); x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) data[y * w + x] = world.cells[y * w + x] === CELL_FREE ? 0 : 100;
      }
    }
  };
  reveal(w >> 1, h >> 1, 200);
  const p = { occupiedThreshold: 65, robotRadius: 2, inflationRadius: 5, allowUnknown: true };
  const inc = new IncrementalInflation();
  inc.update(data, w, h, p);
  let full = 0;
  let incremental = 0;
  let recomputed = 0;
  for (let k = 0; k < updates; k++) {
    reveal((w >> 1) + 200 + 3 * k, h >> 1, 80);
    let t = performance.now();
    inflateGrid(data, w, h, p);
    full += performance.now() - t;
    t = performance.now();
    inc.update(data, w, h, p);
    incremental += performance.now() - t;
    recomputed += inc.lastRecomputed;
  }

  // fleet_link's own-map cut: before, every tile was copied, validated and compared on each
  // update; now tiles equal to the last own map are skipped (FleetLinkNode#onOwnMap).
  const map = new TiledMap({ self: 'r1', width: w, height: h, resolution: world.resolution, tileSize: 32 });
  const g = map.grid;
  const cut = (d: Int8Array, prev: Int8Array | undefined): void => {
    for (let id = 0; id < g.tileCount; id++) {
      const b = g.tileBounds(id);
      if (prev !== undefined) {
        let same = true;
        for (let y = 0; y < b.h && same; y++)
          for (let x = 0, row = (b.y0 + y) * w + b.x0; x < b.w; x++)
            if (prev[row + x] !== d[row + x]) {
              same = false;
              break;
            }
        if (same) continue;
      }
      const cells = new Int8Array(b.w * b.h);
      for (let y = 0; y < b.h; y++)
        for (let x = 0, row = (b.y0 + y) * w + b.x0; x < b.w; x++) cells[y * b.w + x] = d[row + x]!;
      map.setOwnTile(id, cells);
    }
  };
  const prev = data.slice();
  cut(data, undefined);
  let all = 0;
  let changed = 0;
  for (let k = 0; k < updates; k++) {
    reveal(100 + 3 * k, 100, 80);
    let t = performance.now();
    cut(data, undefined);
    all += performance.now() - t;
    reveal(100 + 3 * k, 110, 80);
    t = performance.now();
    cut(data, prev);
    prev.set(data);
    changed += performance.now() - t;
  }
  return {
    inflation: {
      fullMs: full / updates,
      incrementalMs: incremental / updates,
      recomputedShare: recomputed / updates / (w * h),
    },
    tiles: { allMs: all / updates, changedMs: changed / updates, tileCount: g.tileCount },
  };
}

if (process.argv[1] !== undefined && import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { updates: { type: 'string' } } });
  const r = runIncrementalMapsBench(Number(values.updates ?? 40));
  const m = machine();
  console.log(`${m.cpuModel}, ${m.nproc} CPUs, Node ${m.node}`);
  console.log('| per map update, 640×480 | whole grid | incremental |');
  console.log('| --- | ---: | ---: |');
  console.log(
    `| planner inflation (${(100 * r.inflation.recomputedShare).toFixed(0)}% of cells re-inflated) | ${r.inflation.fullMs.toFixed(1)} ms | ${r.inflation.incrementalMs.toFixed(1)} ms |`,
  );
  console.log(
    `| fleet_link own map → ${r.tiles.tileCount} tiles | ${r.tiles.allMs.toFixed(1)} ms | ${r.tiles.changedMs.toFixed(1)} ms |`,
  );
}
