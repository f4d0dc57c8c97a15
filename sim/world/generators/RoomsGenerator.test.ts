import { describe, expect, it } from 'vitest';
import { Random } from '../../Random.js';
import { CellCanvas } from '../CellCanvas.js';
import { closeBorder, labelFreeComponents } from '../FreeSpace.js';
import { CELL_OCCUPIED } from '../GridWorld.js';
import { generateRooms } from './RoomsGenerator.js';

describe('generateRooms', () => {
  it.each([1, 2, 3, 4, 5, 6])(
    'seed %d: several rooms, every one reachable by construction (no pocket to fill)',
    (seed) => {
      const c = new CellCanvas(300, 200, 0.1);
      generateRooms(c, new Random(seed));
      closeBorder(c.cells, c.width, c.height);
      expect(labelFreeComponents(c.cells, c.width, c.height).sizes).toHaveLength(1);
      // interior walls exist: the middle row and the middle column both cross occupied cells
      let crossings = 0;
      for (let x = 3; x < 297; x++)
        if (c.get(x, 100) === CELL_OCCUPIED && c.get(x - 1, 100) !== CELL_OCCUPIED) crossings++;
      for (let y = 3; y < 197; y++)
        if (c.get(150, y) === CELL_OCCUPIED && c.get(150, y - 1) !== CELL_OCCUPIED) crossings++;
      expect(crossings).toBeGreaterThanOrEqual(3);
    },
  );
});
