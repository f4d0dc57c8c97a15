import Database from 'better-sqlite3';
import { OutpostError } from '../OutpostError.js';

/** What the inbox needs of an envelope (see FleetEnvelope). */
export interface InboxEntry {
  id: bigint;
  origin: string;
  route: string;
  seq: bigint;
  lowSeq: bigint;
}

export type OfferStatus = 'ready' | 'duplicate' | 'buffered' | 'overflow';

export interface OfferResult<E extends InboxEntry> {
  status: OfferStatus;
  /** Entries to hand to subscribers now, in seq order (the offered one and any buffered ones it unblocked). */
  ready: E[];
  /** Seqs passed over because the sender no longer holds them (expired or dropped there; see lowSeq). */
  skipped: bigint;
}

export interface FleetInboxOptions {
  /** SQLite file holding the delivered mark per (origin, route); `:memory:` for tests. */
  path: string;
  /** Most out-of-order entries buffered per (origin, route) ahead of a gap. Default 1024. */
  window?: number;
}

interface Stream<E> {
  delivered: bigint;
  buffer: Map<bigint, E>;
}

/**
 * The receiving side's deduplication and ordering: per (origin, route) it keeps the highest seq
 * delivered without a gap (persisted, so redelivery after a crash of either side is filtered) and a
 * small window of entries that arrived ahead of a gap.
 *
 * Gaps: an entry arriving ahead of a gap waits in the window (unacknowledged, so the sender resends
 * it too). The gap fills when the missing entry is resent, or is skipped when an envelope says the
 * sender's lowest still-queued seq (`lowSeq`) is above it: the missing entries expired or were
 * dropped at the sender (counted there) and will never come. Best-effort routes send lowSeq = seq,
 * so they never wait. No timer is needed: unacknowledged entries are resent by the sender, and each
 * resend carries a fresh lowSeq.
 *
 * Crash boundary: `commit()` is called after the handler ran, so a crash between the two redelivers
 * those entries once (at-least-once across a receiver crash; exactly-once otherwise).
 */
export class FleetInbox<E extends InboxEntry = InboxEntry> {
  readonly #db: Database.Database;
  readonly #window: number;
  readonly #streams = new Map<string, Stream<E>>();
  readonly #dirty = new Set<string>();
  readonly #get;
  readonly #set;
  #closed = false;

  constructor(options: FleetInboxOptions) {
    this.#window = options.window ?? 1024;
    try {
      this.#db = new Database(options.path);
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = NORMAL');
      this.#db.defaultSafeIntegers(true);
      this.#db.exec(
        'CREATE TABLE IF NOT EXISTS delivered (origin TEXT NOT NULL, route TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (origin, route))',
      );
    } catch (err) {
      throw new OutpostError(
        'OUTPOST_ERR_FLEET_OUTBOX',
        `cannot open inbox ${options.path}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    this.#get = this.#db.prepare('SELECT seq FROM delivered WHERE origin = ? AND route = ?');
    this.#set = this.#db.prepare(
      'INSERT INTO delivered (origin, route, seq) VALUES (?, ?, ?) ON CONFLICT(origin, route) DO UPDATE SET seq = excluded.seq',
    );
  }

  /** Offers one entry; the caller hands `ready` to subscribers, then calls `commit()`, then acks. */
  offer(e: E): OfferResult<E> {
    const key = `${e.origin}\u0000${e.route}`;
    const s = this.#stream(key, e);
    if (e.seq <= s.delivered) return { status: 'duplicate', ready: [], skipped: 0n };
    // Already waiting ahead of a gap: not acknowledged until delivered, so just keep waiting.
    if (s.buffer.has(e.seq) && e.lowSeq <= s.delivered + 1n) return { status: 'buffered', ready: [], skipped: 0n };
    const ready: E[] = [];
    let skipped = 0n;
    // The sender no longer holds anything below lowSeq: deliver what we buffered there, skip the rest.
    while (s.delivered + 1n < e.lowSeq) {
      const next = s.delivered + 1n;
      const b = s.buffer.get(next);
      if (b !== undefined) {
        s.buffer.delete(next);
        ready.push(b);
      } else skipped++;
      s.delivered = next;
    }
    if (e.seq !== s.delivered + 1n) {
      if (e.seq - s.delivered > BigInt(this.#window)) return { status: 'overflow', ready, skipped };
      s.buffer.set(e.seq, e);
      if (ready.length > 0 || skipped > 0n) this.#dirty.add(key);
      return { status: 'buffered', ready, skipped };
    }
    s.buffer.delete(e.seq); // a resend of one already waiting: deliver it once
    ready.push(e);
    s.delivered = e.seq;
    for (let b = s.buffer.get(s.delivered + 1n); b !== undefined; b = s.buffer.get(s.delivered + 1n)) {
      s.buffer.delete(b.seq);
      ready.push(b);
      s.delivered = b.seq;
    }
    this.#dirty.add(key);
    return { status: 'ready', ready, skipped };
  }

  /** Persists the delivered marks moved by `offer` since the last commit (one transaction). */
  commit(): void {
    if (this.#dirty.size === 0 || this.#closed) return;
    this.#db.transaction(() => {
      for (const key of this.#dirty) {
        const [origin, route] = key.split('\u0000') as [string, string];
        this.#set.run(origin, route, this.#streams.get(key)!.delivered);
      }
    })();
    this.#dirty.clear();
  }

  /** Highest seq delivered without a gap for (origin, route); 0 if none. */
  delivered(origin: string, route: string): bigint {
    return this.#stream(`${origin}\u0000${route}`, { origin, route }).delivered;
  }

  /** Entries waiting ahead of a gap, all streams. */
  get buffered(): number {
    let n = 0;
    for (const s of this.#streams.values()) n += s.buffer.size;
    return n;
  }

  close(): void {
    if (this.#closed) return;
    this.commit();
    this.#closed = true;
    this.#db.close();
  }

  #stream(key: string, e: { origin: string; route: string }): Stream<E> {
    let s = this.#streams.get(key);
    if (s === undefined) {
      const row = this.#get.get(e.origin, e.route) as { seq: bigint } | undefined;
      s = { delivered: row?.seq ?? 0n, buffer: new Map() };
      this.#streams.set(key, s);
    }
    return s;
  }
}
