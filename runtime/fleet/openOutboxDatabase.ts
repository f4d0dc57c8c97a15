import Database from 'better-sqlite3';
import { OutpostError } from '../OutpostError.js';
import type { Reliability } from './FleetRoute.js';

/** A row of the drain scan, `raw()`: id, priority, route, size. */
export type DrainRow = [bigint, bigint, string, bigint];
/** The rest of a message taken, `raw()`: seq, reliability, type, stamp, expires_at, payload. */
export type TakenRow = [bigint, Reliability, string, bigint, bigint | null, Buffer];

/** The prepared statements of an outbox, by what they do. */
export type OutboxStatements = Record<
  'insert' | 'setSeq' | 'page' | 'take' | 'del' | 'oldest' | 'allOfRoute' | 'expired' | 'lowSeq',
  Database.Statement
>;

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
 * Opens (or creates) a FleetOutbox's SQLite file in WAL mode with its schema, and prepares the
 * statements the outbox runs. Integers come back as bigints (`defaultSafeIntegers`).
 */
export function openOutboxDatabase(
  path: string,
  synchronous: 'NORMAL' | 'FULL',
): { db: Database.Database; stmt: OutboxStatements } {
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
  const stmt: OutboxStatements = {
    insert: db.prepare(`INSERT INTO messages (route, seq, priority, reliability, type, stamp, expires_at, size, payload)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    setSeq: db.prepare(
      'INSERT INTO routes (route, next_seq) VALUES (?, ?) ON CONFLICT(route) DO UPDATE SET next_seq = excluded.next_seq',
    ),
    // Drain order from a cursor: a range scan of messages_drain, no sort. The payload is read only
    // for the messages taken, so passing over a window of in-flight map chunks stays cheap.
    page: db
      .prepare(`SELECT id, priority, route, size FROM messages
        WHERE priority <= ? AND (priority < ? OR id > ?) ORDER BY priority DESC, id LIMIT ?`)
      .raw(),
    take: db.prepare('SELECT seq, reliability, type, stamp, expires_at, payload FROM messages WHERE id = ?').raw(),
    del: db.prepare('DELETE FROM messages WHERE id = ? RETURNING route, size'),
    oldest: db.prepare('SELECT id, size FROM messages WHERE route = ? ORDER BY seq LIMIT 1'),
    allOfRoute: db.prepare('DELETE FROM messages WHERE route = ? RETURNING size'),
    expired: db.prepare('DELETE FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ? RETURNING route, size'),
    lowSeq: db.prepare('SELECT MIN(seq) AS s FROM messages WHERE route = ?'),
  };
  return { db, stmt };
}
