import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import type { BackoffOptions } from './ByteLink.js';
import { LinkBase } from './LinkBase.js';

export interface SerialLinkOptions extends BackoffOptions {
  /** Device path, e.g. /dev/ttyACM0 or a socat pty link. */
  path: string;
  /** Unit: baud. Ignored by pseudo-terminals. */
  baudRate: number;
  /** How often to check that the device node still exists while open. Unit: s. Default 0.2. */
  presencePeriod?: number;
}

/**
 * A serial port through `serialport`. When the device disappears (USB unplug; the far end of a pty
 * pair dies) the port emits `close` with `disconnected`; the link then retries opening the same
 * path with backoff until it reappears. serialport locks the device, so a second open fails.
 *
 * serialport does not always report the loss: a read blocked on a pty whose master went away can
 * stay silent (seen with socat killed mid-session). So while open the link also checks that the
 * device node still exists (udev removes /dev/ttyACM0 on unplug; socat removes its links on exit),
 * and treats a read or write error as a loss.
 */
export class SerialLink extends LinkBase {
  #o: SerialLinkOptions;
  #port: SerialPort | undefined;
  #presence: NodeJS.Timeout | undefined;

  constructor(o: SerialLinkOptions) {
    super(`serial://${o.path}:${o.baudRate}`, o);
    this.#o = o;
  }

  protected attempt(): Promise<void> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path: this.#o.path, baudRate: this.#o.baudRate, autoOpen: false, lock: true });
      this.#port = port;
      port.on('data', (b: Buffer) => this.received(b));
      port.on('close', (err?: Error & { disconnected?: boolean }) => {
        if (this.#port === port) this.lost(`${this.#o.path} closed${err?.message ? `: ${err.message}` : ''}`);
      });
      port.on('error', (err: Error) => {
        if (this.#port === port) this.lost(`${this.#o.path}: ${err.message}`);
      });
      port.open((err) => {
        if (err) {
          reject(new Error(`cannot open ${this.#o.path}: ${err.message}`));
          return;
        }
        this.#presence = setInterval(
          () => {
            if (this.#port === port && !existsSync(this.#o.path))
              this.lost(`${this.#o.path} vanished (device unplugged)`);
          },
          (this.#o.presencePeriod ?? 0.2) * 1000,
        );
        this.#presence.unref();
        resolve();
      });
    });
  }

  protected release(): Promise<void> {
    const port = this.#port;
    this.#port = undefined;
    clearInterval(this.#presence);
    this.#presence = undefined;
    if (port === undefined || !port.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.close(() => resolve()));
  }

  protected send(bytes: Uint8Array): boolean {
    if (this.#port === undefined) return false;
    this.#port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    return true;
  }
}
