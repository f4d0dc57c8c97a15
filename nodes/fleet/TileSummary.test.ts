import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../../runtime/OutpostError.js';
import { TiledMap } from './TiledMap.js';
import { TileSummary, diff } from './TileSummary.js';

function summary(entries: Record<string, Array<[number, number]>>): TileSummary {
  return new TileSummary(new Map(Object.entries(entries).map(([o, t]) => [o, new Map(t)])));
}

function expectSummaryError(bytes: Uint8Array, message: RegExp, tileCount?: number): void {
  let caught: unknown;
  try {
    TileSummary.decode(bytes, tileCount);
  } catch (err) {
    caught = err;
  }
  expect(isOutpostError(caught, 'OUTPOST_ERR_MAP_SUMMARY')).toBe(true);
  expect((caught as Error).message).toMatch(message);
}

describe('TileSummary', () => {
  it('summarises a map: origin → tile → version', () => {
    const m = new TiledMap({ self: 'r1', width: 64, height: 64 });
    m.updateOwn([{ x: 0, y: 0, value: 0 }]);
    m.updateOwn([{ x: 1, y: 0, value: 0 }]);
    m.applyTile('r2', 3, 7, new Int8Array(1024));
    const s = TileSummary.of(m);
    expect(s.version('r1', 0)).toBe(2);
    expect(s.version('r2', 3)).toBe(7);
    expect(s.version('r2', 0)).toBe(0);
    expect(s.size).toBe(2);
  });

  it('round-trips, plain and deflated, and is compact', () => {
    const tiles = Array.from({ length: 300 }, (_, i) => [i, 1 + (i % 5)] as [number, number]);
    const s = summary({ r1: tiles, r2: tiles.slice(0, 40), 'r3-ü': [[299, 1]] });
    for (const deflate of [false, true]) {
      const bytes = s.encode({ deflate });
      const back = TileSummary.decode(bytes, 300);
      expect(back.versions).toEqual(s.versions);
    }
    // 341 entries: ids delta-coded to one 0 byte each, versions one byte: ~2 bytes per entry plain.
    expect(s.encode({ deflate: false }).length).toBeLessThanOrEqual(2 * 341 + 24);
    expect(s.encode().length).toBeLessThan(120);
    expect(TileSummary.decode(new TileSummary(new Map()).encode()).size).toBe(0);
  });

  it('diffs: what the peer lacks or holds older', () => {
    const mine = summary({
      a: [
        [0, 3],
        [1, 1],
        [5, 2],
      ],
      b: [[2, 1]],
    });
    const theirs = summary({
      a: [
        [0, 3],
        [1, 4],
        [5, 1],
      ],
      c: [[9, 9]],
    });
    expect(diff(mine, theirs)).toEqual([
      { origin: 'a', tileId: 5, version: 2 },
      { origin: 'b', tileId: 2, version: 1 },
    ]);
    expect(diff(theirs, mine)).toEqual([
      { origin: 'a', tileId: 1, version: 4 },
      { origin: 'c', tileId: 9, version: 9 },
    ]);
    expect(diff(mine, mine)).toEqual([]);
  });

  it('rejects garbage, truncation and out-of-range values with a clear error', () => {
    const good = summary({
      r1: [
        [0, 1],
        [7, 2],
      ],
      r2: [[3, 1]],
    }).encode({ deflate: false });
    expectSummaryError(new Uint8Array([0x54]), /expected at least a 4-byte header, got 1 byte/);
    expectSummaryError(new Uint8Array([1, 2, 3, 4, 5]), /bad magic 01 02/);
    expectSummaryError(Uint8Array.from([0x54, 0x53, 9, 0]), /format 9 is not supported/);
    expectSummaryError(Uint8Array.from([0x54, 0x53, 1, 0x80]), /unknown flags 0x80/);
    for (let cut = 4; cut < good.length; cut++) {
      expect(() => TileSummary.decode(good.subarray(0, cut))).toThrow(/tile summary: /);
    }
    expectSummaryError(Uint8Array.from([...good, 0]), /1 unexpected trailing byte/);
    expectSummaryError(good, /tile id 7 of "r1" is outside the map \(5 tiles\)/, 5);
    expectSummaryError(Uint8Array.from([0x54, 0x53, 1, 0, 1, 2, 0x72, 0x31, 1, 0, 0]), /tile 0 of "r1" has version 0/);
    expectSummaryError(
      Uint8Array.from([0x54, 0x53, 1, 0, 2, 1, 0x62, 0, 1, 0x61, 0]),
      /origin "a" is out of order or repeated/,
    );
    expectSummaryError(Uint8Array.from([0x54, 0x53, 1, 0, 0xff, 0xff, 0x03]), /origin count 65535 does not fit/);
    expectSummaryError(Uint8Array.from([0x54, 0x53, 1, 1, 0xde, 0xad, 0xbe, 0xef]), /deflated body does not inflate/);
  });

  it('never crashes on random bytes', () => {
    let seed = 11;
    const rand = (n: number): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from({ length: 4 + rand(40) }, () => rand(256));
      bytes.set([0x54, 0x53, 1, rand(2)]);
      try {
        TileSummary.decode(bytes, 300);
      } catch (err) {
        expect(isOutpostError(err, 'OUTPOST_ERR_MAP_SUMMARY')).toBe(true);
      }
    }
  });
});
