import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isOutpostError } from '../OutpostError.js';
import { ManualClock } from '../clock/ManualClock.js';
import { FleetOutbox, type DropEvent } from './FleetOutbox.js';
import { defineRoute } from './FleetRoute.js';

const T = 'std_msgs/msg/String';
const bytes = (n: number, fill = 1): Uint8Array => new Uint8Array(n).fill(fill);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempPath = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'outpost-outbox-'));
  dirs.push(d);
  return join(d, 'outbox.db');
};

describe('FleetOutbox', () => {
  it('keeps queued messages, sequences and ids across a reopen (WAL on disk)', () => {
    const path = tempPath();
    const routes = [defineRoute({ topic: '/r1/a', type: T })];
    const a = new FleetOutbox({ path, routes });
    const ids = a.enqueueMany('r1/a', [bytes(3), bytes(4), bytes(5)]).map((r) => r!.id);
    a.ack([ids[0]!]);
    a.close();
    const b = new FleetOutbox({ path, routes });
    expect(b.size).toBe(2);
    expect(b.bytes('r1/a')).toBe(9);
    expect(b.nextBatch(10, 1e9).map((m) => m.seq)).toEqual([2n, 3n]);
    expect(b.lowSeq('r1/a')).toBe(2n);
    const next = b.enqueue('r1/a', bytes(1))!;
    expect(next.seq).toBe(4n);
    expect(next.id).toBeGreaterThan(ids[2]!);
    b.ack(b.nextBatch(10, 1e9).map((m) => m.id));
    expect(b.lowSeq('r1/a')).toBe(5n); // nothing queued: the next seq, so receivers skip nothing
    b.close();
  });

  it('commits the grouped sends of one turn in one transaction, in call order, before any promise resolves', async () => {
    const path = tempPath();
    const box = new FleetOutbox({
      path,
      routes: [defineRoute({ topic: '/a', type: T }), defineRoute({ topic: '/b', type: T })],
    });
    const reader = new Database(path, { readonly: true });
    const rows = (): number => (reader.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
    // WAL frames written = growth of the -wal file / (page + frame header); each commit writes at
    // least the pages it touched, so 100 commits would write hundreds of frames.
    const page = Number(reader.pragma('page_size', { simple: true }));
    const frames = (): number => statSync(`${path}-wal`).size / (page + 24);
    const before = frames();
    const stored = Array.from({ length: 100 }, (_, i) => box.enqueueGrouped(i % 3 === 0 ? 'b' : 'a', bytes(50, i)));
    expect(rows()).toBe(0); // nothing committed while the turn runs ...
    expect(box.size).toBe(100); // ... yet counted as queued (a sender's drained() must wait for it)
    let resolvedEarly = false;
    void stored[0]!.then(() => {
      resolvedEarly = rows() !== 100;
    });
    const results = await Promise.all(stored);
    expect(resolvedEarly).toBe(false);
    expect(rows()).toBe(100);
    expect(frames() - before).toBeLessThan(20); // the pages one transaction touched (10 here)
    expect(results.map((r) => r!.id)).toEqual([...results.map((r) => r!.id)].sort((x, y) => (x < y ? -1 : 1)));
    expect(box.nextBatch(1000, 1e9, { routes: ['b'] }).map((m) => m.payload[0])).toEqual(
      Array.from({ length: 100 }, (_, i) => i).filter((i) => i % 3 !== 0),
    );
    expect(box.nextBatch(1000, 1e9, { routes: ['a'] }).map((m) => m.seq)).toEqual(
      Array.from({ length: 34 }, (_, i) => BigInt(i + 1)),
    );

    // The control: awaited one by one, each send is its own commit.
    const one = frames();
    for (let i = 0; i < 100; i++) await box.enqueueGrouped('a', bytes(50));
    expect(frames() - one).toBeGreaterThanOrEqual(100);
    reader.close();
    box.close();
  });

  it('enqueues and acks thousands of messages per second on disk', () => {
    const box = new FleetOutbox({ path: tempPath(), routes: [defineRoute({ topic: '/t', type: T })] });
    const payload = bytes(200);
    const n = 5000;
    const t0 = performance.now();
    const ids: bigint[] = [];
    for (let i = 0; i < n; i++) ids.push(box.enqueue('t', payload)!.id); // one transaction each
    const t1 = performance.now();
    for (let i = 0; i < n; i += 50) box.ack(ids.slice(i, i + 50)); // acks arrive in batches
    const t2 = performance.now();
    const enqPerS = n / ((t1 - t0) / 1000);
    const ackPerS = n / ((t2 - t1) / 1000);
    console.log(`outbox: ${Math.round(enqPerS)} enqueue/s (1 txn each), ${Math.round(ackPerS)} ack/s (batches of 50)`);
    expect(box.size).toBe(0);
    expect(enqPerS).toBeGreaterThan(2000);
    expect(ackPerS).toBeGreaterThan(2000);
    box.close();
  });
});

// The policy is the outbox's; both stores must give the same answers.
describe.each([
  ['memory', (): string => ':memory:'],
  ['a SQLite file', tempPath],
])('FleetOutbox on %s', (_name, store) => {
  it('orders batches by priority, then enqueue order, and honours limits and skips', () => {
    const box = new FleetOutbox({
      path: store(),
      routes: [
        defineRoute({ topic: '/map', type: T, priority: 10 }),
        defineRoute({ topic: '/alert', type: T, priority: 250 }),
      ],
    });
    box.enqueueMany('map', [bytes(1000), bytes(1000), bytes(1000)]);
    box.enqueue('alert', bytes(10));
    const batch = box.nextBatch(10, 1500);
    expect(batch.map((m) => `${m.route}#${m.seq}`)).toEqual(['alert#1', 'map#1']);
    expect(box.nextBatch(10, 1e9, { ids: batch.map((m) => m.id) }).map((m) => `${m.route}#${m.seq}`)).toEqual([
      'map#2',
      'map#3',
    ]);
    expect(box.nextBatch(10, 1e9, { routes: ['map'] }).map((m) => m.route)).toEqual(['alert']);
    expect(box.nextBatch(1, 1).length).toBe(1); // at least one, even over the byte limit
    expect(() => box.enqueue('nope', bytes(1))).toThrow(/route "nope" is not configured/);
  });

  it('applies byte caps with each drop policy, counted and reported', () => {
    const events: DropEvent[] = [];
    const box = new FleetOutbox({
      path: store(),
      onDrop: (e) => events.push(e),
      routes: [
        defineRoute({ topic: '/old', type: T, byteCap: 100, dropPolicy: 'drop-oldest' }),
        defineRoute({ topic: '/new', type: T, byteCap: 100, dropPolicy: 'drop-newest' }),
        defineRoute({ topic: '/rej', type: T, byteCap: 100, dropPolicy: 'reject' }),
      ],
    });
    for (let i = 0; i < 5; i++) box.enqueue('old', bytes(40, i));
    expect(box.bytes('old')).toBe(80);
    expect(box.nextBatch(10, 1e9, { routes: ['new', 'rej'] }).map((m) => m.payload[0])).toEqual([3, 4]);
    box.enqueueMany('new', [bytes(60), bytes(60)]);
    expect(box.bytes('new')).toBe(60);
    box.enqueue('rej', bytes(60));
    let err: unknown;
    try {
      box.enqueue('rej', bytes(60));
    } catch (e) {
      err = e;
    }
    expect(isOutpostError(err, 'OUTPOST_ERR_FLEET_QUEUE_FULL')).toBe(true);
    expect(box.enqueue('rej', bytes(30))).toBeDefined(); // the rejected one did not take a seq
    expect(box.nextBatch(10, 1e9, { routes: ['old', 'new'] }).map((m) => m.seq)).toEqual([1n, 2n]);
    expect(box.enqueue('old', bytes(101))).toBeUndefined();
    expect(box.dropped()).toMatchObject({
      old: { 'drop-oldest': 3, oversize: 1 },
      new: { 'drop-newest': 1 },
      rej: { reject: 1 },
    });
    expect(events.map((e) => `${e.route}:${e.reason}:${e.count}`)).toEqual([
      'old:drop-oldest:1',
      'old:drop-oldest:1',
      'old:drop-oldest:1',
      'new:drop-newest:1',
      'rej:reject:1',
      'old:oversize:1',
    ]);
  });

  it('latest-only keeps the newest message; expiry purges and counts', () => {
    const clock = new ManualClock(1_000_000_000n);
    const box = new FleetOutbox({
      path: store(),
      clock,
      routes: [
        defineRoute({ topic: '/pose', type: T, reliability: 'latest-only' }),
        defineRoute({ topic: '/hb', type: T, expirySec: 2 }),
      ],
    });
    for (let i = 0; i < 5; i++) box.enqueue('pose', bytes(8, i));
    expect(box.nextBatch(10, 1e9).map((m) => [m.seq, m.payload[0]])).toEqual([[5n, 4]]);
    box.enqueue('hb', bytes(1));
    clock.advance(1_000_000_000n);
    box.enqueue('hb', bytes(1));
    clock.advance(1_500_000_000n);
    expect(box.purgeExpired()).toBe(1);
    expect(box.lowSeq('hb')).toBe(2n);
    expect(box.dropped()).toMatchObject({ pose: { superseded: 4 }, hb: { expired: 1 } });
  });

  it('keeps call order across grouped and plain enqueues; a rejected send leaves its group committed', async () => {
    const box = new FleetOutbox({
      path: store(),
      routes: [defineRoute({ topic: '/rej', type: T, byteCap: 100, dropPolicy: 'reject' })],
    });
    const first = box.enqueueGrouped('rej', bytes(40, 1));
    const plain = box.enqueue('rej', bytes(40, 2)); // commits the waiting group first
    const refused = box.enqueueGrouped('rej', bytes(40, 3));
    const last = box.enqueueGrouped('rej', bytes(10, 4));
    expect((await first)!.seq).toBe(1n);
    expect(plain!.seq).toBe(2n);
    let err: unknown;
    await refused.catch((e: unknown) => {
      err = e;
    });
    expect(isOutpostError(err, 'OUTPOST_ERR_FLEET_QUEUE_FULL')).toBe(true);
    expect((await last)!.seq).toBe(3n);
    expect(box.nextBatch(10, 1e9).map((m) => m.payload[0])).toEqual([1, 2, 4]);
    const pending = box.enqueueGrouped('rej', bytes(1, 5));
    box.close(); // commits what is still waiting
    expect((await pending)!.seq).toBe(4n);
  });
});
