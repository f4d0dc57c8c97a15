import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetInbox, type InboxEntry } from './FleetInbox.js';

const e = (seq: number, lowSeq = 1, origin = 'r1', route = 'a'): InboxEntry => ({
  id: BigInt(seq + 1000),
  origin,
  route,
  seq: BigInt(seq),
  lowSeq: BigInt(lowSeq),
});
const seqs = (r: { ready: InboxEntry[] }): number[] => r.ready.map((x) => Number(x.seq));

describe('FleetInbox', () => {
  it('delivers in order, buffers ahead of a gap, drops duplicates', () => {
    const inbox = new FleetInbox({ path: ':memory:' });
    expect(seqs(inbox.offer(e(1)))).toEqual([1]);
    expect(inbox.offer(e(3)).status).toBe('buffered');
    expect(inbox.offer(e(3)).status).toBe('buffered'); // resent while waiting: not acked, not duplicated
    expect(inbox.offer(e(1)).status).toBe('duplicate');
    const r = inbox.offer(e(2));
    expect(r.status).toBe('ready');
    expect(seqs(r)).toEqual([2, 3]);
    expect(inbox.offer(e(3)).status).toBe('duplicate');
    expect(seqs(inbox.offer(e(1, 1, 'r3')))).toEqual([1]); // streams are per origin ...
    expect(seqs(inbox.offer(e(1, 1, 'r1', 'b')))).toEqual([1]); // ... and per route
  });

  it('skips gaps the sender no longer holds (lowSeq), delivering what was buffered below it', () => {
    const inbox = new FleetInbox({ path: ':memory:' });
    inbox.offer(e(1));
    inbox.offer(e(4)); // 2, 3 missing
    const r = inbox.offer(e(6, 3)); // sender: everything below 3 is gone (2 expired); 3 still queued
    expect(r.skipped).toBe(1n);
    expect(r.status).toBe('buffered');
    expect(inbox.delivered('r1', 'a')).toBe(2n);
    expect(seqs(inbox.offer(e(3, 3)))).toEqual([3, 4]);
    const last = inbox.offer(e(6, 6)); // 5 gone too: skipped on the way to 6 (which was waiting)
    expect(seqs(last)).toEqual([6]);
    expect(last.skipped).toBe(1n);
    expect(inbox.buffered).toBe(0);
  });

  it('refuses entries beyond its window (the sender resends them later)', () => {
    const inbox = new FleetInbox({ path: ':memory:', window: 4 });
    expect(inbox.offer(e(6)).status).toBe('overflow');
    expect(inbox.offer(e(4)).status).toBe('buffered');
  });

  it('remembers what it delivered across a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-inbox-'));
    try {
      const path = join(dir, 'inbox.db');
      const a = new FleetInbox({ path });
      for (let i = 1; i <= 5; i++) a.offer(e(i));
      a.commit();
      a.close();
      const b = new FleetInbox({ path });
      expect(b.delivered('r1', 'a')).toBe(5n);
      expect(b.offer(e(5)).status).toBe('duplicate');
      expect(seqs(b.offer(e(6)))).toEqual([6]);
      b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
