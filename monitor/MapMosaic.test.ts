import { describe, expect, it } from 'vitest';
import type { MessageOf } from '../runtime/index.js';
import { MapMosaic, TILE_SIZE } from './MapMosaic.js';

function grid(width: number, height: number, fill: number, originX = 0): MessageOf<'nav_msgs/msg/OccupancyGrid'> {
  return {
    header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' },
    info: {
      map_load_time: { sec: 0, nanosec: 0 },
      resolution: 0.1,
      width,
      height,
      origin: { position: { x: originX, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
    },
    data: new Int8Array(width * height).fill(fill),
  };
}

describe('MapMosaic', () => {
  it('hands out only the tiles whose cells changed, once', () => {
    const m = new MapMosaic();
    const a = grid(70, 40, -1);
    expect(m.add(a)).toBe(true);
    expect(m.changedTiles()).toEqual([]); // all unknown: nothing to draw
    a.data[39 * 70 + 65] = 100; // row 39 (tile row 1), column 65 (tile column 2)
    a.data[3 * 70 + 5] = 0;
    m.add(a);
    const tiles = m.changedTiles();
    expect(tiles.map((t) => [t.tx, t.ty, t.w, t.h])).toEqual([
      [0, 0, TILE_SIZE, TILE_SIZE],
      [2, 1, 70 - 2 * TILE_SIZE, 40 - TILE_SIZE],
    ]);
    expect(tiles[0]!.cells[3 * TILE_SIZE + 5]).toBe(0);
    expect(tiles[1]!.cells[(39 - TILE_SIZE) * tiles[1]!.w + 1]).toBe(100);
    expect(m.changedTiles()).toEqual([]);
    expect(m.sentTiles().map((t) => [t.tx, t.ty])).toEqual([
      [0, 0],
      [2, 1],
    ]);
  });

  it("lays robots' maps over each other and skips one of another geometry", () => {
    const m = new MapMosaic();
    const a = grid(32, 32, -1);
    a.data[0] = 0;
    const b = grid(32, 32, -1);
    b.data[1] = 100;
    m.add(a);
    m.add(b);
    expect([m.cells[0], m.cells[1], m.cells[2]]).toEqual([0, 100, 255]);
    expect(m.add(grid(32, 32, 0, 5))).toBe(false);
    expect(m.skipped).toBe(1);
    // A ground station's merged map replaces: its unknown cells are unknown, a new geometry resets.
    expect(m.add(grid(16, 16, -1), true)).toBe(true);
    expect(m.geometry?.width).toBe(16);
    expect(m.cells.every((c) => c === 255)).toBe(true);
  });
});
