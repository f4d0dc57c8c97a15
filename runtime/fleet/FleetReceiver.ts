import mqtt, { type MqttClient } from 'mqtt';
import { tlsConnectOptions, type FleetTls } from './FleetTls.js';
import type { Logger } from 'pino';
import { isOutpostError } from '../OutpostError.js';
import { LogRateLimiter } from '../LogRateLimiter.js';
import type { MessageRegistry } from '../msg/MessageRegistry.js';
import { encodeAcks } from './FleetAcks.js';
import {
  DEFAULT_MAX_ENVELOPE_BYTES,
  checkEnvelopeType,
  decodeEnvelope,
  typeIndexOf,
  type FleetEnvelope,
  type TypeOfHash,
} from './FleetEnvelope.js';
import type { FleetInbox } from './FleetInbox.js';
import { setTcpNoDelay } from './tcpNoDelay.js';
import { ackTopic, fleetWildcard, parseFleetTopic } from './FleetTopics.js';

/** Called exactly once per message, in order per (origin, route). May be async: the next waits. */
export type FleetHandler = (message: unknown, envelope: FleetEnvelope) => void | Promise<void>;

export interface FleetReceiverOptions {
  inbox: FleetInbox<FleetEnvelope>;
  registry: MessageRegistry;
  fleet: string;
  /** This robot; its own namespace is ignored (those are its own data and acks). */
  robot: string;
  /** This robot's own broker. */
  url: string;
  username: string;
  password: string;
  /** 5 for Mosquitto, 4 for the embedded Aedes. Default 4. */
  protocolVersion?: 4 | 5;
  handler: FleetHandler;
  maxEnvelopeBytes?: number;
  /**
   * Longest an ack waits to be batched with others while messages keep arriving. Acks also go out as
   * soon as every message received so far is handled, or 512 are pending. Default 0.02. Unit: s.
   */
  ackDelaySec?: number;
  /** Wait between reconnect attempts to the own broker. Default 0.5. Unit: s. */
  reconnectPeriodSec?: number;
  /** TLS for an mqtts:// broker: CA (and client certificate); the broker's certificate is verified. */
  tls?: FleetTls;
  logger?: Logger;
  /** The time for rate-limiting drop warnings, in seconds (a node passes its clock). Default: monotonic. */
  now?: () => number;
}

type Dropped = 'malformed' | 'spoofed' | 'typeMismatch' | 'undecodable';

/**
 * The receiving half of the fleet link, one per robot: subscribes to the fleet tree on its own broker,
 * validates each envelope at the edge (malformed, spoofed and type-mismatched ones are counted,
 * logged and dropped; the link keeps working), runs it through the FleetInbox (dedup and order),
 * calls the handler once per message, then acknowledges on `outpost/<fleet>/<robot>/~ack/<origin>`.
 */
export class FleetReceiver {
  readonly stats = {
    received: 0,
    delivered: 0,
    duplicates: 0,
    buffered: 0,
    overflow: 0,
    skipped: 0,
    handlerErrors: 0,
    acksSent: 0,
    malformed: 0,
    spoofed: 0,
    typeMismatch: 0,
    undecodable: 0,
  };
  readonly #o: FleetReceiverOptions;
  #client: MqttClient | undefined;
  #chain: Promise<void> = Promise.resolve();
  readonly #pendingAcks = new Map<string, bigint[]>();
  #ackTimer: NodeJS.Timeout | undefined;
  #flushQueued = false;
  /** Messages received and not yet through #process. */
  #queued = 0;
  #subscribed = false;
  #onSubscribed: (() => void)[] = [];
  /** Dropped messages are counted in `stats`; their warnings are rate-limited per reason. */
  readonly #dropLog: LogRateLimiter;
  /** The envelope carries its type as a hash only: this finds the name among the registry's types. */
  readonly #typeOf: TypeOfHash;

  constructor(options: FleetReceiverOptions) {
    this.#o = options;
    this.#typeOf = typeIndexOf(options.registry);
    this.#dropLog = new LogRateLimiter(options.logger, options.now !== undefined ? { now: options.now } : {});
  }

  /** Connects (and keeps reconnecting); resolves once subscribed the first time. */
  start(): Promise<void> {
    const o = this.#o;
    const client = mqtt.connect(o.url, {
      clientId: `outpost-${o.fleet}-${o.robot}-rx`,
      username: o.username,
      password: o.password,
      protocolVersion: o.protocolVersion ?? 4,
      clean: true,
      resubscribe: false,
      queueQoSZero: false,
      reconnectPeriod: (o.reconnectPeriodSec ?? 0.5) * 1000,
      connectTimeout: 5000,
      keepalive: 10,
      ...tlsConnectOptions(o.tls),
    });
    this.#client = client;
    client.on('connect', () => {
      setTcpNoDelay(client);
      client.subscribe(fleetWildcard(o.fleet), { qos: 1 }, (err) => {
        if (err !== null && err !== undefined) {
          o.logger?.warn({ err }, `fleet receiver ${o.robot}: cannot subscribe`);
          return;
        }
        this.#subscribed = true;
        for (const f of this.#onSubscribed.splice(0)) f();
      });
    });
    client.on('error', (err) => o.logger?.warn({ err: err.message }, `fleet receiver ${o.robot}: ${err.message}`));
    client.on('message', (topic, payload) => {
      this.#queued++;
      this.#chain = this.#chain
        .then(() => this.#process(topic, payload))
        .finally(() => {
          // Caught up with the socket: acknowledge now (one publish for the whole burst) instead of
          // holding the sender's window for ackDelaySec.
          if (--this.#queued === 0) this.#queueFlush();
        });
    });
    return this.#subscribed ? Promise.resolve() : new Promise((resolve) => this.#onSubscribed.push(resolve));
  }

  /** Resolves when every message received so far has been handled and its ack flushed. */
  async idle(): Promise<void> {
    await this.#chain;
    this.#flushAcks();
  }

  async close(): Promise<void> {
    await this.#chain;
    this.#flushAcks();
    if (this.#ackTimer !== undefined) clearTimeout(this.#ackTimer);
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) await client.endAsync();
    this.#o.inbox.commit();
    this.#dropLog.flush();
  }

  async #process(topic: string, payload: Buffer): Promise<void> {
    const o = this.#o;
    const t = parseFleetTopic(topic);
    if (t === undefined || t.kind !== 'data' || t.robot === o.robot || t.fleet !== o.fleet) return;
    this.stats.received++;
    let env: FleetEnvelope;
    try {
      env = decodeEnvelope(payload, o.maxEnvelopeBytes ?? DEFAULT_MAX_ENVELOPE_BYTES, this.#typeOf);
    } catch (err) {
      return this.#drop('malformed', topic, (err as Error).message);
    }
    // The broker's ACL ties the topic to the publisher's login; the envelope must agree with it.
    if (env.origin !== t.robot || env.route !== t.route) {
      return this.#drop('spoofed', topic, `envelope says ${env.origin}/${env.route}, topic says ${t.robot}/${t.route}`);
    }
    const r = o.inbox.offer(env);
    this.stats.skipped += Number(r.skipped);
    if (r.skipped > 0n)
      o.logger?.info(
        { origin: env.origin, route: env.route, skipped: Number(r.skipped) },
        'fleet receiver: skipped messages the sender no longer holds',
      );
    if (r.status === 'duplicate') {
      this.stats.duplicates++;
      if (env.ackRequested) this.#ack(env.origin, env.id);
      return;
    }
    if (r.status === 'buffered') this.stats.buffered++;
    if (r.status === 'overflow') this.stats.overflow++;
    for (const e of r.ready) {
      let message: unknown;
      try {
        checkEnvelopeType(o.registry, e);
        message = o.registry.decode(e.type, e.payload);
      } catch (err) {
        // Counted and acknowledged (resending would not help); its seq is passed, so order holds.
        this.#drop(
          isOutpostError(err, 'OUTPOST_ERR_FLEET_TYPE_MISMATCH') ? 'typeMismatch' : 'undecodable',
          topic,
          (err as Error).message,
        );
        if (e.ackRequested) this.#ack(e.origin, e.id);
        continue;
      }
      try {
        await o.handler(message, e);
      } catch (err) {
        this.stats.handlerErrors++;
        o.logger?.error({ err }, `fleet receiver: handler failed for ${e.origin}/${e.route}#${e.seq}`);
      }
      this.stats.delivered++;
    }
    // The delivered marks are committed in #flushAcks, once per ack batch and before any ack of it
    // leaves: an acked message is always marked delivered on disk.
    for (const e of r.ready) if (e.ackRequested) this.#ack(e.origin, e.id);
  }

  #drop(reason: Dropped, topic: string, detail: string): void {
    this.stats[reason]++;
    this.#dropLog.warn(
      reason,
      { topic, reason },
      `fleet receiver: dropped a message on ${topic} (${reason}): ${detail}`,
    );
  }

  #ack(origin: string, id: bigint): void {
    let list = this.#pendingAcks.get(origin);
    if (list === undefined) this.#pendingAcks.set(origin, (list = []));
    list.push(id);
    if (list.length >= 512) this.#flushAcks();
    else if (this.#ackTimer === undefined) {
      this.#ackTimer = setTimeout(() => this.#flushAcks(), (this.#o.ackDelaySec ?? 0.02) * 1000);
    }
  }

  #queueFlush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    setImmediate(() => {
      this.#flushQueued = false;
      if (this.#queued === 0) this.#flushAcks();
    });
  }

  #flushAcks(): void {
    if (this.#ackTimer !== undefined) clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    this.#o.inbox.commit();
    const client = this.#client;
    // Acks are not queued while disconnected: the sender times out and resends, and the duplicate is acked then.
    if (client === undefined || !client.connected) {
      this.#pendingAcks.clear();
      return;
    }
    for (const [origin, ids] of this.#pendingAcks) {
      client.publish(ackTopic(this.#o.fleet, this.#o.robot, origin), Buffer.from(encodeAcks(ids)), { qos: 1 });
      this.stats.acksSent += ids.length;
    }
    this.#pendingAcks.clear();
  }
}
