import { describe, expect, it } from 'vitest';
import { Random } from '../../Random.js';
import { CellCanvas } from '../CellCanvas.js';
import { closeBorder, labelFreeComponents } from '../FreeSpace.js';
import { CELL_OCCUPIED } from '../GridWorld.js';
import { generateWarehouse } from './WarehouseGenerator.js';

/** Longest run of occupied cells in row y, ignoring the outer walls. */
function longestRun(c: CellCanvas, y: number): number {
  let best = 0;
  let run = 0;
  for (let x = 5; x < c.width - 5; x++) {
    run = c.get(x, y) === CELL_OCCUPIED ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

describe('generateWarehouse', () => {
  it.each([1, 2, 3, 4])('seed %d: racks 12–18 m long along the long axis, all aisles connected', (seed) => {
    const c = new CellCanvas(500, 300, 0.1);
    generateWarehouse(c, new Random(seed));
    closeBorder(c.cells, c.width, c.height);
    expect(labelFreeComponents(c.cells, c.width, c.height).sizes).toHaveLength(1);
    const runs = Array.from({ length: c.height - 10 }, (_, i) => longestRun(c, i + 5)); // inside the 0.3 m outer wall
    const rackRows = runs.filter((r) => r >= 100).length;
    expect(rackRows).toBeGreaterThan(5 * 12); // at least 5 racks, 12 cells deep each
    expect(Math.max(...runs)).toBeLessThanOrEqual(180);
  });

  it('turns the racks when the world is taller than wide', () => {
    const c = new CellCanvas(200, 400, 0.1);
    generateWarehouse(c, new Random(1));
    let vertical = 0;
    for (let x = 5; x < 195; x++) {
      let run = 0;
      for (let y = 5; y < 395; y++) {
        run = c.get(x, y) === CELL_OCCUPIED ? run + 1 : 0;
        if (run >= 100) {
          vertical++;
          break;
        }
      }
    }
    expect(vertical).toBeGreaterThan(24);
  });
});
