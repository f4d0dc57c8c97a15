import type { Logger } from 'pino';
import { OutpostError } from '../OutpostError.js';
import type { Clock } from '../clock/Clock.js';
import { WallClock } from '../clock/WallClock.js';
import type { DropPolicy, FleetRoute, Reliability } from './FleetRoute.js';
import { MemoryOutboxStore } from './MemoryOutboxStore.js';
import type { OutboxStore } from './OutboxStore.js';
import { SqliteOutboxStore } from './SqliteOutboxStore.js';

/** Why the outbox let go of a message without the peer acknowledging it. Every one is counted. */
export type DropReason = 'expired' | 'drop-oldest' | 'drop-newest' | 'reject' | 'oversize' | 'superseded';

export interface DropEvent {
  route: string;
  reason: DropReason;
  /** Messages dropped by this event. */
  count: number;
  /** Payload bytes dropped by this event. */
  bytes: number;
}

export interface FleetOutboxOptions {
  /**
   * SQLite file; created if missing. `:memory:` keeps the outbox in plain memory (`MemoryOutboxStore`:
   * same order and drops, no durability), for simulations and tests that need no restart.
   */
  path: string;
  /** The routes this outbox carries; enqueue on any other route is an OUTPOST_ERR_FLEET_ROUTE. */
  routes: readonly FleetRoute[];
  /** Stamps and expiry deadlines come from this clock. Default: a WallClock. */
  clock?: Clock;
  /**
   * `NORMAL` (default): in WAL mode a commit is in the WAL file (OS page cache) before `enqueue`
   * returns, so a killed or crashed process (SIGKILL, OOM, panic) loses nothing; only an OS crash or
   * power cut can roll back the last few commits, and the database stays consistent. `FULL` also
   * fsyncs every commit: it survives power cuts at the cost of one fsync per enqueue (slow on SD cards).
   */
  synchronous?: 'NORMAL' | 'FULL';
  /** Told about every drop, after it happened. Drops are also logged at warn (superseded at debug). */
  onDrop?: (event: DropEvent) => void;
  logger?: Logger;
}

export interface QueuedMessage {
  id: bigint;
  route: string;
  seq: bigint;
  priority: number;
  reliability: Reliability;
  type: string;
  stamp: bigint;
  /** Deadline in ns on the outbox clock, or undefined for never. */
  expiresAt: bigint | undefined;
  payload: Uint8Array;
}

/** Where a drain stopped: the last message taken (see `nextBatch`). */
export interface DrainCursor {
  priority: number;
  id: bigint;
}

/** A send waiting for its turn's group commit (`enqueueGrouped`). */
interface PendingSend {
  route: FleetRoute;
  payload: Uint8Array;
  resolve: (r: { id: bigint; seq: bigint } | undefined) => void;
  reject: (err: unknown) => void;
}

/** Rows read per query while looking for messages to send (skipped ones count too). */
const PAGE = 256;

/**
 * The durable outbox of one fleet link: every message for the peer is committed here before it is
 * sent and deleted only when the peer acknowledges it (or it is dropped by a counted policy), so a
 * crash, a broker restart or a cut link loses nothing queued. One process owns an outbox file at a time.
 */
export class FleetOutbox {
  readonly #store: OutboxStore;
  readonly #routes = new Map<string, FleetRoute>();
  readonly #clock: Clock;
  readonly #onDrop: ((e: DropEvent) => void) | undefined;
  readonly #logger: Logger | undefined;
  readonly #nextSeq = new Map<string, bigint>();
  readonly #bytes = new Map<string, number>();
  readonly #dropped = new Map<string, Record<DropReason, number>>();
  readonly #hasExpiry: boolean;
  #count = 0;
  #closed = false;
  /** Grouped sends of the current turn, in call order; committed together by #flushPending. */
  #pending: PendingSend[] = [];
  #flushQueued = false;

  constructor(options: FleetOutboxOptions) {
    this.#clock = options.clock ?? new WallClock();
    this.#onDrop = options.onDrop;
    this.#logger = options.logger;
    this.#store =
      options.path === ':memory:'
        ? new MemoryOutboxStore()
        : new SqliteOutboxStore(options.path, options.synchronous ?? 'NORMAL');
    for (const r of options.routes) this.#routes.set(r.route, r);
    this.#hasExpiry = options.routes.some((r) => r.expirySec > 0);
    this.#reloadCounters();
  }

  #reloadCounters(): void {
    this.#nextSeq.clear();
    this.#bytes.clear();
    for (const [route, next] of this.#store.savedSeqs()) this.#nextSeq.set(route, next);
    this.#count = 0;
    for (const t of this.#store.totals()) {
      this.#bytes.set(t.route, t.bytes);
      this.#count += t.count;
    }
  }

  get routes(): FleetRoute[] {
    return [...this.#routes.values()];
  }

  route(name: string): FleetRoute {
    const r = this.#routes.get(name);
    if (r === undefined) {
      throw new OutpostError(
        'OUTPOST_ERR_FLEET_ROUTE',
        `route "${name}" is not configured on this link; known: ${[...this.#routes.keys()].join(', ') || 'none'}`,
      );
    }
    return r;
  }

  /**
   * Commits one message (CDR bytes) on a route. Returns its id and seq, or undefined when the route's
   * drop policy refused it (`drop-newest`, or larger than the whole cap); throws OUTPOST_ERR_FLEET_QUEUE_FULL
   * under `reject`. Both are counted and reported.
   */
  enqueue(route: string, payload: Uint8Array): { id: bigint; seq: bigint } | undefined {
    return this.enqueueMany(route, [payload])[0];
  }

  /**
   * Like `enqueue`, but the commit is shared: every `enqueueGrouped` call made before the caller's
   * synchronous code ends (up to the next microtask checkpoint) goes into one transaction, in call
   * order, so a producer sending many small messages in one turn pays one commit (one WAL write, one
   * fsync under FULL) instead of one each (issue 14, item 6: a commit per message was half the
   * sender's CPU time). The promise resolves only once that transaction has committed, so whatever
   * a caller was told is stored survives a killed process; it rejects with
   * OUTPOST_ERR_FLEET_QUEUE_FULL under `reject` (that send only), or with the error that rolled the
   * whole group back. An unknown route throws at once. A plain `enqueue` or `enqueueMany` commits
   * the waiting group first, so seq order is call order whichever method was called.
   */
  enqueueGrouped(route: string, payload: Uint8Array): Promise<{ id: bigint; seq: bigint } | undefined> {
    this.#assertOpen();
    const r = this.route(route);
    return new Promise((resolve, reject) => {
      this.#pending.push({ route: r, payload, resolve, reject });
      if (!this.#flushQueued) {
        this.#flushQueued = true;
        queueMicrotask(this.#flushPending);
      }
    });
  }

  /** Commits the waiting grouped sends in one transaction, then settles their promises. */
  readonly #flushPending = (): void => {
    this.#flushQueued = false;
    const group = this.#pending;
    if (group.length === 0) return;
    this.#pending = [];
    const drops: DropEvent[] = [];
    const results: ({ id: bigint; seq: bigint } | undefined | OutpostError)[] = [];
    try {
      this.#store.transaction(() => {
        const touched = new Set<string>();
        for (const p of group) {
          try {
            results.push(this.#insertOne(p.route, p.payload, drops));
            touched.add(p.route.route);
          } catch (err) {
            // `reject` refuses before this message wrote anything (see #insertOne), so the others
            // of the group can still commit; any other error rolls the whole group back.
            if (!(err instanceof OutpostError && err.code === 'OUTPOST_ERR_FLEET_QUEUE_FULL')) throw err;
            results.push(err);
          }
        }
        for (const route of touched) this.#saveSeq(route);
      });
    } catch (err) {
      this.#reloadCounters();
      for (const p of group) p.reject(err);
      return;
    } finally {
      for (const d of drops) this.#report(d);
    }
    for (let i = 0; i < group.length; i++) {
      const r = results[i];
      if (r instanceof OutpostError) group[i]!.reject(r);
      else group[i]!.resolve(r);
    }
  };

  /** Commits several messages of one route in one transaction (one fsync under FULL). */
  enqueueMany(route: string, payloads: readonly Uint8Array[]): ({ id: bigint; seq: bigint } | undefined)[] {
    this.#assertOpen();
    const r = this.route(route);
    if (this.#pending.length > 0) this.#flushPending();
    const drops: DropEvent[] = [];
    try {
      return this.#store.transaction(() => {
        const out: ({ id: bigint; seq: bigint } | undefined)[] = [];
        for (const payload of payloads) out.push(this.#insertOne(r, payload, drops));
        this.#saveSeq(r.route);
        return out;
      });
    } catch (err) {
      this.#reloadCounters(); // the transaction rolled back: forget the seqs and bytes it had taken
      throw err;
    } finally {
      for (const d of drops) this.#report(d);
    }
  }

  /**
   * Persists a route's next seq; called once per route per transaction, after its inserts (not once
   * per message: half the statements of a batch). A rollback reloads the counters from disk.
   */
  #saveSeq(route: string): void {
    const next = this.#nextSeq.get(route);
    if (next !== undefined) this.#store.saveSeq(route, next);
  }

  #insertOne(r: FleetRoute, payload: Uint8Array, drops: DropEvent[]): { id: bigint; seq: bigint } | undefined {
    const size = payload.length;
    if (r.reliability === 'latest-only') {
      const removed = this.#store.deleteRoute(r.route);
      if (removed.length > 0) drops.push(this.#drop(r.route, 'superseded', removed));
    }
    if (r.byteCap > 0 && (this.#bytes.get(r.route) ?? 0) + size > r.byteCap) {
      if (size > r.byteCap) {
        drops.push(this.#drop(r.route, 'oversize', [size], false));
        return undefined;
      }
      if (r.dropPolicy === 'drop-newest') {
        drops.push(this.#drop(r.route, 'drop-newest', [size], false));
        return undefined;
      }
      if (r.dropPolicy === 'reject') {
        // Nothing written for this message yet (latest-only leaves 0 bytes, so it never gets here):
        // a grouped commit can refuse this one and keep the rest of its group.
        drops.push(this.#drop(r.route, 'reject', [size], false));
        throw new OutpostError(
          'OUTPOST_ERR_FLEET_QUEUE_FULL',
          `route "${r.route}": ${this.#bytes.get(r.route) ?? 0} of ${r.byteCap} bytes queued, cannot take ${size} more (policy reject)`,
        );
      }
      const evicted: number[] = [];
      while ((this.#bytes.get(r.route) ?? 0) + size > r.byteCap) {
        const old = this.#store.oldest(r.route);
        if (old === undefined) break;
        this.#store.delete(old.id);
        this.#addBytes(r.route, -old.size, -1);
        evicted.push(old.size);
      }
      drops.push(this.#drop(r.route, 'drop-oldest', evicted, false));
    }
    const seq = this.#nextSeq.get(r.route) ?? 1n;
    const stamp = this.#clock.now().nanoseconds;
    const expiresAt = r.expirySec > 0 ? stamp + BigInt(Math.round(r.expirySec * 1e9)) : null;
    const id = this.#store.insert({
      route: r.route,
      seq,
      priority: r.priority,
      reliability: r.reliability,
      type: r.type,
      stamp,
      expiresAt,
      size,
      payload,
    });
    this.#nextSeq.set(r.route, seq + 1n);
    this.#addBytes(r.route, size, 1);
    return { id, seq };
  }

  /**
   * Up to `limit` messages, highest priority first, then in enqueue order (so in seq order within a
   * route), stopping before `maxBytes` of payload (at least one message is returned). Messages in
   * `ids` (in flight) and routes in `routes` (rate-limited) are passed over; with `after`, so is
   * everything up to and including that message in drain order (a sender continuing where its last
   * batch ended, without reading its in-flight messages again).
   */
  nextBatch(
    limit: number,
    maxBytes: number,
    skip: {
      ids?: Iterable<bigint> | ReadonlySet<bigint> | ReadonlyMap<bigint, unknown>;
      routes?: Iterable<string>;
      after?: DrainCursor;
    } = {},
  ): QueuedMessage[] {
    this.#assertOpen();
    const ids = skip.ids === undefined ? undefined : 'has' in skip.ids ? skip.ids : new Set(skip.ids);
    const routes = new Set(skip.routes ?? []);
    let priority = skip.after?.priority ?? 256;
    let id = skip.after?.id ?? 0n;
    const out: QueuedMessage[] = [];
    let bytes = 0;
    for (;;) {
      const rows = this.#store.page(priority, id, PAGE);
      for (const row of rows) {
        priority = row.priority;
        id = row.id;
        if (ids?.has(row.id) === true || routes.has(row.route)) continue;
        bytes += row.size;
        if (out.length > 0 && bytes > maxBytes) return out;
        const m = this.#store.take(row.id);
        out.push({
          id: m.id,
          route: m.route,
          seq: m.seq,
          priority: m.priority,
          reliability: m.reliability,
          type: m.type,
          stamp: m.stamp,
          expiresAt: m.expiresAt ?? undefined,
          payload: m.payload,
        });
        if (out.length >= limit) return out;
      }
      if (rows.length < PAGE) return out;
    }
  }

  /** The lowest seq still queued on `route` (what the receiver may skip up to), or the next seq if none. */
  lowSeq(route: string): bigint {
    return this.#store.lowSeq(route) ?? this.#nextSeq.get(route) ?? 1n;
  }

  /** Removes acknowledged (or sent best-effort) messages; unknown ids are ignored. Returns rows removed. */
  ack(ids: Iterable<bigint>): number {
    this.#assertOpen();
    let n = 0;
    this.#store.transaction(() => {
      for (const id of ids) {
        const row = this.#store.delete(id);
        if (row !== undefined) {
          n++;
          this.#addBytes(row.route, -row.size, -1);
        }
      }
    });
    return n;
  }

  /** Drops every message past its expiry deadline; each route's drops are counted and reported. */
  purgeExpired(): number {
    this.#assertOpen();
    if (!this.#hasExpiry) return 0;
    const rows = this.#store.deleteExpired(this.#clock.now().nanoseconds);
    const byRoute = new Map<string, number[]>();
    for (const r of rows) {
      this.#addBytes(r.route, -r.size, -1);
      byRoute.set(r.route, [...(byRoute.get(r.route) ?? []), r.size]);
    }
    for (const [route, sizes] of byRoute) this.#report(this.#drop(route, 'expired', sizes, false));
    return rows.length;
  }

  /** Messages queued (all routes), grouped sends not yet committed included. */
  get size(): number {
    return this.#count + this.#pending.length;
  }

  /** Payload bytes queued on a route. */
  bytes(route: string): number {
    return this.#bytes.get(route) ?? 0;
  }

  /** Drop counters per route and reason since this outbox was opened. */
  dropped(): Record<string, Record<DropReason, number>> {
    return Object.fromEntries([...this.#dropped].map(([k, v]) => [k, { ...v }]));
  }

  /** Commits grouped sends still waiting, then closes the database. */
  close(): void {
    if (this.#closed) return;
    if (this.#pending.length > 0) this.#flushPending();
    this.#closed = true;
    this.#store.close();
  }

  #addBytes(route: string, delta: number, messages = 0): void {
    this.#bytes.set(route, (this.#bytes.get(route) ?? 0) + delta);
    this.#count += messages;
  }

  #drop(route: string, reason: DropReason, sizes: number[], adjustBytes = true): DropEvent {
    const bytes = sizes.reduce((a, b) => a + b, 0);
    if (adjustBytes) this.#addBytes(route, -bytes, -sizes.length);
    let c = this.#dropped.get(route);
    if (c === undefined) {
      c = { expired: 0, 'drop-oldest': 0, 'drop-newest': 0, reject: 0, oversize: 0, superseded: 0 };
      this.#dropped.set(route, c);
    }
    c[reason] += sizes.length;
    return { route, reason, count: sizes.length, bytes };
  }

  #report(e: DropEvent): void {
    if (e.count === 0) return;
    if (e.reason === 'superseded')
      this.#logger?.debug(e, `fleet outbox: ${e.count} message(s) on "${e.route}" superseded`);
    else
      this.#logger?.warn(
        e,
        `fleet outbox: dropped ${e.count} message(s) (${e.bytes} bytes) on "${e.route}": ${e.reason}`,
      );
    this.#onDrop?.(e);
  }

  #assertOpen(): void {
    if (this.#closed) throw new OutpostError('OUTPOST_ERR_FLEET_OUTBOX', 'the outbox was used after close()');
  }
}

export type { DropPolicy };
