import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isOutpostError } from '../OutpostError.js';
import { SqliteOutboxStore } from './SqliteOutboxStore.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SqliteOutboxStore', () => {
  it('opens a file in WAL mode with the requested synchronous level, the schema and bigint integers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-outbox-db-'));
    dirs.push(dir);
    const store = new SqliteOutboxStore(join(dir, 'outbox.db'), 'FULL');
    const db = store.database;
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2n); // FULL
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name").all();
      expect(tables.map((t) => (t as { name: string }).name)).toEqual(
        expect.arrayContaining(['messages', 'messages_drain', 'messages_expiry', 'messages_route', 'routes']),
      );
      store.saveSeq('r1/a', 7n);
      expect(db.prepare('SELECT next_seq FROM routes').get()).toEqual({ next_seq: 7n });
    } finally {
      store.close();
    }
  });

  it('a file that cannot be opened is OUTPOST_ERR_FLEET_OUTBOX naming the path', () => {
    const path = join(tmpdir(), 'outpost-no-such-dir', 'sub', 'outbox.db');
    let err: unknown;
    try {
      new SqliteOutboxStore(path, 'NORMAL');
    } catch (e) {
      err = e;
    }
    expect(isOutpostError(err, 'OUTPOST_ERR_FLEET_OUTBOX')).toBe(true);
    expect((err as Error).message).toContain(`cannot open outbox ${path}: `);
  });
});
