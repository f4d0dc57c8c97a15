import type { MessageRegistry } from '../msg/MessageRegistry.js';
import { FleetOutbox, type DropEvent } from './FleetOutbox.js';
import type { FleetRoute } from './FleetRoute.js';
import { FleetSender, type FleetSenderOptions } from './FleetSender.js';
import { routeFromRosTopic } from './FleetTopics.js';

/**
 * One robot's outgoing link to one teammate: a durable FleetOutbox plus a FleetSender.
 *
 * Client links, not broker bridges. The sender connects with its own credentials straight to the
 * PEER's broker (through a LinkProxy in the simulator) and publishes under its own namespace there;
 * the peer's FleetReceiver, subscribed on its own broker, acknowledges on the peer's namespace.
 * Why not Mosquitto bridges: (1) a bridge keeps its own queue (in memory, or in Mosquitto's
 * persistence file) between our outbox and the peer, so "removed only when the peer acknowledged it"
 * would need the same application ack anyway, and a second queue only adds a place to lose or
 * duplicate data; (2) Aedes, the embedded default, has no bridge; (3) the broker's ACL then sees the
 * real robot login on every message it accepts from a teammate; (4) a link is one TCP connection per
 * robot pair, which is exactly what the simulator's LinkProxy cuts and restores.
 *
 * Ack protocol. Envelopes go with QoS 1 (PUBACK only means "the peer's broker has it"). The
 * receiver acks after its handler ran and its FleetInbox committed the delivered mark, in batches of
 * uint64 ids on `outpost/<fleet>/<peer>/~ack/<robot>`. The sender deletes acked rows; anything not
 * acked within `ackTimeoutSec`, or in flight when the connection dropped, is sent again from the
 * outbox. Duplicates are filtered by the inbox and acked again. At-least-once on the wire,
 * exactly-once to subscribers, in order per (origin, route).
 *
 * Fan-out: one PeerLink (and one outbox file) per teammate. A message for all teammates is
 * enqueued into each link; each link drains at its own pace while its radio link lasts.
 */
/** The sender's options (broker, login, budget, TLS, ...) plus this link's outbox and routes. */
export interface PeerLinkOptions extends Omit<FleetSenderOptions, 'outbox'> {
  /** SQLite file of this link's outbox. */
  outboxPath: string;
  /** An outbox already open (messages queued before the peer's address was known); else one is opened at outboxPath. */
  outbox?: FleetOutbox;
  routes: readonly FleetRoute[];
  onDrop?: (event: DropEvent) => void;
}

export class PeerLink {
  readonly outbox: FleetOutbox;
  readonly sender: FleetSender;
  readonly #registry: MessageRegistry;

  constructor(o: PeerLinkOptions) {
    this.#registry = o.registry;
    this.outbox =
      o.outbox ??
      new FleetOutbox({ path: o.outboxPath, routes: o.routes, clock: o.clock, logger: o.logger, onDrop: o.onDrop });
    this.sender = new FleetSender({ ...o, outbox: this.outbox });
  }

  /** Connects and starts draining whatever the outbox still holds from before (e.g. a crash). */
  start(): void {
    this.sender.start();
    this.sender.kick();
  }

  /**
   * Encodes `message` as CDR and commits it on the route of ROS topic `topic`. The commit is shared
   * with every other `send` of this turn (`FleetOutbox.enqueueGrouped`); the promise resolves once it
   * is on disk: true, or false when the route's policy dropped it; it rejects under `reject` when the
   * route is full. An unknown topic or a message that does not encode throws at once. Sending
   * happens in the background.
   */
  send(topic: string, message: unknown): Promise<boolean> {
    const route = this.outbox.route(routeFromRosTopic(topic));
    const stored = this.outbox.enqueueGrouped(route.route, this.#registry.encode(route.type, message));
    this.sender.kick();
    return stored.then((r) => r !== undefined);
  }

  /**
   * Like `send` for several messages of one topic, committed in one transaction (one WAL write, one
   * fsync under FULL) instead of one each: for producers that have a batch at hand (map tiles, a
   * burst of detections). Returns, per message, whether it was accepted; returns once all are on disk.
   */
  sendMany(topic: string, messages: readonly unknown[]): boolean[] {
    const route = this.outbox.route(routeFromRosTopic(topic));
    const results = this.outbox.enqueueMany(
      route.route,
      messages.map((m) => this.#registry.encode(route.type, m)),
    );
    this.sender.kick();
    return results.map((r) => r !== undefined);
  }

  async close(): Promise<void> {
    await this.sender.close();
    this.outbox.close();
  }
}
