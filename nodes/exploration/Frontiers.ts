import { CELL_FREE, CELL_OCCUPIED, CELL_UNKNOWN, type GridView } from './GridView.js';

export interface FrontierOptions {
  /**
   * Frontiers are found on the map coarsened into blocks of `block`×`block` cells, as IR2 does on
   * its belief downsampled by 4 (a block is occupied if any cell is, else unknown if any cell is,
   * else free). Each frontier block is represented by its centre cell. Default 4 (IR2). Counting
   * blocks rather than cells keeps utilities in IR2's range (its 1/50 normalisation) and makes the
   * utility 16× cheaper. Use 1 for cell-exact frontiers.
   */
  block?: number;
  /**
   * A free block is a frontier when at least this many of its 8 neighbours are unknown (and not
   * all 8: a free island in the unknown is sensor noise). Default 2, IR2's `1 < n < 8`.
   */
  minUnknownNeighbours?: number;
}

/**
 * Frontier points (known free next to unknown), with a bucket index for range queries. Points are
 * cell coordinates of the full-resolution grid.
 */
export class Frontiers {
  /** Frontier points, interleaved cell x, cell y. */
  readonly points: Int32Array;
  readonly #bucket: number;
  readonly #bw: number;
  readonly #bh: number;
  /** CSR layout: the points of bucket b are order[start[b] .. start[b+1]). */
  readonly #start: Int32Array;
  readonly #order: Int32Array;

  constructor(points: Int32Array, width: number, height: number, bucket: number) {
    this.points = points;
    this.#bucket = Math.max(1, Math.ceil(bucket));
    this.#bw = Math.ceil(width / this.#bucket);
    this.#bh = Math.ceil(height / this.#bucket);
    const n = points.length / 2;
    const counts = new Int32Array(this.#bw * this.#bh + 1);
    const keys = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = Math.floor(points[2 * i + 1]! / this.#bucket) * this.#bw + Math.floor(points[2 * i]! / this.#bucket);
      keys[i] = k;
      counts[k + 1]!++;
    }
    for (let b = 0; b < this.#bw * this.#bh; b++) counts[b + 1]! += counts[b]!;
    this.#start = counts.slice();
    const fill = counts;
    this.#order = new Int32Array(n);
    for (let i = 0; i < n; i++) this.#order[fill[keys[i]!]!++] = i;
  }

  get count(): number {
    return this.points.length / 2;
  }

  /** Calls `visit(x, y, i)` for every frontier point (index i) within `range` cells (Euclidean) of (cx, cy). */
  forEachWithin(cx: number, cy: number, range: number, visit: (x: number, y: number, i: number) => void): void {
    const b = this.#bucket;
    const r2 = range * range;
    const bx0 = Math.max(0, Math.floor((cx - range) / b));
    const bx1 = Math.min(this.#bw - 1, Math.floor((cx + range) / b));
    const by0 = Math.max(0, Math.floor((cy - range) / b));
    const by1 = Math.min(this.#bh - 1, Math.floor((cy + range) / b));
    for (let by = by0; by <= by1; by++) {
      for (let bx = bx0; bx <= bx1; bx++) {
        const k = by * this.#bw + bx;
        for (let j = this.#start[k]!; j < this.#start[k + 1]!; j++) {
          const i = this.#order[j]!;
          const x = this.points[2 * i]!;
          const y = this.points[2 * i + 1]!;
          if ((x - cx) ** 2 + (y - cy) ** 2 <= r2) visit(x, y, i);
        }
      }
    }
  }
}

/**
 * Frontiers already found on a grid, per (block, minUnknown, rangeHint): an explorer rebuilds its
 * graph when it moves as well as when the map changes, and a GridView never changes, so the same
 * map's frontiers are found once. Weak: a grid's entry goes with the grid.
 */
const found = new WeakMap<GridView, Map<string, Frontiers>>();

/** Finds the frontier points of a map. `rangeHint` (cells) sizes the index buckets. */
export function findFrontiers(grid: GridView, options: FrontierOptions = {}, rangeHint = 32): Frontiers {
  const block = Math.max(1, Math.floor(options.block ?? 4));
  const minUnknown = options.minUnknownNeighbours ?? 2;
  const key = `${block} ${minUnknown} ${rangeHint}`;
  let perGrid = found.get(grid);
  const hit = perGrid?.get(key);
  if (hit !== undefined) return hit;
  const bw = Math.ceil(grid.width / block);
  const bh = Math.ceil(grid.height / block);
  const coarse = block === 1 ? grid.cells : coarsen(grid, block, bw, bh);
  const pts: number[] = [];
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      if (coarse[by * bw + bx] !== CELL_FREE) continue;
      let unknown = 0;
      for (let oy = -1; oy <= 1; oy++) {
        for (let ox = -1; ox <= 1; ox++) {
          if (ox === 0 && oy === 0) continue;
          const x = bx + ox;
          const y = by + oy;
          // Outside the map is not unknown: nothing more can be seen there.
          if (x >= 0 && y >= 0 && x < bw && y < bh && coarse[y * bw + x] === CELL_UNKNOWN) unknown++;
        }
      }
      if (unknown >= minUnknown && unknown < 8) {
        pts.push(
          Math.min(grid.width - 1, bx * block + (block >> 1)),
          Math.min(grid.height - 1, by * block + (block >> 1)),
        );
      }
    }
  }
  const frontiers = new Frontiers(Int32Array.from(pts), grid.width, grid.height, rangeHint);
  if (perGrid === undefined) found.set(grid, (perGrid = new Map()));
  perGrid.set(key, frontiers);
  return frontiers;
}

/**
 * IR2's node utility: the number of frontier points within `range` cells of cell (cx, cy) that
 * are in line of sight (no occupied or unknown cell between) — what a sensor there would observe.
 * When `seen` (one byte per frontier point) is given, the points counted are marked 1 in it.
 */
export function visibleFrontierCount(
  grid: GridView,
  frontiers: Frontiers,
  cx: number,
  cy: number,
  range: number,
  seen?: Uint8Array,
): number {
  let n = 0;
  frontiers.forEachWithin(cx, cy, range, (x, y, i) => {
    if (grid.lineClear(cx, cy, x, y)) {
      n++;
      if (seen !== undefined) seen[i] = 1;
    }
  });
  return n;
}

/**
 * Each block's class: occupied if any of its cells is, else unknown if any is, else free. Walks
 * block by block (stopping at the first occupied cell) rather than cell by cell with a division
 * per cell: this ran on every graph build over the whole 640×480 map (seen in a mission's CPU profile). Cells
 * hold the CELL_* classes (0, 1, 2), as every GridView factory makes them.
 */
export function coarsen(grid: GridView, block: number, bw: number, bh: number): Uint8Array {
  const out = new Uint8Array(bw * bh); // CELL_FREE is 0
  const w = grid.width;
  const h = grid.height;
  const cells = grid.cells;
  if (block === 4 && w % 4 === 0 && cells.byteOffset % 4 === 0) {
    // IR2's block of 4 on a width that is a multiple of 4: each block row is one 32-bit word per
    // cell row. OR the words of a block's rows; the class bits (CELL_OCCUPIED 1, CELL_UNKNOWN 2)
    // of any of its 16 cells then show in the result.
    const words = new Int32Array(cells.buffer, cells.byteOffset, (w * h) >> 2);
    const acc = new Int32Array(bw);
    for (let by = 0; by < bh; by++) {
      acc.fill(0);
      const y1 = Math.min(h, by * 4 + 4);
      for (let y = by * 4; y < y1; y++) {
        const row = y * bw;
        for (let bx = 0; bx < bw; bx++) acc[bx] |= words[row + bx]!;
      }
      for (let bx = 0; bx < bw; bx++) {
        const v = acc[bx]!;
        out[by * bw + bx] = (v & 0x01010101) !== 0 ? CELL_OCCUPIED : (v & 0x02020202) !== 0 ? CELL_UNKNOWN : CELL_FREE;
      }
    }
    return out;
  }
  for (let by = 0; by < bh; by++) {
    const y0 = by * block;
    const y1 = Math.min(h, y0 + block);
    for (let bx = 0; bx < bw; bx++) {
      const x0 = bx * block;
      const x1 = Math.min(w, x0 + block);
      let v = CELL_FREE;
      scan: for (let y = y0; y < y1; y++) {
        const end = y * w + x1;
        for (let i = y * w + x0; i < end; i++) {
          const c = cells[i]!;
          if (c === CELL_OCCUPIED) {
            v = CELL_OCCUPIED;
            break scan;
          }
          if (c === CELL_UNKNOWN) v = CELL_UNKNOWN;
        }
      }
      out[by * bw + bx] = v;
    }
  }
  return out;
}

/** The straightforward cell-by-cell `coarsen`, kept as the reference its tests compare against. */
export function coarsenReference(grid: GridView, block: number, bw: number, bh: number): Uint8Array {
  const out = new Uint8Array(bw * bh).fill(CELL_FREE);
  const w = grid.width;
  for (let y = 0; y < grid.height; y++) {
    const row = Math.floor(y / block) * bw;
    for (let x = 0; x < w; x++) {
      const c = grid.cells[y * w + x]!;
      const k = row + Math.floor(x / block);
      if (c === CELL_OCCUPIED) out[k] = CELL_OCCUPIED;
      else if (c === CELL_UNKNOWN && out[k] === CELL_FREE) out[k] = CELL_UNKNOWN;
    }
  }
  return out;
}
