import type { FleetEnvelope } from '../../runtime/fleet/FleetEnvelope.js';
import { defineRoute, type FleetRoute } from '../../runtime/fleet/FleetRoute.js';
import type { builtin_interfaces } from '../../runtime/msg/MessageTypes.js';
import type { MessageRegistry } from '../../runtime/msg/MessageRegistry.js';
import type { Peer } from './FleetPeers.js';
import { MAP_SUMMARY_TYPE, MAP_TILES_TYPE, MapSyncSession, type SyncMessage } from './MapSyncSession.js';
import type { TiledMap } from './TiledMap.js';

/** Internal routes of map sync (reserved route names). */
export const MAP_SUMMARY_ROUTE = 'fleet_map_summary';
export const MAP_TILES_ROUTE = 'fleet_map_tiles';

/** The two routes map sync adds to every teammate link: summaries first (latest only), then tiles. */
export function mapSyncRoutes(): FleetRoute[] {
  return [
    defineRoute({ topic: MAP_SUMMARY_ROUTE, type: MAP_SUMMARY_TYPE, priority: 150, reliability: 'latest-only' }),
    defineRoute({ topic: MAP_TILES_ROUTE, type: MAP_TILES_TYPE, priority: 20 }),
  ];
}

export interface FleetMapSyncOptions {
  /** This robot's tiled map; undefined until its own first map came (nothing to sync before). */
  map: () => TiledMap | undefined;
  registry: MessageRegistry;
  /** Stamp of outgoing messages (the node's clock). */
  now: () => builtin_interfaces.msg.Time;
}

/**
 * Map sync over the teammate links: one MapSyncSession per teammate, opened on every contact
 * (the two robots exchange tile summaries), fed with what arrives on the map routes, and pumped
 * for the tile batches the teammate lacks.
 */
export class FleetMapSync {
  readonly sessions = new Map<string, MapSyncSession>();
  readonly #o: FleetMapSyncOptions;

  constructor(options: FleetMapSyncOptions) {
    this.#o = options;
  }

  /** A contact was made or lost: summaries go out on a new contact, beliefs are dropped on both. */
  onContact(peer: Peer, up: boolean): void {
    const session = this.#session(peer.name);
    if (session === undefined) return;
    session.close();
    if (up) this.#send(peer, session.open());
  }

  /** Takes a map-route envelope (true) or leaves it to the caller (false). */
  receive(env: FleetEnvelope, peers: ReadonlyMap<string, Peer>): boolean {
    if (env.route !== MAP_SUMMARY_ROUTE && env.route !== MAP_TILES_ROUTE) return false;
    const session = this.#session(env.origin);
    if (session === undefined) return true; // no map of our own yet: the peer resends at the next contact
    const replies = session.receive({ type: env.type as SyncMessage['type'], bytes: env.payload });
    const peer = peers.get(env.origin);
    if (peer !== undefined) for (const r of replies) this.#send(peer, r);
    return true;
  }

  /** `all`: queue every batch the peer lacks now (while settling: the link is flushed anyway). */
  pump(peers: ReadonlyMap<string, Peer>, all = false): void {
    for (const peer of peers.values()) {
      const session = this.sessions.get(peer.name);
      if (!peer.connected || session === undefined || !session.synced) continue;
      if (all) {
        for (const batch of session.drain()) this.#send(peer, batch);
        continue;
      }
      // One batch queued at a time: batches are cut from the live map, so a slow link never
      // carries tiles that were superseded while they waited.
      while (peer.link.outbox.bytes(MAP_TILES_ROUTE) === 0) {
        const batch = session.nextBatch();
        if (batch === undefined) break;
        this.#send(peer, batch);
      }
    }
  }

  closeAll(): void {
    for (const s of this.sessions.values()) s.close();
  }

  #session(peer: string): MapSyncSession | undefined {
    const map = this.#o.map();
    if (map === undefined) return undefined;
    let s = this.sessions.get(peer);
    if (s === undefined) {
      s = new MapSyncSession({ map, peer, registry: this.#o.registry, now: this.#o.now });
      this.sessions.set(peer, s);
    }
    return s;
  }

  #send(peer: Peer, msg: SyncMessage): void {
    peer.link.outbox.enqueue(msg.type === MAP_SUMMARY_TYPE ? MAP_SUMMARY_ROUTE : MAP_TILES_ROUTE, msg.bytes);
    peer.link.sender.kick();
  }
}
