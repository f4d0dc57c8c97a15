import type { Logger } from 'pino';
import { FleetOutbox } from '../../runtime/fleet/FleetOutbox.js';
import type { FleetRoute } from '../../runtime/fleet/FleetRoute.js';
import { PeerLink } from '../../runtime/fleet/PeerLink.js';
import { isOutpostError } from '../../runtime/OutpostError.js';
import type { MessageRegistry } from '../../runtime/msg/MessageRegistry.js';
import type { FleetBrokerSetup } from './FleetBrokerSetup.js';

/** One teammate this robot has a link to. */
export interface Peer {
  name: string;
  url: string;
  link: PeerLink;
  connected: boolean;
  /** Resolved (and cleared) when the link next comes up. */
  onConnect: Array<() => void>;
}

export interface FleetPeersOptions {
  registry: MessageRegistry;
  fleet: string;
  robot: string;
  login: Pick<FleetBrokerSetup, 'username' | 'password' | 'protocol' | 'tls'>;
  /** Every route a link carries: the shared topics and map sync's (made afresh for each outbox). */
  routes: () => FleetRoute[];
  /** The outbox file for a name, or ':memory:'. */
  file: (name: string) => string;
  /** Read when a link is made, so a parameter set since counts. */
  settings: { readonly bytes_per_second: number; readonly reconnect_period_s: number };
  logger: Logger;
  /** Runs `run` on the node's executor (link events arrive from socket callbacks). */
  enqueue: (run: () => void, origin: string) => void;
  /** On the executor, after a link came up or went down (the peer's `connected` already says which). */
  onContact: (peer: Peer, up: boolean) => void;
}

/**
 * The robot's teammates: one durable PeerLink each, made when the teammate's address becomes known
 * (from `peers` or the link gate); before that, an outbox for each expected teammate, so what this
 * robot shares meanwhile is not lost. Contact changes reach the node on its executor.
 */
export class FleetPeers {
  readonly all = new Map<string, Peer>();
  /** Outboxes of expected teammates whose address is not known yet: nothing sent to them is lost meanwhile. */
  readonly #early = new Map<string, FleetOutbox>();
  readonly #o: FleetPeersOptions;

  constructor(options: FleetPeersOptions) {
    this.#o = options;
  }

  /** Opens the outboxes of teammates expected before their address is known. */
  expect(teammates: readonly string[]): void {
    for (const t of teammates) {
      this.#early.set(
        t,
        new FleetOutbox({
          path: this.#o.file(`to-${t}.sqlite`),
          routes: this.#o.routes(),
          logger: this.#o.logger,
          onDrop: (e) => this.#o.logger.warn({ peer: t, ...e }, `fleet route ${e.route}: dropped (${e.reason})`),
        }),
      );
    }
  }

  /**
   * Queues `bytes` on `route` to every teammate, linked or expected. Each outbox commits the sends
   * of one event-loop turn together (`enqueueGrouped`): a robot forwarding a pose, a status and a
   * burst of tiles in one callback pays one commit per teammate, not one per message. A send the
   * route's policy refuses (`reject`) is counted and reported by the outbox's drop handler.
   */
  enqueueToAll(route: string, bytes: Uint8Array): void {
    for (const peer of this.all.values()) {
      peer.link.outbox.enqueueGrouped(route, bytes).then(
        () => peer.link.sender.kick(),
        (err: unknown) => this.#refused(peer.name, route, err),
      );
    }
    for (const [name, outbox] of this.#early)
      outbox.enqueueGrouped(route, bytes).catch((err: unknown) => this.#refused(name, route, err));
  }

  #refused(peer: string, route: string, err: unknown): void {
    if (isOutpostError(err, 'OUTPOST_ERR_FLEET_QUEUE_FULL')) return; // counted and logged as a drop
    this.#o.logger.error({ peer, route, err }, `fleet route ${route}: could not queue for ${peer}: ${String(err)}`);
  }

  add(name: string, url: string): void {
    const o = this.#o;
    if (name === o.robot || this.all.get(name)?.url === url) return;
    if (this.all.has(name)) {
      o.logger.warn(
        { peer: name, url },
        `peer ${name} announced at a second address; keeping ${this.all.get(name)!.url}`,
      );
      return;
    }
    const routes = o.routes();
    const early = this.#early.get(name);
    this.#early.delete(name);
    const peer: Peer = { name, url, connected: false, onConnect: [], link: undefined as unknown as PeerLink };
    peer.link = new PeerLink({
      registry: o.registry,
      fleet: o.fleet,
      robot: o.robot,
      peer: name,
      url,
      username: o.login.username,
      password: o.login.password,
      protocolVersion: o.login.protocol,
      outboxPath: o.file(`to-${name}.sqlite`),
      routes,
      ...(early ? { outbox: early } : {}),
      bytesPerSecond: o.settings.bytes_per_second,
      reconnectPeriodSec: o.settings.reconnect_period_s,
      ...(url.startsWith('mqtts:') && o.login.tls ? { tls: o.login.tls } : {}),
      logger: o.logger.child({ peer: name }),
      // A latest-only route superseding its queued message is the route working, not a loss.
      onDrop: (e) =>
        (e.reason === 'superseded' ? o.logger.debug.bind(o.logger) : o.logger.warn.bind(o.logger))(
          { peer: name, ...e },
          `fleet route ${e.route}: dropped (${e.reason})`,
        ),
      onConnectionChange: (up) => o.enqueue(() => this.#onContact(peer, up), `fleet contact ${name}`),
    });
    this.all.set(name, peer);
    peer.link.start();
    o.logger.info({ peer: name, url }, `fleet link to ${name} via ${url}`);
  }

  #onContact(peer: Peer, up: boolean): void {
    peer.connected = up;
    if (up) for (const r of peer.onConnect.splice(0)) r();
    this.#o.logger.info({ peer: peer.name, up }, `contact with ${peer.name} ${up ? 'made' : 'lost'}`);
    this.#o.onContact(peer, up);
  }

  /** Closes every link (deactivation); the outboxes of teammates not linked yet stay open. */
  async closeLinks(): Promise<void> {
    await Promise.all([...this.all.values()].map((peer) => peer.link.close()));
    this.all.clear();
  }

  /** Closes the outboxes of teammates never linked (cleanup). */
  closeExpected(): void {
    for (const o of this.#early.values()) o.close();
    this.#early.clear();
  }
}
