import mqtt, { type MqttClient } from 'mqtt';
import { tlsConnectOptions, type FleetTls } from './FleetTls.js';
import type { Logger } from 'pino';
import type { Clock } from '../clock/Clock.js';
import { WallClock } from '../clock/WallClock.js';
import type { MessageRegistry } from '../msg/MessageRegistry.js';
import { decodeAcks } from './FleetAcks.js';
import { DEFAULT_MAX_ENVELOPE_BYTES, encodeEnvelope, envelopeBytes, typeHashOf } from './FleetEnvelope.js';
import type { DrainCursor, FleetOutbox, QueuedMessage } from './FleetOutbox.js';
import { setTcpNoDelay } from './tcpNoDelay.js';
import { ackTopic, dataTopic } from './FleetTopics.js';

/** Socket errors that mean "the link went away" (retried quietly), as opposed to a misconfiguration. */
const LINK_LOSS_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

export interface FleetSenderOptions {
  outbox: FleetOutbox;
  registry: MessageRegistry;
  fleet: string;
  /** This robot: the namespace it publishes under on the peer's broker. */
  robot: string;
  /** The teammate whose broker `url` points at (directly or through a LinkProxy). */
  peer: string;
  url: string;
  username: string;
  password: string;
  /** 5 where the broker speaks MQTT 5 (Mosquitto: adds message expiry), 4 for Aedes 1.x. Default 4. */
  protocolVersion?: 4 | 5;
  /** Most messages sent and not yet acknowledged. Default 1024 (256 held the loopback link to a third of the rate: bench/fleetThroughput.ts). */
  window?: number;
  /** Most payload bytes sent and not yet acknowledged; keeps a map transfer from queueing ahead of urgent messages. Default 1 MiB. */
  maxInFlightBytes?: number;
  /** Unacknowledged messages are sent again after this long. Default 3. Unit: s. */
  ackTimeoutSec?: number;
  /** Link bandwidth budget, counted in MQTT PUBLISH bytes (envelope, topic, header); 0 = unlimited (default). Unit: bytes/s. */
  bytesPerSecond?: number;
  /**
   * Depth of the budget's token bucket. Keep it below what the radio itself buffers: a deeper bucket
   * lets a burst queue up inside the link, where priorities no longer apply (with 0.25 s, a pose
   * waited 210 ms behind map tiles on a 1 Mbit/s link: bench/fleetPriority.ts). Default 0.02. Unit: s.
   */
  burstSec?: number;
  /** Wait between reconnect attempts. Default 0.5. Unit: s. */
  reconnectPeriodSec?: number;
  /** TLS for an mqtts:// broker: CA (and client certificate); the broker's certificate is verified. */
  tls?: FleetTls;
  maxEnvelopeBytes?: number;
  clock?: Clock;
  logger?: Logger;
  /** Told when the link to the peer becomes usable (connected and subscribed to acks) and when it breaks. */
  onConnectionChange?: (connected: boolean) => void;
}

interface InFlight {
  sentAtNs: bigint;
  bytes: number;
}

/**
 * Drains a FleetOutbox to one peer over an mqtt.js client connected to the peer's broker, and
 * deletes each message when the peer's application-level ack arrives (see PeerLink.ts for the
 * protocol). The outbox is the only durable state: this class publishes only while connected and
 * subscribed, never relies on mqtt.js's in-memory offline queue, and forgets everything in flight on
 * each reconnect, so whatever was not acknowledged is sent again from the outbox.
 */
export class FleetSender {
  /** Envelopes sent (resends included, also counted in `resent`), acknowledged; `bytes`: envelope bytes of first sends. */
  readonly stats = { sent: 0, resent: 0, acked: 0, connects: 0, timeouts: 0, errors: 0, bytes: 0 };
  /** The one "cannot reach" warning for a peer never connected has been logged. */
  #warnedUnreached = false;
  readonly #o: FleetSenderOptions;
  readonly #clock: Clock;
  readonly #inFlight = new Map<bigint, InFlight>();
  readonly #everSent = new Set<bigint>();
  readonly #nextDueNs = new Map<string, bigint>();
  #inFlightBytes = 0;
  #client: MqttClient | undefined;
  #ready = false;
  #pumpQueued = false;
  #wake: (() => void) | undefined;
  #timeoutTimer: (() => void) | undefined;
  #tokens = 0;
  #tokensAtNs = 0n;
  #closed = false;
  #started = false;
  /** Cancels the next periodic connection attempt. */
  #retry: (() => void) | undefined;
  /** Reconnects are paced in wall time, whatever clock the messages are stamped with: they pace sockets. */
  readonly #wall = new WallClock();
  #lastAckNs: bigint | undefined;
  #waiters: (() => void)[] = [];

  constructor(options: FleetSenderOptions) {
    this.#o = options;
    this.#clock = options.clock ?? new WallClock();
  }

  get connected(): boolean {
    return this.#ready;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Wall seconds since the peer last acknowledged anything; undefined if it never has. */
  get lastAckAgeSec(): number | undefined {
    return this.#lastAckNs === undefined ? undefined : Number(this.#wall.now().nanoseconds - this.#lastAckNs) / 1e9;
  }

  /** Connects (and keeps reconnecting) to the peer's broker; resolves at once. */
  start(): void {
    this.#started = true;
    this.#connect();
    this.#armTimeoutScan();
  }

  /**
   * One connection attempt: a new mqtt.js client with its own reconnects off. Why: with
   * one client reconnecting by itself, a `reconnect()` asked for while its previous socket was
   * destroyed but had not emitted 'close' yet (a refused attempt, at the moment the radio came back)
   * let that late 'close' act on the new connection (it cleared its connack timer and armed the
   * reconnect timer), and the timer's next tick ended the live connection gracefully, waiting for
   * PUBACKs of messages lost with the cut link (`reconnect()` had dropped them from its store):
   * forever, with every publish failing. A client per connection carries nothing over (no socket, no
   * timer, no packet ids, no unacknowledged PUBLISH); the outbox is what survives a connection.
   */
  #connect(): void {
    const o = this.#o;
    if (this.#closed || this.#client !== undefined) return;
    this.#retry?.();
    this.#retry = undefined;
    const client = mqtt.connect(o.url, {
      clientId: `outpost-${o.fleet}-${o.robot}-to-${o.peer}`,
      username: o.username,
      password: o.password,
      protocolVersion: o.protocolVersion ?? 4,
      clean: true,
      resubscribe: false,
      queueQoSZero: false,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      keepalive: 10,
      ...tlsConnectOptions(o.tls),
    });
    this.#client = client;
    client.on('connect', () => {
      if (this.#client !== client) return;
      this.stats.connects++;
      setTcpNoDelay(client);
      // Whatever was in flight on the old connection may or may not have arrived: send it again.
      this.#inFlight.clear();
      this.#inFlightBytes = 0;
      client.subscribe(ackTopic(o.fleet, o.peer, o.robot), { qos: 1 }, (err) => {
        if (this.#client !== client) return;
        if (err !== null && err !== undefined) {
          // Connected but deaf to acks is no link at all: drop it, the next attempt subscribes again.
          o.logger?.warn({ err }, `fleet link ${o.robot}→${o.peer}: cannot subscribe to acks`);
          client.end(true);
          return;
        }
        this.#ready = true;
        o.onConnectionChange?.(true);
        this.kick();
      });
    });
    // 'close' comes once per client, when its socket has closed: only then may the next attempt start.
    client.on('close', () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      const was = this.#ready;
      this.#ready = false;
      this.#inFlight.clear();
      this.#inFlightBytes = 0;
      client.end(true);
      if (was) o.onConnectionChange?.(false);
      if (this.#closed) return;
      const periodNs = BigInt(Math.round((o.reconnectPeriodSec ?? 0.5) * 1e9));
      this.#retry = this.#wall.schedule(this.#wall.now().nanoseconds + periodNs, () => {
        this.#retry = undefined;
        this.#connect();
      });
    });
    client.on('error', (err) => {
      if (this.#client !== client) return;
      this.stats.errors++;
      // A link that drops (out of radio range, a gate closing it) is the normal case for a fleet
      // link, not a fault: counted, logged at debug, retried. A peer never reached yet gets one
      // warning (a wrong URL or port must not stay silent); anything else is always worth one.
      const code = (err as NodeJS.ErrnoException).code;
      const linkLoss = code !== undefined && LINK_LOSS_CODES.has(code);
      if (linkLoss && (this.stats.connects > 0 || this.#warnedUnreached)) {
        o.logger?.debug({ err: err.message, code }, `fleet link ${o.robot}→${o.peer}: ${err.message}`);
      } else if (linkLoss) {
        this.#warnedUnreached = true;
        o.logger?.warn(
          { err: err.message, code, url: o.url },
          `fleet link ${o.robot}→${o.peer}: cannot reach ${o.url} (${err.message}); retrying every ${o.reconnectPeriodSec ?? 0.5} s, further failures at debug`,
        );
      } else {
        o.logger?.warn({ err: err.message, code }, `fleet link ${o.robot}→${o.peer}: ${err.message}`);
      }
    });
    client.on('message', (_topic, payload) => {
      if (this.#client === client) this.#onAck(payload);
    });
  }

  /** Asks the sender to look at the outbox again (call after enqueueing). */
  kick(): void {
    if (this.#pumpQueued || this.#closed) return;
    this.#pumpQueued = true;
    setImmediate(() => {
      this.#pumpQueued = false;
      this.#pump();
    });
  }

  /**
   * Tries to reach the peer now instead of at the next periodic attempt: for a caller that knows
   * the link just came up (a simulator's lock-step, a radio reporting a new neighbour). A sender
   * that is connected, closed, or whose last attempt's socket has not closed yet is left alone.
   */
  reconnectNow(): void {
    if (!this.#started || this.#closed || this.#client !== undefined) return;
    this.#connect();
  }

  /** Resolves once the outbox is empty and nothing is in flight. */
  drained(): Promise<void> {
    if (this.#o.outbox.size === 0 && this.#inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#ready = false;
    this.#wake?.();
    this.#timeoutTimer?.();
    this.#retry?.();
    this.#retry = undefined;
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) await client.endAsync(true);
  }

  #pump(): void {
    const o = this.#o;
    const client = this.#client;
    if (!this.#ready || client === undefined || !client.connected || this.#closed) return;
    this.#o.outbox.purgeExpired();
    const window = o.window ?? 1024;
    const maxBytes = o.maxInFlightBytes ?? 1024 * 1024;
    const skipRoutes = new Set<string>();
    // Within one pump nothing is enqueued or acknowledged, so each batch goes on from where the last
    // one ended and each route's lowSeq is read once.
    const lowSeqs = new Map<string, bigint>();
    let after: DrainCursor | undefined;
    let wakeAtNs: bigint | undefined;
    for (;;) {
      const room = window - this.#inFlight.size;
      if (room <= 0 || this.#inFlightBytes >= maxBytes) break;
      const batch = o.outbox.nextBatch(Math.min(room, 256), maxBytes - this.#inFlightBytes, {
        ids: this.#inFlight,
        routes: skipRoutes,
        after,
      });
      if (batch.length === 0) break;
      after = batch[batch.length - 1];
      let progressed = false;
      let outOfTokens = false;
      for (const m of batch) {
        if (skipRoutes.has(m.route)) continue;
        const now = this.#clock.now().nanoseconds;
        const due = this.#nextDueNs.get(m.route);
        if (due !== undefined && due > now) {
          skipRoutes.add(m.route);
          wakeAtNs = wakeAtNs === undefined || due < wakeAtNs ? due : wakeAtNs;
          continue;
        }
        const wait = this.#takeTokens(publishBytes(o, m, o.outbox.route(m.route).acked), now);
        if (wait > 0n) {
          wakeAtNs = wakeAtNs === undefined || now + wait < wakeAtNs ? now + wait : wakeAtNs;
          // Stop the whole pump: going on past the cursor would send later messages before this one.
          outOfTokens = true;
          break;
        }
        this.#send(client, m, now, lowSeqs);
        progressed = true;
        const hz = o.outbox.route(m.route).maxRateHz;
        if (hz > 0) {
          this.#nextDueNs.set(m.route, now + BigInt(Math.round(1e9 / hz)));
          skipRoutes.add(m.route);
        }
      }
      if (outOfTokens || !progressed) break;
    }
    if (wakeAtNs !== undefined && this.#wake === undefined) {
      this.#wake = this.#clock.schedule(wakeAtNs, () => {
        this.#wake = undefined;
        this.kick();
      });
    }
  }

  #send(client: MqttClient, m: QueuedMessage, nowNs: bigint, lowSeqs: Map<string, bigint>): void {
    const o = this.#o;
    // Unacked routes (best-effort, latest-only with acked=false) go at QoS 0 and leave the outbox once written.
    const reliable = o.outbox.route(m.route).acked;
    let lowSeq = lowSeqs.get(m.route);
    if (lowSeq === undefined && reliable) lowSeqs.set(m.route, (lowSeq = o.outbox.lowSeq(m.route)));
    const bytes = encodeEnvelope(
      {
        id: m.id,
        seq: m.seq,
        lowSeq: reliable ? lowSeq! : m.seq,
        stamp: m.stamp,
        origin: o.robot,
        route: m.route,
        type: m.type,
        typeHash: typeHashOf(o.registry, m.type),
        ackRequested: reliable,
        payload: m.payload,
      },
      o.maxEnvelopeBytes ?? DEFAULT_MAX_ENVELOPE_BYTES,
    );
    const properties: { messageExpiryInterval?: number } = {};
    if (o.protocolVersion === 5 && m.expiresAt !== undefined) {
      properties.messageExpiryInterval = Math.max(1, Math.ceil(Number(m.expiresAt - nowNs) / 1e9));
    }
    this.#inFlight.set(m.id, { sentAtNs: nowNs, bytes: m.payload.length });
    this.#inFlightBytes += m.payload.length;
    const resend = this.#everSent.has(m.id);
    if (resend) this.stats.resent++;
    else this.#everSent.add(m.id);
    this.stats.sent++;
    // Bytes of first sends only: resends depend on timing, the report must not.
    if (!resend) this.stats.bytes += bytes.length;
    client.publish(
      dataTopic(o.fleet, o.robot, m.route),
      Buffer.from(bytes),
      { qos: reliable ? 1 : 0, properties },
      (err) => {
        if (err !== undefined && err !== null) {
          // Not on the wire: the outbox still has it. (A connection that is gone was forgotten whole,
          // and a new one may be resending m: leave its entry.)
          if (this.#client === client) this.#forget(m.id);
          return;
        }
        if (!reliable) {
          // Best-effort: once written, it is gone from the outbox; never resent.
          o.outbox.ack([m.id]);
          this.#everSent.delete(m.id);
          this.#forget(m.id);
          this.#settle();
        }
      },
    );
  }

  #onAck(payload: Buffer): void {
    let ids: bigint[];
    try {
      ids = decodeAcks(payload);
    } catch (err) {
      this.#o.logger?.warn({ err: (err as Error).message }, `fleet link ${this.#o.robot}→${this.#o.peer}: ack dropped`);
      return;
    }
    this.#lastAckNs = this.#wall.now().nanoseconds;
    this.stats.acked += this.#o.outbox.ack(ids);
    for (const id of ids) {
      this.#forget(id);
      this.#everSent.delete(id);
    }
    this.#settle();
    this.kick();
  }

  #forget(id: bigint): void {
    const f = this.#inFlight.get(id);
    if (f === undefined) return;
    this.#inFlight.delete(id);
    this.#inFlightBytes -= f.bytes;
  }

  #settle(): void {
    if (this.#waiters.length > 0 && this.#inFlight.size === 0 && this.#o.outbox.size === 0) {
      for (const w of this.#waiters.splice(0)) w();
    }
  }

  /** Token bucket for the link budget (depth: burstSec of budget). Returns ns to wait, 0 when sent. */
  #takeTokens(bytes: number, nowNs: bigint): bigint {
    const rate = this.#o.bytesPerSecond ?? 0;
    if (rate <= 0) return 0n;
    const burst = rate * (this.#o.burstSec ?? 0.02);
    this.#tokens = Math.min(burst, this.#tokens + (Number(nowNs - this.#tokensAtNs) / 1e9) * rate);
    this.#tokensAtNs = nowNs;
    // A message larger than the burst may go once the bucket is full (it then runs into debt).
    if (this.#tokens < Math.min(bytes, burst))
      return BigInt(Math.ceil(((Math.min(bytes, burst) - this.#tokens) / rate) * 1e9));
    this.#tokens -= bytes;
    return 0n;
  }

  #armTimeoutScan(): void {
    const timeoutNs = BigInt(Math.round((this.#o.ackTimeoutSec ?? 3) * 1e9));
    const scan = (): void => {
      if (this.#closed) return;
      const now = this.#clock.now().nanoseconds;
      let expired = 0;
      for (const [id, f] of this.#inFlight) {
        if (now - f.sentAtNs >= timeoutNs) {
          this.#forget(id);
          expired++;
        }
      }
      if (expired > 0) {
        this.stats.timeouts += expired;
        this.kick();
      }
      this.#timeoutTimer = this.#clock.schedule(now + timeoutNs / 4n, scan);
    };
    this.#timeoutTimer = this.#clock.schedule(this.#clock.now().nanoseconds + timeoutNs / 4n, scan);
  }
}

/**
 * Bytes one envelope takes on the wire as an MQTT PUBLISH (TCP/IP headers aside), slightly over
 * rather than under, so a budget equal to the link's rate does not build a queue inside the link:
 * fixed header (≤ 5), topic (2 + length), packet id (2, QoS 1 only), MQTT 5 properties (≤ 7), the
 * envelope (lowSeq taken as the worst case, 0: its varint is then as long as seq's).
 */
function publishBytes(o: FleetSenderOptions, m: QueuedMessage, acked: boolean): number {
  const topic = 10 + o.fleet.length + o.robot.length + m.route.length;
  const envelope = envelopeBytes(
    { id: m.id, seq: m.seq, lowSeq: 0n, origin: o.robot, route: m.route },
    m.payload.length,
  );
  return 5 + 2 + topic + (acked ? 2 : 0) + (o.protocolVersion === 5 ? 7 : 0) + envelope;
}
