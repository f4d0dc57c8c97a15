import dgram from 'node:dgram';
import type { BackoffOptions } from './ByteLink.js';
import { LinkBase } from './LinkBase.js';

export interface UdpLinkOptions extends BackoffOptions {
  /** Local address and port to bind (0: any free port). */
  bindHost: string;
  bindPort: number;
  /** Where to send. Omitted: reply to whoever sent the last datagram (MAVLink `udp://:14540` style). */
  remoteHost?: string;
  remotePort?: number;
}

/**
 * MAVLink over UDP, one frame or more per datagram. Listening (`udp://0.0.0.0:14540`) it answers
 * the last sender, as PX4 SITL's offboard port expects; `udpout://host:port` sends to a fixed peer.
 * UDP has no connection to lose: the link is open once bound.
 */
export class UdpLink extends LinkBase {
  #o: UdpLinkOptions;
  #socket: dgram.Socket | undefined;
  #peer: { address: string; port: number } | undefined;

  constructor(o: UdpLinkOptions) {
    super(
      o.remotePort !== undefined
        ? `udpout://${o.remoteHost ?? '127.0.0.1'}:${o.remotePort}`
        : `udp://${o.bindHost}:${o.bindPort}`,
      o,
    );
    this.#o = o;
    if (o.remotePort !== undefined) this.#peer = { address: o.remoteHost ?? '127.0.0.1', port: o.remotePort };
  }

  /** The bound local port (useful with port 0). */
  get localPort(): number | undefined {
    return this.#socket?.address().port;
  }

  protected attempt(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = dgram.createSocket('udp4');
      this.#socket = s;
      s.once('error', reject);
      s.on('message', (b, rinfo) => {
        if (this.#o.remotePort === undefined) this.#peer = { address: rinfo.address, port: rinfo.port };
        this.received(b);
      });
      s.bind(this.#o.bindPort, this.#o.bindHost, () => {
        s.off('error', reject);
        s.on('error', (err) => {
          this.stats.lastError = err.message;
        });
        resolve();
      });
    });
  }

  protected release(): Promise<void> {
    const s = this.#socket;
    this.#socket = undefined;
    return s === undefined ? Promise.resolve() : new Promise((resolve) => s.close(() => resolve()));
  }

  protected send(bytes: Uint8Array): boolean {
    if (this.#peer === undefined || this.#socket === undefined) return false; // listening, nobody has spoken yet
    this.#socket.send(bytes, this.#peer.port, this.#peer.address);
    return true;
  }
}
