import type { MessageOf } from '../runtime/index.js';

type Grid = MessageOf<'nav_msgs/msg/OccupancyGrid'>;

/** Where the mosaic sits in the map frame (the first map's geometry; REP-103 metres). */
export interface MapGeometry {
  width: number;
  height: number;
  resolution: number;
  originX: number;
  originY: number;
}

/** One square of the map that changed: cells row-major from (tx·size, ty·size), 255 = unknown. */
export interface MapTile {
  tx: number;
  ty: number;
  w: number;
  h: number;
  cells: Uint8Array;
}

/** Cell edge of a tile: 32×32 cells = 1 KiB, so a growing map costs a few tiles per update. */
export const TILE_SIZE = 32;
const UNKNOWN = 255;

/**
 * The team's map for the dashboard: one or more occupancy grids of the same geometry (each
 * robot's merged `fleet/map` in the simulator, `/groundstation/map` on a ground station) laid over
 * each other — a cell any source knows is known, the latest source to know it wins — and cut into
 * tiles, so only the tiles whose bytes changed since the last `changedTiles()` go to the browsers.
 */
export class MapMosaic {
  #geometry: MapGeometry | undefined;
  #cells = new Uint8Array(0);
  #sent = new Uint8Array(0);
  /** Maps of another geometry than the mosaic's, skipped (counted so a status line can say so). */
  skipped = 0;

  get geometry(): MapGeometry | undefined {
    return this.#geometry;
  }

  /** Cells row-major (row 0 at the origin, +y up), 0..100 occupancy, 255 unknown. */
  get cells(): Uint8Array {
    return this.#cells;
  }

  /**
   * Lays `grid` over the mosaic. `replace`: the grid is the whole team map (a ground station's
   * merged map), so its unknown cells are unknown; otherwise unknown cells leave the mosaic as it
   * is. Returns whether the geometry was (re)set, in which case every tile is new.
   */
  add(grid: Grid, replace = false): boolean {
    const g = geometryOf(grid);
    let reset = false;
    const cur = this.#geometry;
    if (cur === undefined || (replace && !sameGeometry(cur, g))) {
      this.#geometry = g;
      this.#cells = new Uint8Array(g.width * g.height).fill(UNKNOWN);
      this.#sent = new Uint8Array(g.width * g.height).fill(UNKNOWN);
      reset = true;
    } else if (!sameGeometry(cur, g)) {
      this.skipped++;
      return false;
    }
    const data = grid.data;
    const cells = this.#cells;
    const n = Math.min(cells.length, data.length);
    for (let i = 0; i < n; i++) {
      const v = data[i]!;
      if (v < 0 || v > 100) {
        if (replace) cells[i] = UNKNOWN;
      } else cells[i] = v;
    }
    return reset;
  }

  /** The tiles whose cells differ from what was last handed out (all of them after a reset). */
  changedTiles(): MapTile[] {
    const g = this.#geometry;
    if (g === undefined) return [];
    const out: MapTile[] = [];
    for (let ty = 0; ty * TILE_SIZE < g.height; ty++) {
      for (let tx = 0; tx * TILE_SIZE < g.width; tx++) {
        if (this.#tileDiffers(g, tx, ty)) out.push(this.#takeTile(g, tx, ty, true));
      }
    }
    return out;
  }

  /** Every tile that has been handed out and is not all unknown: what a newly connected browser needs. */
  sentTiles(): MapTile[] {
    const g = this.#geometry;
    if (g === undefined) return [];
    const out: MapTile[] = [];
    for (let ty = 0; ty * TILE_SIZE < g.height; ty++) {
      for (let tx = 0; tx * TILE_SIZE < g.width; tx++) {
        const t = this.#takeTile(g, tx, ty, false);
        if (t.cells.some((c) => c !== UNKNOWN)) out.push(t);
      }
    }
    return out;
  }

  #tileDiffers(g: MapGeometry, tx: number, ty: number): boolean {
    const x0 = tx * TILE_SIZE;
    const x1 = Math.min(g.width, x0 + TILE_SIZE);
    const y1 = Math.min(g.height, (ty + 1) * TILE_SIZE);
    for (let y = ty * TILE_SIZE; y < y1; y++) {
      const row = y * g.width;
      for (let i = row + x0; i < row + x1; i++) if (this.#cells[i] !== this.#sent[i]) return true;
    }
    return false;
  }

  /** Copies a tile out of the live cells (`commit`: and records it as sent) or out of the sent copy. */
  #takeTile(g: MapGeometry, tx: number, ty: number, commit: boolean): MapTile {
    const x0 = tx * TILE_SIZE;
    const y0 = ty * TILE_SIZE;
    const w = Math.min(TILE_SIZE, g.width - x0);
    const h = Math.min(TILE_SIZE, g.height - y0);
    const cells = new Uint8Array(w * h);
    const from = commit ? this.#cells : this.#sent;
    for (let y = 0; y < h; y++) {
      const start = (y0 + y) * g.width + x0;
      cells.set(from.subarray(start, start + w), y * w);
      if (commit) this.#sent.set(this.#cells.subarray(start, start + w), start);
    }
    return { tx, ty, w, h, cells };
  }
}

function geometryOf(grid: Grid): MapGeometry {
  return {
    width: grid.info.width,
    height: grid.info.height,
    resolution: grid.info.resolution,
    originX: grid.info.origin.position.x,
    originY: grid.info.origin.position.y,
  };
}

function sameGeometry(a: MapGeometry, b: MapGeometry): boolean {
  return (
    a.width === b.width &&
    a.height === b.height &&
    Math.abs(a.resolution - b.resolution) < 1e-9 &&
    Math.abs(a.originX - b.originX) < 1e-6 &&
    Math.abs(a.originY - b.originY) < 1e-6
  );
}
