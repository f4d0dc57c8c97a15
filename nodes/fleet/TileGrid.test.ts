import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../../runtime/OutpostError.js';
import { TileGrid } from './TileGrid.js';

describe('TileGrid', () => {
  it('cuts 640×480 into 20×15 tiles of 32 and names them row-major from the origin', () => {
    const g = new TileGrid({ width: 640, height: 480 });
    expect([g.tilesX, g.tilesY, g.tileCount]).toEqual([20, 15, 300]);
    expect(g.tileIdAt(0, 0)).toBe(0);
    expect(g.tileIdAt(639, 0)).toBe(19);
    expect(g.tileIdAt(33, 32)).toBe(21);
    expect(g.tileBounds(21)).toEqual({ x0: 32, y0: 32, w: 32, h: 32 });
  });

  it('clips the last column and row of tiles to the map', () => {
    const g = new TileGrid({ width: 70, height: 40, tileSize: 32 });
    expect([g.tilesX, g.tilesY]).toEqual([3, 2]);
    expect(g.tileBounds(2)).toEqual({ x0: 64, y0: 0, w: 6, h: 32 });
    expect(g.tileBounds(5)).toEqual({ x0: 64, y0: 32, w: 6, h: 8 });
    expect(g.tileCellCount(5)).toBe(48);
  });

  it('measures tile distance in tiles (Chebyshev)', () => {
    const g = new TileGrid({ width: 640, height: 480 });
    expect(g.tileDistance(0, 0)).toBe(0);
    expect(g.tileDistance(0, 21)).toBe(1);
    expect(g.tileDistance(0, 3 * 20 + 5)).toBe(5);
  });

  it('rejects bad geometry, tile ids and cells with a clear error', () => {
    expect(() => new TileGrid({ width: 0, height: 4 })).toThrow(/width must be an integer in 1\.\./);
    expect(() => new TileGrid({ width: 4, height: 4, resolution: -1 })).toThrow(/resolution/);
    const g = new TileGrid({ width: 64, height: 64 });
    try {
      g.tileBounds(4);
      expect.unreachable();
    } catch (err) {
      expect(isOutpostError(err, 'OUTPOST_ERR_MAP_TILE')).toBe(true);
      expect((err as Error).message).toMatch(/tile id 4 is outside the map: expected an integer in 0\.\.3/);
    }
    expect(() => g.tileIdAt(64, 0)).toThrow(/cell \(64, 0\) is outside the map/);
  });

  it('tells whether two grids cut the same map', () => {
    const a = new TileGrid({ width: 64, height: 64, resolution: 0.05 });
    expect(a.sameAs(new TileGrid({ width: 64, height: 64, resolution: Math.fround(0.05) }))).toBe(true);
    expect(a.sameAs(new TileGrid({ width: 64, height: 64, resolution: 0.05, tileSize: 16 }))).toBe(false);
  });
});

describe('TileGrid.tilesThatDiffer', () => {
  const reference = (g: TileGrid, a: ArrayLike<number>, b: ArrayLike<number>): number[] => {
    const out: number[] = [];
    for (let id = 0; id < g.tileCount; id++) {
      const t = g.tileBounds(id);
      let differs = false;
      for (let y = t.y0; y < t.y0 + t.h && !differs; y++)
        for (let x = t.x0; x < t.x0 + t.w; x++) if (a[y * g.width + x] !== b[y * g.width + x]) differs = true;
      if (differs) out.push(id);
    }
    return out;
  };
  const ids = (mask: Uint8Array): number[] => [...mask.keys()].filter((i) => mask[i] === 1);

  it('finds exactly the tiles with a changed cell, word-wise on Int8Arrays and cell-wise otherwise', () => {
    let seed = 3;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    // 67×45 is not a multiple of 4 cells nor of the tile size: clipped tiles and a tail after the words.
    for (const [w, h, ts] of [
      [640, 480, 32],
      [67, 45, 16],
      [9, 3, 4],
    ] as const) {
      const g = new TileGrid({ width: w, height: h, tileSize: ts });
      for (const changes of [0, 1, 5, 200]) {
        const a = new Int8Array(w * h).fill(-1);
        const b = a.slice();
        for (let k = 0; k < changes; k++) b[rand(w * h)] = rand(101);
        b[w * h - 1] = changes > 1 ? 7 : -1; // the last cell (in the tail for odd sizes)
        expect(ids(g.tilesThatDiffer(a, b))).toEqual(reference(g, a, b));
        expect(ids(g.tilesThatDiffer(a, Array.from(b)))).toEqual(reference(g, a, b));
        // A view at an unaligned offset takes the cell-wise path.
        const shifted = new Int8Array(w * h + 1);
        shifted.set(b, 1);
        expect(ids(g.tilesThatDiffer(a, shifted.subarray(1)))).toEqual(reference(g, a, b));
      }
    }
  });

  it('refuses maps of the wrong size', () => {
    const g = new TileGrid({ width: 8, height: 8, tileSize: 4 });
    expect(() => g.tilesThatDiffer(new Int8Array(64), new Int8Array(63))).toThrow(/expected two maps of 64 cells/);
  });
});
