import type { MessageOf } from '../../runtime/index.js';
import { OutpostError } from '../../runtime/index.js';

/** A cell's class for exploration: what IR2 calls free (255), occupied (1) and unknown (127). */
export const CELL_FREE = 0;
export const CELL_OCCUPIED = 1;
export const CELL_UNKNOWN = 2;

export interface GridViewOptions {
  /**
   * Occupancy values (0..100) up to this one count as free. Default 25, map_server's `free_thresh`.
   */
  freeThreshold?: number;
  /**
   * Values from this one up count as occupied. Default 65, map_server's `occupied_thresh`. Values
   * between the thresholds are unknown, as in map_server's trinary mode: never free (no edge or
   * line of sight crosses them), and not walls either. A cell the mapper saw free once (p 0.4,
   * value 40: the fringe of every scan) counted as occupied when everything above free was an
   * obstacle; the fringe then hid the frontier behind a band of "walls" and explorers declared
   * exploration done with rooms unseen (on rooms.yaml).
   */
  occupiedThreshold?: number;
}

/**
 * A read-only view of a nav_msgs/OccupancyGrid for exploration: each cell classified once as
 * free / occupied / unknown, cell ↔ map-frame conversions, and the line-of-sight test that both
 * the graph's edges and the node utility use. Cell (0,0) is the lower-left cell, row-major, row 0
 * at the bottom (the OccupancyGrid layout). The map's origin orientation is assumed to be the
 * identity (all Outpost mappers publish it so); a rotated origin is rejected.
 */
export class GridView {
  readonly width: number;
  readonly height: number;
  /** Cell edge. Unit: m. */
  readonly resolution: number;
  /** Map-frame coordinates of cell (0,0)'s lower-left corner. Unit: m. */
  readonly originX: number;
  readonly originY: number;
  /** CELL_FREE, CELL_OCCUPIED or CELL_UNKNOWN per cell, row-major. */
  readonly cells: Uint8Array;
  /** Number of known (free or occupied) cells: what the rendezvous stand-in counts. */
  readonly knownCount: number;

  /** `knownCount`: the number of cells that are not CELL_UNKNOWN, when the caller counted them already. */
  constructor(
    width: number,
    height: number,
    resolution: number,
    originX: number,
    originY: number,
    cells: Uint8Array,
    knownCount?: number,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `grid: expected positive integer width and height, got ${width}×${height}`,
      );
    }
    if (!(resolution > 0))
      throw new OutpostError('OUTPOST_ERR_INVALID_ARGUMENT', `grid: expected resolution > 0 m, got ${resolution}`);
    if (cells.length !== width * height) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `grid: expected ${width * height} cells (${width}×${height}), got ${cells.length}`,
      );
    }
    this.width = width;
    this.height = height;
    this.resolution = resolution;
    this.originX = originX;
    this.originY = originY;
    this.cells = cells;
    if (knownCount === undefined) {
      knownCount = 0;
      for (let i = 0; i < cells.length; i++) if (cells[i] !== CELL_UNKNOWN) knownCount++;
    }
    this.knownCount = knownCount;
  }

  /** Classifies an OccupancyGrid message (validated here: this is where the map enters). */
  static fromOccupancyGrid(msg: MessageOf<'nav_msgs/msg/OccupancyGrid'>, options: GridViewOptions = {}): GridView {
    GridView.checkOccupancyGrid(msg);
    const { width, height, resolution, origin } = msg.info;
    const { free, occupied } = gridThresholds(options);
    const data = msg.data;
    const n = width * height;
    const cells = new Uint8Array(n);
    let known = 0;
    if (data instanceof Int8Array) {
      // Every explorer classifies the merged 640×480 map on each update: a table lookup per cell
      // (index: the byte's two's complement) instead of comparisons on a polymorphic array, and
      // four cells at once where they hold the same value (unknown space, mostly).
      const table = classTable(free, occupied);
      let i = 0;
      if (data.byteOffset % 4 === 0) {
        const words = new Int32Array(data.buffer, data.byteOffset, n >> 2);
        const out = new Int32Array(cells.buffer, 0, n >> 2);
        // For integer thresholds, whether four known values are all free or all occupied is one
        // add per word: a byte b (0..127) plus 127 − free carries into its top bit iff b > free,
        // plus 128 − occupied iff b ≥ occupied.
        const swar =
          Number.isInteger(free) &&
          free >= 0 &&
          free <= 126 &&
          Number.isInteger(occupied) &&
          occupied >= 1 &&
          occupied <= 127;
        const freeBias = (127 - free) * 0x01010101;
        const occupiedBias = (128 - occupied) * 0x01010101;
        const occupied4 = CELL_OCCUPIED * 0x01010101;
        for (let k = 0; k < words.length; k++) {
          const w = words[k]!;
          if (swar && (w & 0x80808080) === 0) {
            if (((w + freeBias) & 0x80808080) === 0) {
              out[k] = 0;
              known += 4;
              continue;
            } // CELL_FREE × 4
            if (((w + occupiedBias) & 0x80808080) === (0x80808080 | 0)) {
              out[k] = occupied4;
              known += 4;
              continue;
            }
          }
          const b = w & 255;
          if (w === ((b * 0x01010101) | 0)) {
            const c = table[b]!;
            out[k] = c * 0x01010101;
            if (c !== CELL_UNKNOWN) known += 4;
            continue;
          }
          for (let j = 4 * k; j < 4 * k + 4; j++) {
            const c = table[data[j]! & 255]!;
            cells[j] = c;
            if (c !== CELL_UNKNOWN) known++;
          }
        }
        i = words.length << 2;
      }
      for (; i < n; i++) {
        const c = table[data[i]! & 255]!;
        cells[i] = c;
        if (c !== CELL_UNKNOWN) known++;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const c = classOf(data[i]!, free, occupied);
        cells[i] = c;
        if (c !== CELL_UNKNOWN) known++;
      }
    }
    return new GridView(width, height, resolution, origin.position.x, origin.position.y, cells, known);
  }

  /** Throws OUTPOST_ERR_INVALID_ARGUMENT unless the map is unrotated and its data fits its size. */
  static checkOccupancyGrid(msg: MessageOf<'nav_msgs/msg/OccupancyGrid'>): void {
    const { width, height, origin } = msg.info;
    const q = origin.orientation;
    if (Math.abs(q.x) > 1e-6 || Math.abs(q.y) > 1e-6 || Math.abs(q.z) > 1e-6) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `grid: expected an unrotated map origin (orientation x=y=z=0), got (${q.x}, ${q.y}, ${q.z}, ${q.w})`,
      );
    }
    if (msg.data.length !== width * height) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `grid: info says ${width}×${height} = ${width * height} cells, data has ${msg.data.length}`,
      );
    }
  }

  /** Builds a view from rows of text, top row first: '.' free, '#' occupied, '?' unknown (tests). */
  static fromAscii(rows: readonly string[], resolution = 1, originX = 0, originY = 0): GridView {
    const height = rows.length;
    const width = rows[0]?.length ?? 0;
    const cells = new Uint8Array(width * height);
    const code: Record<string, number> = { '.': CELL_FREE, '#': CELL_OCCUPIED, '?': CELL_UNKNOWN };
    rows.forEach((row, r) => {
      if (row.length !== width)
        throw new OutpostError(
          'OUTPOST_ERR_INVALID_ARGUMENT',
          `grid: row ${r} has ${row.length} cells, expected ${width}`,
        );
      for (let x = 0; x < width; x++) {
        const c = code[row[x]!];
        if (c === undefined)
          throw new OutpostError(
            'OUTPOST_ERR_INVALID_ARGUMENT',
            `grid: row ${r} has "${row[x]}", expected one of . # ?`,
          );
        cells[(height - 1 - r) * width + x] = c;
      }
    });
    return new GridView(width, height, resolution, originX, originY, cells);
  }

  inBounds(cx: number, cy: number): boolean {
    return cx >= 0 && cy >= 0 && cx < this.width && cy < this.height;
  }

  state(cx: number, cy: number): number {
    return this.inBounds(cx, cy) ? this.cells[cy * this.width + cx]! : CELL_UNKNOWN;
  }

  isFree(cx: number, cy: number): boolean {
    return this.state(cx, cy) === CELL_FREE;
  }

  /** The cell containing map-frame point (x, y); may lie outside the grid. */
  cellOf(x: number, y: number): [number, number] {
    return [Math.floor((x - this.originX) / this.resolution), Math.floor((y - this.originY) / this.resolution)];
  }

  /** Map-frame x of a cell column's centre. Unit: m. */
  centerX(cx: number): number {
    return this.originX + (cx + 0.5) * this.resolution;
  }

  centerY(cy: number): number {
    return this.originY + (cy + 0.5) * this.resolution;
  }

  /**
   * True when every cell strictly between (x0,y0) and (x1,y1) is free. The endpoints are not
   * tested: they are graph nodes or frontier cells, already known free, or the robot's own cell.
   * The line is the 4-connected Bresenham walk IR2 uses (one axis step at a time), so it cannot
   * slip diagonally between two obstacle cells that touch at a corner. Unknown cells block, as in
   * IR2's `check_collision`.
   */
  lineClear(x0: number, y0: number, x1: number, y1: number): boolean {
    const cells = this.cells;
    const w = this.width;
    let dx = Math.abs(x1 - x0);
    let dy = Math.abs(y1 - y0);
    const steps = dx + dy; // a 4-connected walk takes exactly one step per unit of |dx| + |dy|
    const sx = x1 > x0 ? 1 : -1;
    const sy = y1 > y0 ? 1 : -1;
    let err = dx - dy;
    dx *= 2;
    dy *= 2;
    const h = this.height;
    if (x0 >= 0 && y0 >= 0 && x1 >= 0 && y1 >= 0 && x0 < w && x1 < w && y0 < h && y1 < h) {
      // Both ends in the grid: the walk stays in their bounding box, so no bounds test per step
      // (graph edges and node utilities run thousands of these per graph build).
      let c = y0 * w + x0;
      const rowStep = sy * w;
      for (let i = 1; i < steps; i++) {
        if (err > 0) {
          c += sx;
          err -= dy;
        } else {
          c += rowStep;
          err += dx;
        }
        if (cells[c] !== CELL_FREE) return false;
      }
      return true;
    }
    let x = x0;
    let y = y0;
    for (let i = 1; i < steps; i++) {
      if (err > 0) {
        x += sx;
        err -= dy;
      } else {
        y += sy;
        err += dx;
      }
      if (x < 0 || y < 0 || x >= w || y >= this.height) return false;
      if (cells[y * w + x] !== CELL_FREE) return false;
    }
    return true;
  }
}

/** The thresholds of `options` with their defaults; throws unless occupied > free. */
export function gridThresholds(options: GridViewOptions): { free: number; occupied: number } {
  const free = options.freeThreshold ?? 25;
  const occupied = options.occupiedThreshold ?? 65;
  if (!(occupied > free)) {
    throw new OutpostError(
      'OUTPOST_ERR_INVALID_ARGUMENT',
      `grid: expected occupied threshold > free threshold, got ${occupied} ≤ ${free}`,
    );
  }
  return { free, occupied };
}

/** A cell value's class: −1 unknown, up to `free` free, from `occupied` up occupied, between unknown. */
function classOf(v: number, free: number, occupied: number): number {
  return v < 0 ? CELL_UNKNOWN : v <= free ? CELL_FREE : v >= occupied ? CELL_OCCUPIED : CELL_UNKNOWN;
}

const classTables = new Map<string, Uint8Array>();

/** The class of each int8 occupancy value, indexed by the value's byte (v & 255). */
export function classTable(free: number, occupied: number): Uint8Array {
  const key = `${free}|${occupied}`;
  let t = classTables.get(key);
  if (t === undefined) {
    t = new Uint8Array(256);
    for (let b = 0; b < 256; b++) t[b] = classOf(b < 128 ? b : b - 256, free, occupied);
    classTables.set(key, t);
  }
  return t;
}
