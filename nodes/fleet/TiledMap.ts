import type { builtin_interfaces, nav_msgs, std_msgs } from '../../runtime/msg/MessageTypes.js';
import { OutpostError, describeValue } from '../../runtime/OutpostError.js';
import { LOG_ODDS, fromLogOdds, isCellValue } from './LogOddsFusion.js';
import { TileGrid, type MapGeometryOptions } from './TileGrid.js';
import { MAX_VARINT } from './Varint.js';

/**
 * A fleet occupancy map made of versioned tiles, one LAYER per origin robot.
 *
 * - Layers. The layer of robot R holds what R itself observed, tile by tile. Only R writes it:
 *   here through `updateOwn`/`setOwnTile` when R is this robot, otherwise through `applyTile` with
 *   tiles R produced, received from R directly or relayed by anyone. Each tile of a layer carries
 *   a version that R increments each time that tile changes, so (origin, tile id, version) names
 *   one exact tile content fleet-wide and relaying needs no trust in the relay.
 * - `applyTile` accepts a tile only if its version is newer than the one held; older and equal
 *   versions are dropped (duplicates, reordering and late relays are harmless).
 * - Merge rule. The merged map is a deterministic function of the layers, cell by cell: unknown
 *   (−1) layers are ignored (known beats unknown, as in IR2's merge within a connected group);
 *   where several origins know a cell their probabilities are fused by summing integer log-odds,
 *   clamped (LogOddsFusion.ts). Integer sums are commutative and associative, so robots holding
 *   the same layers compute byte-identical merged maps whatever order tiles arrived in.
 * - Extent. Fixed at construction (TileGrid.ts); the tile grid is the same on every robot.
 *
 * Merged tiles are recomputed lazily, only where a layer tile changed since the last read.
 */
export interface TiledMapOptions extends MapGeometryOptions {
  /** This robot's id: the origin of the layer `updateOwn` writes. */
  self: string;
}

/** One cell of an own observation: cell column, row, and value (−1 or 0..100). */
export interface CellUpdate {
  x: number;
  y: number;
  value: number;
}

/** One tile of one layer. `seq` is this map's local change counter when the tile was last written. */
export interface LayerTile {
  readonly version: number;
  readonly data: Int8Array;
  readonly seq: number;
}

/** Origin robot ids are 1..64 bytes of UTF-8 (they travel in summaries and batches). */
export const MAX_ORIGIN_BYTES = 64;

export class TiledMap {
  readonly grid: TileGrid;
  readonly self: string;
  readonly #layers = new Map<string, Map<number, LayerTile>>();
  readonly #merged: Int8Array;
  readonly #dirty = new Set<number>();
  #seq = 0;

  constructor(options: TiledMapOptions) {
    checkOrigin(options.self, 'OUTPOST_ERR_INVALID_ARGUMENT');
    this.grid = new TileGrid(options);
    this.self = options.self;
    this.#merged = new Int8Array(this.grid.width * this.grid.height).fill(-1);
  }

  /** Applies own observations; every tile whose cells changed gets its version bumped once. Returns those tile ids. */
  updateOwn(cells: Iterable<CellUpdate>): number[] {
    const touched = new Map<number, Int8Array>();
    for (const { x, y, value } of cells) {
      if (!isCellValue(value)) {
        throw new OutpostError(
          'OUTPOST_ERR_INVALID_ARGUMENT',
          `updateOwn: cell (${x}, ${y}) value must be −1 or an integer 0..100, got ${describeValue(value)}`,
        );
      }
      const id = this.grid.tileIdAt(x, y);
      let data = touched.get(id);
      if (data === undefined) {
        data = this.tileData(this.self, id) ?? new Int8Array(this.grid.tileCellCount(id)).fill(-1);
        touched.set(id, data);
      }
      const b = this.grid.tileBounds(id);
      data[(y - b.y0) * b.w + (x - b.x0)] = value;
    }
    const changed: number[] = [];
    for (const [id, data] of touched) if (this.setOwnTile(id, data)) changed.push(id);
    return changed.sort((a, b) => a - b);
  }

  /** Replaces a whole tile of the own layer; bumps its version if the cells differ. Returns whether it changed. */
  setOwnTile(tileId: number, data: ArrayLike<number>): boolean {
    const cells = this.#validCells(tileId, data, 'OUTPOST_ERR_INVALID_ARGUMENT');
    const layer = this.#layer(this.self);
    const old = layer.get(tileId);
    if (old !== undefined && equalCells(old.data, cells)) return false;
    if (old === undefined && cells.every((v) => v === -1)) return false;
    const version = (old?.version ?? 0) + 1;
    if (version > MAX_VARINT)
      throw new OutpostError('OUTPOST_ERR_MAP_TILE', `tile ${tileId} of ${this.self}: version counter exhausted`);
    this.#write(layer, tileId, version, cells);
    return true;
  }

  /**
   * Stores a tile of `origin`'s layer if `version` is newer than the one held. Returns true when
   * stored, false for a duplicate or stale version. Throws OUTPOST_ERR_MAP_TILE, changing nothing,
   * for a bad origin, tile id, version or cell array.
   */
  applyTile(origin: string, tileId: number, version: number, data: ArrayLike<number>): boolean {
    checkOrigin(origin, 'OUTPOST_ERR_MAP_TILE');
    this.grid.checkTileId(tileId);
    if (!Number.isInteger(version) || version < 1 || version > MAX_VARINT) {
      throw new OutpostError(
        'OUTPOST_ERR_MAP_TILE',
        `tile ${tileId} of ${origin}: version must be an integer in 1..${MAX_VARINT}, got ${describeValue(version)}`,
      );
    }
    const cells = this.#validCells(tileId, data, 'OUTPOST_ERR_MAP_TILE', origin);
    const layer = this.#layers.get(origin);
    const old = layer?.get(tileId);
    if (old !== undefined && old.version >= version) return false;
    // A robot may get its own tiles back (e.g. after a restart lost its state); newer ones are adopted.
    this.#write(layer ?? this.#layer(origin), tileId, version, cells);
    return true;
  }

  /** Origins with at least one tile, sorted. */
  origins(): string[] {
    return [...this.#layers.keys()].filter((o) => this.#layers.get(o)!.size > 0).sort();
  }

  /** The tiles of one layer (tile id → tile), for summaries and transfers; do not mutate. */
  layer(origin: string): ReadonlyMap<number, LayerTile> {
    return this.#layers.get(origin) ?? new Map();
  }

  tileVersion(origin: string, tileId: number): number {
    return this.#layers.get(origin)?.get(tileId)?.version ?? 0;
  }

  /** A copy of a layer's tile cells, or undefined when that origin has not sent that tile. */
  tileData(origin: string, tileId: number): Int8Array | undefined {
    const t = this.#layers.get(origin)?.get(tileId);
    return t === undefined ? undefined : t.data.slice();
  }

  /** The local change counter: grows by one on every stored tile. */
  get changeSeq(): number {
    return this.#seq;
  }

  /** Merged value of one cell. */
  cell(x: number, y: number): number {
    this.#refresh();
    this.grid.tileIdAt(x, y);
    return this.#merged[y * this.grid.width + x]!;
  }

  /** A copy of the merged map, row-major, row 0 at the origin. */
  merged(): Int8Array {
    this.#refresh();
    return this.#merged.slice();
  }

  /** The merged map as nav_msgs/msg/OccupancyGrid (map_load_time = header.stamp). */
  toOccupancyGrid(header: std_msgs.msg.Header): nav_msgs.msg.OccupancyGrid {
    const g = this.grid;
    const stamp: builtin_interfaces.msg.Time = { sec: header.stamp.sec, nanosec: header.stamp.nanosec };
    return {
      header,
      info: {
        map_load_time: stamp,
        resolution: g.resolution,
        width: g.width,
        height: g.height,
        origin: { position: { x: g.originX, y: g.originY, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      },
      data: this.merged(),
    };
  }

  #layer(origin: string): Map<number, LayerTile> {
    let layer = this.#layers.get(origin);
    if (layer === undefined) {
      layer = new Map();
      this.#layers.set(origin, layer);
    }
    return layer;
  }

  #write(layer: Map<number, LayerTile>, tileId: number, version: number, data: Int8Array): void {
    layer.set(tileId, { version, data, seq: ++this.#seq });
    this.#dirty.add(tileId);
  }

  #validCells(
    tileId: number,
    data: ArrayLike<number>,
    code: 'OUTPOST_ERR_MAP_TILE' | 'OUTPOST_ERR_INVALID_ARGUMENT',
    origin = this.self,
  ): Int8Array {
    const n = this.grid.tileCellCount(tileId);
    if (data === null || typeof data !== 'object' || data.length !== n) {
      throw new OutpostError(code, `tile ${tileId} of ${origin}: expected ${n} cells, got ${describeValue(data)}`);
    }
    if (data instanceof Int8Array) {
      // Int8Array values are integers already: only the range needs checking (the fleet link
      // passes every changed tile of its own map here).
      for (let i = 0; i < n; i++) {
        const v = data[i]!;
        if (v < -1 || v > 100) {
          throw new OutpostError(
            code,
            `tile ${tileId} of ${origin}: cell ${i} must be −1 or an integer 0..100, got ${describeValue(v)}`,
          );
        }
      }
      return data.slice();
    }
    const cells = new Int8Array(n);
    for (let i = 0; i < n; i++) {
      const v = data[i]!;
      if (!isCellValue(v)) {
        throw new OutpostError(
          code,
          `tile ${tileId} of ${origin}: cell ${i} must be −1 or an integer 0..100, got ${describeValue(v)}`,
        );
      }
      cells[i] = v;
    }
    return cells;
  }

  #refresh(): void {
    if (this.#dirty.size === 0) return;
    const g = this.grid;
    const layers = [...this.#layers.values()];
    const merged = this.#merged;
    for (const id of this.#dirty) {
      const b = g.tileBounds(id);
      const tiles = layers.map((l) => l.get(id)?.data).filter((d): d is Int8Array => d !== undefined);
      for (let r = 0; r < b.h; r++) {
        const row = (b.y0 + r) * g.width + b.x0;
        if (tiles.length === 1) {
          // fuseCells([v]) = v for every cell value (−1 included): a plain copy.
          merged.set(tiles[0]!.subarray(r * b.w, r * b.w + b.w), row);
          continue;
        }
        for (let c = 0; c < b.w; c++) merged[row + c] = fuseColumn(tiles, r * b.w + c);
      }
    }
    this.#dirty.clear();
  }
}

/** fuseCells of cell `i` of each tile, without gathering the values into an array first. */
function fuseColumn(tiles: readonly Int8Array[], i: number): number {
  let known = 0;
  let sum = 0;
  let only = -1;
  for (let t = 0; t < tiles.length; t++) {
    const v = tiles[t]![i]!;
    if (v < 0) continue;
    known++;
    only = v;
    sum += LOG_ODDS[v]!;
  }
  return known <= 1 ? only : fromLogOdds(sum);
}

function checkOrigin(origin: string, code: 'OUTPOST_ERR_MAP_TILE' | 'OUTPOST_ERR_INVALID_ARGUMENT'): void {
  const bytes = typeof origin === 'string' ? Buffer.byteLength(origin, 'utf8') : 0;
  if (bytes < 1 || bytes > MAX_ORIGIN_BYTES) {
    throw new OutpostError(
      code,
      `origin robot id must be a string of 1..${MAX_ORIGIN_BYTES} UTF-8 bytes, got ${describeValue(origin)}`,
    );
  }
}

function equalCells(a: Int8Array, b: Int8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
