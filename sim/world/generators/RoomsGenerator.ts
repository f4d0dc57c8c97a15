import type { Random } from '../../Random.js';
import type { CellCanvas } from '../CellCanvas.js';
import { CELL_FREE, CELL_OCCUPIED } from '../GridWorld.js';

/** Half-open cell rectangle x0 ≤ x < x1, y0 ≤ y < y1. */
interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * An office floor: rooms and corridors with doors, by recursive division. Each region is cut by a
 * wall with at least one door — or, in large regions, by a corridor (two walls, doors spread along
 * both) — until its rooms are near the minimum size; some rooms get a piece of furniture kept a
 * metre from the walls. A new wall never ends against an existing door, so every room stays
 * reachable; extra doors make loops. Sizes in metres: walls 0.2, doors 1.0, rooms ≥ 3, corridors 1.8.
 */
export function generateRooms(c: CellCanvas, rng: Random): void {
  const wall = c.cellsFor(0.2);
  const door = c.cellsFor(1.0, 2);
  const minRoom = c.cellsFor(3.0, 3);
  const corridor = c.cellsFor(1.8, 2);
  const doorSpacing = c.cellsFor(7.0);
  const doors: Rect[] = [];

  c.fill(0, 0, c.width, c.height, CELL_OCCUPIED);
  c.fill(wall, wall, c.width - wall, c.height - wall, CELL_FREE);

  /** A rectangle in split coordinates: `a` across the wall (x for a vertical wall), `b` along it. */
  const rect = (vertical: boolean, a0: number, a1: number, b0: number, b1: number): Rect =>
    vertical ? { x0: a0, x1: a1, y0: b0, y1: b1 } : { x0: b0, x1: b1, y0: a0, y1: a1 };
  const touchesDoor = (r: Rect): boolean =>
    doors.some((d) => r.x0 - 1 < d.x1 && d.x0 < r.x1 + 1 && r.y0 - 1 < d.y1 && d.y0 < r.y1 + 1);

  /** Cuts `count` doors into the wall [a0, a0+wall) × [b0, b1), one per equal segment. */
  const cutDoors = (vertical: boolean, a0: number, b0: number, b1: number, count: number): void => {
    const segment = Math.floor((b1 - b0) / count);
    for (let k = 0; k < count; k++) {
      const lo = b0 + k * segment;
      const hi = (k === count - 1 ? b1 : lo + segment) - door;
      if (hi < lo) continue;
      const d = rng.int(lo, hi);
      const r = rect(vertical, a0, a0 + wall, d, d + door);
      c.fill(r.x0, r.y0, r.x1, r.y1, CELL_FREE);
      doors.push(r);
    }
  };

  const furnish = (r: Rect): void => {
    const margin = c.cellsFor(1.0);
    if (r.x1 - r.x0 < c.cellsFor(4.0) || r.y1 - r.y0 < c.cellsFor(4.0) || !rng.chance(0.5)) return;
    const bw = rng.int(c.cellsFor(0.6), c.cellsFor(1.5));
    const bh = rng.int(c.cellsFor(0.6), c.cellsFor(1.5));
    if (r.x1 - margin - bw < r.x0 + margin || r.y1 - margin - bh < r.y0 + margin) return;
    const x = rng.int(r.x0 + margin, r.x1 - margin - bw);
    const y = rng.int(r.y0 + margin, r.y1 - margin - bh);
    c.fill(x, y, x + bw, y + bh, CELL_OCCUPIED);
  };

  const divide = (r: Rect, depth: number): void => {
    const w = r.x1 - r.x0;
    const h = r.y1 - r.y0;
    const canV = w >= 2 * minRoom + wall;
    const canH = h >= 2 * minRoom + wall;
    // Stop early now and then once a region is modest, so room sizes vary.
    if ((!canV && !canH) || (depth > 1 && w < 3 * minRoom && h < 3 * minRoom && rng.chance(0.3))) {
      furnish(r);
      return;
    }
    const vertical = canV && (!canH || rng.chance(w > h ? 0.8 : 0.2));
    const [a0, a1, b0, b1] = vertical ? [r.x0, r.x1, r.y0, r.y1] : [r.y0, r.y1, r.x0, r.x1];
    const span = a1 - a0;
    const isCorridor =
      span >= 2 * minRoom + 2 * wall + corridor && b1 - b0 >= 2 * minRoom && rng.chance(depth === 0 ? 0.7 : 0.3);
    const thick = isCorridor ? 2 * wall + corridor : wall;
    for (let attempt = 0; attempt < 24; attempt++) {
      const pos = rng.int(a0 + minRoom, a1 - minRoom - thick);
      if (touchesDoor(rect(vertical, pos, pos + thick, b0, b1))) continue;
      if (isCorridor) {
        const count = Math.max(1, Math.floor((b1 - b0) / doorSpacing));
        for (const wa of [pos, pos + wall + corridor]) {
          const wr = rect(vertical, wa, wa + wall, b0, b1);
          c.fill(wr.x0, wr.y0, wr.x1, wr.y1, CELL_OCCUPIED);
          cutDoors(vertical, wa, b0, b1, count);
        }
      } else {
        const wr = rect(vertical, pos, pos + wall, b0, b1);
        c.fill(wr.x0, wr.y0, wr.x1, wr.y1, CELL_OCCUPIED);
        cutDoors(vertical, pos, b0, b1, b1 - b0 >= 3 * door && rng.chance(0.3) ? 2 : 1);
      }
      divide(rect(vertical, a0, pos, b0, b1), depth + 1);
      divide(rect(vertical, pos + thick, a1, b0, b1), depth + 1);
      return;
    }
    furnish(r); // no cut avoids every door: leave it one room
  };

  divide({ x0: wall, y0: wall, x1: c.width - wall, y1: c.height - wall }, 0);
}
