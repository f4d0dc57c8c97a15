import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../../runtime/OutpostError.js';
import { labelFreeComponents } from './FreeSpace.js';
import { CELL_FREE, CELL_OCCUPIED } from './GridWorld.js';
import { generateWorld, worldGenerators } from './WorldGenerators.js';

const kinds = Object.keys(worldGenerators);

describe('generateWorld', () => {
  it('has the three generators by name', () => {
    expect(kinds).toEqual(['rooms', 'cave', 'warehouse']);
  });

  it.each(kinds)('%s: the same seed gives identical cells, another seed different ones', (kind) => {
    const a = generateWorld(kind, { seed: 11, width: 200, height: 150, resolution: 0.1 });
    const b = generateWorld(kind, { seed: 11, width: 200, height: 150, resolution: 0.1 });
    const c = generateWorld(kind, { seed: 12, width: 200, height: 150, resolution: 0.1 });
    expect(Buffer.from(a.cells).equals(Buffer.from(b.cells))).toBe(true);
    expect(Buffer.from(a.cells).equals(Buffer.from(c.cells))).toBe(false);
    expect(a.name).toBe(`${kind} seed 11 200x150@0.1m`);
  });

  it.each(
    kinds.flatMap(
      (k) =>
        [
          [k, 1, 0.1],
          [k, 2, 0.1],
          [k, 3, 0.05],
          [k, 4, 0.25],
        ] as const,
    ),
  )('%s seed %d at %d m: one free component, solid border, a sane free fraction', (kind, seed, resolution) => {
    const w = generateWorld(kind, { seed, width: 160, height: 120, resolution });
    const { sizes } = labelFreeComponents(w.cells, w.width, w.height);
    expect(sizes).toHaveLength(1);
    for (let x = 0; x < w.width; x++) {
      expect(w.isBlocked(x, 0) && w.isBlocked(x, w.height - 1)).toBe(true);
    }
    for (let y = 0; y < w.height; y++) {
      expect(w.isBlocked(0, y) && w.isBlocked(w.width - 1, y)).toBe(true);
    }
    const free = w.freeCellCount() / (w.width * w.height);
    expect(free).toBeGreaterThan(0.25);
    expect(free).toBeLessThan(0.97);
    // only free and occupied: generators make no unknown cells
    expect(w.cells.every((c) => c === CELL_FREE || c === CELL_OCCUPIED)).toBe(true);
  });

  it('keeps the origin it is given', () => {
    const w = generateWorld('cave', { seed: 1, width: 32, height: 32, originX: -1.6, originY: 2 });
    expect([w.originX, w.originY, w.resolution]).toEqual([-1.6, 2, 0.1]);
  });

  it('an unknown name lists the known ones', () => {
    let err: unknown;
    try {
      generateWorld('maze', { seed: 1, width: 64, height: 64 });
    } catch (e) {
      err = e;
    }
    expect(isOutpostError(err, 'OUTPOST_ERR_UNKNOWN_WORLD_GENERATOR')).toBe(true);
    expect((err as Error).message).toBe('world generator "maze" is not known; expected one of rooms, cave, warehouse');
  });

  it('rejects tiny or fractional sizes and bad resolutions', () => {
    expect(() => generateWorld('rooms', { seed: 1, width: 8, height: 64 })).toThrow(/≥ 16 cells, got 8×64/);
    expect(() => generateWorld('rooms', { seed: 1, width: 64.5, height: 64 })).toThrow(/integer width/);
    expect(() => generateWorld('rooms', { seed: 1, width: 64, height: 64, resolution: 0 })).toThrow(/resolution > 0/);
  });
});
