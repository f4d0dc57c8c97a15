import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../runtime/msg/defaultRegistry.js';
import type { nav_msgs } from '../../runtime/msg/MessageTypes.js';
import { isOutpostError } from '../../runtime/OutpostError.js';
import { fuseCells } from './LogOddsFusion.js';
import { TiledMap } from './TiledMap.js';

const header = { stamp: { sec: 12, nanosec: 5 }, frame_id: 'map' };

describe('TiledMap', () => {
  it('bumps a tile version once per update that changes it, and not for no-op updates', () => {
    const m = new TiledMap({ self: 'r1', width: 64, height: 64 });
    expect(
      m.updateOwn([
        { x: 1, y: 1, value: 0 },
        { x: 2, y: 1, value: 100 },
        { x: 40, y: 1, value: 0 },
      ]),
    ).toEqual([0, 1]);
    expect(m.tileVersion('r1', 0)).toBe(1);
    expect(m.updateOwn([{ x: 1, y: 1, value: 0 }])).toEqual([]);
    expect(m.tileVersion('r1', 0)).toBe(1);
    m.updateOwn([{ x: 3, y: 3, value: 0 }]);
    expect(m.tileVersion('r1', 0)).toBe(2);
    expect(m.tileVersion('r1', 1)).toBe(1);
    expect(m.cell(2, 1)).toBe(100);
    expect(m.cell(5, 5)).toBe(-1);
    // An all-unknown tile that was never known is not a change.
    expect(m.setOwnTile(3, new Int8Array(1024).fill(-1))).toBe(false);
    expect(m.origins()).toEqual(['r1']);
  });

  it('accepts only newer versions from other origins', () => {
    const m = new TiledMap({ self: 'r1', width: 64, height: 64 });
    const zeros = new Int8Array(1024);
    const full = new Int8Array(1024).fill(100);
    expect(m.applyTile('r2', 3, 2, full)).toBe(true);
    expect(m.applyTile('r2', 3, 2, zeros)).toBe(false);
    expect(m.applyTile('r2', 3, 1, zeros)).toBe(false);
    expect(m.cell(32, 32)).toBe(100);
    expect(m.applyTile('r2', 3, 3, zeros)).toBe(true);
    expect(m.cell(32, 32)).toBe(0);
    expect(m.origins()).toEqual(['r2']); // r1 has observed nothing yet
  });

  it('merges layers: known beats unknown, known values fuse by log-odds', () => {
    const m = new TiledMap({ self: 'r1', width: 32, height: 32 });
    m.updateOwn([
      { x: 0, y: 0, value: 80 },
      { x: 1, y: 0, value: 0 },
    ]);
    const theirs = new Int8Array(1024).fill(-1);
    theirs[0] = 80;
    theirs[2] = 100;
    m.applyTile('r2', 0, 1, theirs);
    expect([m.cell(0, 0), m.cell(1, 0), m.cell(2, 0), m.cell(3, 0)]).toEqual([94, 0, 100, -1]);
  });

  it('merges each cell as fuseCells of the layers that hold its tile (one, several or no layer; clipped tiles)', () => {
    let seed = 11;
    const rand = (n: number): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    const w = 70;
    const h = 40; // tiles of 32: the last column (6 wide) and row (8 high) are clipped
    const m = new TiledMap({ self: 'me', width: w, height: h });
    const layers = new Map<string, Int8Array>();
    for (const origin of ['a', 'b', 'c']) layers.set(origin, new Int8Array(w * h).fill(-1));
    for (let id = 0; id < m.grid.tileCount; id++) {
      const b = m.grid.tileBounds(id);
      // Tile id picks how many layers hold it: 0 .. 3.
      for (const origin of ['a', 'b', 'c'].slice(0, id % 4)) {
        const d = Int8Array.from({ length: b.w * b.h }, () => [-1, 0, 100, rand(101)][rand(4)]!);
        m.applyTile(origin, id, 1, d);
        for (let y = 0; y < b.h; y++)
          for (let x = 0; x < b.w; x++) layers.get(origin)![(b.y0 + y) * w + b.x0 + x] = d[y * b.w + x]!;
      }
    }
    const merged = m.merged();
    for (let i = 0; i < w * h; i++) expect(merged[i]).toBe(fuseCells([...layers.values()].map((l) => l[i]!)));
  });

  it('computes the same merged bytes whatever order the tiles arrive in', () => {
    const tiles: Array<[string, number, number, Int8Array]> = [];
    let seed = 3;
    const rand = (n: number): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    for (const origin of ['a', 'b', 'c', 'd']) {
      for (let id = 0; id < 6; id++) {
        for (let version = 1; version <= 2; version++) {
          tiles.push([
            origin,
            id,
            version,
            Int8Array.from({ length: 1024 }, () => [-1, -1, 0, 100, rand(101)][rand(5)]!),
          ]);
        }
      }
    }
    const build = (order: typeof tiles): Int8Array => {
      const m = new TiledMap({ self: 'me', width: 96, height: 64 });
      for (const [o, id, v, d] of order) m.applyTile(o, id, v, d);
      return m.merged();
    };
    const reference = build(tiles);
    for (let i = 0; i < 5; i++) {
      const shuffled = [...tiles];
      for (let j = shuffled.length - 1; j > 0; j--) {
        const k = rand(j + 1);
        [shuffled[j], shuffled[k]] = [shuffled[k]!, shuffled[j]!];
      }
      expect(Buffer.from(build(shuffled).buffer).equals(Buffer.from(reference.buffer))).toBe(true);
    }
  });

  it('produces a nav_msgs/OccupancyGrid that CDR-encodes, row 0 at the origin', () => {
    const m = new TiledMap({ self: 'r1', width: 40, height: 20, resolution: 0.05, originX: -1, originY: 2 });
    m.updateOwn([
      { x: 39, y: 19, value: 100 },
      { x: 0, y: 0, value: 0 },
    ]);
    const grid = m.toOccupancyGrid(header);
    expect(grid.info).toMatchObject({
      width: 40,
      height: 20,
      resolution: 0.05,
      map_load_time: { sec: 12, nanosec: 5 },
    });
    expect(grid.info.origin.position).toEqual({ x: -1, y: 2, z: 0 });
    expect(grid.data).toBeInstanceOf(Int8Array);
    expect(grid.data[0]).toBe(0);
    expect(grid.data[19 * 40 + 39]).toBe(100);
    const registry = defaultRegistry();
    const back = registry.decode<nav_msgs.msg.OccupancyGrid>(
      'nav_msgs/msg/OccupancyGrid',
      registry.encode('nav_msgs/msg/OccupancyGrid', grid),
    );
    expect([...back.data]).toEqual([...grid.data]);
  });

  it('rejects bad tiles with OUTPOST_ERR_MAP_TILE and keeps its state', () => {
    const m = new TiledMap({ self: 'r1', width: 64, height: 40 });
    m.applyTile('r2', 0, 1, new Int8Array(1024));
    const before = m.merged();
    const bad: Array<[string, number, number, ArrayLike<number>, RegExp]> = [
      ['r2', 9, 2, new Int8Array(1024), /tile id 9 is outside the map/],
      ['r2', 2, 1, new Int8Array(1024), /expected 256 cells, got Int8Array of 1024/], // clipped edge tile: 32×8
      ['r2', 0, 0, new Int8Array(1024), /version must be an integer in 1\.\./],
      [
        'r2',
        0,
        2,
        Int8Array.from({ length: 1024 }, (_, i) => (i === 7 ? 101 : 0)),
        /cell 7 must be −1 or an integer 0\.\.100, got 101/,
      ],
      [
        'r2',
        0,
        2,
        Int8Array.from({ length: 1024 }, (_, i) => (i === 3 ? -2 : 0)),
        /cell 3 must be −1 or an integer 0\.\.100, got -2/,
      ],
      [
        'r2',
        0,
        2,
        Array.from({ length: 1024 }, (_, i) => (i === 5 ? 0.5 : 0)),
        /cell 5 must be −1 or an integer 0\.\.100, got 0\.5/,
      ],
      ['', 0, 2, new Int8Array(1024), /origin robot id must be a string of 1\.\.64/],
    ];
    for (const [o, id, v, d, message] of bad) {
      let caught: unknown;
      try {
        m.applyTile(o, id, v, d);
      } catch (err) {
        caught = err;
      }
      expect(isOutpostError(caught, 'OUTPOST_ERR_MAP_TILE')).toBe(true);
      expect((caught as Error).message).toMatch(message);
    }
    expect(m.tileVersion('r2', 0)).toBe(1);
    expect(m.merged()).toEqual(before);
    expect(() => m.updateOwn([{ x: 0, y: 0, value: 200 }])).toThrow(/value must be −1 or an integer 0\.\.100/);
  });
});
