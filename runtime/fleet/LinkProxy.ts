import { createServer, connect, type Server, type Socket } from 'node:net';
import { OutpostError } from '../OutpostError.js';

export interface LinkProxyOptions {
  /** Where the link leads: the peer broker's host and port. */
  targetHost?: string;
  targetPort: number;
  /** Listen port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Bytes per second in each direction; 0 = unlimited (default). Unit: bytes/s. */
  bytesPerSecond?: number;
  /** Added one-way latency per chunk; default 0. Unit: s. */
  latencySec?: number;
}

/**
 * A TCP proxy standing for one radio link between two robots, so the simulator (and tests) can gate
 * links for real: `cut()` destroys every live connection and refuses new ones until `restore()`;
 * the MQTT clients see real socket errors and reconnect by themselves. Optional pacing (a token
 * bucket per direction) and latency model a slow link.
 */
export class LinkProxy {
  readonly #options: LinkProxyOptions;
  #server: Server | undefined;
  readonly #pairs = new Set<[Socket, Socket]>();
  #up = true;
  #port = 0;
  /** Connections accepted / refused while cut, and bytes forwarded each way. */
  readonly stats = { accepted: 0, refused: 0, bytesToTarget: 0, bytesFromTarget: 0, cuts: 0 };

  constructor(options: LinkProxyOptions) {
    this.#options = options;
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.#port}`;
  }

  get isUp(): boolean {
    return this.#up;
  }

  async start(): Promise<void> {
    const server = createServer((client) => this.#accept(client));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) =>
        reject(
          new OutpostError('OUTPOST_ERR_FLEET_BROKER', `link proxy cannot listen: ${err.message}`, { cause: err }),
        ),
      );
      server.listen(this.#options.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as { port: number }).port;
  }

  /** Breaks the link: live connections are destroyed, new ones are closed on accept. */
  cut(): void {
    this.#up = false;
    this.stats.cuts++;
    for (const [a, b] of this.#pairs) {
      a.destroy();
      b.destroy();
    }
    this.#pairs.clear();
  }

  restore(): void {
    this.#up = true;
  }

  /** Changes the pacing of every connection, live ones included (the simulator calls this each step). */
  setBandwidth(bytesPerSecond: number, latencySec = this.#options.latencySec ?? 0): void {
    if (!(bytesPerSecond >= 0) || !(latencySec >= 0)) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `link proxy: bandwidth and latency must be >= 0, got ${bytesPerSecond} B/s, ${latencySec} s`,
      );
    }
    this.#options.bytesPerSecond = bytesPerSecond;
    this.#options.latencySec = latencySec;
  }

  async close(): Promise<void> {
    this.cut();
    const server = this.#server;
    this.#server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    if (!this.#up) {
      this.stats.refused++;
      client.destroy();
      return;
    }
    this.stats.accepted++;
    const target = connect(this.#options.targetPort, this.#options.targetHost ?? '127.0.0.1');
    // Small MQTT packets (acks) must not wait for Nagle's algorithm on either hop of the proxy.
    client.setNoDelay(true);
    target.setNoDelay(true);
    const pair: [Socket, Socket] = [client, target];
    this.#pairs.add(pair);
    const end = (): void => {
      this.#pairs.delete(pair);
      client.destroy();
      target.destroy();
    };
    for (const s of pair) {
      s.on('error', end);
      s.on('close', end);
    }
    this.#pipe(client, target, 'bytesToTarget');
    this.#pipe(target, client, 'bytesFromTarget');
  }

  /**
   * Forwards with optional pacing and latency; pauses the source while the bucket is empty. Rate
   * and latency are read per chunk, so `setBandwidth` applies to live connections.
   */
  #pipe(from: Socket, to: Socket, counter: 'bytesToTarget' | 'bytesFromTarget'): void {
    // Token bucket: `rate` bytes/s, burst of 1/10 s. A chunk may wait until the bucket covers it.
    let tokens = 0;
    let last = performance.now();
    let lastDeliveryAt = 0;
    from.on('data', (chunk: Buffer) => {
      this.stats[counter] += chunk.length;
      const rate = this.#options.bytesPerSecond ?? 0;
      const latencyMs = (this.#options.latencySec ?? 0) * 1000;
      const now = performance.now();
      if (rate === 0 && latencyMs === 0 && lastDeliveryAt <= now) {
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
        return;
      }
      let pacingMs = 0;
      if (rate > 0) {
        tokens = Math.min(rate / 10, tokens + ((now - last) / 1000) * rate);
        tokens -= chunk.length;
        pacingMs = tokens < 0 ? (-tokens / rate) * 1000 : 0;
        if (pacingMs > 0) {
          from.pause();
          setTimeout(() => from.resume(), pacingMs).unref();
        }
      }
      last = now;
      // Delivery order is kept: no chunk is delivered before the one ahead of it.
      const at = Math.max(now + pacingMs + latencyMs, lastDeliveryAt);
      lastDeliveryAt = at;
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, at - now).unref();
    });
  }
}
