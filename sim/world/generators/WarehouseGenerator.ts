import type { Random } from '../../Random.js';
import type { CellCanvas } from '../CellCanvas.js';
import { CELL_FREE, CELL_OCCUPIED } from '../GridWorld.js';

/**
 * A warehouse: an outer wall (0.3 m), a loading zone 4–7 m deep at one end of the long axis with
 * pallets (1.0–1.2 m squares, kept 1 m from the walls), then rows of double-sided shelving
 * (1.2 m deep) along the long axis separated by aisles (2.4–3.2 m, drawn once per world), cut by
 * cross aisles (2.5 m) every 12–18 m, with a 1.5 m gangway between the racks and the far walls.
 */
export function generateWarehouse(c: CellCanvas, rng: Random): void {
  const wall = c.cellsFor(0.3);
  c.fill(0, 0, c.width, c.height, CELL_OCCUPIED);
  c.fill(wall, wall, c.width - wall, c.height - wall, CELL_FREE);

  // u runs along the shelves (the long axis), v across them.
  const alongX = c.width >= c.height;
  const uLen = alongX ? c.width : c.height;
  const vLen = alongX ? c.height : c.width;
  const block = (u0: number, u1: number, v0: number, v1: number): void => {
    if (alongX) c.fill(u0, v0, u1, v1, CELL_OCCUPIED);
    else c.fill(v0, u0, v1, u1, CELL_OCCUPIED);
  };
  const dockAtStart = rng.chance(0.5);
  const dock = c.cellsFor(rng.uniform(4, 7));
  const gangway = c.cellsFor(1.5);
  const rack = c.cellsFor(1.2);
  const aisle = c.cellsFor(rng.uniform(2.4, 3.2));
  const cross = c.cellsFor(2.5);

  const rackStart = wall + (dockAtStart ? dock : gangway);
  const rackEnd = uLen - wall - (dockAtStart ? gangway : dock);
  for (let v = wall + gangway; v + rack <= vLen - wall - gangway; v += rack + aisle) {
    let u = rackStart;
    while (u < rackEnd) {
      const run = c.cellsFor(rng.uniform(12, 18));
      block(u, Math.min(u + run, rackEnd), v, v + rack);
      u += run + cross;
    }
  }

  const margin = c.cellsFor(1.0);
  const dockU0 = dockAtStart ? wall + margin : rackEnd + margin;
  const dockU1 = dockAtStart ? rackStart - margin : uLen - wall - margin;
  const pallets = rng.int(3, 8);
  for (let k = 0; k < pallets; k++) {
    const s = c.cellsFor(rng.uniform(1.0, 1.2));
    if (dockU1 - s < dockU0 || vLen - wall - margin - s < wall + margin) break;
    const u = rng.int(dockU0, dockU1 - s);
    const v = rng.int(wall + margin, vLen - wall - margin - s);
    block(u, u + s, v, v + s);
  }
}
