import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { packageRoot } from '../runtime/packageRoot.js';
import type { LaunchNodeSpec } from './LaunchPlan.js';

export type ChildEvent =
  | { kind: 'started'; pid: number }
  | { kind: 'exited'; pid: number; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'respawning'; restart: number; delay: number }
  | { kind: 'gave_up'; restarts: number };

/**
 * A `process: true` node: runs in its own Node.js process (launch/nodeProcessMain.ts), joins the
 * launcher's bus over its socket, and is restarted per `respawn`, `respawn_delay` (s) and
 * `respawn_max_retries` (−1: no limit), as launch_ros does for ROS 2 nodes.
 */
export class ChildNodeProcess {
  readonly spec: LaunchNodeSpec;
  #socketPath: string;
  #logger: Logger;
  #onEvent: (e: ChildEvent) => void;
  #child: ChildProcess | undefined;
  #restarts = 0;
  #stopping = false;
  #respawnTimer: NodeJS.Timeout | undefined;
  #exited: Promise<void> = Promise.resolve();

  constructor(spec: LaunchNodeSpec, socketPath: string, logger: Logger, onEvent: (e: ChildEvent) => void) {
    this.spec = spec;
    this.#socketPath = socketPath;
    this.#logger = logger;
    this.#onEvent = onEvent;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get restarts(): number {
    return this.#restarts;
  }

  start(): void {
    const main = join(packageRoot(), 'dist', 'launch', 'nodeProcessMain.js');
    const child = spawn(process.execPath, [main], {
      env: {
        ...process.env,
        ...this.spec.env,
        OUTPOST_NODE_SPEC: JSON.stringify(this.spec),
        OUTPOST_BUS_SOCKET: this.#socketPath,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
      // Its own process group: Ctrl-C in the terminal reaches only the launcher, which then stops
      // the nodes in order (a child whose launcher dies exits when the bus socket closes).
      detached: true,
    });
    this.#child = child;
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#onEvent({ kind: 'exited', pid: child.pid ?? 0, code, signal });
        this.#child = undefined;
        resolve();
        if (!this.#stopping) this.#maybeRespawn();
      });
    });
    child.once('error', (err) => this.#logger.error({ err }, `cannot start process for ${this.spec.name}`));
    if (child.pid !== undefined) this.#onEvent({ kind: 'started', pid: child.pid });
  }

  /** Asks the node to shut down through its lifecycle (SIGTERM), then kills it after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    this.#stopping = true;
    if (this.#respawnTimer) clearTimeout(this.#respawnTimer);
    const child = this.#child;
    if (child === undefined) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => {
      this.#logger.warn(`${this.spec.name} did not exit within ${graceMs} ms of SIGTERM; killing it`);
      child.kill('SIGKILL');
    }, graceMs);
    await this.#exited;
    clearTimeout(killer);
  }

  #maybeRespawn(): void {
    const max = this.spec.respawnMaxRetries;
    if (!this.spec.respawn) return;
    if (max >= 0 && this.#restarts >= max) {
      this.#onEvent({ kind: 'gave_up', restarts: this.#restarts });
      return;
    }
    this.#restarts++;
    const delay = this.spec.respawnDelay;
    this.#onEvent({ kind: 'respawning', restart: this.#restarts, delay });
    this.#respawnTimer = setTimeout(() => {
      this.#respawnTimer = undefined;
      if (!this.#stopping) this.start();
    }, delay * 1000);
  }
}
