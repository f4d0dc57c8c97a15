import type { Logger } from 'pino';
import type { FleetEnvelope } from '../../runtime/fleet/FleetEnvelope.js';
import type { MessageRegistry } from '../../runtime/msg/MessageRegistry.js';
import type { outpost_msgs } from '../../runtime/msg/MessageTypes.js';
import { MAP_TILES_TYPE, MapSyncSession } from '../fleet/MapSyncSession.js';
import { TiledMap } from '../fleet/TiledMap.js';

export interface StationMapOptions {
  /** The station's name: the robots address their tile batches to it. */
  self: string;
  registry: MessageRegistry;
  /** The map frame's origin (the batches carry the grid's size and resolution, not where it lies). Unit: m. */
  originX: number;
  originY: number;
  logger: Logger;
}

/**
 * The team's map at the ground station: every robot's tile batches (own and relayed layers)
 * applied to one TiledMap through a map sync session per robot, so versions decide and duplicates
 * are harmless, exactly as on a robot. The grid is made from the first batch's geometry; a batch
 * of another geometry is refused by its session (OUTPOST_ERR_MAP_GEOMETRY, logged). The station
 * never answers (it cannot publish to the robots): the robots push, see GroundStationUplink.
 */
export class StationMap {
  readonly #o: StationMapOptions;
  #map: TiledMap | undefined;
  readonly #sessions = new Map<string, MapSyncSession>();

  constructor(options: StationMapOptions) {
    this.#o = options;
  }

  get map(): TiledMap | undefined {
    return this.#map;
  }

  /** Applies a MapTiles envelope from a robot. */
  receive(env: FleetEnvelope): void {
    try {
      this.#map ??= this.#firstMap(env);
      let session = this.#sessions.get(env.origin);
      if (session === undefined) {
        session = new MapSyncSession({ map: this.#map, peer: env.origin, registry: this.#o.registry });
        this.#sessions.set(env.origin, session);
      }
      session.receive({ type: MAP_TILES_TYPE, bytes: env.payload });
    } catch (err) {
      this.#o.logger.warn(
        { err, robot: env.origin },
        `map tiles from ${env.origin} dropped: ${(err as Error).message}`,
      );
    }
  }

  #firstMap(env: FleetEnvelope): TiledMap {
    const m = this.#o.registry.decode<outpost_msgs.msg.MapTiles>(MAP_TILES_TYPE, env.payload);
    return new TiledMap({
      self: this.#o.self,
      width: m.width,
      height: m.height,
      // float32 on the wire: 0.05 arrives as 0.0500000007; the robots' maps say 0.05.
      resolution: Number(m.resolution.toPrecision(7)),
      originX: this.#o.originX,
      originY: this.#o.originY,
      tileSize: m.tile_size,
    });
  }
}
