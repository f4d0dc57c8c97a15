import { OutpostError, describeValue } from '../../runtime/OutpostError.js';

/**
 * How an occupancy map of fixed extent is cut into square tiles, and how tiles are named.
 *
 * The extent is fixed when the map is made (`width` × `height` cells): every robot of a fleet is
 * configured with the same map frame and bounds (the exploration area), so a tile id means the same
 * cells on every robot and can travel as a small integer. A map that must grow is made larger up
 * front: unknown tiles cost nothing on the wire (they are never sent) and 1 byte per cell in memory.
 *
 * Tiles are `tileSize` × `tileSize` cells; the last column and row of tiles are clipped to the map,
 * so a tile holds exactly its in-map cells. Tile id = `row * tilesX + col`, row 0 at the map origin
 * (REP-103: x east, y north, row-major like nav_msgs/OccupancyGrid).
 */
export interface MapGeometryOptions {
  /** Map width in cells (x). */
  width: number;
  /** Map height in cells (y). */
  height: number;
  /** Cell edge in metres. Default 0.1 m. */
  resolution?: number;
  /** Position of cell (0,0)'s corner in the map frame, metres. Default (0,0). No rotation. */
  originX?: number;
  originY?: number;
  /** Tile edge in cells. Default 32. */
  tileSize?: number;
}

/** Cells of one tile: its corner cell and its (clipped) size. */
export interface TileBounds {
  x0: number;
  y0: number;
  w: number;
  h: number;
}

/** The largest map we accept (cells per side); keeps tile ids and buffers sane. */
export const MAX_MAP_SIDE = 65_536;

export class TileGrid {
  readonly width: number;
  readonly height: number;
  readonly resolution: number;
  readonly originX: number;
  readonly originY: number;
  readonly tileSize: number;
  readonly tilesX: number;
  readonly tilesY: number;
  readonly tileCount: number;

  constructor(options: MapGeometryOptions) {
    const { width, height, resolution = 0.1, originX = 0, originY = 0, tileSize = 32 } = options;
    for (const [name, v, max] of [
      ['width', width, MAX_MAP_SIDE],
      ['height', height, MAX_MAP_SIDE],
      ['tileSize', tileSize, 1024],
    ] as const) {
      if (!Number.isInteger(v) || v < 1 || v > max) {
        throw new OutpostError(
          'OUTPOST_ERR_INVALID_ARGUMENT',
          `tile grid: ${name} must be an integer in 1..${max}, got ${describeValue(v)}`,
        );
      }
    }
    if (!(resolution > 0) || !Number.isFinite(resolution)) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `tile grid: resolution must be a positive number of metres, got ${describeValue(resolution)}`,
      );
    }
    if (!Number.isFinite(originX) || !Number.isFinite(originY)) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `tile grid: origin must be finite, got (${originX}, ${originY})`,
      );
    }
    this.width = width;
    this.height = height;
    this.resolution = resolution;
    this.originX = originX;
    this.originY = originY;
    this.tileSize = tileSize;
    this.tilesX = Math.ceil(width / tileSize);
    this.tilesY = Math.ceil(height / tileSize);
    this.tileCount = this.tilesX * this.tilesY;
  }

  /** The tile holding cell (x, y). */
  tileIdAt(x: number, y: number): number {
    this.#checkCell(x, y);
    return Math.floor(y / this.tileSize) * this.tilesX + Math.floor(x / this.tileSize);
  }

  isTileId(tileId: number): boolean {
    return Number.isInteger(tileId) && tileId >= 0 && tileId < this.tileCount;
  }

  tileBounds(tileId: number): TileBounds {
    this.checkTileId(tileId);
    const col = tileId % this.tilesX;
    const row = (tileId - col) / this.tilesX;
    const x0 = col * this.tileSize;
    const y0 = row * this.tileSize;
    return { x0, y0, w: Math.min(this.tileSize, this.width - x0), h: Math.min(this.tileSize, this.height - y0) };
  }

  /** Cells in a tile (tileSize² except on the clipped last column and row). */
  tileCellCount(tileId: number): number {
    const b = this.tileBounds(tileId);
    return b.w * b.h;
  }

  /** Chebyshev distance in tiles between two tiles (0 for the same tile). */
  tileDistance(a: number, b: number): number {
    const ca = a % this.tilesX;
    const cb = b % this.tilesX;
    return Math.max(Math.abs(ca - cb), Math.abs((a - ca) / this.tilesX - (b - cb) / this.tilesX));
  }

  /**
   * Which tiles hold different cells in two whole row-major maps of this grid's size: a byte per
   * tile, 1 where some cell differs. Int8Array maps are compared four cells at a time (the mapper
   * republishes its whole 640×480 grid twice a second and only a few tiles change; a cell-by-cell
   * pass per tile was the fleet link's largest cost in a mission profile).
   */
  tilesThatDiffer(a: ArrayLike<number>, b: ArrayLike<number>): Uint8Array {
    const n = this.width * this.height;
    if (a.length !== n || b.length !== n) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `tilesThatDiffer: expected two maps of ${n} cells, got ${a.length} and ${b.length}`,
      );
    }
    const out = new Uint8Array(this.tileCount);
    const mark = (i: number): void => {
      const y = Math.floor(i / this.width);
      out[Math.floor(y / this.tileSize) * this.tilesX + Math.floor((i - y * this.width) / this.tileSize)] = 1;
    };
    let i = 0;
    if (a instanceof Int8Array && b instanceof Int8Array && a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
      const words = n >> 2;
      const wa = new Int32Array(a.buffer, a.byteOffset, words);
      const wb = new Int32Array(b.buffer, b.byteOffset, words);
      for (let k = 0; k < words; k++) {
        if (wa[k] === wb[k]) continue;
        for (let j = 4 * k; j < 4 * k + 4; j++) if (a[j] !== b[j]) mark(j);
      }
      i = words << 2;
    }
    for (; i < n; i++) if (a[i] !== b[i]) mark(i);
    return out;
  }

  /** True when both grids cut the same map the same way (what two peers must agree on). */
  sameAs(other: TileGrid): boolean {
    return (
      this.width === other.width &&
      this.height === other.height &&
      this.tileSize === other.tileSize &&
      Math.fround(this.resolution) === Math.fround(other.resolution)
    );
  }

  describe(): string {
    return `${this.width}×${this.height} cells at ${this.resolution} m, tiles of ${this.tileSize}`;
  }

  checkTileId(tileId: number): void {
    if (!this.isTileId(tileId)) {
      throw new OutpostError(
        'OUTPOST_ERR_MAP_TILE',
        `tile id ${describeValue(tileId)} is outside the map: expected an integer in 0..${this.tileCount - 1} (${this.describe()})`,
      );
    }
  }

  #checkCell(x: number, y: number): void {
    if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= this.width || y >= this.height) {
      throw new OutpostError(
        'OUTPOST_ERR_MAP_TILE',
        `cell (${describeValue(x)}, ${describeValue(y)}) is outside the map: expected 0 ≤ x < ${this.width}, 0 ≤ y < ${this.height}`,
      );
    }
  }
}
