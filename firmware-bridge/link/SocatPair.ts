import { spawn, type ChildProcess } from 'node:child_process';
import { OutpostError } from '../../runtime/OutpostError.js';

export interface SocatPairOptions {
  /** The two pty symlinks socat creates (`link=`), e.g. /tmp/run/r1-bridge and /tmp/run/r1-fw. */
  a: string;
  b: string;
  /** How long to wait for socat's readiness line. Unit: ms. Default 5000. */
  timeoutMs?: number;
}

/**
 * A pair of connected pseudo-terminals made by Debian's socat (`socat -d -d pty,raw,echo=0,link=A
 * pty,raw,echo=0,link=B`): what one side writes, the other reads, through the kernel's tty layer
 * like a USB-serial cable. `stop()` is an unplug (the open ends see `close`), `start()` again is
 * the replug on the same paths. Readiness is socat's "starting data transfer loop" on stderr.
 */
export class SocatPair {
  readonly a: string;
  readonly b: string;
  #timeoutMs: number;
  #proc: ChildProcess | undefined;

  constructor(o: SocatPairOptions) {
    this.a = o.a;
    this.b = o.b;
    this.#timeoutMs = o.timeoutMs ?? 5000;
  }

  static async start(o: SocatPairOptions): Promise<SocatPair> {
    const pair = new SocatPair(o);
    await pair.start();
    return pair;
  }

  get running(): boolean {
    return this.#proc !== undefined;
  }

  start(): Promise<void> {
    if (this.#proc !== undefined) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      this.#proc = proc;
      let err = '';
      const timer = setTimeout(
        () => fail(`no "starting data transfer loop" within ${this.#timeoutMs} ms`),
        this.#timeoutMs,
      );
      const fail = (why: string) => {
        clearTimeout(timer);
        proc.kill('SIGKILL');
        this.#proc = undefined;
        reject(
          new OutpostError(
            'OUTPOST_ERR_FIRMWARE_LINK',
            `socat pty pair ${this.a} ↔ ${this.b}: ${why}${err ? `; stderr: ${err.trim().slice(-400)}` : ''}`,
          ),
        );
      };
      proc.once('error', (e) =>
        fail(
          (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'socat is not installed (apt-get install socat)' : e.message,
        ),
      );
      proc.once('exit', (code) => {
        if (this.#proc === proc) this.#proc = undefined;
        if (code !== null && code !== 0) fail(`socat exited with ${code}`);
      });
      proc.stderr!.setEncoding('utf8');
      proc.stderr!.on('data', (chunk: string) => {
        if (err.length < 4000) err += chunk;
        if (err.includes('starting data transfer loop')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  /** Kills socat (SIGTERM) and waits for it to exit: both ptys vanish. */
  stop(): Promise<void> {
    const proc = this.#proc;
    this.#proc = undefined;
    if (proc === undefined || proc.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  }
}
