import type { Node } from '../../runtime/index.js';
import type { ParameterSpec } from '../../runtime/Parameter.js';
import type { FleetRoute } from '../../runtime/fleet/FleetRoute.js';
import type { builtin_interfaces } from '../../runtime/msg/MessageTypes.js';
import type { MessageRegistry } from '../../runtime/msg/MessageRegistry.js';
import { MAP_TILES_ROUTE, mapSyncRoutes } from './FleetMapSync.js';
import { FleetPeers, type FleetPeersOptions, type Peer } from './FleetPeers.js';
import { FleetRouteForwarder } from './FleetRouteForwarder.js';
import { GroundStationStreams, checkStreamSpecs, streamRoutes } from './GroundStationStreams.js';
import { checkRouteSpecs } from './RouteSpec.js';
import { MAP_SUMMARY_TYPE, MapSyncSession } from './MapSyncSession.js';
import type { TiledMap } from './TiledMap.js';
import { TileSummary } from './TileSummary.js';

/** fleet_link's parameters for the ground station link. */
export const groundStationParameters = {
  ground_station: {
    type: 'string' as const,
    default: '',
    check: (v) =>
      v === '' || /^[A-Za-z][A-Za-z0-9_-]*=mqtts?:\/\/.+$/.test(v as string)
        ? undefined
        : `expected "" or "NAME=URL" of the ground station's broker, e.g. "groundstation=mqtt://10.0.0.100:1883", got ${JSON.stringify(v)}`,
    description:
      'The ground station\'s broker, "NAME=URL"; empty: none. It gets ground_station_routes and (ground_station_map) the map tiles.',
  },
  ground_station_routes: {
    type: 'string_array' as const,
    default: [],
    check: (v) => checkRouteSpecs(v as string[]),
    description:
      'Topics sent to the ground station only, as in `routes` (e.g. "telemetry outpost_msgs/msg/RobotTelemetry reliability=latest-only acked=false priority=250").',
  },
  ground_station_tile_batch_bytes: {
    type: 'integer' as const,
    default: 4096,
    unit: 'B',
    range: { from: 1200, to: 1048576 },
    description:
      'Most payload bytes of one tile batch to the ground station: nothing overtakes a batch on the wire, so a record waits at most one batch (4 KiB: 0.5 s at 64 kbit/s). At least one incompressible tile.',
  },
  ground_station_map: {
    type: 'bool' as const,
    default: true,
    description: "Send the map's tiles (own and relayed layers) to the ground station, at map sync's low priority.",
  },
  ground_station_streams: {
    type: 'string_array' as const,
    default: ['scan sensor_msgs/msg/LaserScan', 'map nav_msgs/msg/OccupancyGrid'],
    check: (v) => checkStreamSpecs(v as string[]),
    description:
      'Topics the ground station may ask for (its ~/stream service), "TOPIC TYPE" each, TOPIC relative to the namespace; sent only while leased, latest-only, below telemetry and tiles.',
  },
  ground_station_stream_bytes_per_s: {
    type: 'double' as const,
    default: 4096,
    unit: 'B/s',
    range: { from: 1, to: 1e9 },
    description: 'Byte budget of all requested streams together (payload); a message beyond it is not sent (counted).',
  },
} satisfies Record<string, ParameterSpec>;

export interface GroundStationUplinkOptions
  extends Omit<FleetPeersOptions, 'routes' | 'onContact' | 'registry' | 'settings'> {
  /** The link's settings and the requested streams' (`ground_station_streams`, its byte budget). */
  settings: FleetPeersOptions['settings'] & {
    readonly ground_station_streams: readonly string[];
    readonly ground_station_stream_bytes_per_s: number;
  };
  node: Node;
  registry: MessageRegistry;
  /** Topics sent to the ground station only (e.g. telemetry: latest-only, high priority). */
  routes: readonly FleetRoute[];
  /** This robot's tiled map (own and relayed layers); undefined until its first own map. */
  map: () => TiledMap | undefined;
  /** Push the map's tiles to the ground station (turned off if the batch budget cannot fit a tile). */
  pushMap: boolean;
  /** Payload budget of one tile batch. Unit: bytes. */
  batchBytes: number;
  now: () => builtin_interfaces.msg.Time;
}

/**
 * This robot's link to the ground station (issue 15): one durable PeerLink to the station's own
 * broker carrying `ground_station_routes` and, with `pushMap`, the map's tiles. The station logs in
 * read-only and never publishes into a robot's broker, so it cannot answer map sync with a summary:
 * on each contact the robot takes it to hold nothing and sends every tile (the reliable tile route
 * then makes sent tiles count as held, so later only changed tiles go). A restarted station is thus
 * refilled at its next contact. Tiles have map sync's low priority, so a record on a high-priority
 * route never waits behind a map transfer longer than one tile batch.
 */
export class GroundStationUplink {
  readonly #o: GroundStationUplinkOptions;
  readonly #peers: FleetPeers;
  readonly #forwarder: FleetRouteForwarder;
  readonly #streams: GroundStationStreams;
  #session: MapSyncSession | undefined;

  constructor(options: GroundStationUplinkOptions) {
    this.#o = { ...options };
    const tiles = mapSyncRoutes().filter((r) => r.route === MAP_TILES_ROUTE);
    const streams = streamRoutes(options.settings.ground_station_streams);
    this.#peers = new FleetPeers({
      ...options,
      routes: () => [...options.routes, ...tiles, ...streams],
      onContact: (_peer, up) => {
        if (!up) this.#session = undefined;
      },
    });
    this.#forwarder = new FleetRouteForwarder(options.node, options.routes);
    this.#forwarder.forwardTo(this.#peers);
    this.#streams = new GroundStationStreams({
      ...options,
      routes: streams,
      bytesPerSecond: options.settings.ground_station_stream_bytes_per_s,
      station: () => this.#peers.all.values().next().value,
    });
  }

  /** The topics the station asked for (leases, counts). */
  get streams(): GroundStationStreams {
    return this.#streams;
  }

  /** The station's link (for diagnostics), once added. */
  get peers(): ReadonlyMap<string, Peer> {
    return this.#peers.all;
  }

  add(name: string, url: string): void {
    this.#peers.add(name, url);
    this.#streams.listen(name, url);
  }

  /** Queues the next tile batch the station lacks, one at a time (as FleetMapSync.pump does). */
  pump(): void {
    this.#streams.expire();
    if (!this.#o.pushMap) return;
    const map = this.#o.map();
    for (const peer of this.#peers.all.values()) {
      if (!peer.connected || map === undefined) continue;
      try {
        this.#session ??= this.#emptyStation(map, peer.name);
      } catch (err) {
        // A batch budget below one tile of this map (large tile_size): said once, then no map push.
        this.#o.logger.error({ err }, `ground station map push off: ${(err as Error).message}`);
        this.#o.pushMap = false;
        return;
      }
      while (peer.link.outbox.bytes(MAP_TILES_ROUTE) === 0) {
        const batch = this.#session.nextBatch();
        if (batch === undefined) break;
        peer.link.outbox.enqueue(MAP_TILES_ROUTE, batch.bytes);
        peer.link.sender.kick();
      }
    }
  }

  /** Closes the link (deactivation); `add` makes it again. */
  async closeLinks(): Promise<void> {
    await this.#peers.closeLinks();
    await this.#streams.close();
    this.#session = undefined;
  }

  /** A session that believes the station holds nothing: the summary it would send, made here. */
  #emptyStation(map: TiledMap, station: string): MapSyncSession {
    const g = map.grid;
    const session = new MapSyncSession({
      map,
      peer: station,
      registry: this.#o.registry,
      now: this.#o.now,
      maxBatchBytes: this.#o.batchBytes,
    });
    const summary = this.#o.registry.encode(MAP_SUMMARY_TYPE, {
      stamp: this.#o.now(),
      robot: station,
      peer: map.self,
      width: g.width,
      height: g.height,
      resolution: g.resolution,
      tile_size: g.tileSize,
      focus_tile: -1,
      reply: false,
      payload: new TileSummary(new Map()).encode(),
    });
    session.receive({ type: MAP_SUMMARY_TYPE, bytes: summary });
    return session;
  }
}
