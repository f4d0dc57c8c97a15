import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryOutboxStore } from './MemoryOutboxStore.js';
import type { OutboxStore, StoredMessage } from './OutboxStore.js';
import { SqliteOutboxStore } from './SqliteOutboxStore.js';

const ROUTES = ['map', 'pose', 'alert'] as const;
const PRIORITY: Record<(typeof ROUTES)[number], number> = { map: 10, pose: 100, alert: 250 };

type Op =
  | { op: 'insert'; route: (typeof ROUTES)[number]; size: number; expires: number | null }
  | { op: 'delete'; pick: number }
  | { op: 'deleteRoute'; route: (typeof ROUTES)[number] }
  | { op: 'deleteExpired'; now: number }
  | { op: 'page'; pick: number; limit: number }
  | { op: 'txn'; ops: Op[]; fail: boolean };

const leaf: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('insert' as const),
    route: fc.constantFrom(...ROUTES),
    size: fc.integer({ min: 1, max: 50 }),
    expires: fc.option(fc.integer({ min: 0, max: 100 })),
  }),
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat(200) }),
  fc.record({ op: fc.constant('deleteRoute' as const), route: fc.constantFrom(...ROUTES) }),
  fc.record({ op: fc.constant('deleteExpired' as const), now: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ op: fc.constant('page' as const), pick: fc.nat(200), limit: fc.integer({ min: 1, max: 8 }) }),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: leaf },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('txn' as const),
      ops: fc.array(leaf, { maxLength: 6 }),
      fail: fc.boolean(),
    }),
  },
);

/** Runs one op on a store and returns what an outbox could observe of it. */
function apply(store: OutboxStore, o: Op, seqs: Map<string, bigint>): unknown {
  switch (o.op) {
    case 'insert': {
      const seq = seqs.get(o.route) ?? 1n;
      seqs.set(o.route, seq + 1n);
      return store.insert({
        route: o.route,
        seq,
        priority: PRIORITY[o.route],
        reliability: 'reliable',
        type: 'std_msgs/msg/String',
        stamp: 5n,
        expiresAt: o.expires === null ? null : BigInt(o.expires),
        size: o.size,
        payload: new Uint8Array(o.size).fill(o.size),
      });
    }
    case 'delete':
      return store.delete(BigInt(o.pick % 40));
    case 'deleteRoute':
      return store.deleteRoute(o.route);
    case 'deleteExpired':
      return store.deleteExpired(BigInt(o.now));
    case 'page': {
      // A cursor somewhere in the drain order, or before it.
      const all = store.page(256, 0n, 1000);
      const at = all[o.pick % (all.length + 1)];
      return store.page(at?.priority ?? 256, at?.id ?? 0n, o.limit);
    }
    case 'txn':
      try {
        return store.transaction(() => {
          const out = o.ops.map((x) => apply(store, x, seqs));
          if (o.fail) throw new Error('roll back');
          return out;
        });
      } catch {
        return 'rolled back';
      }
  }
}

/** Everything a store holds, in drain order, with per-route figures. */
function contents(store: OutboxStore): unknown {
  const messages = store.page(256, 0n, 10_000).map((e) => {
    const m: StoredMessage = store.take(e.id);
    return { ...m, payload: [...m.payload] };
  });
  const totals = [...store.totals()].sort((a, b) => a.route.localeCompare(b.route));
  return { messages, totals, low: ROUTES.map((r) => store.lowSeq(r)), oldest: ROUTES.map((r) => store.oldest(r)) };
}

describe('MemoryOutboxStore', () => {
  it('answers every operation as the SQLite store does, rollbacks included (generated sequences)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const mem = new MemoryOutboxStore();
        const sql = new SqliteOutboxStore(':memory:', 'NORMAL');
        // The outbox keeps seqs itself; a rolled-back insert must not hand its seq out twice here either.
        const memSeqs = new Map<string, bigint>();
        const sqlSeqs = new Map<string, bigint>();
        try {
          for (const o of ops) {
            const a = apply(mem, o, memSeqs);
            const b = apply(sql, o, sqlSeqs);
            expect(normalise(a)).toEqual(normalise(b));
            expect(contents(mem)).toEqual(contents(sql));
          }
        } finally {
          sql.close();
        }
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  it('keeps saved seqs, and takes them back with a rolled-back transaction', () => {
    const store = new MemoryOutboxStore();
    store.saveSeq('map', 4n);
    expect(() =>
      store.transaction(() => {
        store.saveSeq('map', 9n);
        store.saveSeq('pose', 2n);
        throw new Error('no');
      }),
    ).toThrow('no');
    expect([...store.savedSeqs()]).toEqual([['map', 4n]]);
  });
});

/** Payload bytes compare as arrays (SQLite hands back Buffers). */
function normalise(v: unknown): unknown {
  if (v === undefined) return undefined;
  return JSON.parse(
    JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? [...x] : x)),
  );
}
