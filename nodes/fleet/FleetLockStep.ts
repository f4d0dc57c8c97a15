import type { Logger } from 'pino';
import type { Clock } from '../../runtime/clock/Clock.js';
import { secondsToNs } from '../../runtime/index.js';
import type { FleetEnvelope } from '../../runtime/fleet/FleetEnvelope.js';
import type { FleetReceiver } from '../../runtime/fleet/FleetReceiver.js';
import type { Peer } from './FleetPeers.js';

/** What the lock-step needs of the fleet link it settles. */
export interface FleetLockStepParts {
  /** Wall time: a settle waits for sockets, which sim time does not move. */
  wallClock: Clock;
  peers: () => ReadonlyMap<string, Peer>;
  receiver: () => FleetReceiver | undefined;
  /** Queues every map batch each synced peer lacks. */
  pumpMapBatches: (all: boolean) => void;
  /** Hands over one message that arrived (map sync or a route). */
  deliver: (msg: unknown, env: FleetEnvelope) => void;
  logger: Logger;
  /** This robot's name (known once the node is configured). */
  robot: () => string;
}

/**
 * Lock-step with a simulator (the `~/sync` service, `deliver_on_sync`): `settle` waits until
 * every reachable teammate's link has delivered what was queued, and what arrived is held until
 * then and handed over in an order that does not depend on timing. So a simulated mission depends
 * on its seed, not on how fast the sockets were.
 */
export class FleetLockStep {
  readonly #parts: FleetLockStepParts;
  #held: Array<{ msg: unknown; env: FleetEnvelope }> = [];
  /** ~/sync calls timed out in a row, and when the first of them gave up (wall ns). */
  #syncTimeouts = 0;
  #syncStuckSinceNs = 0n;

  constructor(parts: FleetLockStepParts) {
    this.#parts = parts;
  }

  get peers(): ReadonlyMap<string, Peer> {
    return this.#parts.peers();
  }
  get #receiver(): FleetReceiver | undefined {
    return this.#parts.receiver();
  }
  #pumpMapBatches(all: boolean): void {
    this.#parts.pumpMapBatches(all);
  }

  /** Keeps what arrived for the next settle. */
  hold(msg: unknown, env: FleetEnvelope): void {
    this.#held.push({ msg, env });
  }

  /**
   * Lock-step with a simulator: waits (wall time) until every reachable teammate is connected, all
   * queued messages to them are acknowledged, map batches they lack are sent, and what arrived
   * was handled. Returns how much moved, so the caller repeats until nothing does.
   */
  async settle(reachable: string[], timeoutS: number) {
    const wall = this.#parts.wallClock;
    const deadline = wall.now().nanoseconds + secondsToNs(timeoutS > 0 ? timeoutS : 5);
    const count = (): number => {
      let n = this.#receiver?.stats.delivered ?? 0;
      for (const p of this.peers.values()) n += p.link.sender.stats.sent + p.link.sender.stats.acked;
      return n;
    };
    const before = count();
    for (;;) {
      this.#pumpMapBatches(true);
      const waits: Promise<unknown>[] = [];
      const waiting: string[] = [];
      for (const name of reachable) {
        const p = this.peers.get(name);
        if (p === undefined)
          waiting.push(name); // not discovered yet: the link gate announces it
        else if (!p.connected) {
          // The caller says the link is up: try now rather than at the next periodic attempt.
          p.link.sender.reconnectNow();
          waiting.push(name);
          waits.push(new Promise<void>((r) => p.onConnect.push(r)));
        } else if (p.link.outbox.size > 0 || p.link.sender.inFlight > 0) {
          waiting.push(name);
          waits.push(p.link.sender.drained());
        }
      }
      await this.#receiver?.idle();
      if (waiting.length === 0) {
        this.#syncRecovered(wall.now().nanoseconds);
        const delivered = this.#deliverHeld();
        return { settled: true, activity: count() - before + delivered, message: '' };
      }
      const left = deadline - wall.now().nanoseconds;
      if (left <= 0n) {
        this.#syncTimedOut(waiting, wall.now().nanoseconds);
        return { settled: false, activity: count() - before, message: `not settled with ${waiting.join(', ')}` };
      }
      // Woken by a connection or the last ack; a 1 ms poll covers what has no event (a message
      // superseded or expired in the outbox, a peer not discovered yet).
      let cancel = (): void => {};
      const poll = new Promise<void>((resolve) => {
        const wait = 1_000_000n < left ? 1_000_000n : left;
        cancel = wall.schedule(wall.now().nanoseconds + wait, resolve);
      });
      // (Never an empty Promise.all: it resolves at once and this loop would starve the sockets.)
      await Promise.race([...waits, poll]);
      cancel();
      // (No spinUntilIdle here: this handler is itself a callback the executor waits for.)
    }
  }

  /**
   * A ~/sync that timed out: said once at WARN per episode (with each peer's state, so a user of
   * `outpost sim` sees which link is stuck and how), further ones at debug until a sync settles.
   */
  #syncTimedOut(waiting: string[], nowNs: bigint): void {
    const peers = waiting.map((name) => {
      const p = this.peers.get(name);
      if (p === undefined) return { peer: name, discovered: false };
      const age = p.link.sender.lastAckAgeSec;
      return {
        peer: name,
        connected: p.connected,
        queued: p.link.outbox.size,
        in_flight: p.link.sender.inFlight,
        last_ack_age_s: age === undefined ? null : Math.round(age * 10) / 10,
      };
    });
    const logger = this.#parts.logger;
    this.#syncTimeouts++;
    if (this.#syncTimeouts > 1) {
      logger.debug({ peers, timeouts: this.#syncTimeouts }, 'fleet link: ~/sync timed out again');
      return;
    }
    this.#syncStuckSinceNs = nowNs;
    const said = peers
      .map((p) =>
        'connected' in p
          ? `${p.peer} (${p.connected ? 'connected' : 'not connected'}, ${p.queued} queued, ${p.in_flight} in flight, last ack ${p.last_ack_age_s === null ? 'never' : `${p.last_ack_age_s} s ago`})`
          : `${p.peer} (not discovered)`,
      )
      .join('; ');
    logger.warn(
      { peers },
      `fleet link ${this.#parts.robot()}: ~/sync timed out waiting for ${said}; further timeouts at debug until it settles`,
    );
  }

  #syncRecovered(nowNs: bigint): void {
    if (this.#syncTimeouts === 0) return;
    const stuckS = Number(nowNs - this.#syncStuckSinceNs) / 1e9;
    this.#parts.logger.info(
      { timeouts: this.#syncTimeouts, stuck_s: stuckS },
      `fleet link ${this.#parts.robot()}: ~/sync settles again, after ${this.#syncTimeouts} timeout(s) over ${stuckS.toFixed(1)} s`,
    );
    this.#syncTimeouts = 0;
  }

  /** Hands over what arrived since the last sync, in an order that does not depend on timing. */
  #deliverHeld(): number {
    const held = this.#held.splice(0);
    held.sort((a, b) =>
      a.env.origin < b.env.origin
        ? -1
        : a.env.origin > b.env.origin
          ? 1
          : a.env.route < b.env.route
            ? -1
            : a.env.route > b.env.route
              ? 1
              : a.env.seq < b.env.seq
                ? -1
                : a.env.seq > b.env.seq
                  ? 1
                  : 0,
    );
    for (const h of held) this.#parts.deliver(h.msg, h.env);
    return held.length;
  }
}
