import { defaultRegistry } from '../../runtime/msg/defaultRegistry.js';
import type { MessageRegistry } from '../../runtime/msg/MessageRegistry.js';
import type { builtin_interfaces, outpost_msgs } from '../../runtime/msg/MessageTypes.js';
import { OutpostError, describeValue, type OutpostErrorCode } from '../../runtime/OutpostError.js';
import { TileGrid } from './TileGrid.js';
import type { TiledMap } from './TiledMap.js';
import { TileSummary, compareUtf8 } from './TileSummary.js';
import { decodeTileBatch, packTileBatch, type TileRecord } from './TileTransfer.js';

/**
 * The map exchange between this robot and one peer, as a pure state machine: bytes in, bytes out.
 * It rides on any link (the fleet link's outbox, a test's array, a simulated radio); it does no I/O
 * and keeps no timers. Messages are CDR-encoded outpost_msgs/msg/MapTileSummary and MapTiles.
 *
 * Protocol (one session object per peer, reused across contacts):
 * 1. Contact: each side calls `open()` and sends the summary it returns (reply = true). A side that
 *    receives such a summary without having opened answers with its own summary (reply = false);
 *    when both opened, the two summaries answer each other and no third is sent.
 * 2. A received summary is what the peer holds. `nextBatch()` then yields batches of the tiles the
 *    peer lacks or holds older, at most `maxBatchBytes` each, so a link with a bandwidth budget pulls
 *    them one by one. Each batch is built from the map when pulled, so tiles that changed or arrived
 *    meanwhile (from this robot or relayed from others) go out too, at their newest version.
 * 3. Priority: tiles nearest the peer's own tile (its summary's focus_tile, Chebyshev distance in
 *    tiles) first, since the peer plans there; then the most recently changed here; then by origin
 *    and tile id, so the order is deterministic.
 * 4. Sent tiles count as held by the peer. The batch after which nothing is left is marked `last`;
 *    its receiver answers with a fresh summary (reply = false), which replaces that belief: tiles
 *    from lost batches show up missing and are sent again; if nothing is missing nothing is sent.
 * 5. Received tiles go through TiledMap.applyTile (newer versions only), so duplicates and
 *    reordering are harmless. `close()` on a broken contact forgets the belief; the next contact's
 *    summaries make each side send only what is still missing.
 * Relaying is free: layers carry their origin and version, so B forwards A's tiles to C.
 * Malformed input throws OutpostError (OUTPOST_ERR_MAP_SUMMARY, _TILE, _GEOMETRY) before any state
 * changes.
 */
export const MAP_SUMMARY_TYPE = 'outpost_msgs/msg/MapTileSummary';
export const MAP_TILES_TYPE = 'outpost_msgs/msg/MapTiles';

/** One message as it travels: its ROS type (which topic it goes on) and its CDR bytes. */
export interface SyncMessage {
  type: typeof MAP_SUMMARY_TYPE | typeof MAP_TILES_TYPE;
  bytes: Uint8Array;
}

export interface MapSyncSessionOptions {
  /** This robot's map (its `self` is this robot's id). */
  map: TiledMap;
  /** The peer's robot id. */
  peer: string;
  /** Payload budget per tile batch, bytes. Default 16 KiB; at least one incompressible tile. */
  maxBatchBytes?: number;
  /** Message registry used to CDR-encode. Default: the process-wide registry. */
  registry?: MessageRegistry;
  /** This robot's current tile id, sent in summaries so the peer sends nearby tiles first. */
  focusTile?: () => number | undefined;
  /** Stamp for outgoing messages (the node's clock). Default: zero time. */
  now?: () => builtin_interfaces.msg.Time;
}

/** Counters over the session's life (all contacts). Bytes are CDR message sizes. */
export interface MapSyncStats {
  bytesSent: number;
  bytesReceived: number;
  summariesSent: number;
  batchesSent: number;
  tilesSent: number;
  tilesApplied: number;
  /** Received tiles that were not newer than the one held (duplicates, relayed copies). */
  tilesStale: number;
}

type Belief = Map<string, Map<number, number>>;

export class MapSyncSession {
  readonly peer: string;
  readonly #map: TiledMap;
  readonly #registry: MessageRegistry;
  readonly #maxBatchBytes: number;
  readonly #focusTile: () => number | undefined;
  readonly #now: () => builtin_interfaces.msg.Time;
  /** What the peer holds, as far as we know; undefined until its summary arrives in this contact. */
  #peerHolds: Belief | undefined;
  #peerFocus = -1;
  /** open() was called and no reply-requesting summary arrived since (both sides opened at once). */
  #openPending = false;
  readonly stats: MapSyncStats = {
    bytesSent: 0,
    bytesReceived: 0,
    summariesSent: 0,
    batchesSent: 0,
    tilesSent: 0,
    tilesApplied: 0,
    tilesStale: 0,
  };

  constructor(options: MapSyncSessionOptions) {
    this.#map = options.map;
    this.peer = options.peer;
    if (typeof this.peer !== 'string' || this.peer.length === 0 || this.peer === this.#map.self) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `map sync: peer must be another robot's id, got ${describeValue(this.peer)}`,
      );
    }
    this.#registry = options.registry ?? defaultRegistry();
    this.#maxBatchBytes = options.maxBatchBytes ?? 16 * 1024;
    this.#focusTile = options.focusTile ?? (() => undefined);
    this.#now = options.now ?? (() => ({ sec: 0, nanosec: 0 }));
    packTileBatch([], this.#map.grid, this.#maxBatchBytes); // validates the budget now, not mid-contact
  }

  /** True once the peer's summary arrived in this contact (batches can flow). */
  get synced(): boolean {
    return this.#peerHolds !== undefined;
  }

  /** Starts a contact: the summary to send. */
  open(): SyncMessage {
    this.#openPending = true;
    return this.#summary(true);
  }

  /** The contact broke: forget what the peer holds; the next contact starts from summaries again. */
  close(): void {
    this.#peerHolds = undefined;
    this.#openPending = false;
    this.#peerFocus = -1;
  }

  /** Handles a message from the peer; returns the messages to send back now (summaries only). */
  receive(message: SyncMessage): SyncMessage[] {
    if (message.type === MAP_SUMMARY_TYPE) return this.#onSummary(message.bytes);
    if (message.type === MAP_TILES_TYPE) return this.#onTiles(message.bytes);
    throw new OutpostError(
      'OUTPOST_ERR_INVALID_ARGUMENT',
      `map sync: unknown message type ${describeValue((message as SyncMessage).type)}`,
    );
  }

  /** The next batch of tiles the peer lacks, or undefined when it has everything (or no summary yet). */
  nextBatch(): SyncMessage | undefined {
    const holds = this.#peerHolds;
    if (holds === undefined) return undefined;
    const wanted = this.#wanted(holds);
    if (wanted.length === 0) return undefined;
    return this.#batch(holds, wanted).msg;
  }

  /** Every batch the peer still lacks, in priority order (for links without a budget, and tests). */
  drain(): SyncMessage[] {
    const out: SyncMessage[] = [];
    const holds = this.#peerHolds;
    if (holds === undefined) return out;
    // What the peer lacks after a batch is the list before it less the tiles it took (nothing
    // else changes meanwhile), in the same order: sorted once, not once per batch.
    let wanted = this.#wanted(holds);
    while (wanted.length > 0) {
      const { msg, count } = this.#batch(holds, wanted);
      out.push(msg);
      wanted = wanted.slice(count);
    }
    return out;
  }

  /** Packs the first tiles of `wanted` into a batch and believes the peer holds them now. */
  #batch(holds: Belief, wanted: readonly TileRecord[]): { msg: SyncMessage; count: number } {
    const { bytes, count } = packTileBatch(wanted, this.#map.grid, this.#maxBatchBytes);
    for (const t of wanted.slice(0, count)) believe(holds, t.origin, t.tileId, t.version);
    const msg: outpost_msgs.msg.MapTiles = { ...this.#header(), last: count === wanted.length, payload: bytes };
    this.stats.batchesSent++;
    this.stats.tilesSent += count;
    return { msg: this.#out(MAP_TILES_TYPE, msg), count };
  }

  #onSummary(bytes: Uint8Array): SyncMessage[] {
    const msg = this.#decode<outpost_msgs.msg.MapTileSummary>(MAP_SUMMARY_TYPE, bytes, 'OUTPOST_ERR_MAP_SUMMARY');
    const summary = TileSummary.decode(asBytes(msg.payload), this.#map.grid.tileCount);
    this.stats.bytesReceived += bytes.length;
    const holds: Belief = new Map();
    for (const [origin, tiles] of summary.versions) holds.set(origin, new Map(tiles));
    this.#peerHolds = holds;
    this.#peerFocus = this.#map.grid.isTileId(msg.focus_tile) ? msg.focus_tile : -1;
    if (!msg.reply) return [];
    // Both sides opened: their summary answers ours. Otherwise (the peer noticed the contact first,
    // or we missed that the last one broke) answer, so the peer learns what we lack.
    if (this.#openPending) {
      this.#openPending = false;
      return [];
    }
    return [this.#summary(false)];
  }

  #onTiles(bytes: Uint8Array): SyncMessage[] {
    const msg = this.#decode<outpost_msgs.msg.MapTiles>(MAP_TILES_TYPE, bytes, 'OUTPOST_ERR_MAP_TILE');
    const tiles = decodeTileBatch(asBytes(msg.payload), this.#map.grid);
    this.stats.bytesReceived += bytes.length;
    for (const t of tiles) {
      if (this.#map.applyTile(t.origin, t.tileId, t.version, t.data)) this.stats.tilesApplied++;
      else this.stats.tilesStale++;
      if (this.#peerHolds !== undefined) believe(this.#peerHolds, t.origin, t.tileId, t.version);
    }
    return msg.last ? [this.#summary(false)] : [];
  }

  /** Tiles newer here than the peer holds, in priority order (see the header). */
  #wanted(holds: Belief): TileRecord[] {
    const grid = this.#map.grid;
    const focus = this.#peerFocus;
    const out: Array<TileRecord & { seq: number; dist: number }> = [];
    for (const origin of this.#map.origins()) {
      const theirs = holds.get(origin);
      for (const [tileId, t] of this.#map.layer(origin)) {
        if ((theirs?.get(tileId) ?? 0) >= t.version) continue;
        const dist = focus >= 0 ? grid.tileDistance(focus, tileId) : 0;
        out.push({ origin, tileId, version: t.version, data: t.data, seq: t.seq, dist });
      }
    }
    out.sort((a, b) => a.dist - b.dist || b.seq - a.seq || compareUtf8(a.origin, b.origin) || a.tileId - b.tileId);
    return out;
  }

  #summary(reply: boolean): SyncMessage {
    const focus = this.#focusTile();
    const msg: outpost_msgs.msg.MapTileSummary = {
      ...this.#header(),
      focus_tile: focus !== undefined && this.#map.grid.isTileId(focus) ? focus : -1,
      reply,
      payload: TileSummary.of(this.#map).encode(),
    };
    this.stats.summariesSent++;
    return this.#out(MAP_SUMMARY_TYPE, msg);
  }

  #header(): {
    stamp: builtin_interfaces.msg.Time;
    robot: string;
    peer: string;
    width: number;
    height: number;
    resolution: number;
    tile_size: number;
  } {
    const g = this.#map.grid;
    return {
      stamp: this.#now(),
      robot: this.#map.self,
      peer: this.peer,
      width: g.width,
      height: g.height,
      resolution: g.resolution,
      tile_size: g.tileSize,
    };
  }

  #out(type: SyncMessage['type'], msg: object): SyncMessage {
    const bytes = this.#registry.encode(type, msg);
    this.stats.bytesSent += bytes.length;
    return { type, bytes };
  }

  /** CDR-decodes and checks sender, addressee and grid; throws `code` (or _GEOMETRY) on mismatch. */
  #decode<T extends outpost_msgs.msg.MapTiles | outpost_msgs.msg.MapTileSummary>(
    type: string,
    bytes: Uint8Array,
    code: OutpostErrorCode,
  ): T {
    let msg: T;
    try {
      msg = this.#registry.decode<T>(type, bytes);
    } catch (err) {
      throw new OutpostError(code, `map sync from ${this.peer}: ${(err as Error).message}`, { cause: err });
    }
    if (msg.robot !== this.peer || msg.peer !== this.#map.self) {
      throw new OutpostError(
        code,
        `map sync: ${type} from "${msg.robot}" to "${msg.peer}" reached the session of ${this.#map.self} with ${this.peer}`,
      );
    }
    let theirs: TileGrid | undefined;
    try {
      theirs = new TileGrid({
        width: msg.width,
        height: msg.height,
        resolution: msg.resolution,
        tileSize: msg.tile_size,
      });
    } catch {
      theirs = undefined;
    }
    if (theirs === undefined || !theirs.sameAs(this.#map.grid)) {
      throw new OutpostError(
        'OUTPOST_ERR_MAP_GEOMETRY',
        `map sync: ${this.peer}'s map is ${msg.width}×${msg.height} cells at ${msg.resolution} m, tiles of ${msg.tile_size}; ours is ${this.#map.grid.describe()}`,
      );
    }
    return msg;
  }
}

function believe(holds: Belief, origin: string, tileId: number, version: number): void {
  let tiles = holds.get(origin);
  if (tiles === undefined) {
    tiles = new Map();
    holds.set(origin, tiles);
  }
  if ((tiles.get(tileId) ?? 0) < version) tiles.set(tileId, version);
}

function asBytes(payload: Uint8Array | number[]): Uint8Array {
  return payload instanceof Uint8Array ? payload : Uint8Array.from(payload);
}
