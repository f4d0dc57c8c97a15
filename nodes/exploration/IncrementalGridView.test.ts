import { describe, expect, it } from 'vitest';
import { GridView } from './GridView.js';
import { IncrementalGridView } from './IncrementalGridView.js';

const grid = (w: number, h: number, data: Int8Array | number[], ox = 0) => ({
  header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' },
  info: {
    map_load_time: { sec: 0, nanosec: 0 },
    resolution: 0.1,
    width: w,
    height: h,
    origin: { position: { x: ox, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
  },
  data,
});

describe('IncrementalGridView', () => {
  it('equals a full classification after every update of a growing, changing map', () => {
    let seed = 19;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    for (const [w, h] of [
      [640, 48],
      [67, 45],
    ] as const) {
      const inc = new IncrementalGridView();
      const data = new Int8Array(w * h).fill(-1);
      const views: GridView[] = [];
      for (let step = 0; step < 40; step++) {
        // A patch of new or changed values, some cells back to unknown, the last cell now and then.
        const x0 = rand(w);
        const y0 = rand(h);
        for (let y = y0; y < Math.min(h, y0 + rand(12)); y++)
          for (let x = x0; x < Math.min(w, x0 + rand(12)); x++)
            data[y * w + x] = [-1, 0, 12, 25, 26, 40, 65, 100, rand(101)][rand(9)]!;
        if (step % 9 === 4) data[w * h - 1] = data[w * h - 1] === -1 ? 80 : -1;
        // Each message is a new array, as a publisher sends it; every 13th is unaligned or a number[].
        const msgData =
          step % 13 === 6
            ? Array.from(data)
            : step % 13 === 7
              ? (() => {
                  const u = new Int8Array(w * h + 1);
                  u.set(data, 1);
                  return u.subarray(1);
                })()
              : data.slice();
        const freeThreshold = step < 30 ? 25 : 50;
        const occupiedThreshold = step < 35 ? 65 : 80;
        const got = inc.update(grid(w, h, msgData), { freeThreshold, occupiedThreshold });
        const want = GridView.fromOccupancyGrid(grid(w, h, data.slice()), { freeThreshold, occupiedThreshold });
        expect(Buffer.from(got.cells).equals(Buffer.from(want.cells))).toBe(true);
        expect(got.knownCount).toBe(want.knownCount);
        views.push(got);
      }
      // Earlier views are untouched by later updates.
      expect(views[0]!.knownCount).toBeLessThan(views[39]!.knownCount);
      expect(views[0]!.cells).not.toBe(views[1]!.cells);
    }
  });

  it('classifies in full when the geometry changes, and validates every message', () => {
    const inc = new IncrementalGridView();
    inc.update(grid(4, 2, Int8Array.from([0, 0, 0, 0, -1, -1, -1, -1])));
    const moved = inc.update(grid(4, 2, Int8Array.from([0, 0, 0, 0, 100, -1, -1, -1]), 5));
    expect(moved.originX).toBe(5);
    expect(moved.knownCount).toBe(5);
    expect(() => inc.update(grid(4, 2, Int8Array.from([0, 0, 0])))).toThrow(/data has 3/);
  });
});
