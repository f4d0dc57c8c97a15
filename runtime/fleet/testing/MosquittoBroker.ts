import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutpostError } from '../../OutpostError.js';
import { FleetAccess, type FleetUser } from '../FleetAccess.js';

export interface MosquittoBrokerOptions {
  fleet: string;
  users: readonly FleetUser[];
  /** Port on 127.0.0.1; 0 (default) finds a free one (bind port 0, read it, close). */
  port?: number;
  /** Extra `mosquitto.conf` lines appended as given, e.g. `max_queued_messages 0`. Default none. */
  config?: readonly string[];
}

/**
 * A real Mosquitto for tests (Debian `mosquitto`, MQTT 5): loopback listener on a free port,
 * `allow_anonymous false`, a password file made with `mosquitto_passwd -b` and the ACL file of
 * FleetAccess. `kill()` SIGKILLs it and `start()` brings it back on the same port. Missing binary:
 * `start()` throws, so tests fail (not skip) and say how to install it.
 */
export class MosquittoBroker {
  readonly protocolVersion = 5 as const;
  readonly #o: MosquittoBrokerOptions;
  readonly #dir: string;
  #proc: ChildProcess | undefined;
  #port = 0;
  #log = '';

  constructor(options: MosquittoBrokerOptions) {
    this.#o = options;
    this.#dir = mkdtempSync(join(tmpdir(), 'outpost-mosquitto-'));
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.#port}`;
  }

  get log(): string {
    return this.#log;
  }

  async start(): Promise<void> {
    if (this.#port === 0) {
      this.#port = this.#o.port !== undefined && this.#o.port !== 0 ? this.#o.port : await freePort();
      this.#writeConfig();
    }
    const proc = spawn('mosquitto', ['-c', join(this.#dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#proc = proc;
    proc.stdout?.on('data', (d: Buffer) => {
      this.#log += d.toString();
    });
    proc.stderr?.on('data', (d: Buffer) => {
      this.#log += d.toString();
    });
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', (err) =>
        reject(
          new OutpostError(
            'OUTPOST_ERR_FLEET_BROKER',
            `cannot start mosquitto (${err.message}); install it with: apt-get install -y mosquitto`,
            { cause: err },
          ),
        ),
      );
      proc.once('exit', (code) =>
        reject(
          new OutpostError('OUTPOST_ERR_FLEET_BROKER', `mosquitto exited with code ${code} on start:\n${this.#log}`),
        ),
      );
    });
    failed.catch(() => undefined);
    await Promise.race([waitForPort(this.#port, 5000), failed]);
  }

  /** SIGKILL, as a crash would. */
  async kill(): Promise<void> {
    await this.#stop('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.#stop('SIGTERM');
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  /** Stops the broker and deletes its generated files. */
  async close(): Promise<void> {
    await this.#stop('SIGKILL');
    rmSync(this.#dir, { recursive: true, force: true });
  }

  async #stop(signal: NodeJS.Signals): Promise<void> {
    const proc = this.#proc;
    this.#proc = undefined;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
  }

  #writeConfig(): void {
    const passwd = join(this.#dir, 'passwd');
    const acl = join(this.#dir, 'acl');
    writeFileSync(passwd, '', { mode: 0o600 });
    for (const u of this.#o.users) {
      const r = spawnSync('mosquitto_passwd', ['-b', passwd, u.username, u.password], { encoding: 'utf8' });
      if (r.error !== undefined || r.status !== 0) {
        throw new OutpostError(
          'OUTPOST_ERR_FLEET_BROKER',
          `mosquitto_passwd failed (${r.error?.message ?? r.stderr}); install it with: apt-get install -y mosquitto`,
        );
      }
    }
    writeFileSync(acl, new FleetAccess(this.#o.fleet, this.#o.users).mosquittoAcl());
    writeFileSync(
      join(this.#dir, 'mosquitto.conf'),
      [
        `listener ${this.#port} 127.0.0.1`,
        'allow_anonymous false',
        `password_file ${passwd}`,
        `acl_file ${acl}`,
        'persistence false',
        // Running as root, mosquitto would drop to the `mosquitto` user, who cannot read this temp dir.
        ...(process.getuid?.() === 0 ? ['user root'] : []),
        'log_dest stderr',
        'log_type error',
        'log_type warning',
        ...(this.#o.config ?? []),
        '',
      ].join('\n'),
    );
  }
}

/** A TCP port free on 127.0.0.1 right now (bind 0, read, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until)
      throw new OutpostError('OUTPOST_ERR_FLEET_BROKER', `mosquitto did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
