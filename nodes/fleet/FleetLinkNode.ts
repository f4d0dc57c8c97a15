import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  KindNode,
  defineNodeKind,
  nodeKindSpec,
  secondsToNs,
  type Context,
  type NodeKindOptions,
  type Publisher,
} from '../../runtime/index.js';
import type { EmbeddedBroker } from '../../runtime/fleet/EmbeddedBroker.js';
import type { FleetEnvelope } from '../../runtime/fleet/FleetEnvelope.js';
import { FleetInbox } from '../../runtime/fleet/FleetInbox.js';
import { FleetReceiver } from '../../runtime/fleet/FleetReceiver.js';
import type { FleetRoute } from '../../runtime/fleet/FleetRoute.js';
import { relativeTopicCheck } from '../../runtime/topicNameParameter.js';
import { setUpFleetBroker, type FleetBrokerSetup } from './FleetBrokerSetup.js';
import { fleetLinkDiagnosticStatus, peerFigures, type FleetLinkDiagnostics } from './FleetLinkDiagnostics.js';
import { FleetLockStep } from './FleetLockStep.js';
import { FleetMapSync, mapSyncRoutes } from './FleetMapSync.js';
import { fleetRobotNames, ownRobotName } from './FleetNames.js';
import { FleetPeers, type Peer } from './FleetPeers.js';
import { FleetRouteForwarder } from './FleetRouteForwarder.js';
import { GroundStationUplink, groundStationParameters } from './GroundStationUplink.js';
import { MergedMapPublisher } from './MergedMapPublisher.js';
import type { MapSyncSession } from './MapSyncSession.js';
import { OwnMapTiles } from './OwnMapTiles.js';
import { checkRouteSpecs, parseRouteSpec } from './RouteSpec.js';
import type { TiledMap } from './TiledMap.js';

const LATCHED = { durability: 'transient_local', depth: 1000 } as const;

const spec = nodeKindSpec({
  name: 'fleet_link',
  description:
    'Delay-tolerant fleet link over MQTT: own broker, durable outboxes to teammates, routes and map tile sync.',
  parameters: {
    fleet: { type: 'string', default: 'outpost', description: 'Fleet name (MQTT topic level outpost/<fleet>/...).' },
    robot: {
      type: 'string',
      default: '',
      description: "This robot's name; default: the last token of the node's namespace.",
    },
    broker: {
      type: 'string',
      default: 'embedded',
      description:
        '"embedded" (Aedes in this process) or the URL of this robot\'s own broker, e.g. mqtt://127.0.0.1:1883 or mqtts://... (Mosquitto).',
    },
    broker_host: {
      type: 'string',
      default: '127.0.0.1',
      description: "Interface the embedded broker listens on (the robot's radio interface in the field).",
    },
    broker_port: {
      type: 'integer',
      default: 0,
      range: { from: 0, to: 65535 },
      description: 'Port of the embedded broker; 0 picks a free one.',
    },
    mqtt_version: {
      type: 'integer',
      default: 5,
      range: { from: 4, to: 5 },
      description:
        'MQTT protocol version for an external broker (5: Mosquitto, with message expiry; 4: 3.1.1). The embedded broker always uses 4.',
    },
    username: { type: 'string', default: '', description: 'Login on brokers; default: the robot name.' },
    password: { type: 'string', default: '', description: "Password; default: this user's entry in credentials_file." },
    credentials_file: {
      type: 'string',
      default: '',
      description:
        "YAML file of the fleet's users ({users: [{username, password, ground_station?}]}); required by the embedded broker.",
    },
    peers: {
      type: 'string_array',
      default: [],
      description: 'Teammates\' brokers, "NAME=URL" each.',
      check: (v) =>
        (v as string[]).find((e) => !/^[A-Za-z][A-Za-z0-9_-]*=mqtts?:\/\/.+$/.test(e)) !== undefined
          ? `peer entries must look like "r2=mqtt://10.0.0.2:1883", got ${JSON.stringify((v as string[]).find((e) => !/^[A-Za-z][A-Za-z0-9_-]*=mqtts?:\/\/.+$/.test(e)))}`
          : undefined,
    },
    teammates: {
      type: 'string_array',
      default: [],
      description:
        'Teammates expected before their address is known (with discover): what this robot shares is queued for them from the start.',
    },
    fleet_size: {
      type: 'integer',
      default: 0,
      range: { from: 0, to: 64 },
      description: 'N > 0: the teammates are r1..rN (instead of listing `teammates`).',
    },
    discover: {
      type: 'bool',
      default: false,
      description: "Take peers from the link gate's /outpost/fleet/link_routes (simulation).",
    },
    routes: {
      type: 'string_array',
      default: [],
      check: (v) => checkRouteSpecs(v as string[]),
      description:
        'Topics to share, "TOPIC TYPE [reliability=..] [priority=..] [max_rate_hz=..] [expiry_s=..] [byte_cap=..] [drop=..]" each; TOPIC relative to the namespace.',
    },
    outbox_dir: {
      type: 'string',
      default: '.outpost/fleet',
      description:
        'Folder of the durable outboxes and the inbox (SQLite), <dir>/<fleet>/<robot>/; ":memory:" keeps them in memory (no durability: simulation).',
    },
    bytes_per_second: {
      type: 'double',
      default: 0,
      unit: 'B/s',
      range: { from: 0, to: 1e10 },
      description: 'Bandwidth budget per teammate link; 0: unlimited.',
    },
    map_topic: {
      type: 'string',
      default: 'map',
      check: relativeTopicCheck(true),
      description: "This robot's occupancy grid to sync as tiles (relative to the namespace); empty: no map sync.",
    },
    map_frame: { type: 'string', default: 'map', description: 'frame_id of the merged map.' },
    map_publish_hz: {
      type: 'double',
      default: 1,
      unit: 'Hz',
      range: { from: 0.01, to: 50 },
      description: 'Most often the merged map is published on fleet/map.',
    },
    tls_ca_file: {
      type: 'string',
      default: '',
      description: "PEM CA that signed the brokers' certificates, for mqtts:// URLs (verified always).",
    },
    tls_cert_file: {
      type: 'string',
      default: '',
      description: 'PEM client certificate, where brokers require one (with tls_key_file).',
    },
    tls_key_file: { type: 'string', default: '', description: 'PEM key of tls_cert_file.' },
    deliver_on_sync: {
      type: 'bool',
      default: false,
      description:
        'Hold what arrives until the next ~/sync call and hand it over in (origin, route, seq) order: repeatable simulations.',
    },
    reconnect_period_s: {
      type: 'double',
      default: 0.5,
      unit: 's',
      range: { from: 0.005, to: 60 },
      description:
        "Wait between attempts to reach a teammate's broker (wall time). A ~/sync request tries its reachable peers at once, so a simulator needs no short period (a short one costs a refused connection every period for every link that is down).",
    },
    ...groundStationParameters,
    tile_size: {
      type: 'integer',
      default: 32,
      range: { from: 4, to: 256 },
      description: 'Tile edge in cells (all robots of a fleet must agree).',
    },
  },
  publishes: {
    'fleet/map': 'nav_msgs/msg/OccupancyGrid',
    // What teammate {robot} sent on a route (the type is the route's).
    'fleet/{robot}/{route*}': '*',
    '/diagnostics': 'diagnostic_msgs/msg/DiagnosticArray',
    '/outpost/fleet/brokers': 'outpost_msgs/msg/FleetBroker',
  },
  subscribes: {
    '{map_topic*}': 'nav_msgs/msg/OccupancyGrid',
    // A route's topic, relative to the namespace (the type is the route's).
    '{route*}': '*',
    '/outpost/fleet/link_routes': 'outpost_msgs/msg/FleetLinkRoute',
  },
  services: { '~/sync': 'outpost_msgs/srv/FleetSync' },
});

/**
 * A robot's end of the fleet link: its own MQTT broker (embedded Aedes, or Mosquitto by URL), one
 * durable PeerLink per teammate, one FleetReceiver, and map sync. This class holds the lifecycle
 * and the wiring; each concept lives in its own file:
 * - FleetBrokerSetup: the login and this robot's broker (TLS for mqtts:// URLs).
 * - FleetRouteForwarder (`routes`): what this robot publishes on `<ns>/TOPIC` goes to every
 *   teammate, durably and in order per route; what teammate X sent arrives on `<ns>/fleet/X/TOPIC`.
 * - FleetPeers: teammates from `peers` ("NAME=URL") and, with `discover`, from the link gate's
 *   /outpost/fleet/link_routes (simulation: every link goes through a gated proxy).
 * - OwnMapTiles, FleetMapSync, MergedMapPublisher (`map_topic`): this robot's OccupancyGrid becomes
 *   its layer of a tiled, versioned map; on every contact the two robots exchange tile summaries
 *   and send only the tiles the other lacks; the merged map (all layers, relayed ones too) is
 *   published on `<ns>/fleet/map`.
 * - FleetLockStep: the `~/sync` service and `deliver_on_sync`, for repeatable simulations.
 * - GroundStationUplink (`ground_station`): the ground station's link, its own routes and map tiles.
 * - FleetLinkDiagnostics: the figures published on /diagnostics once a second.
 * Outboxes and the inbox live in `<outbox_dir>/<robot>/`: a restart resends what was not acked.
 */
export class FleetLinkNode extends KindNode<typeof spec> {
  #robot = '';
  #fleet = '';
  #dir = '';
  #login: FleetBrokerSetup | undefined;
  #inbox: FleetInbox<FleetEnvelope> | undefined;
  #receiver: FleetReceiver | undefined;
  #routes: FleetRoute[] = [];
  #peers: FleetPeers | undefined;
  #forwarder: FleetRouteForwarder | undefined;
  #ground: GroundStationUplink | undefined;
  #ownMap: OwnMapTiles | undefined;
  readonly #mapSync: FleetMapSync;
  #merged: MergedMapPublisher | undefined;
  readonly #lockStep: FleetLockStep;
  /** deliver_on_sync: what arrived waits for the next ~/sync (repeatable simulations). */
  #holdForSync = false;
  #diag: Publisher<'diagnostic_msgs/msg/DiagnosticArray'> | undefined;
  #brokersPub: Publisher<'outpost_msgs/msg/FleetBroker'> | undefined;
  #active = false;
  /** Node time (ns) of the last message from each teammate, for the diagnostics' message age. */
  readonly #lastHeard = new Map<string, bigint>();

  constructor(context: Context, options: NodeKindOptions) {
    super(spec, context, options);
    this.#mapSync = new FleetMapSync({
      map: () => this.#ownMap?.map,
      registry: this.context.registry,
      now: () => this.now().toMsg(),
    });
    this.#lockStep = new FleetLockStep({
      wallClock: this.context.wallClock,
      peers: () => this.peers,
      receiver: () => this.#receiver,
      pumpMapBatches: (all) => this.#mapSync.pump(this.peers, all),
      deliver: (msg, env) => this.#deliver(msg, env),
      logger: this.getLogger(),
      robot: () => this.#robot,
    });
  }

  get robot(): string {
    return this.#robot;
  }
  get brokerUrl(): string {
    return this.#login?.url ?? '';
  }
  get map(): TiledMap | undefined {
    return this.#ownMap?.map;
  }
  get receiver(): FleetReceiver | undefined {
    return this.#receiver;
  }
  /** Teammates with a link, by name. */
  get peers(): ReadonlyMap<string, Peer> {
    return this.#peers?.all ?? new Map<string, Peer>();
  }
  /** The ground station's link (`ground_station`), by name; empty without one. */
  get groundStation(): ReadonlyMap<string, Peer> {
    return this.#ground?.peers ?? new Map<string, Peer>();
  }
  get groundStationUplink(): GroundStationUplink | undefined {
    return this.#ground;
  }
  /** Map sync sessions, by teammate. */
  get sessions(): ReadonlyMap<string, MapSyncSession> {
    return this.#mapSync.sessions;
  }

  protected override async onConfigure() {
    const p = this.params;
    this.#robot = ownRobotName(p.robot, this.namespace());
    if (this.#robot === '') throw new Error('fleet_link: set "robot" or run the node in the robot\'s namespace');
    this.#fleet = p.fleet;
    this.#login = await setUpFleetBroker(this.#robot, p, this.getLogger());
    // ':memory:' keeps outboxes and inbox in memory: no durability, for simulations that must not
    // carry state from one run into the next.
    this.#dir = p.outbox_dir === ':memory:' ? ':memory:' : join(p.outbox_dir, this.#fleet, this.#robot);
    if (this.#dir !== ':memory:') mkdirSync(this.#dir, { recursive: true });
    this.#inbox = new FleetInbox<FleetEnvelope>({ path: this.#file('inbox.sqlite') });
    this.#routes = p.routes.map(parseRouteSpec);
    this.#holdForSync = p.deliver_on_sync;
    this.#peers = new FleetPeers({
      registry: this.context.registry,
      fleet: this.#fleet,
      robot: this.#robot,
      login: this.#login,
      routes: () => [...this.#routes, ...mapSyncRoutes()],
      file: (name) => this.#file(name),
      settings: p,
      logger: this.getLogger(),
      enqueue: (run, origin) => this.context.executor.enqueue(run, origin),
      onContact: (peer, up) => this.#mapSync.onContact(peer, up),
    });
    this.#forwarder = new FleetRouteForwarder(this, this.#routes);
    this.#forwarder.forwardTo(this.#peers);
    this.#peers.expect(fleetRobotNames(p.fleet_size, p.teammates).filter((t) => t !== this.#robot));
    if (p.ground_station !== '') {
      this.#ground = new GroundStationUplink({
        node: this,
        registry: this.context.registry,
        fleet: this.#fleet,
        robot: this.#robot,
        login: this.#login,
        routes: p.ground_station_routes.map(parseRouteSpec),
        file: (name) => this.#file(name),
        settings: p,
        logger: this.getLogger(),
        enqueue: (run, origin) => this.context.executor.enqueue(run, origin),
        map: () => this.#ownMap?.map,
        pushMap: p.ground_station_map,
        batchBytes: p.ground_station_tile_batch_bytes,
        now: () => this.now().toMsg(),
      });
    }
    // Kept over a cleanup and configure, like the map sync sessions that hold its map.
    this.#ownMap ??= new OwnMapTiles({ self: this.#robot, settings: p, logger: this.getLogger() });
    if (p.map_topic !== '') {
      const mergedPub = this.publisher('fleet/map', { qos: { durability: 'transient_local', depth: 1 } });
      this.#merged = new MergedMapPublisher(mergedPub, p, () => this.now());
      this.subscription('{map_topic*}', { qos: 2, with: { map_topic: p.map_topic } }, (grid) =>
        this.#ownMap?.update(grid),
      );
    }
    this.#diag = this.publisher('/diagnostics');
    this.#brokersPub = this.publisher('/outpost/fleet/brokers', { qos: LATCHED });
    return 'success' as const;
  }

  protected override async onActivate() {
    this.#active = true;
    const login = this.#login!;
    this.#receiver = new FleetReceiver({
      inbox: this.#inbox!,
      registry: this.context.registry,
      fleet: this.#fleet,
      robot: this.#robot,
      url: login.url,
      username: login.username,
      password: login.password,
      protocolVersion: login.protocol,
      logger: this.getLogger(),
      now: () => this.now().seconds,
      handler: (msg, env) => this.#onReceived(msg, env),
      ...(login.url.startsWith('mqtts:') && login.tls ? { tls: login.tls } : {}),
    });
    await this.#receiver.start();
    for (const entry of this.params.peers) {
      const i = entry.indexOf('=');
      this.#peers!.add(entry.slice(0, i), entry.slice(i + 1));
    }
    const gs = this.params.ground_station;
    if (this.#ground !== undefined) this.#ground.add(gs.slice(0, gs.indexOf('=')), gs.slice(gs.indexOf('=') + 1));
    if (this.params.discover) {
      this.subscription('/outpost/fleet/link_routes', { qos: LATCHED }, (r) => {
        if (r.from_robot === this.#robot && this.#active) this.#peers!.add(r.to_robot, r.url);
      });
    }
    // Announced once the receiver listens, so a link gate never routes to a broker nobody reads.
    this.#brokersPub?.publish({ robot: this.#robot, url: login.url, protocol_version: login.protocol });
    this.createTimer(secondsToNs(0.1), () => this.#tick());
    this.createTimer(secondsToNs(1), () => this.#publishDiagnostics());
    this.service('~/sync', (req) => this.#lockStep.settle(req.reachable, req.timeout_s));
    return 'success' as const;
  }

  protected override async onDeactivate() {
    this.#active = false;
    await this.#peers?.closeLinks();
    await this.#ground?.closeLinks();
    this.#mapSync.closeAll();
    await this.#receiver?.close();
    this.#receiver = undefined;
    return 'success' as const;
  }

  protected override async onCleanup() {
    await this.#release();
    return 'success' as const;
  }

  protected override async onShutdown() {
    if (this.#active) await this.onDeactivate();
    await this.#release();
    return 'success' as const;
  }

  async #release(): Promise<void> {
    this.#peers?.closeExpected();
    this.#inbox?.close();
    this.#inbox = undefined;
    const broker: EmbeddedBroker | undefined = this.#login?.broker;
    if (this.#login) this.#login.broker = undefined;
    await broker?.close();
  }

  #file(name: string): string {
    return this.#dir === ':memory:' ? ':memory:' : join(this.#dir, name);
  }

  #onReceived(msg: unknown, env: FleetEnvelope): void {
    this.#lastHeard.set(env.origin, this.now().nanoseconds);
    if (this.#holdForSync) {
      this.#lockStep.hold(msg, env);
      return;
    }
    this.#deliver(msg, env);
  }

  #deliver(msg: unknown, env: FleetEnvelope): void {
    if (this.#mapSync.receive(env, this.peers)) return;
    this.#forwarder!.deliver(msg, env);
  }

  #tick(): void {
    if (!this.#active) return;
    this.#mapSync.pump(this.peers);
    this.#ground?.pump();
    this.#merged?.publish(this.#ownMap?.map);
  }

  #publishDiagnostics(): void {
    const r = this.#receiver?.stats;
    const now = this.now().nanoseconds;
    const figures: FleetLinkDiagnostics = {
      robot: this.#robot,
      broker: this.brokerUrl,
      peers: [...this.peers.values(), ...(this.#ground?.peers.values() ?? [])].map((peer) => {
        const heard = this.#lastHeard.get(peer.name);
        return peerFigures(
          peer,
          this.#mapSync.sessions.get(peer.name)?.stats,
          heard === undefined ? undefined : Number(now - heard) / 1e9,
        );
      }),
      ...(r
        ? { received: { delivered: r.delivered, duplicates: r.duplicates, malformed: r.malformed, spoofed: r.spoofed } }
        : {}),
    };
    this.#diag?.publish({
      header: { stamp: this.now().toMsg(), frame_id: '' },
      status: [fleetLinkDiagnosticStatus(figures)],
    });
  }
}

export const fleetLinkKind = defineNodeKind(spec, (context, options) => new FleetLinkNode(context, options));
