import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../runtime/msg/defaultRegistry.js';
import { isOutpostError } from '../../runtime/OutpostError.js';
import { MAP_SUMMARY_TYPE, MAP_TILES_TYPE, MapSyncSession, type SyncMessage } from './MapSyncSession.js';
import { TiledMap } from './TiledMap.js';
import { decodeTileBatch } from './TileTransfer.js';

const W = 160;
const H = 96;

/** Ground truth: walls every 40 cells with doorways, a border, and some pillars. 0 free, 100 occupied. */
function truth(): Int8Array {
  const t = new Int8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const border = x === 0 || y === 0 || x === W - 1 || y === H - 1;
      const wall = x % 40 === 0 && y % 48 > 6;
      const pillar = x % 13 === 5 && y % 11 === 3;
      t[y * W + x] = border || wall || pillar ? 100 : 0;
    }
  }
  return t;
}

const TRUTH = truth();

function robot(id: string): TiledMap {
  return new TiledMap({ self: id, width: W, height: H, resolution: 0.1 });
}

/** The robot observes a rectangle of the ground truth (x0..x1, y0..y1 exclusive). */
function observe(map: TiledMap, x0: number, y0: number, x1: number, y1: number): void {
  const cells = [];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) cells.push({ x, y, value: TRUTH[y * W + x]! });
  map.updateOwn(cells);
}

/** Like observe, but with a mapper's uncertain probabilities: cells that deflate poorly (forces many batches). */
function observeNoisy(map: TiledMap, x0: number, y0: number, x1: number, y1: number): void {
  const cells = [];
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++)
      cells.push({ x, y, value: ((Math.imul(x + 1, 73_856_093) ^ Math.imul(y + 1, 19_349_663)) >>> 0) % 101 });
  map.updateOwn(cells);
}

type Link = (messages: SyncMessage[]) => SyncMessage[];
const perfect: Link = (m) => m;

/** Runs one contact to quiescence: both open, messages flow through `link` each way until nothing is left. */
function contact(
  a: MapSyncSession,
  b: MapSyncSession,
  link: Link = perfect,
  maxRounds = 50,
): { bytes: number; messages: SyncMessage[] } {
  const log: SyncMessage[] = [];
  let toB = [a.open()];
  let toA = [b.open()];
  for (let round = 0; round < maxRounds && (toA.length > 0 || toB.length > 0); round++) {
    const inB = link(toB);
    const inA = link(toA);
    log.push(...toB, ...toA);
    toA = inB.flatMap((m) => b.receive(m));
    toB = inA.flatMap((m) => a.receive(m));
    toB.push(...a.drain());
    toA.push(...b.drain());
  }
  a.close();
  b.close();
  return { bytes: log.reduce((n, m) => n + m.bytes.length, 0), messages: log };
}

function pair(a: TiledMap, b: TiledMap, maxBatchBytes?: number): [MapSyncSession, MapSyncSession] {
  return [
    new MapSyncSession({ map: a, peer: b.self, maxBatchBytes }),
    new MapSyncSession({ map: b, peer: a.self, maxBatchBytes }),
  ];
}

function same(a: TiledMap, b: TiledMap): boolean {
  return Buffer.from(a.merged().buffer).equals(Buffer.from(b.merged().buffer));
}

describe('MapSyncSession', () => {
  it('two robots with different partial maps hold byte-identical merged maps after one contact', () => {
    const a = robot('a');
    const b = robot('b');
    observe(a, 0, 0, 90, 60);
    observe(b, 60, 30, 160, 96);
    expect(same(a, b)).toBe(false);
    const [sa, sb] = pair(a, b);
    contact(sa, sb);
    expect(same(a, b)).toBe(true);
    // Where either observed, the merged map is the ground truth (both saw the same truth).
    const merged = a.merged();
    expect(merged[10 * W + 10]).toBe(TRUTH[10 * W + 10]);
    expect(merged[90 * W + 150]).toBe(TRUTH[90 * W + 150]);
    expect(merged[90 * W + 10]).toBe(-1);
    expect(sa.stats.tilesApplied + sb.stats.tilesApplied).toBe(a.layer('a').size + b.layer('b').size);
  });

  it('a chain A–B–C converges through B, though A and C never meet', () => {
    const [a, b, c] = [robot('a'), robot('b'), robot('c')];
    observe(a, 0, 0, 50, 96);
    observe(b, 50, 0, 110, 96);
    observe(c, 110, 0, 160, 96);
    const [ab, ba] = pair(a, b);
    const [bc, cb] = pair(b, c);
    contact(ab, ba);
    contact(bc, cb);
    expect(same(b, c)).toBe(true);
    expect(c.layer('a').size).toBe(a.layer('a').size); // relayed by B, with A's versions
    observe(c, 120, 10, 150, 40); // C keeps exploring (changes some tiles: new versions)
    observe(a, 0, 0, 20, 20);
    contact(ab, ba);
    contact(bc, cb);
    contact(ab, ba);
    expect(same(a, b) && same(b, c)).toBe(true);
    expect(a.tileVersion('c', c.grid.tileIdAt(130, 20))).toBe(c.tileVersion('c', c.grid.tileIdAt(130, 20)));
  });

  it('relays within a connected group during one contact: B forwards what A sends on to C', () => {
    const [a, b, c] = [robot('a'), robot('b'), robot('c')];
    const [ab, ba] = pair(a, b);
    const [bc, cb] = pair(b, c);
    for (const [x, y] of [
      [ba, ab],
      [cb, bc],
    ] as const)
      y.receive(x.open()).forEach((m) => {
        x.receive(m);
      });
    observe(a, 0, 0, 64, 64);
    for (const m of ab.drain()) ba.receive(m);
    for (const m of bc.drain()) cb.receive(m);
    expect(same(a, c)).toBe(true);
  });

  it('converges despite duplicated, reordered and lost messages', () => {
    const a = robot('a');
    const b = robot('b');
    observe(a, 0, 0, 100, 96);
    observe(b, 70, 0, 160, 96);
    const [sa, sb] = pair(a, b, 2048);
    let seed = 42;
    const rand = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const lossy: Link = (msgs) => {
      const out = msgs.filter(() => rand() > 0.3).flatMap((m) => (rand() < 0.3 ? [m, m] : [m]));
      return out.sort(() => rand() - 0.5);
    };
    let contacts = 0;
    while (!same(a, b) && contacts < 20) {
      contact(sa, sb, lossy);
      contacts++;
    }
    expect(same(a, b)).toBe(true);
    expect(sa.stats.tilesStale + sb.stats.tilesStale).toBeGreaterThan(0); // duplicates arrived and were dropped
  });

  it('a transfer cut mid-way resumes on the next contact without resending what arrived', () => {
    const a = robot('a');
    const b = robot('b');
    observeNoisy(a, 0, 0, 160, 96); // 15 tiles
    const [sa, sb] = pair(a, b, 2048);
    sa.receive(sb.open()).forEach((m) => {
      sb.receive(m);
    });
    const batches = sa.drain();
    expect(batches.length).toBeGreaterThan(3);
    const delivered = batches.slice(0, 2);
    for (const m of delivered) sb.receive(m);
    sa.close();
    sb.close(); // the link broke
    const arrived = b.layer('a').size;
    expect(arrived).toBe(
      delivered.reduce(
        (n, m) =>
          n +
          decodeTileBatch(defaultRegistry().decode<{ payload: Uint8Array }>(MAP_TILES_TYPE, m.bytes).payload, a.grid)
            .length,
        0,
      ),
    );
    const sentBefore = sa.stats.tilesSent;
    contact(sa, sb);
    expect(sa.stats.tilesSent - sentBefore).toBe(a.layer('a').size - arrived);
    expect(sb.stats.tilesStale).toBe(0);
    expect(same(a, b)).toBe(true);
  });

  it('a second contact without changes sends only the two summaries', () => {
    const a = robot('a');
    const b = robot('b');
    observeNoisy(a, 0, 0, 90, 60);
    observeNoisy(b, 60, 30, 160, 96);
    const [sa, sb] = pair(a, b);
    const first = contact(sa, sb);
    const batches = sa.stats.batchesSent + sb.stats.batchesSent;
    const second = contact(sa, sb);
    expect(second.messages.map((m) => m.type)).toEqual([MAP_SUMMARY_TYPE, MAP_SUMMARY_TYPE]);
    expect(second.bytes).toBeLessThan(250);
    expect(second.bytes * 10).toBeLessThan(first.bytes);
    expect(sa.stats.batchesSent + sb.stats.batchesSent).toBe(batches);
  });

  it('answers a summary once when only the peer noticed the contact', () => {
    const a = robot('a');
    const b = robot('b');
    observe(b, 0, 0, 32, 32);
    const [sa, sb] = pair(a, b);
    const replies = sb.receive(sa.open());
    expect(replies.map((m) => m.type)).toEqual([MAP_SUMMARY_TYPE]);
    expect(replies.flatMap((m) => sa.receive(m))).toEqual([]);
    for (const m of sb.drain()) sa.receive(m);
    expect(same(a, b)).toBe(true);
  });

  it('merges the same whatever order batches arrive in', () => {
    const build = (reverse: boolean): Int8Array => {
      const a = robot('a');
      const b = robot('b');
      const c = robot('c');
      observe(a, 0, 0, 100, 96);
      observe(b, 50, 0, 160, 96);
      const [ac, ca] = pair(a, c, 2048);
      const [bc, cb] = pair(b, c, 2048);
      ac.receive(ca.open());
      bc.receive(cb.open());
      const batches = [...ac.drain(), ...bc.drain()];
      if (reverse) batches.reverse();
      for (const m of batches) routeTo(m, ca, cb);
      return c.merged();
    };
    const routeTo = (m: SyncMessage, ca: MapSyncSession, cb: MapSyncSession): void => {
      const robotId = defaultRegistry().decode<{ robot: string }>(MAP_TILES_TYPE, m.bytes).robot;
      (robotId === 'a' ? ca : cb).receive(m);
    };
    expect(Buffer.from(build(false).buffer).equals(Buffer.from(build(true).buffer))).toBe(true);
  });

  it('sends tiles nearest the peer first', () => {
    const a = robot('a');
    const b = robot('b');
    observeNoisy(a, 0, 0, 160, 96);
    const far = b.grid.tileIdAt(150, 90);
    const sa = new MapSyncSession({ map: a, peer: 'b', maxBatchBytes: 2048 });
    const sb = new MapSyncSession({ map: b, peer: 'a', focusTile: () => far });
    sa.receive(sb.open());
    const first = decodeTileBatch(
      defaultRegistry().decode<{ payload: Uint8Array }>(MAP_TILES_TYPE, sa.nextBatch()!.bytes).payload,
      a.grid,
    );
    expect(first[0]!.tileId).toBe(far);
    const distances = first.map((t) => a.grid.tileDistance(t.tileId, far));
    expect(distances.length).toBeLessThan(15);
    expect(distances).toEqual([...distances].sort((x, y) => x - y));
  });

  it('rejects malformed or misaddressed messages with OutpostError and keeps its state', () => {
    const a = robot('a');
    const b = robot('b');
    observe(b, 0, 0, 40, 40);
    const [sa, sb] = pair(a, b);
    const before = a.merged();
    const reg = defaultRegistry();
    const goodSummary = reg.decode<Record<string, unknown>>(MAP_SUMMARY_TYPE, sb.open().bytes);
    for (const m of sa.receive({ type: MAP_SUMMARY_TYPE, bytes: reg.encode(MAP_SUMMARY_TYPE, goodSummary) }))
      sb.receive(m);
    const goodTiles = reg.decode<Record<string, unknown>>(MAP_TILES_TYPE, sb.drain()[0]!.bytes);
    sa.close();
    const cases: Array<[SyncMessage, string, RegExp]> = [
      [
        { type: MAP_SUMMARY_TYPE, bytes: new Uint8Array([0, 1, 0]) },
        'OUTPOST_ERR_MAP_SUMMARY',
        /map sync from b: .*expected at least the 4-byte CDR/,
      ],
      [
        {
          type: MAP_SUMMARY_TYPE,
          bytes: reg.encode(MAP_SUMMARY_TYPE, { ...goodSummary, payload: new Uint8Array([0x54, 0x53, 1, 0, 5]) }),
        },
        'OUTPOST_ERR_MAP_SUMMARY',
        /tile summary: origin count 5 does not fit/,
      ],
      [
        { type: MAP_SUMMARY_TYPE, bytes: reg.encode(MAP_SUMMARY_TYPE, { ...goodSummary, robot: 'z' }) },
        'OUTPOST_ERR_MAP_SUMMARY',
        /from "z" to "a" reached the session of a with b/,
      ],
      [
        { type: MAP_SUMMARY_TYPE, bytes: reg.encode(MAP_SUMMARY_TYPE, { ...goodSummary, width: 200 }) },
        'OUTPOST_ERR_MAP_GEOMETRY',
        /b's map is 200×96 cells .* ours is 160×96/,
      ],
      [
        {
          type: MAP_TILES_TYPE,
          bytes: reg.encode(MAP_TILES_TYPE, {
            ...goodTiles,
            payload: (goodTiles.payload as Uint8Array).subarray(0, 30),
          }),
        },
        'OUTPOST_ERR_MAP_TILE',
        /tile batch: /,
      ],
      [{ type: MAP_TILES_TYPE, bytes: new Uint8Array(64).fill(0xff) }, 'OUTPOST_ERR_MAP_TILE', /map sync from b/],
    ];
    for (const [msg, code, message] of cases) {
      let caught: unknown;
      try {
        sa.receive(msg);
      } catch (err) {
        caught = err;
      }
      expect(isOutpostError(caught, code as 'OUTPOST_ERR_MAP_TILE')).toBe(true);
      expect((caught as Error).message).toMatch(message);
    }
    expect(sa.synced).toBe(false);
    expect(a.merged()).toEqual(before);
    expect(sa.stats.tilesApplied).toBe(0);
    // The good batch still applies afterwards.
    sa.receive({ type: MAP_TILES_TYPE, bytes: reg.encode(MAP_TILES_TYPE, goodTiles) });
    expect(sa.stats.tilesApplied).toBeGreaterThan(0);
  });
});

describe('MapSyncSession.drain (wanted tiles sorted once)', () => {
  it('gives the same batches, bytes and stats as asking nextBatch until nothing is left', () => {
    for (const budget of [2048, 4096, 16 * 1024]) {
      const run = (useDrain: boolean): { bytes: string[]; stats: string } => {
        const a = robot('a');
        const c = robot('c');
        observeNoisy(a, 0, 0, 100, 96);
        observe(c, 60, 0, 160, 60);
        const b = robot('b');
        const [sc, scb] = pair(c, a, budget); // a learns c's layer, so a relays two origins
        sc.receive(scb.open()).forEach((m) => {
          scb.receive(m);
        });
        for (const m of sc.drain()) scb.receive(m);
        const [sa, sb] = pair(a, b, budget);
        sa.receive(sb.open()).forEach((m) => {
          sb.receive(m);
        });
        const out: SyncMessage[] = [];
        if (useDrain) out.push(...sa.drain());
        else for (let m = sa.nextBatch(); m !== undefined; m = sa.nextBatch()) out.push(m);
        return { bytes: out.map((m) => Buffer.from(m.bytes).toString('hex')), stats: JSON.stringify(sa.stats) };
      };
      const drained = run(true);
      if (budget === 2048) expect(drained.bytes.length).toBeGreaterThan(3);
      expect(drained).toEqual(run(false));
    }
  });
});
