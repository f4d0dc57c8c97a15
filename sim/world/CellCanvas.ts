import { CELL_FREE, CELL_OCCUPIED } from './GridWorld.js';

/**
 * A grid of cells that world generators draw on: rectangles and discs of free or occupied
 * cells, with lengths given in metres and turned into whole cells at the world's resolution, so
 * a generator makes the same world (in metres) at any resolution.
 */
export class CellCanvas {
  readonly width: number;
  readonly height: number;
  /** Cell edge. Unit: m. */
  readonly resolution: number;
  /** Row-major, row 0 at the bottom (GridWorld layout). */
  readonly cells: Uint8Array;

  constructor(width: number, height: number, resolution: number, fill: number = CELL_FREE) {
    this.width = width;
    this.height = height;
    this.resolution = resolution;
    this.cells = new Uint8Array(width * height).fill(fill);
  }

  /** A length in metres as a whole number of cells, at least `min`. */
  cellsFor(metres: number, min = 1): number {
    return Math.max(min, Math.round(metres / this.resolution));
  }

  get(x: number, y: number): number {
    return x < 0 || y < 0 || x >= this.width || y >= this.height ? CELL_OCCUPIED : this.cells[y * this.width + x]!;
  }

  /** Sets cells x0 ≤ x < x1, y0 ≤ y < y1 (clipped to the grid). */
  fill(x0: number, y0: number, x1: number, y1: number, value: number): void {
    const ax = Math.max(0, Math.min(x0, x1));
    const bx = Math.min(this.width, Math.max(x0, x1));
    const ay = Math.max(0, Math.min(y0, y1));
    const by = Math.min(this.height, Math.max(y0, y1));
    for (let y = ay; y < by; y++) this.cells.fill(value, y * this.width + ax, y * this.width + bx);
  }

  /** Sets every cell whose centre lies within `r` cells of (cx, cy) (cell units, centres at +0.5). */
  disc(cx: number, cy: number, r: number, value: number): void {
    for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
      for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
        if (
          (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r &&
          x >= 0 &&
          y >= 0 &&
          x < this.width &&
          y < this.height
        ) {
          this.cells[y * this.width + x] = value;
        }
      }
    }
  }
}
