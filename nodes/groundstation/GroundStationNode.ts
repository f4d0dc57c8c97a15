import {
  KindNode,
  defineNodeKind,
  nodeKindSpec,
  secondsToNs,
  type Context,
  type NodeKindOptions,
  type Publisher,
} from '../../runtime/index.js';
import type { FleetEnvelope } from '../../runtime/fleet/FleetEnvelope.js';
import { FleetInbox } from '../../runtime/fleet/FleetInbox.js';
import { FleetReceiver } from '../../runtime/fleet/FleetReceiver.js';
import type { outpost_msgs } from '../../runtime/msg/MessageTypes.js';
import { setUpFleetBroker, type FleetBrokerSetup } from '../fleet/FleetBrokerSetup.js';
import { MAP_SUMMARY_ROUTE, MAP_TILES_ROUTE } from '../fleet/FleetMapSync.js';
import { fleetRobotNames } from '../fleet/FleetNames.js';
import { MergedMapPublisher } from '../fleet/MergedMapPublisher.js';
import type { TiledMap } from '../fleet/TiledMap.js';
import { RobotRoster } from './RobotRoster.js';
import { StationMap } from './StationMap.js';
import { StationStreamRequests } from './StationStreamRequests.js';

const TELEMETRY_TYPE = 'outpost_msgs/msg/RobotTelemetry';
const LATCHED = { durability: 'transient_local', depth: 1 } as const;

const spec = nodeKindSpec({
  name: 'groundstation',
  description:
    "The operator's ground station: joins the fleet read-only over MQTT, republishes every robot's telemetry on /ROBOT/telemetry, merges their map tiles into /groundstation/map and tracks staleness on /groundstation/robots.",
  parameters: {
    fleet: { type: 'string', default: 'outpost', description: 'Fleet name (MQTT topic level outpost/<fleet>/...).' },
    name: {
      type: 'string',
      default: 'groundstation',
      description: "The station's name in the fleet: robots send to it as to a teammate (fleet_link ground_station).",
    },
    broker: {
      type: 'string',
      default: 'embedded',
      description:
        '"embedded" (Aedes in this process, for the robots to reach) or the URL of the station\'s own broker (Mosquitto), e.g. mqtt://127.0.0.1:1883.',
    },
    broker_host: {
      type: 'string',
      default: '127.0.0.1',
      description: "Interface the embedded broker listens on (the station's radio interface in the field).",
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
      description: 'MQTT protocol version for an external broker (5: Mosquitto). The embedded broker uses 4.',
    },
    username: {
      type: 'string',
      default: '',
      description: 'Login; default: `name` (a read_only user of the credentials file).',
    },
    password: { type: 'string', default: '', description: "Password; default: this user's entry in credentials_file." },
    credentials_file: {
      type: 'string',
      default: '',
      description: "The fleet's credentials file (YAML, runtime/fleet/README.md); required by the embedded broker.",
    },
    tls_ca_file: { type: 'string', default: '', description: 'PEM CA of an mqtts:// broker.' },
    tls_cert_file: {
      type: 'string',
      default: '',
      description: 'PEM client certificate, where the broker requires one.',
    },
    tls_key_file: { type: 'string', default: '', description: 'PEM key of tls_cert_file.' },
    robots: {
      type: 'string_array',
      default: [],
      description:
        'Robots expected (listed, as stale, before they are heard from); any other robot that sends is added.',
    },
    fleet_size: {
      type: 'integer',
      default: 0,
      range: { from: 0, to: 64 },
      description: 'N > 0: robots r1..rN are expected (instead of listing `robots`).',
    },
    telemetry_period_s: {
      type: 'double',
      default: 1,
      unit: 's',
      range: { from: 0.02, to: 3600 },
      description: "The robots' telemetry period: a robot whose last record is older than 3 periods is stale.",
    },
    status_hz: {
      type: 'double',
      default: 1,
      unit: 'Hz',
      range: { from: 0.01, to: 50 },
      description: 'How often /groundstation/robots is published (node time).',
    },
    map_frame: { type: 'string', default: 'map', description: 'frame_id of /groundstation/map.' },
    map_origin_x: {
      type: 'double',
      default: 0,
      unit: 'm',
      description: "The robots' map origin, x (tile batches do not carry it).",
    },
    map_origin_y: { type: 'double', default: 0, unit: 'm', description: "The robots' map origin, y." },
    map_publish_hz: {
      type: 'double',
      default: 1,
      unit: 'Hz',
      range: { from: 0.01, to: 50 },
      description: 'Most often the merged map is published.',
    },
    inbox_dir: {
      type: 'string',
      default: ':memory:',
      description:
        'Folder of the inbox (SQLite: what was delivered, so a restarted station is not handed it again); ":memory:": none.',
    },
  },
  publishes: {
    '/groundstation/map': 'nav_msgs/msg/OccupancyGrid',
    '/groundstation/robots': 'outpost_msgs/msg/GroundStationRobots',
    // What robot {robot} sent on a route, e.g. /r1/telemetry (the type is the route's). Last: the
    // names above match it too, and a name is credited to the first pattern it matches. The station
    // announces nothing on /outpost/fleet/brokers: a link gate would make it every robot's teammate.
    '/{robot}/{route*}': '*',
  },
  // Asks a robot for one of its full-rate topics for a while (StationStreamRequests).
  services: { '~/stream': 'outpost_msgs/srv/StreamTopic' },
});

/**
 * The ground station (issue 15). It runs (or uses) its own broker, which the robots' fleet_links
 * reach through their `ground_station` link, and reads what arrives there with its own read-only
 * login: it never publishes into a robot's broker, so a compromised or buggy station cannot steer
 * a robot. What robot X sends on route R appears on this bus as `/X/R` (telemetry: /X/telemetry);
 * map tile batches are merged into `/groundstation/map`; `/groundstation/robots` lists every robot
 * with the age of its last telemetry and whether it is stale (older than 3 periods). `~/stream`
 * asks a robot for a full-rate topic (e.g. /r1/scan) for a lease; it then arrives as /r1/scan.
 */
export class GroundStationNode extends KindNode<typeof spec> {
  #login: FleetBrokerSetup | undefined;
  #inbox: FleetInbox<FleetEnvelope> | undefined;
  #receiver: FleetReceiver | undefined;
  #roster: RobotRoster | undefined;
  #map: StationMap | undefined;
  #merged: MergedMapPublisher | undefined;
  #robotsPub: Publisher<'outpost_msgs/msg/GroundStationRobots'> | undefined;
  #requests: StationStreamRequests | undefined;
  readonly #incoming = new Map<string, Publisher>();
  #active = false;

  constructor(context: Context, options: NodeKindOptions) {
    super(spec, context, options);
  }

  get brokerUrl(): string {
    return this.#login?.url ?? '';
  }
  get receiver(): FleetReceiver | undefined {
    return this.#receiver;
  }
  /** The merged map, once the first tile batch came. */
  get map(): TiledMap | undefined {
    return this.#map?.map;
  }

  protected override async onConfigure() {
    const p = this.params;
    this.#login = await setUpFleetBroker(p.name, { ...p, username: p.username || p.name }, this.getLogger());
    this.#inbox = new FleetInbox<FleetEnvelope>({
      path: p.inbox_dir === ':memory:' ? ':memory:' : `${p.inbox_dir}/${p.fleet}-${p.name}-inbox.sqlite`,
    });
    const expected = fleetRobotNames(p.fleet_size, p.robots);
    this.#roster = new RobotRoster(expected, p.telemetry_period_s);
    for (const robot of expected) this.#publisherFor(robot, 'telemetry', TELEMETRY_TYPE);
    this.#map = new StationMap({
      self: p.name,
      registry: this.context.registry,
      originX: p.map_origin_x,
      originY: p.map_origin_y,
      logger: this.getLogger(),
    });
    this.#merged = new MergedMapPublisher(this.publisher('/groundstation/map', { qos: LATCHED }), p, () => this.now());
    this.#robotsPub = this.publisher('/groundstation/robots', { qos: LATCHED });
    return 'success' as const;
  }

  protected override async onActivate() {
    this.#active = true;
    const login = this.#login!;
    this.#receiver = new FleetReceiver({
      inbox: this.#inbox!,
      registry: this.context.registry,
      fleet: this.params.fleet,
      robot: this.params.name,
      url: login.url,
      username: login.username,
      password: login.password,
      protocolVersion: login.protocol,
      logger: this.getLogger(),
      now: () => this.now().seconds,
      // Socket callbacks: handled on the executor, like every other callback of the node.
      handler: (msg, env) => this.context.executor.enqueue(() => this.#onReceived(msg, env), 'groundstation rx'),
      ...(login.url.startsWith('mqtts:') && login.tls ? { tls: login.tls } : {}),
    });
    await this.#receiver.start();
    this.#requests = new StationStreamRequests(this.params.fleet, this.params.name, login);
    this.service('~/stream', (req) => this.#requests!.ask(req));
    this.createTimer(secondsToNs(1 / this.params.status_hz), () => this.#publishRobots());
    this.createTimer(secondsToNs(0.1), () => {
      if (this.#active) this.#merged?.publish(this.#map?.map);
    });
    this.#publishRobots();
    return 'success' as const;
  }

  protected override async onDeactivate() {
    this.#active = false;
    await this.#receiver?.close();
    this.#receiver = undefined;
    await this.#requests?.close();
    this.#requests = undefined;
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
    this.#inbox?.close();
    this.#inbox = undefined;
    const broker = this.#login?.broker;
    if (this.#login) this.#login.broker = undefined;
    await broker?.close();
  }

  #onReceived(msg: unknown, env: FleetEnvelope): void {
    if (!this.#active) return;
    if (env.route === MAP_TILES_ROUTE) {
      this.#map?.receive(env);
      return;
    }
    // Map sync's summaries are for teammates; a robot that takes the station for one sends them.
    if (env.route === MAP_SUMMARY_ROUTE) return;
    if (env.type === TELEMETRY_TYPE) {
      const stamp = (msg as outpost_msgs.msg.RobotTelemetry).stamp;
      if (this.#roster?.heard(env.origin, stamp, this.now())) this.#publishRobots();
    }
    this.#publisherFor(env.origin, env.route, env.type).publish(msg as never);
  }

  #publisherFor(robot: string, route: string, type: string): Publisher {
    const key = `${robot}/${route}`;
    let pub = this.#incoming.get(key);
    if (pub === undefined) {
      // Latched, depth 1: a dashboard that connects late gets each robot's newest record at once.
      pub = this.createPublisher(type, `/${key}`, { qos: LATCHED });
      this.#incoming.set(key, pub);
    }
    return pub;
  }

  #publishRobots(): void {
    if (this.#roster !== undefined) this.#robotsPub?.publish(this.#roster.message(this.now()));
  }
}

export const groundStationKind = defineNodeKind(spec, (context, options) => new GroundStationNode(context, options));
