import { OutpostError } from '../../runtime/OutpostError.js';

/**
 * The simulator's ground truth: a 2D occupancy grid of a world (what a map_server map describes),
 * cell (0,0) at the lower-left corner `origin` (REP-103: x east/right, y north/up), row-major with
 * row 0 at the bottom — the same layout as nav_msgs/OccupancyGrid. Each cell is free or occupied;
 * a map_server "unknown" cell counts as occupied for physics, sensing and radio (nothing can be
 * seen through it or driven into it), and is left out of the free space coverage is measured on.
 */
export interface GridWorldOptions {
  width: number;
  height: number;
  /** Cell edge. Unit: m. */
  resolution: number;
  /** World coordinates of cell (0,0)'s lower-left corner. Unit: m. Default 0, 0. */
  originX?: number;
  originY?: number;
  /** Row-major, row 0 at the bottom: CELL_FREE, CELL_OCCUPIED or CELL_UNKNOWN per cell. */
  cells?: Uint8Array;
  /** Where the map came from (a file path or a generator description), for reports. */
  name?: string;
}

export const CELL_FREE = 0;
export const CELL_OCCUPIED = 1;
export const CELL_UNKNOWN = 2;

export class GridWorld {
  readonly width: number;
  readonly height: number;
  readonly resolution: number;
  readonly originX: number;
  readonly originY: number;
  readonly cells: Uint8Array;
  readonly name: string;

  constructor(o: GridWorldOptions) {
    if (!Number.isInteger(o.width) || !Number.isInteger(o.height) || o.width <= 0 || o.height <= 0) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `world: width and height must be positive integers, got ${o.width}×${o.height}`,
      );
    }
    if (!(o.resolution > 0))
      throw new OutpostError('OUTPOST_ERR_INVALID_ARGUMENT', `world: resolution must be > 0 m, got ${o.resolution}`);
    this.width = o.width;
    this.height = o.height;
    this.resolution = o.resolution;
    this.originX = o.originX ?? 0;
    this.originY = o.originY ?? 0;
    this.cells = o.cells ?? new Uint8Array(o.width * o.height);
    if (this.cells.length !== o.width * o.height) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `world: expected ${o.width * o.height} cells, got ${this.cells.length}`,
      );
    }
    this.name = o.name ?? `${o.width}x${o.height}@${o.resolution}m`;
  }

  inBounds(cx: number, cy: number): boolean {
    return cx >= 0 && cy >= 0 && cx < this.width && cy < this.height;
  }

  /** Free for driving, sensing and radio: inside the map and CELL_FREE. */
  isFree(cx: number, cy: number): boolean {
    return this.inBounds(cx, cy) && this.cells[cy * this.width + cx] === CELL_FREE;
  }

  /** Blocks motion, rays and radio: occupied, unknown, or outside the map. */
  isBlocked(cx: number, cy: number): boolean {
    return !this.isFree(cx, cy);
  }

  /** The cell containing world point (x, y), as integers (may be out of bounds). */
  cellOf(x: number, y: number): [number, number] {
    return [Math.floor((x - this.originX) / this.resolution), Math.floor((y - this.originY) / this.resolution)];
  }

  /** World coordinates of a cell's centre. */
  centerOf(cx: number, cy: number): [number, number] {
    return [this.originX + (cx + 0.5) * this.resolution, this.originY + (cy + 0.5) * this.resolution];
  }

  /** Number of free cells (the denominator of coverage). */
  freeCellCount(): number {
    let n = 0;
    for (let i = 0; i < this.cells.length; i++) if (this.cells[i] === CELL_FREE) n++;
    return n;
  }
}
