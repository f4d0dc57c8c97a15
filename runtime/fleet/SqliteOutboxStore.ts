import Database from 'better-sqlite3';
import { OutpostError } from '../OutpostError.js';
import type { Reliability } from './FleetRoute.js';
import type { DrainEntry, OutboxStore, StoredMessage } from './OutboxStore.js';

/** A row of the drain scan, `raw()`: id, priority, route, size. */
type DrainRow = [bigint, bigint, string, bigint];
/** The rest of a message taken, `raw()`: route, seq, priority, reliability, type, stamp, expires_at, size, payload. */
type TakenRow = [string, bigint, bigint, Reliability, string, bigint, bigint | null, bigint, Buffer];

const SCHEMA = `
CREATE TABLE IF NOT EXISTS routes (route TEXT PRIMARY KEY, next_seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: ids are never reused, even after acks
  route TEXT NOT NULL, seq INTEGER NOT NULL, priority INTEGER NOT NULL, reliability TEXT NOT NULL,
  type TEXT NOT NULL, stamp INTEGER NOT NULL, expires_at INTEGER, size INTEGER NOT NULL, payload BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS messages_drain ON messages (priority DESC, id);
CREATE INDEX IF NOT EXISTS messages_route ON messages (route, seq);
CREATE INDEX IF NOT EXISTS messages_expiry ON messages (expires_at) WHERE expires_at IS NOT NULL;`;

/**
 * A FleetOutbox's durable store: one SQLite file in WAL mode. A commit is in the WAL before the
 * outbox returns, so a killed process loses nothing it was told is queued (`synchronous` FULL also
 * survives power cuts, at one fsync per commit). Integers come back as bigints.
 */
export class SqliteOutboxStore implements OutboxStore {
  readonly database: Database.Database;
  readonly #insert: Database.Statement;
  readonly #setSeq: Database.Statement;
  readonly #page: Database.Statement;
  readonly #take: Database.Statement;
  readonly #del: Database.Statement;
  readonly #oldest: Database.Statement;
  readonly #allOfRoute: Database.Statement;
  readonly #expired: Database.Statement;
  readonly #lowSeq: Database.Statement;

  constructor(path: string, synchronous: 'NORMAL' | 'FULL') {
    let db: Database.Database;
    try {
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${synchronous}`);
      db.defaultSafeIntegers(true);
      db.exec(SCHEMA);
    } catch (err) {
      throw new OutpostError('OUTPOST_ERR_FLEET_OUTBOX', `cannot open outbox ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    this.database = db;
    this.#insert =
      db.prepare(`INSERT INTO messages (route, seq, priority, reliability, type, stamp, expires_at, size, payload)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#setSeq = db.prepare(
      'INSERT INTO routes (route, next_seq) VALUES (?, ?) ON CONFLICT(route) DO UPDATE SET next_seq = excluded.next_seq',
    );
    // Drain order from a cursor: a range scan of messages_drain, no sort. The payload is read only
    // for the messages taken, so passing over a window of in-flight map chunks stays cheap.
    this.#page = db
      .prepare(`SELECT id, priority, route, size FROM messages
        WHERE priority <= ? AND (priority < ? OR id > ?) ORDER BY priority DESC, id LIMIT ?`)
      .raw();
    this.#take = db
      .prepare(
        'SELECT route, seq, priority, reliability, type, stamp, expires_at, size, payload FROM messages WHERE id = ?',
      )
      .raw();
    this.#del = db.prepare('DELETE FROM messages WHERE id = ? RETURNING route, size');
    this.#oldest = db.prepare('SELECT id, size FROM messages WHERE route = ? ORDER BY seq LIMIT 1');
    this.#allOfRoute = db.prepare('DELETE FROM messages WHERE route = ? RETURNING size');
    this.#expired = db.prepare(
      'DELETE FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ? RETURNING route, size',
    );
    this.#lowSeq = db.prepare('SELECT MIN(seq) AS s FROM messages WHERE route = ?');
  }

  savedSeqs(): [string, bigint][] {
    const rows = this.database.prepare('SELECT route, next_seq FROM routes').all() as {
      route: string;
      next_seq: bigint;
    }[];
    return rows.map((r) => [r.route, r.next_seq]);
  }

  totals(): { route: string; count: number; bytes: number }[] {
    const rows = this.database
      .prepare('SELECT route, SUM(size) AS b, COUNT(*) AS n FROM messages GROUP BY route')
      .all() as { route: string; b: bigint; n: bigint }[];
    return rows.map((r) => ({ route: r.route, count: Number(r.n), bytes: Number(r.b) }));
  }

  transaction<T>(fn: () => T): T {
    return this.database.transaction(fn)();
  }

  insert(m: Omit<StoredMessage, 'id'>): bigint {
    const info = this.#insert.run(
      m.route,
      m.seq,
      m.priority,
      m.reliability,
      m.type,
      m.stamp,
      m.expiresAt,
      m.size,
      m.payload,
    );
    return BigInt(info.lastInsertRowid);
  }

  saveSeq(route: string, nextSeq: bigint): void {
    this.#setSeq.run(route, nextSeq);
  }

  page(priority: number, id: bigint, limit: number): DrainEntry[] {
    const rows = this.#page.all(priority, priority, id, limit) as DrainRow[];
    return rows.map(([rowId, p, route, size]) => ({ id: rowId, priority: Number(p), route, size: Number(size) }));
  }

  take(id: bigint): StoredMessage {
    const [route, seq, priority, reliability, type, stamp, expiresAt, size, payload] = this.#take.get(id) as TakenRow;
    return {
      id,
      route,
      seq,
      priority: Number(priority),
      reliability,
      type,
      stamp,
      expiresAt,
      size: Number(size),
      payload,
    };
  }

  delete(id: bigint): { route: string; size: number } | undefined {
    const row = this.#del.get(id) as { route: string; size: bigint } | undefined;
    return row === undefined ? undefined : { route: row.route, size: Number(row.size) };
  }

  oldest(route: string): { id: bigint; size: number } | undefined {
    const row = this.#oldest.get(route) as { id: bigint; size: bigint } | undefined;
    return row === undefined ? undefined : { id: row.id, size: Number(row.size) };
  }

  deleteRoute(route: string): number[] {
    return (this.#allOfRoute.all(route) as { size: bigint }[]).map((r) => Number(r.size));
  }

  deleteExpired(nowNs: bigint): { route: string; size: number }[] {
    const rows = this.#expired.all(nowNs) as { route: string; size: bigint }[];
    return rows.map((r) => ({ route: r.route, size: Number(r.size) }));
  }

  lowSeq(route: string): bigint | undefined {
    return (this.#lowSeq.get(route) as { s: bigint | null }).s ?? undefined;
  }

  close(): void {
    this.database.close();
  }
}
