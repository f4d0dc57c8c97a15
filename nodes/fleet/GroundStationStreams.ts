import type { Logger } from 'pino';
import mqtt, { type MqttClient } from 'mqtt';
import type { Node } from '../../runtime/index.js';
import { OutpostError, describeValue } from '../../runtime/OutpostError.js';
import { defineRoute, type FleetRoute } from '../../runtime/fleet/FleetRoute.js';
import { tlsConnectOptions } from '../../runtime/fleet/FleetTls.js';
import { streamRequestTopic } from '../../runtime/fleet/FleetTopics.js';
import type { FleetBrokerSetup } from './FleetBrokerSetup.js';
import type { Peer } from './FleetPeers.js';

/** Below telemetry (250) and map tiles (20): a stream only takes what the link has left. */
export const STREAM_PRIORITY = 10;
/** Longest lease a request may ask for. Unit: s. */
export const MAX_LEASE_S = 3600;

/** A checked stream request: `topic` is the robot's own, `durationS` 0 cancels. */
export interface StreamRequest {
  topic: string;
  durationS: number;
}

/**
 * Parses a stream request's MQTT payload, JSON `{"topic": "/r1/scan", "duration_s": 30}`. It
 * comes from another machine, so anything else is an OutpostError saying what was expected.
 */
export function parseStreamRequest(payload: Uint8Array): StreamRequest {
  const bad = (what: string, got: unknown): never => {
    throw new OutpostError(
      'OUTPOST_ERR_FLEET_STREAM_REQUEST',
      `stream request: expected ${what}, got ${describeValue(got)}`,
    );
  };
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    bad('JSON {"topic": "/ROBOT/TOPIC", "duration_s": S}', Buffer.from(payload.subarray(0, 64)).toString('utf8'));
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) bad('a JSON object', doc);
  const { topic, duration_s: d } = doc as { topic?: unknown; duration_s?: unknown };
  if (typeof topic !== 'string' || !topic.startsWith('/')) bad('"topic" an absolute topic name like "/r1/scan"', topic);
  if (typeof d !== 'number' || !Number.isFinite(d) || d < 0 || d > MAX_LEASE_S) {
    bad(`"duration_s" a number of seconds in [0, ${MAX_LEASE_S}] (0 cancels)`, d);
  }
  return { topic: topic as string, durationS: d as number };
}

/** `ground_station_streams` entries: "TOPIC TYPE", TOPIC relative to the robot's namespace. */
export function checkStreamSpecs(specs: readonly string[]): string | undefined {
  for (const s of specs) {
    const parts = s.trim().split(/\s+/);
    if (parts.length !== 2 || !/^[A-Za-z_][A-Za-z0-9_/]*$/.test(parts[0]!) || !parts[1]!.includes('/msg/')) {
      return `expected "TOPIC TYPE" (TOPIC relative to the namespace, e.g. "scan sensor_msgs/msg/LaserScan"), got ${JSON.stringify(s)}`;
    }
  }
  return undefined;
}

/** The low-priority latest-only routes of `ground_station_streams`. */
export function streamRoutes(specs: readonly string[]): FleetRoute[] {
  return specs.map((s) => {
    const [topic, type] = s.trim().split(/\s+/) as [string, string];
    return defineRoute({ topic, type, reliability: 'latest-only', priority: STREAM_PRIORITY });
  });
}

export interface StreamStats {
  requests: number;
  accepted: number;
  /** Well-formed requests refused: not this robot's topic, or not one it may stream. */
  refused: number;
  /** Payloads that are not a request at all. */
  malformed: number;
  sent: number;
  sentBytes: number;
  /** Messages of a leased topic not sent because the byte budget was spent. */
  overBudget: number;
  leasesEnded: number;
}

export interface GroundStationStreamsOptions {
  node: Node;
  fleet: string;
  robot: string;
  login: Pick<FleetBrokerSetup, 'username' | 'password' | 'protocol' | 'tls'>;
  routes: readonly FleetRoute[];
  /** Budget of all streams together. Unit: bytes per second (payload). */
  bytesPerSecond: number;
  /** The station's link, where streamed messages are queued. */
  station: () => Peer | undefined;
  logger: Logger;
  enqueue: (run: () => void, origin: string) => void;
}

/**
 * Full-rate topics sent to the ground station only while it asks (issue 15). The station, whose
 * login is read-only, publishes requests on `outpost/<fleet>/<station>/~stream/<robot>` of its own
 * broker; this robot reads them there with its own login. A request names one of this robot's
 * topics listed in `ground_station_streams` and a lease; until the lease ends (or a request with
 * duration 0), each message of that topic is queued on its latest-only route at STREAM_PRIORITY,
 * if the byte budget allows. The budget is a token bucket on node time that may go one message
 * into debt (so a message larger than one second's budget, like a map, still goes, less often);
 * what it refuses is counted and not queued. Requests are never trusted: a malformed one is
 * logged as an OutpostError and counted, a refused one is logged with its reason.
 */
export class GroundStationStreams {
  readonly stats: StreamStats = {
    requests: 0,
    accepted: 0,
    refused: 0,
    malformed: 0,
    sent: 0,
    sentBytes: 0,
    overBudget: 0,
    leasesEnded: 0,
  };
  readonly #o: GroundStationStreamsOptions;
  /** Lease end per route, node time (ns). */
  readonly #leases = new Map<string, bigint>();
  readonly #subscribed = new Set<string>();
  #client: MqttClient | undefined;
  #tokens: number;
  #lastRefillNs: bigint | undefined;

  constructor(options: GroundStationStreamsOptions) {
    this.#o = options;
    this.#tokens = options.bytesPerSecond;
  }

  /** Routes leased now, with the seconds left. */
  leases(): Map<string, number> {
    const now = this.#o.node.now().nanoseconds;
    return new Map([...this.#leases].map(([r, end]) => [r, Number(end - now) / 1e9]));
  }

  /** Listens for `station`'s requests on its broker at `url` (reconnecting as the link does). */
  listen(station: string, url: string): void {
    if (this.#o.routes.length === 0 || this.#client !== undefined) return;
    const o = this.#o;
    const topic = streamRequestTopic(o.fleet, station, o.robot);
    const client = mqtt.connect(url, {
      clientId: `outpost-${o.fleet}-${o.robot}-streams`,
      username: o.login.username,
      password: o.login.password,
      protocolVersion: o.login.protocol,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      keepalive: 10,
      ...(url.startsWith('mqtts:') ? tlsConnectOptions(o.login.tls) : {}),
    });
    client.on('connect', () => client.subscribe(topic, { qos: 1 }));
    client.on('error', (err) => o.logger.debug({ err }, 'ground station streams: request link error'));
    client.on('message', (_t, payload) => o.enqueue(() => this.#onRequest(payload), 'ground station stream request'));
    this.#client = client;
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.#leases.clear();
    if (client !== undefined) await client.endAsync(true);
  }

  /** Ends the leases that ran out (called from the node's tick). */
  expire(): void {
    const now = this.#o.node.now().nanoseconds;
    for (const [route, end] of this.#leases) {
      if (end > now) continue;
      this.#leases.delete(route);
      this.stats.leasesEnded++;
      this.#o.logger.info({ route }, `ground station stream ${route}: lease ended`);
    }
  }

  #onRequest(payload: Uint8Array): void {
    this.stats.requests++;
    let req: StreamRequest;
    try {
      req = parseStreamRequest(payload);
    } catch (err) {
      this.stats.malformed++;
      this.#o.logger.warn({ err }, `ground station streams: ${(err as Error).message}`);
      return;
    }
    const reason = this.#refusal(req.topic);
    if (reason !== undefined) {
      this.stats.refused++;
      this.#o.logger.warn({ topic: req.topic }, `ground station stream ${req.topic} refused: ${reason}`);
      return;
    }
    const route = this.#routeOf(req.topic)!;
    if (req.durationS === 0) {
      this.#leases.delete(route.route);
      this.#o.logger.info({ route: route.route }, `ground station stream ${route.route}: cancelled`);
      return;
    }
    this.stats.accepted++;
    this.#leases.set(route.route, this.#o.node.now().nanoseconds + BigInt(Math.round(req.durationS * 1e9)));
    this.#subscribe(route);
  }

  #routeOf(topic: string): FleetRoute | undefined {
    const own = `/${this.#o.robot}/`;
    return topic.startsWith(own) ? this.#o.routes.find((r) => r.route === topic.slice(own.length)) : undefined;
  }

  #refusal(topic: string): string | undefined {
    const own = `/${this.#o.robot}/`;
    if (!topic.startsWith(own)) return `not a topic of ${this.#o.robot} (expected ${own}...)`;
    if (this.#routeOf(topic) !== undefined) return undefined;
    const allowed = this.#o.routes.map((r) => `${own}${r.route}`).join(', ');
    return `not in ground_station_streams (streamable: ${allowed})`;
  }

  /** Subscribed at the first lease and kept: later leases of the route just open the gate. */
  #subscribe(route: FleetRoute): void {
    if (this.#subscribed.has(route.route)) return;
    this.#subscribed.add(route.route);
    const codec = this.#o.node.context.registry.codec(route.type);
    this.#o.node.createSubscription(route.type, route.topic, { qos: 2 }, (msg) => {
      const end = this.#leases.get(route.route);
      if (end === undefined || end <= this.#o.node.now().nanoseconds) return;
      const peer = this.#o.station();
      if (peer === undefined) return;
      const bytes = codec.encode(msg);
      if (!this.#spend(bytes.length)) {
        this.stats.overBudget++;
        return;
      }
      this.stats.sent++;
      this.stats.sentBytes += bytes.length;
      peer.link.outbox.enqueueGrouped(route.route, bytes).then(
        () => peer.link.sender.kick(),
        (err: unknown) => this.#o.logger.warn({ err }, `ground station stream ${route.route}: not queued`),
      );
    });
  }

  #spend(n: number): boolean {
    const rate = this.#o.bytesPerSecond;
    const now = this.#o.node.now().nanoseconds;
    if (this.#lastRefillNs !== undefined) {
      this.#tokens = Math.min(rate, this.#tokens + (rate * Number(now - this.#lastRefillNs)) / 1e9);
    }
    this.#lastRefillNs = now;
    if (this.#tokens <= 0) return false;
    this.#tokens -= n;
    return true;
  }
}
