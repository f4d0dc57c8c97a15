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

  constructor(parts: FleetLockStepParts) {
    this.#parts = parts;
  }

  get peers(): ReadonlyMap<string, Peer> { return this.#parts.peers(); }
  get #receiver(): FleetReceiver | undefined { return this.#parts.receiver(); }
  #pumpMapBatches(all: boolean): void { this.#parts.pumpMapBatches(all); }

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
        if (p === undefined) waiting.push(name); // not discovered yet: the link gate announces it
        else if (!p.connected) {
          // The caller says the link is up: try now rather than at the next periodic attempt.
          p.link.sender.reconnectNow();
          waiting.push(name);
          waits.push(new Promise<void>((r) => p.onConnect.push(r)));
        }
        else if (p.link.outbox.size > 0 || p.link.sender.inFlight > 0) { waiting.push(name); waits.push(p.link.sender.drained()); }
      }
      await this.#receiver?.idle();
      if (waiting.length === 0) {
        const delivered = this.#deliverHeld();
        return { settled: true, activity: count() - before + delivered, message: '' };
      }
      const left = deadline - wall.now().nanoseconds;
      if (left <= 0n) return { settled: false, activity: count() - before, message: `not settled with ${waiting.join(', ')}` };
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

  /** Hands over what arrived since the last sync, in an order that does not depend on timing. */
  #deliverHeld(): number {
    const held = this.#held.splice(0);
    held.sort((a, b) => (a.env.origin < b.env.origin ? -1 : a.env.origin > b.env.origin ? 1
      : a.env.route < b.env.route ? -1 : a.env.route > b.env.route ? 1 : a.env.seq < b.env.seq ? -1 : a.env.seq > b.env.seq ? 1 : 0));
    for (const h of held) this.#parts.deliver(h.msg, h.env);
    return held.length;
  }
}
