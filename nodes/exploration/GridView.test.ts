import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../../runtime/index.js';
import { CELL_FREE, CELL_OCCUPIED, CELL_UNKNOWN, GridView } from './GridView.js';

describe('GridView', () => {
  it("classifies OccupancyGrid values as map_server's trinary mode: free up to 25, occupied from 65, unknown between and at −1", () => {
    const g = GridView.fromOccupancyGrid({
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' },
      info: {
        map_load_time: { sec: 0, nanosec: 0 },
        resolution: 0.5,
        width: 6,
        height: 1,
        origin: { position: { x: -1, y: 2, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      },
      data: Int8Array.from([-1, 0, 25, 40, 65, 100]),
    });
    // 40: a cell seen free once (log-odds −0.4) is not yet free, and not a wall either.
    expect([...g.cells]).toEqual([CELL_UNKNOWN, CELL_FREE, CELL_FREE, CELL_UNKNOWN, CELL_OCCUPIED, CELL_OCCUPIED]);
    expect(g.knownCount).toBe(4);
    expect(g.cellOf(-0.9, 2.1)).toEqual([0, 0]);
    expect(g.centerX(1)).toBeCloseTo(-0.25);
    expect(g.centerY(0)).toBeCloseTo(2.25);
  });

  it('rejects a grid whose data does not match its size, and a rotated origin', () => {
    const msg = {
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' },
      info: {
        map_load_time: { sec: 0, nanosec: 0 },
        resolution: 1,
        width: 3,
        height: 3,
        origin: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      },
      data: new Int8Array(8),
    };
    expect(() => GridView.fromOccupancyGrid(msg)).toThrow(/3×3 = 9 cells, data has 8/);
    msg.data = new Int8Array(9);
    msg.info.origin.orientation = { x: 0, y: 0, z: Math.SQRT1_2, w: Math.SQRT1_2 };
    try {
      GridView.fromOccupancyGrid(msg);
      expect.unreachable();
    } catch (err) {
      expect(isOutpostError(err, 'OUTPOST_ERR_INVALID_ARGUMENT')).toBe(true);
    }
    msg.info.origin.orientation = { x: 0, y: 0, z: 0, w: 1 };
    expect(() => GridView.fromOccupancyGrid(msg, { freeThreshold: 50, occupiedThreshold: 40 })).toThrow(
      /occupied threshold > free threshold, got 40 ≤ 50/,
    );
  });

  it('reads ASCII rows top first, so row 0 of the text is the top of the map', () => {
    const g = GridView.fromAscii(['#?', '..']);
    expect(g.state(0, 1)).toBe(CELL_OCCUPIED);
    expect(g.state(1, 1)).toBe(CELL_UNKNOWN);
    expect(g.isFree(0, 0)).toBe(true);
    expect(g.state(5, 5)).toBe(CELL_UNKNOWN);
  });

  it('line of sight: blocked by occupied and unknown cells, not by its endpoints', () => {
    const g = GridView.fromAscii(['......', '..#...', '......', '...?..']);
    expect(g.lineClear(0, 2, 5, 2)).toBe(false); // through the wall at (2,2)
    expect(g.lineClear(0, 3, 5, 3)).toBe(true);
    expect(g.lineClear(0, 0, 5, 0)).toBe(false); // through the unknown cell at (3,0)
    expect(g.lineClear(3, 0, 3, 3)).toBe(true); // starts on the unknown cell: endpoints are not tested
    expect(g.lineClear(4, 1, 4, 1)).toBe(true);
  });

  it('line of sight cannot slip between two obstacles that touch at a corner', () => {
    const g = GridView.fromAscii(['....', '.#..', '..#.', '....']);
    expect(g.lineClear(1, 1, 2, 2)).toBe(false);
    expect(g.lineClear(2, 2, 1, 1)).toBe(false);
    expect(g.lineClear(0, 0, 3, 0)).toBe(true);
  });
});

describe('GridView.fromOccupancyGrid on Int8Array data (class table) against number[] data (comparisons)', () => {
  it('classifies every int8 value and counts known cells the same way', () => {
    const values = Array.from({ length: 256 }, (_, b) => (b < 128 ? b : b - 256));
    const msg = (data: Int8Array | number[]) => ({
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' },
      info: {
        map_load_time: { sec: 0, nanosec: 0 },
        resolution: 0.1,
        width: 16,
        height: 16,
        origin: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      },
      data,
    });
    for (const [freeThreshold, occupiedThreshold] of [
      [25, 65],
      [0, 1],
      [50.5, 70.5],
      [100, 101],
      [64, 65],
    ] as const) {
      const fast = GridView.fromOccupancyGrid(msg(Int8Array.from(values)), { freeThreshold, occupiedThreshold });
      const plain = GridView.fromOccupancyGrid(msg(values), { freeThreshold, occupiedThreshold });
      expect(Array.from(fast.cells)).toEqual(Array.from(plain.cells));
      expect(fast.knownCount).toBe(plain.knownCount);
      // Known: 0..free and occupied..127 (values above 100 are not valid occupancy but classify the same way).
      expect(fast.knownCount).toBe(Math.floor(freeThreshold) + 1 + (127 - Math.ceil(occupiedThreshold) + 1));
      expect(fast.cells[25]).toBe(
        freeThreshold >= 25 ? CELL_FREE : occupiedThreshold <= 25 ? CELL_OCCUPIED : CELL_UNKNOWN,
      );
      expect(fast.cells[255]).toBe(CELL_UNKNOWN);
    }
  });
});

describe('GridView.fromOccupancyGrid four cells at a time', () => {
  it('equals the per-cell classification on maps with runs of equal values, odd sizes and unaligned views', () => {
    let seed = 9;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    for (const [w, h] of [
      [640, 48],
      [67, 45],
      [3, 3],
    ] as const) {
      const data = new Int8Array(w * h).fill(-1);
      for (let k = 0; k < (w * h) / 3; k++) {
        const at = rand(w * h);
        data.fill([0, 100, 25, 26, 126, 127, -1, rand(101), rand(101)][rand(9)]!, at, Math.min(w * h, at + rand(9)));
      }
      const msg = (d: Int8Array | number[]) => ({
        header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' },
        info: {
          map_load_time: { sec: 0, nanosec: 0 },
          resolution: 0.1,
          width: w,
          height: h,
          origin: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
        },
        data: d,
      });
      const unaligned = new Int8Array(w * h + 1);
      unaligned.set(data, 1);
      for (const [freeThreshold, occupiedThreshold] of [
        [25, 65],
        [0, 1],
        [0, 100],
        [25, 26],
        [126, 127],
        [127, 128],
        [50.5, 60.5],
        [-1, 0],
        [-1, 128],
      ] as const) {
        const plain = GridView.fromOccupancyGrid(msg(Array.from(data)), { freeThreshold, occupiedThreshold });
        for (const d of [data, unaligned.subarray(1)]) {
          const fast = GridView.fromOccupancyGrid(msg(d), { freeThreshold, occupiedThreshold });
          expect(Buffer.from(fast.cells).equals(Buffer.from(plain.cells))).toBe(true);
          expect(fast.knownCount).toBe(plain.knownCount);
        }
      }
    }
  });
});

describe('GridView.lineClear', () => {
  // The walk with a bounds test at every step (the implementation before the in-grid fast path).
  const reference = (g: GridView, x0: number, y0: number, x1: number, y1: number): boolean => {
    let dx = Math.abs(x1 - x0);
    let dy = Math.abs(y1 - y0);
    const steps = dx + dy;
    const sx = x1 > x0 ? 1 : -1;
    const sy = y1 > y0 ? 1 : -1;
    let err = dx - dy;
    dx *= 2;
    dy *= 2;
    let x = x0;
    let y = y0;
    for (let i = 1; i < steps; i++) {
      if (err > 0) {
        x += sx;
        err -= dy;
      } else {
        y += sy;
        err += dx;
      }
      if (x < 0 || y < 0 || x >= g.width || y >= g.height) return false;
      if (g.cells[y * g.width + x] !== CELL_FREE) return false;
    }
    return true;
  };

  it('equals the bounds-checked walk for endpoints in, on the edge of and outside the grid', () => {
    let seed = 13;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    for (const pBlocked of [0, 0.03, 0.3]) {
      const w = 23;
      const h = 17;
      const cells = Uint8Array.from({ length: w * h }, () =>
        rand(1000) < pBlocked * 1000 ? [CELL_OCCUPIED, CELL_UNKNOWN][rand(2)]! : CELL_FREE,
      );
      const g = new GridView(w, h, 0.1, 0, 0, cells);
      for (let k = 0; k < 4000; k++) {
        const [x0, y0, x1, y1] = [rand(w + 6) - 3, rand(h + 6) - 3, rand(w + 6) - 3, rand(h + 6) - 3];
        expect(g.lineClear(x0, y0, x1, y1)).toBe(reference(g, x0, y0, x1, y1));
      }
    }
  });
});
