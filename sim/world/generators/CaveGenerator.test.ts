import { describe, expect, it } from 'vitest';
import { Random } from '../../Random.js';
import { CellCanvas } from '../CellCanvas.js';
import { CELL_FREE, CELL_OCCUPIED } from '../GridWorld.js';
import { generateCave } from './CaveGenerator.js';

describe('generateCave', () => {
  it.each([1, 2, 3])('seed %d: open but walled caverns, rock at the edges, trees on the floor', (seed) => {
    const c = new CellCanvas(400, 400, 0.1);
    generateCave(c, new Random(seed));
    const free = c.cells.filter((v) => v === CELL_FREE).length / c.cells.length;
    expect(free).toBeGreaterThan(0.35);
    expect(free).toBeLessThan(0.85);
    for (let i = 0; i < 400; i++) {
      expect(c.get(i, 0)).toBe(CELL_OCCUPIED);
      expect(c.get(0, i)).toBe(CELL_OCCUPIED);
    }
    // trees: small occupied blobs fully surrounded by free floor (a 9×9 window with free edges)
    let trees = 0;
    for (let y = 10; y < 390; y += 1) {
      for (let x = 10; x < 390; x += 1) {
        if (c.get(x, y) !== CELL_OCCUPIED) continue;
        let ring = true;
        for (let k = -4; k <= 4 && ring; k++) {
          ring =
            c.get(x + k, y - 4) === CELL_FREE &&
            c.get(x + k, y + 4) === CELL_FREE &&
            c.get(x - 4, y + k) === CELL_FREE &&
            c.get(x + 4, y + k) === CELL_FREE;
        }
        if (ring) trees++;
      }
    }
    expect(trees).toBeGreaterThan(0);
  });

  it('scales with resolution: the same seed at 0.2 m is the same cave at half the cells', () => {
    const fine = new CellCanvas(200, 200, 0.1);
    const coarse = new CellCanvas(100, 100, 0.2);
    generateCave(fine, new Random(9));
    generateCave(coarse, new Random(9));
    const f = fine.cells.filter((v) => v === CELL_FREE).length / fine.cells.length;
    const g = coarse.cells.filter((v) => v === CELL_FREE).length / coarse.cells.length;
    expect(Math.abs(f - g)).toBeLessThan(0.1);
  });
});
