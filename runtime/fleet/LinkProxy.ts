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
      server.once('error', (err) => reject(new OutpostError('OUTPOST_ERR_FLEET_BROKER', `link proxy cannot listen: ${err.message}`, { cause: err })));
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

  /** Forwards with optional pacing and latency; pauses the source while the bucket is empty. */
  #pipe(from: Socket, to: Socket, counter: 'bytesToTarget' | 'bytesFromTarget'): void {
    const rate = this.#options.bytesPerSecond ?? 0;
    const latencyMs = (this.#options.latencySec ?? 0) * 1000;
    if (rate === 0 && latencyMs === 0) {
      from.on('data', (chunk: Buffer) => {
        this.stats[counter] += chunk.length;
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
      return;
    }
    // Token bucket: `rate` bytes/s, burst of 1/10 s. A chunk may wait until the bucket covers it.
    let tokens = rate / 10;
    let last = performance.now();
    let busyUntil = 0;
    from.on('data', (chunk: Buffer) => {
      this.stats[counter] += chunk.length;
      let delay = latencyMs;
      if (rate > 0) {
        const now = performance.now();
        tokens = Math.min(rate / 10, tokens + ((now - last) / 1000) * rate);
        last = now;
        tokens -= chunk.length;
        const wait = tokens < 0 ? (-tokens / rate) * 1000 : 0;
        busyUntil = Math.max(busyUntil, now + wait);
        delay += Math.max(0, busyUntil - now);
        if (wait > 0) {
          from.pause();
          setTimeout(() => from.resume(), wait).unref();
        }
      }
      // Delivery order is kept: each chunk's delay is at least the one before it.
      setTimeout(() => { if (!to.destroyed) to.write(chunk); }, delay).unref();
    });
  }
}
