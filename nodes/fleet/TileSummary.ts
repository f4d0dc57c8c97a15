import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { OutpostError } from '../../runtime/OutpostError.js';
import type { TiledMap } from './TiledMap.js';
import { MAX_ORIGIN_BYTES } from './TiledMap.js';
import { VarintReader, VarintWriter } from './Varint.js';

/**
 * What a robot holds of the fleet map: for each origin robot, tile id → version (a version vector
 * per tile). Two robots exchange summaries on contact and `diff` tells each what the other lacks.
 *
 * Wire format (`encode`), all integers unsigned LEB128 varints:
 *   'T' 'S' | format 1 | flags (bit 0: body is raw-deflated) | body
 *   body = origin count, then per origin in byte order of its id:
 *          id (length + UTF-8), tile count, then per tile in ascending id order:
 *          id delta (first: the id; next: id − previous id − 1), version (≥ 1)
 * The body is deflated only when that makes it smaller. `decode` is strict: every truncation,
 * overlong varint, unsorted or duplicate key, bad version or trailing byte is an
 * OUTPOST_ERR_MAP_SUMMARY, and inflation is capped so a small message cannot expand without bound.
 */
export type VersionVector = ReadonlyMap<string, ReadonlyMap<number, number>>;

/** One tile of one origin's layer, at a version. */
export interface TileRef {
  origin: string;
  tileId: number;
  version: number;
}

const MAGIC0 = 0x54; // 'T'
const MAGIC1 = 0x53; // 'S'
const FORMAT = 1;
const FLAG_DEFLATE = 1;
/** Inflated bodies above this are refused (a 64k-tile map with 64 origins stays far below). */
export const MAX_SUMMARY_BODY = 8 * 1024 * 1024;

export class TileSummary {
  readonly versions: VersionVector;

  constructor(versions: VersionVector) {
    this.versions = versions;
  }

  /** The summary of everything a map holds. */
  static of(map: TiledMap): TileSummary {
    const out = new Map<string, Map<number, number>>();
    for (const origin of map.origins()) {
      const tiles = new Map<number, number>();
      for (const [id, t] of map.layer(origin)) tiles.set(id, t.version);
      out.set(origin, tiles);
    }
    return new TileSummary(out);
  }

  version(origin: string, tileId: number): number {
    return this.versions.get(origin)?.get(tileId) ?? 0;
  }

  /** Number of (origin, tile) entries. */
  get size(): number {
    let n = 0;
    for (const tiles of this.versions.values()) n += tiles.size;
    return n;
  }

  encode(options: { deflate?: boolean } = {}): Uint8Array {
    const w = new VarintWriter();
    const origins = [...this.versions.keys()].filter((o) => this.versions.get(o)!.size > 0).sort(compareUtf8);
    w.uint(origins.length);
    for (const origin of origins) {
      const tiles = [...this.versions.get(origin)!].sort((a, b) => a[0] - b[0]);
      w.string(origin).uint(tiles.length);
      let prev = -1;
      for (const [id, version] of tiles) {
        w.uint(id - prev - 1).uint(version);
        prev = id;
      }
    }
    const body = w.finish();
    let flags = 0;
    let payload = body;
    if (options.deflate !== false && body.length > 64) {
      const packed = deflateRawSync(body);
      if (packed.length < body.length) {
        flags = FLAG_DEFLATE;
        payload = packed;
      }
    }
    return withHeader(flags, payload);
  }

  /**
   * Decodes `encode`'s bytes. `tileCount` (the map's number of tiles), when given, bounds tile ids.
   * Throws OUTPOST_ERR_MAP_SUMMARY with what was wrong and where.
   */
  static decode(bytes: Uint8Array, tileCount?: number): TileSummary {
    const fail = (detail: string): never => {
      throw new OutpostError('OUTPOST_ERR_MAP_SUMMARY', `tile summary: ${detail}`);
    };
    if (!(bytes instanceof Uint8Array)) fail('expected bytes');
    if (bytes.length < 4) fail(`expected at least a 4-byte header, got ${bytes.length} byte(s)`);
    if (bytes[0] !== MAGIC0 || bytes[1] !== MAGIC1)
      fail(`bad magic ${hex(bytes.subarray(0, 2))}, expected 54 53 ("TS")`);
    if (bytes[2] !== FORMAT) fail(`format ${bytes[2]} is not supported (expected ${FORMAT})`);
    const flags = bytes[3]!;
    if ((flags & ~FLAG_DEFLATE) !== 0) fail(`unknown flags 0x${flags.toString(16)}`);
    let body = bytes.subarray(4);
    if (flags & FLAG_DEFLATE) {
      try {
        body = inflateRawSync(body, { maxOutputLength: MAX_SUMMARY_BODY });
      } catch (err) {
        throw new OutpostError(
          'OUTPOST_ERR_MAP_SUMMARY',
          `tile summary: deflated body does not inflate (${(err as Error).message})`,
          { cause: err },
        );
      }
    }
    const r = new VarintReader(body, 'OUTPOST_ERR_MAP_SUMMARY', 'tile summary');
    const originCount = r.uint('origin count');
    // Each origin takes at least 3 bytes, each tile at least 2: counts beyond that are garbage.
    if (originCount * 3 > r.remaining) r.fail(`origin count ${originCount} does not fit in ${r.remaining} byte(s)`);
    const out = new Map<string, Map<number, number>>();
    let prevOrigin: string | undefined;
    for (let o = 0; o < originCount; o++) {
      const origin = r.string(`origin ${o} id`, MAX_ORIGIN_BYTES);
      if (prevOrigin !== undefined && compareUtf8(prevOrigin, origin) >= 0)
        r.fail(`origin "${origin}" is out of order or repeated`);
      prevOrigin = origin;
      const count = r.uint(`tile count of "${origin}"`);
      if (count * 2 > r.remaining) r.fail(`tile count ${count} of "${origin}" does not fit in ${r.remaining} byte(s)`);
      const tiles = new Map<number, number>();
      let prev = -1;
      for (let i = 0; i < count; i++) {
        const id = prev + 1 + r.uint(`tile id delta ${i} of "${origin}"`);
        if (tileCount !== undefined && id >= tileCount)
          r.fail(`tile id ${id} of "${origin}" is outside the map (${tileCount} tiles)`);
        const version = r.uint(`version of tile ${id} of "${origin}"`);
        if (version === 0) r.fail(`tile ${id} of "${origin}" has version 0 (versions start at 1)`);
        tiles.set(id, version);
        prev = id;
      }
      out.set(origin, tiles);
    }
    r.end();
    return new TileSummary(out);
  }
}

/**
 * The (origin, tile) pairs `mine` holds and `theirs` lacks or holds at an older version, with the
 * version `mine` holds. Sorted by origin then tile id (callers reorder by priority).
 */
export function diff(mine: TileSummary, theirs: TileSummary): TileRef[] {
  const out: TileRef[] = [];
  for (const origin of [...mine.versions.keys()].sort(compareUtf8)) {
    const their = theirs.versions.get(origin);
    const tiles = [...mine.versions.get(origin)!].sort((a, b) => a[0] - b[0]);
    for (const [tileId, version] of tiles) {
      if ((their?.get(tileId) ?? 0) < version) out.push({ origin, tileId, version });
    }
  }
  return out;
}

/** Orders origin ids by their UTF-8 bytes (what a decoder on any platform sees). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function withHeader(flags: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  out.set([MAGIC0, MAGIC1, FORMAT, flags]);
  out.set(payload, 4);
  return out;
}

function hex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}
