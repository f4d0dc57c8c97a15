import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { OutpostError } from '../../runtime/OutpostError.js';
import { isCellValue } from './LogOddsFusion.js';
import type { TileGrid } from './TileGrid.js';
import { MAX_ORIGIN_BYTES } from './TiledMap.js';
import { compareUtf8 } from './TileSummary.js';
import { VarintReader, VarintWriter } from './Varint.js';

/**
 * A batch of map tiles on the wire: (origin, tile id, version, cells) records, cells deflated.
 *
 * Format, integers as unsigned LEB128 varints:
 *   'T' 'B' | format 1 | flags (0) | origin count | origin ids (length + UTF-8, sorted)
 *   | tile count | per tile: origin index, tile id, version | raw deflate of all tiles' cells
 * Cells are int8 (−1 unknown, 0..100) in the tile's row-major order; a tile's cell count follows
 * from its id and the map's TileGrid (edge tiles are clipped), so only the grid is needed to decode.
 * One deflate stream per batch (not per tile) shares Huffman tables across tiles: for sparse
 * exploration tiles that is markedly smaller than per-tile streams (see bench/mapSync.ts).
 *
 * `packTileBatch` fills one batch up to a byte budget so a link with a bandwidth budget sends the
 * map in pieces. Decoding is strict: bad magic, truncation, unknown origin index, tile id outside
 * the grid, version 0, a tile twice, a cell stream of the wrong length or a cell outside −1..100
 * are all OUTPOST_ERR_MAP_TILE, and nothing is returned.
 */
export interface TileRecord {
  origin: string;
  tileId: number;
  version: number;
  data: Int8Array;
}

const MAGIC0 = 0x54; // 'T'
const MAGIC1 = 0x42; // 'B'
const FORMAT = 1;

/** Encodes tiles (any order; they are written in the given order) as one batch. */
export function encodeTileBatch(tiles: readonly TileRecord[], grid: TileGrid): Uint8Array {
  const origins = [...new Set(tiles.map((t) => t.origin))].sort(compareUtf8);
  const index = new Map(origins.map((o, i) => [o, i]));
  const w = new VarintWriter();
  w.bytes(new Uint8Array([MAGIC0, MAGIC1, FORMAT, 0])).uint(origins.length);
  for (const o of origins) w.string(o);
  w.uint(tiles.length);
  let cells = 0;
  for (const t of tiles) {
    grid.checkTileId(t.tileId);
    const n = grid.tileCellCount(t.tileId);
    if (t.data.length !== n) {
      throw new OutpostError(
        'OUTPOST_ERR_MAP_TILE',
        `tile ${t.tileId} of ${t.origin}: expected ${n} cells, got ${t.data.length}`,
      );
    }
    w.uint(index.get(t.origin)!).uint(t.tileId).uint(t.version);
    cells += n;
  }
  const raw = new Uint8Array(cells);
  let at = 0;
  for (const t of tiles) {
    raw.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.length), at);
    at += t.data.length;
  }
  return w.bytes(deflateRawSync(raw)).finish();
}

/** Decodes a batch against the map's grid. Throws OUTPOST_ERR_MAP_TILE on any malformation. */
export function decodeTileBatch(bytes: Uint8Array, grid: TileGrid): TileRecord[] {
  const r = new VarintReader(bytes, 'OUTPOST_ERR_MAP_TILE', 'tile batch');
  if (!(bytes instanceof Uint8Array)) r.fail('expected bytes');
  if (bytes.length < 4) r.fail(`expected at least a 4-byte header, got ${bytes.length} byte(s)`);
  const head = r.bytes(4, 'header');
  if (head[0] !== MAGIC0 || head[1] !== MAGIC1) r.fail(`bad magic ${head[0]} ${head[1]}, expected 54 42 ("TB")`);
  if (head[2] !== FORMAT) r.fail(`format ${head[2]} is not supported (expected ${FORMAT})`);
  if (head[3] !== 0) r.fail(`unknown flags 0x${head[3]!.toString(16)}`);
  const originCount = r.uint('origin count');
  if (originCount * 2 > r.remaining) r.fail(`origin count ${originCount} does not fit in ${r.remaining} byte(s)`);
  const origins: string[] = [];
  for (let i = 0; i < originCount; i++) {
    const o = r.string(`origin ${i} id`, MAX_ORIGIN_BYTES);
    if (i > 0 && compareUtf8(origins[i - 1]!, o) >= 0) r.fail(`origin "${o}" is out of order or repeated`);
    origins.push(o);
  }
  const count = r.uint('tile count');
  if (count * 3 > r.remaining) r.fail(`tile count ${count} does not fit in ${r.remaining} byte(s)`);
  const heads: Array<{ origin: string; tileId: number; version: number; n: number }> = [];
  const seen = new Set<string>();
  let cells = 0;
  for (let i = 0; i < count; i++) {
    const oi = r.uint(`origin index of tile ${i}`);
    if (oi >= originCount) r.fail(`tile ${i} names origin ${oi}, but the batch has ${originCount}`);
    const tileId = r.uint(`tile id ${i}`);
    if (!grid.isTileId(tileId))
      r.fail(`tile id ${tileId} is outside the map (${grid.tileCount} tiles, ${grid.describe()})`);
    const version = r.uint(`version of tile ${tileId}`);
    if (version === 0) r.fail(`tile ${tileId} of "${origins[oi]}" has version 0 (versions start at 1)`);
    const key = `${oi}:${tileId}`;
    if (seen.has(key)) r.fail(`tile ${tileId} of "${origins[oi]}" appears twice`);
    seen.add(key);
    const n = grid.tileCellCount(tileId);
    heads.push({ origin: origins[oi]!, tileId, version, n });
    cells += n;
  }
  const packed = r.bytes(r.remaining, 'cells');
  let raw: Uint8Array;
  try {
    raw = inflateRawSync(packed, { maxOutputLength: Math.max(cells, 1) });
  } catch (err) {
    throw new OutpostError(
      'OUTPOST_ERR_MAP_TILE',
      `tile batch: cells do not inflate to the ${cells} byte(s) its ${count} tile(s) need (${(err as Error).message})`,
      { cause: err },
    );
  }
  if (raw.length !== cells) r.fail(`cells inflate to ${raw.length} byte(s), expected ${cells} for ${count} tile(s)`);
  const all = new Int8Array(raw.buffer, raw.byteOffset, raw.length);
  const out: TileRecord[] = [];
  let at = 0;
  for (const h of heads) {
    const data = all.slice(at, at + h.n);
    for (let i = 0; i < data.length; i++) {
      if (!isCellValue(data[i]!))
        r.fail(`tile ${h.tileId} of "${h.origin}": cell ${i} is ${data[i]}, expected −1..100`);
    }
    out.push({ origin: h.origin, tileId: h.tileId, version: h.version, data });
    at += h.n;
  }
  return out;
}

/** The largest batch one tile can need (incompressible cells plus headers): the least usable budget. */
export function minBatchBytes(grid: TileGrid): number {
  const cells = grid.tileSize * grid.tileSize;
  return 4 + 1 + 1 + MAX_ORIGIN_BYTES + 1 + 15 + cells + 5 * Math.ceil(cells / 16_000 + 1) + 16;
}

/**
 * Deflated size of a tile's cells, remembered per array: a map tile is sent to every teammate, and
 * each batch estimate deflated each tile again (seen in a mission's CPU profile). TiledMap never changes a stored
 * tile's array (a new version is a new array), so the size stays right for that array.
 */
const deflatedSizes = new WeakMap<Int8Array, number>();
function deflatedSize(data: Int8Array): number {
  let n = deflatedSizes.get(data);
  if (n === undefined) {
    n = deflateRawSync(data).length;
    deflatedSizes.set(data, n);
  }
  return n;
}

/**
 * Packs a prefix of `tiles` into one batch of at most `maxBytes`. Returns the batch and how many
 * tiles it took (≥ 1 when `tiles` is not empty). Sizes are estimated from each tile's own deflated
 * size, then checked on the real batch; the prefix shrinks until it fits. A tile's `data` must not be
 * changed once packed (its deflated size is remembered per array).
 */
export function packTileBatch(
  tiles: readonly TileRecord[],
  grid: TileGrid,
  maxBytes: number,
): { bytes: Uint8Array; count: number } {
  const least = minBatchBytes(grid);
  if (!Number.isInteger(maxBytes) || maxBytes < least) {
    throw new OutpostError(
      'OUTPOST_ERR_INVALID_ARGUMENT',
      `tile batch budget must be an integer ≥ ${least} bytes (one incompressible tile), got ${maxBytes}`,
    );
  }
  if (tiles.length === 0) return { bytes: encodeTileBatch([], grid), count: 0 };
  let estimate = 4 + 2;
  let count = 0;
  while (count < tiles.length) {
    const t = tiles[count]!;
    const cost = 8 + Buffer.byteLength(t.origin) + 12 + deflatedSize(t.data);
    if (count > 0 && estimate + cost > maxBytes) break;
    estimate += cost;
    count++;
  }
  for (;;) {
    const bytes = encodeTileBatch(tiles.slice(0, count), grid);
    if (bytes.length <= maxBytes || count === 1) return { bytes, count };
    count = Math.max(1, Math.floor((count * maxBytes) / bytes.length));
  }
}
