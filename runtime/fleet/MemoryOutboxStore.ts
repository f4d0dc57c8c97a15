import { OutpostError } from '../OutpostError.js';
import type { DrainEntry, OutboxStore, StoredMessage } from './OutboxStore.js';

type Undo = () => void;

/**
 * A FleetOutbox store in plain memory, for `outbox_dir: ":memory:"` (simulations, tests that need no
 * restart): the same drain order and rollback as `SqliteOutboxStore` without SQLite's cost per
 * statement, and no durability at all. Messages are kept in insertion order per priority and per
 * route; since ids grow, that is drain order within a priority and seq order within a route.
 */
export class MemoryOutboxStore implements OutboxStore {
  readonly #byId = new Map<bigint, StoredMessage>();
  readonly #byPriority = new Map<number, Map<bigint, StoredMessage>>();
  /** Priorities that have (or had) messages, highest first. */
  #priorities: number[] = [];
  readonly #byRoute = new Map<string, Map<bigint, StoredMessage>>();
  readonly #seqs = new Map<string, bigint>();
  #nextId = 1n;
  /** Set while a transaction runs: how to take back each change, in order. */
  #undo: Undo[] | undefined;

  savedSeqs(): [string, bigint][] {
    return [...this.#seqs];
  }

  totals(): { route: string; count: number; bytes: number }[] {
    const out: { route: string; count: number; bytes: number }[] = [];
    for (const [route, messages] of this.#byRoute) {
      if (messages.size === 0) continue;
      let bytes = 0;
      for (const m of messages.values()) bytes += m.size;
      out.push({ route, count: messages.size, bytes });
    }
    return out;
  }

  transaction<T>(fn: () => T): T {
    if (this.#undo !== undefined) return fn(); // nested: part of the outer one, as in better-sqlite3
    const undo: Undo[] = [];
    this.#undo = undo;
    try {
      return fn();
    } catch (err) {
      for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
      throw err;
    } finally {
      this.#undo = undefined;
    }
  }

  insert(m: Omit<StoredMessage, 'id'>): bigint {
    const id = this.#nextId++;
    const stored: StoredMessage = { ...m, id };
    this.#add(stored, true);
    // As with SQLite's AUTOINCREMENT, a rolled-back insert gives its id back (nobody was told of
    // it); an id once committed is never handed out again, even after the message is acked.
    this.#undo?.push(() => {
      this.#remove(stored);
      this.#nextId = id;
    });
    return id;
  }

  saveSeq(route: string, nextSeq: bigint): void {
    const before = this.#seqs.get(route);
    this.#seqs.set(route, nextSeq);
    this.#undo?.push(() => (before === undefined ? this.#seqs.delete(route) : this.#seqs.set(route, before)));
  }

  page(priority: number, id: bigint, limit: number): DrainEntry[] {
    const out: DrainEntry[] = [];
    for (const p of this.#priorities) {
      if (p > priority) continue;
      const messages = this.#byPriority.get(p);
      if (messages === undefined) continue;
      for (const m of messages.values()) {
        if (p === priority && m.id <= id) continue;
        out.push({ id: m.id, priority: p, route: m.route, size: m.size });
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  take(id: bigint): StoredMessage {
    const m = this.#byId.get(id);
    if (m === undefined)
      throw new OutpostError('OUTPOST_ERR_FLEET_OUTBOX', `outbox message ${id}: expected a stored message, got none`);
    return m;
  }

  delete(id: bigint): { route: string; size: number } | undefined {
    const m = this.#byId.get(id);
    if (m === undefined) return undefined;
    this.#removeLogged(m);
    return { route: m.route, size: m.size };
  }

  oldest(route: string): { id: bigint; size: number } | undefined {
    const first = this.#byRoute.get(route)?.values().next();
    return first === undefined || first.done === true ? undefined : { id: first.value.id, size: first.value.size };
  }

  deleteRoute(route: string): number[] {
    const messages = this.#byRoute.get(route);
    if (messages === undefined) return [];
    const sizes: number[] = [];
    for (const m of [...messages.values()]) {
      this.#removeLogged(m);
      sizes.push(m.size);
    }
    return sizes;
  }

  deleteExpired(nowNs: bigint): { route: string; size: number }[] {
    const out: { route: string; size: number }[] = [];
    for (const m of [...this.#byId.values()]) {
      if (m.expiresAt === null || m.expiresAt > nowNs) continue;
      this.#removeLogged(m);
      out.push({ route: m.route, size: m.size });
    }
    return out;
  }

  lowSeq(route: string): bigint | undefined {
    const first = this.#byRoute.get(route)?.values().next();
    return first === undefined || first.done === true ? undefined : first.value.seq;
  }

  close(): void {
    this.#byId.clear();
    this.#byPriority.clear();
    this.#byRoute.clear();
  }

  #removeLogged(m: StoredMessage): void {
    this.#remove(m);
    this.#undo?.push(() => this.#add(m, false));
  }

  /** `append`: `m` has the highest id yet (a new message); otherwise it is put back in id order. */
  #add(m: StoredMessage, append: boolean): void {
    this.#byId.set(m.id, m);
    let p = this.#byPriority.get(m.priority);
    if (p === undefined) {
      p = new Map();
      this.#byPriority.set(m.priority, p);
      this.#priorities = [...this.#byPriority.keys()].sort((a, b) => b - a);
    }
    if (append) p.set(m.id, m);
    else insertInOrder(p, m);
    let r = this.#byRoute.get(m.route);
    if (r === undefined) {
      r = new Map();
      this.#byRoute.set(m.route, r);
    }
    if (append) r.set(m.id, m);
    else insertInOrder(r, m);
  }

  #remove(m: StoredMessage): void {
    this.#byId.delete(m.id);
    this.#byPriority.get(m.priority)?.delete(m.id);
    this.#byRoute.get(m.route)?.delete(m.id);
  }
}

/** Puts a message removed in a rolled-back transaction back into a map kept in ascending id order. */
function insertInOrder(map: Map<bigint, StoredMessage>, m: StoredMessage): void {
  const entries = [...map.values(), m].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  map.clear();
  for (const e of entries) map.set(e.id, e);
}
