import net from 'node:net';
import type { BackoffOptions } from './ByteLink.js';
import { LinkBase } from './LinkBase.js';

export interface TcpLinkOptions extends BackoffOptions {
  host: string;
  port: number;
}

/**
 * A TCP client (PX4/ArduPilot SITL serve MAVLink on TCP 5760; many telemetry radios bridge to TCP).
 * Reconnects with backoff when the server closes or is not up yet. Nagle is off: frames are small
 * and latency matters more than packing.
 */
export class TcpLink extends LinkBase {
  #o: TcpLinkOptions;
  #socket: net.Socket | undefined;

  constructor(o: TcpLinkOptions) {
    super(`tcp://${o.host}:${o.port}`, o);
    this.#o = o;
  }

  protected attempt(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: this.#o.host, port: this.#o.port, noDelay: true });
      this.#socket = s;
      s.once('connect', () => {
        s.off('error', reject);
        s.on('error', (err) => {
          this.stats.lastError = err.message;
        });
        s.on('close', () => {
          if (this.#socket === s) this.lost(`${this.url}: connection closed`);
        });
        resolve();
      });
      s.once('error', reject);
      s.on('data', (b) => this.received(b));
    });
  }

  protected release(): Promise<void> {
    this.#socket?.destroy();
    this.#socket = undefined;
    return Promise.resolve();
  }

  protected send(bytes: Uint8Array): boolean {
    if (this.#socket === undefined) return false;
    this.#socket.write(bytes);
    return true;
  }
}
