import type { Logger } from 'pino';
import { OutpostError } from '../OutpostError.js';
import { LinkProxy } from './LinkProxy.js';

/** One symmetric radio link between robots `a` and `b` at one instant. */
export interface LinkState {
  a: string;
  b: string;
  up: boolean;
  /** Budget in each direction; 0 = unlimited. Unit: bytes/s. */
  bytesPerSecond: number;
  /** Packet loss 0..1. TCP turns loss into lost goodput, so it scales the budget by (1 − loss). */
  loss: number;
  /** One-way latency. Unit: s. */
  latencySec: number;
}

/**
 * How the simulator gates the fleet's radio links: at each step it gives the whole link graph and
 * the gate makes the real connections follow it. Links not listed are down.
 */
export interface LinkGate {
  apply(links: readonly LinkState[]): void;
}

/**
 * A LinkGate made of real TCP proxies: for every ordered pair (from, to) of robots a LinkProxy in
 * front of `to`'s broker, which `from`'s fleet link connects through. A cut link destroys the
 * live MQTT connections, which reconnect by themselves once it is restored: the fleet link sees
 * exactly what it would see on a radio. Both directions of a link change together.
 */
export class ProxyLinkGate implements LinkGate {
  readonly #brokers = new Map<string, { host: string; port: number }>();
  readonly #proxies = new Map<string, LinkProxy>();
  readonly #logger: Logger | undefined;
  #state = new Map<string, LinkState>();
  /** Link up/down transitions applied so far. */
  transitions = 0;

  constructor(options: { logger?: Logger } = {}) {
    this.#logger = options.logger;
  }

  get robots(): string[] {
    return [...this.#brokers.keys()].sort();
  }

  /**
   * Adds a robot's broker and the proxies between it and every robot already known. New links
   * start down until `apply` says otherwise. Returns the URLs others use to reach it, by robot.
   */
  async addRobot(robot: string, host: string, port: number): Promise<void> {
    if (this.#brokers.has(robot)) {
      const old = this.#brokers.get(robot)!;
      if (old.host === host && old.port === port) return;
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `link gate: robot "${robot}" announced a second broker (${host}:${port}, was ${old.host}:${old.port})`,
      );
    }
    this.#brokers.set(robot, { host, port });
    for (const other of this.#brokers.keys()) {
      if (other === robot) continue;
      await this.#proxy(robot, other);
      await this.#proxy(other, robot);
    }
  }

  /** The URL `from` must connect to in order to reach `to`'s broker, once both are known. */
  urlFor(from: string, to: string): string | undefined {
    return this.#proxies.get(key(from, to))?.url;
  }

  /** Whether the link between a and b is up now. */
  isUp(a: string, b: string): boolean {
    return this.#state.get(pairKey(a, b))?.up ?? false;
  }

  /** Bytes forwarded so far from `from` to `to`'s broker and back. */
  bytes(from: string, to: string): { toBroker: number; fromBroker: number } {
    const p = this.#proxies.get(key(from, to));
    return { toBroker: p?.stats.bytesToTarget ?? 0, fromBroker: p?.stats.bytesFromTarget ?? 0 };
  }

  apply(links: readonly LinkState[]): void {
    const next = new Map<string, LinkState>();
    for (const l of links) {
      if (l.a === l.b) continue;
      if (!(l.loss >= 0 && l.loss <= 1)) {
        throw new OutpostError(
          'OUTPOST_ERR_INVALID_ARGUMENT',
          `link ${l.a}–${l.b}: loss must be within 0..1, got ${l.loss}`,
        );
      }
      next.set(pairKey(l.a, l.b), l);
    }
    const robots = this.robots;
    for (let i = 0; i < robots.length; i++) {
      for (let j = i + 1; j < robots.length; j++) {
        const a = robots[i]!;
        const b = robots[j]!;
        const k = pairKey(a, b);
        const want = next.get(k);
        const up = want?.up === true;
        const was = this.#state.get(k)?.up === true;
        for (const p of [this.#proxies.get(key(a, b)), this.#proxies.get(key(b, a))]) {
          if (p === undefined) continue;
          if (up) {
            p.setBandwidth(want!.bytesPerSecond > 0 ? want!.bytesPerSecond * (1 - want!.loss) : 0, want!.latencySec);
            if (!p.isUp) p.restore();
          } else if (p.isUp) {
            p.cut();
          }
        }
        if (up !== was) {
          this.transitions++;
          this.#logger?.info({ a, b, up }, `radio link ${a}–${b} ${up ? 'up' : 'down'}`);
        }
      }
    }
    this.#state = next;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#proxies.values()].map((p) => p.close()));
    this.#proxies.clear();
  }

  async #proxy(from: string, to: string): Promise<void> {
    const target = this.#brokers.get(to)!;
    const p = new LinkProxy({ targetHost: target.host, targetPort: target.port });
    await p.start();
    p.cut(); // every link starts down until the radio model says it is up
    this.#proxies.set(key(from, to), p);
  }
}

const key = (from: string, to: string): string => `${from}>${to}`;
const pairKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);
