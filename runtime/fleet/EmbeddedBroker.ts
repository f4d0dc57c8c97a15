import { createServer, type Server, type Socket } from 'node:net';
import { Aedes, type AuthenticateError } from 'aedes';
import { OutpostError } from '../OutpostError.js';
import type { FleetAccess } from './FleetAccess.js';

export interface EmbeddedBrokerOptions {
  /** Who may connect and what they may publish and subscribe to. */
  access: FleetAccess;
  /** Interface to listen on. Default 127.0.0.1 (a field robot binds its radio interface explicitly). */
  host?: string;
  /** TCP port; 0 (default) picks a free one, see `port` after `start()`. */
  port?: number;
  /** Told about refused connections, publishes and subscriptions (they are also counted). */
  onRefused?: (what: 'connect' | 'publish' | 'subscribe', username: string | undefined, detail: string) => void;
}

/**
 * The robot's local MQTT broker when no Mosquitto is configured: Aedes 1.x (MQTT 3.1.1) on a TCP
 * server, with per-robot credentials and the namespace ACL of FleetAccess. A publish outside the
 * robot's namespace is refused and Aedes closes that client's connection, as a protocol violation.
 */
export class EmbeddedBroker {
  /** Aedes 1.x speaks MQTT 3.1.1 only; clients must connect with protocolVersion 4. */
  readonly protocolVersion = 4 as const;
  readonly refused = { connect: 0, publish: 0, subscribe: 0 };
  readonly #options: EmbeddedBrokerOptions;
  #aedes: Aedes | undefined;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  #port = 0;

  constructor(options: EmbeddedBrokerOptions) {
    this.#options = options;
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `mqtt://${this.#options.host ?? '127.0.0.1'}:${this.#port}`;
  }

  async start(): Promise<void> {
    const { access, onRefused } = this.#options;
    const aedes = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        const answer = (ok: boolean): void => {
          if (ok) {
            (client as { fleetUser?: string }).fleetUser = username; // what the ACL checks below go by
            done(null, true);
            return;
          }
          this.refused.connect++;
          onRefused?.('connect', username, `bad username or password (client ${client.id})`);
          const err = new Error(`bad username or password for ${String(username)}`) as AuthenticateError;
          err.returnCode = 4; // BAD_USERNAME_OR_PASSWORD
          done(err, false);
        };
        // Waits for the user's hash if the access list derives it in the background.
        access
          .authenticateAsync(username, password)
          .then(answer, (err: unknown) => done(err as AuthenticateError, false));
      },
      authorizePublish: (client, packet, done) => {
        const user = (client as { fleetUser?: string } | null)?.fleetUser;
        if (client === null || access.mayPublish(user, packet.topic)) return done(null);
        this.refused.publish++;
        onRefused?.('publish', user, packet.topic);
        done(new OutpostError('OUTPOST_ERR_FLEET_AUTH', `robot ${String(user)} may not publish on ${packet.topic}`));
      },
      authorizeSubscribe: (client, sub, done) => {
        const user = (client as { fleetUser?: string }).fleetUser;
        if (access.maySubscribe(user, sub.topic)) return done(null, sub);
        this.refused.subscribe++;
        onRefused?.('subscribe', user, sub.topic);
        done(null, null); // SUBACK 0x80 for this filter; the connection stays up
      },
    });
    this.#aedes = aedes;
    const server = createServer((socket) => {
      this.#sockets.add(socket);
      socket.setNoDelay(true); // PUBACKs and forwarded acks are small: no Nagle delay on the broker side either

      socket.on('close', () => this.#sockets.delete(socket));
      aedes.handle(socket);
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) =>
        reject(
          new OutpostError(
            'OUTPOST_ERR_FLEET_BROKER',
            `embedded broker cannot listen on ${this.#options.host ?? '127.0.0.1'}:${this.#options.port ?? 0}: ${err.message}`,
            { cause: err },
          ),
        ),
      );
      server.listen(this.#options.port ?? 0, this.#options.host ?? '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as { port: number }).port;
  }

  /** Closes every client connection, the listener and Aedes. */
  async close(): Promise<void> {
    const server = this.#server;
    const aedes = this.#aedes;
    this.#server = undefined;
    this.#aedes = undefined;
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (aedes !== undefined) await new Promise<void>((resolve) => aedes.close(() => resolve()));
  }
}
