import { describe, expect, it } from 'vitest';
import { CellCanvas } from './CellCanvas.js';
import { CELL_FREE, CELL_OCCUPIED } from './GridWorld.js';

describe('CellCanvas', () => {
  it('turns metres into whole cells with a floor', () => {
    const c = new CellCanvas(10, 10, 0.1);
    expect(c.cellsFor(1.0)).toBe(10);
    expect(c.cellsFor(0.24)).toBe(2);
    expect(c.cellsFor(0.01)).toBe(1);
    expect(c.cellsFor(0.01, 3)).toBe(3);
  });

  it('fills half-open rectangles, clipped, in either corner order', () => {
    const c = new CellCanvas(4, 3, 1);
    c.fill(1, 1, 3, 5, CELL_OCCUPIED);
    c.fill(-2, 0, 1, -5, CELL_OCCUPIED); // empty after clipping in y
    expect([...c.cells]).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0]);
    c.fill(4, 3, 3, 2, CELL_FREE);
    expect(c.get(3, 2)).toBe(CELL_FREE);
    expect(c.get(-1, 0)).toBe(CELL_OCCUPIED); // outside counts as occupied
  });

  it('draws discs by cell centre', () => {
    const c = new CellCanvas(5, 5, 1);
    c.disc(2.5, 2.5, 1, CELL_OCCUPIED);
    // centre cell and its 4 neighbours (distance 1), not the diagonals (√2)
    expect(c.cells.reduce((n, v) => n + v, 0)).toBe(5);
    expect(c.get(2, 2) + c.get(1, 2) + c.get(3, 2) + c.get(2, 1) + c.get(2, 3)).toBe(5);
  });
});
