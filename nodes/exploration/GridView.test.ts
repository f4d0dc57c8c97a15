import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../../runtime/index.js';
import { CELL_FREE, CELL_OCCUPIED, CELL_UNKNOWN, GridView } from './GridView.js';

describe('GridView', () => {
  it('classifies OccupancyGrid values as map_server\'s trinary mode: free up to 25, occupied from 65, unknown between and at −1', () => {
    const g = GridView.fromOccupancyGrid({
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' },
      info: {
        map_load_time: { sec: 0, nanosec: 0 }, resolution: 0.5, width: 6, height: 1,
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
        map_load_time: { sec: 0, nanosec: 0 }, resolution: 1, width: 3, height: 3,
        origin: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      },
      data: new Int8Array(8),
    };
    expect(() => GridView.fromOccupancyGrid(msg)).toThrow(/3×3 = 9 cells, data has 8/);
    msg.data = new Int8Array(9);
    msg.info.origin.orientation = { x: 0, y: 0, z: 0.7071, w: 0.7071 };
    try {
      GridView.fromOccupancyGrid(msg);
      expect.unreachable();
    } catch (err) {
      expect(isOutpostError(err, 'OUTPOST_ERR_INVALID_ARGUMENT')).toBe(true);
    }
    msg.info.origin.orientation = { x: 0, y: 0, z: 0, w: 1 };
    expect(() => GridView.fromOccupancyGrid(msg, { freeThreshold: 50, occupiedThreshold: 40 })).toThrow(/occupied threshold > free threshold, got 40 ≤ 50/);
  });

  it('reads ASCII rows top first, so row 0 of the text is the top of the map', () => {
    const g = GridView.fromAscii(['#?', '..']);
    expect(g.state(0, 1)).toBe(CELL_OCCUPIED);
    expect(g.state(1, 1)).toBe(CELL_UNKNOWN);
    expect(g.isFree(0, 0)).toBe(true);
    expect(g.state(5, 5)).toBe(CELL_UNKNOWN);
  });

  it('line of sight: blocked by occupied and unknown cells, not by its endpoints', () => {
    const g = GridView.fromAscii([
      '......',
      '..#...',
      '......',
      '...?..',
    ]);
    expect(g.lineClear(0, 2, 5, 2)).toBe(false); // through the wall at (2,2)
    expect(g.lineClear(0, 3, 5, 3)).toBe(true);
    expect(g.lineClear(0, 0, 5, 0)).toBe(false); // through the unknown cell at (3,0)
    expect(g.lineClear(3, 0, 3, 3)).toBe(true); // starts on the unknown cell: endpoints are not tested
    expect(g.lineClear(4, 1, 4, 1)).toBe(true);
  });

  it('line of sight cannot slip between two obstacles that touch at a corner', () => {
    const g = GridView.fromAscii([
      '....',
      '.#..',
      '..#.',
      '....',
    ]);
    expect(g.lineClear(1, 1, 2, 2)).toBe(false);
    expect(g.lineClear(2, 2, 1, 1)).toBe(false);
    expect(g.lineClear(0, 0, 3, 0)).toBe(true);
  });
});
