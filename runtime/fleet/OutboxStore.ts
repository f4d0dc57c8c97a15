import type { Reliability } from './FleetRoute.js';

/** A message as an outbox store keeps it. */
export interface StoredMessage {
  id: bigint;
  route: string;
  seq: bigint;
  priority: number;
  reliability: Reliability;
  type: string;
  stamp: bigint;
  /** Deadline in ns on the outbox clock, or null for never. */
  expiresAt: bigint | null;
  size: number;
  payload: Uint8Array;
}

/** A message's place in drain order, as the drain scan returns it (the payload is read apart). */
export interface DrainEntry {
  id: bigint;
  priority: number;
  route: string;
  size: number;
}

/**
 * Where a FleetOutbox keeps its messages: the durable SQLite file (`SqliteOutboxStore`) or, for
 * simulations that need no durability, plain memory (`MemoryOutboxStore`). The outbox owns the
 * policy (sequence numbers, caps, drops, counters); a store only keeps rows and answers the drain
 * scan in order: priority descending, then id ascending (ids grow, so this is enqueue order). Every
 * change made inside `transaction` is undone if its function throws.
 */
export interface OutboxStore {
  /** Each route's next seq as last saved. */
  savedSeqs(): Iterable<[route: string, nextSeq: bigint]>;
  /** Messages and payload bytes queued per route. */
  totals(): Iterable<{ route: string; count: number; bytes: number }>;
  transaction<T>(fn: () => T): T;
  /** Stores a message; returns its id (never reused). */
  insert(m: Omit<StoredMessage, 'id'>): bigint;
  saveSeq(route: string, nextSeq: bigint): void;
  /** Up to `limit` entries after the cursor (priority, id) in drain order. */
  page(priority: number, id: bigint, limit: number): DrainEntry[];
  take(id: bigint): StoredMessage;
  /** Deletes one message; undefined if it was not there. */
  delete(id: bigint): { route: string; size: number } | undefined;
  /** The route's message with the lowest seq. */
  oldest(route: string): { id: bigint; size: number } | undefined;
  /** Deletes every message of a route; returns their sizes. */
  deleteRoute(route: string): number[];
  /** Deletes every message whose deadline is at or before `nowNs`. */
  deleteExpired(nowNs: bigint): { route: string; size: number }[];
  /** The lowest seq queued on a route, or undefined when none is. */
  lowSeq(route: string): bigint | undefined;
  close(): void;
}
