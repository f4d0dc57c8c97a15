import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../../runtime/OutpostError.js';
import { TileGrid } from './TileGrid.js';
import { decodeTileBatch, encodeTileBatch, minBatchBytes, packTileBatch, type TileRecord } from './TileTransfer.js';

const grid = new TileGrid({ width: 100, height: 64 }); // 4×2 tiles, last column 4 cells wide

function roomTile(id: number, seed: number): Int8Array {
  const n = grid.tileCellCount(id);
  return Int8Array.from({ length: n }, (_, i) => ((i * 7 + seed) % 97 < 8 ? 100 : (i + seed) % 53 < 20 ? -1 : 0));
}

function expectTileError(bytes: Uint8Array, message: RegExp): void {
  let caught: unknown;
  try {
    decodeTileBatch(bytes, grid);
  } catch (err) {
    caught = err;
  }
  expect(isOutpostError(caught, 'OUTPOST_ERR_MAP_TILE')).toBe(true);
  expect((caught as Error).message).toMatch(message);
}

describe('TileTransfer', () => {
  const tiles: TileRecord[] = [
    { origin: 'r2', tileId: 3, version: 4, data: roomTile(3, 1) },
    { origin: 'r1', tileId: 0, version: 1, data: roomTile(0, 2) },
    { origin: 'r2', tileId: 7, version: 300, data: roomTile(7, 3) },
  ];

  it('round-trips a batch, clipped edge tiles included, and compresses it', () => {
    const bytes = encodeTileBatch(tiles, grid);
    expect(decodeTileBatch(bytes, grid)).toEqual(tiles);
    expect(bytes.length).toBeLessThan((1024 + 128 + 128) / 2);
  });

  it('shares one deflate stream across the batch: smaller than per-tile streams', () => {
    const perTile = tiles.reduce((n, t) => n + deflateRawSync(t.data).length, 0);
    expect(encodeTileBatch(tiles, grid).length).toBeLessThan(perTile + 20);
  });

  it('packs a prefix within the budget, so a large transfer goes out in pieces', () => {
    const g = new TileGrid({ width: 640, height: 480 });
    const many: TileRecord[] = Array.from({ length: 120 }, (_, id) => ({
      origin: 'r1',
      tileId: id,
      version: 1,
      data: Int8Array.from({ length: 1024 }, (_, i) =>
        (i * 31 + id * 17) % 101 < 30 ? 100 : (i * 13 + id) % 7 === 0 ? -1 : 0,
      ),
    }));
    const budget = 4096;
    let rest = many;
    const got: TileRecord[] = [];
    while (rest.length > 0) {
      const { bytes, count } = packTileBatch(rest, g, budget);
      expect(bytes.length).toBeLessThanOrEqual(budget);
      expect(count).toBeGreaterThan(0);
      got.push(...decodeTileBatch(bytes, g));
      rest = rest.slice(count);
    }
    expect(got).toEqual(many);
    expect(() => packTileBatch(many, g, 100)).toThrow(
      new RegExp(`budget must be an integer ≥ ${minBatchBytes(g)} bytes`),
    );
  });

  it('always fits one incompressible tile in the least budget', () => {
    let seed = 5;
    const noise = Int8Array.from(
      { length: 1024 },
      () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % 102) - 1,
    );
    const g = new TileGrid({ width: 64, height: 64 });
    const { bytes, count } = packTileBatch(
      [{ origin: 'x'.repeat(64), tileId: 3, version: 2 ** 32 - 1, data: noise }],
      g,
      minBatchBytes(g),
    );
    expect(count).toBe(1);
    expect(bytes.length).toBeLessThanOrEqual(minBatchBytes(g));
  });

  it('rejects malformed batches with OUTPOST_ERR_MAP_TILE, naming what is wrong', () => {
    const good = encodeTileBatch(tiles, grid);
    expectTileError(new Uint8Array([0x54, 0x42]), /expected at least a 4-byte header/);
    expectTileError(Uint8Array.from([0x54, 0x53, 1, 0, 0]), /bad magic/);
    for (let cut = 4; cut < good.length; cut++)
      expect(() => decodeTileBatch(good.subarray(0, cut), grid)).toThrow(/tile batch: /);
    const mk = (origins: string[], heads: number[][], cells: Uint8Array): Uint8Array => {
      const enc = new TextEncoder();
      const parts = [
        0x54,
        0x42,
        1,
        0,
        origins.length,
        ...origins.flatMap((o) => [o.length, ...enc.encode(o)]),
        heads.length,
        ...heads.flat(),
      ];
      return Uint8Array.from([...parts, ...deflateRawSync(cells)]);
    };
    expectTileError(mk(['a'], [[1, 0, 1]], new Uint8Array(1024)), /tile 0 names origin 1, but the batch has 1/);
    expectTileError(mk(['a'], [[0, 8, 1]], new Uint8Array(1024)), /tile id 8 is outside the map \(8 tiles/);
    expectTileError(mk(['a'], [[0, 0, 0]], new Uint8Array(1024)), /has version 0/);
    expectTileError(
      mk(
        ['a'],
        [
          [0, 0, 1],
          [0, 0, 2],
        ],
        new Uint8Array(2048),
      ),
      /tile 0 of "a" appears twice/,
    );
    expectTileError(mk(['a'], [[0, 0, 1]], new Uint8Array(1000)), /inflate to 1000 byte\(s\), expected 1024/);
    expectTileError(mk(['a'], [[0, 3, 1]], new Uint8Array(1024)), /do not inflate to the 128 byte\(s\)/);
    expectTileError(mk(['a'], [[0, 0, 1]], new Uint8Array(1024).fill(120)), /cell 0 is 120, expected −1\.\.100/);
    expectTileError(mk(['b', 'a'], [], new Uint8Array(0)), /origin "a" is out of order or repeated/);
  });

  it('never crashes on random bytes', () => {
    let seed = 9;
    const rand = (n: number): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from({ length: 4 + rand(60) }, () => rand(256));
      bytes.set([0x54, 0x42, 1, 0]);
      try {
        decodeTileBatch(bytes, grid);
      } catch (err) {
        expect(isOutpostError(err, 'OUTPOST_ERR_MAP_TILE')).toBe(true);
      }
    }
  });
});

describe('packTileBatch with remembered tile sizes', () => {
  it('packs the same batches the second time (sizes from memory) as from fresh copies of the tiles', () => {
    const g = new TileGrid({ width: 256, height: 256, tileSize: 32 });
    let seed = 4;
    const rand = (n: number): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    const tiles: TileRecord[] = Array.from({ length: 40 }, (_, i) => ({
      origin: `r${i % 3}`,
      tileId: i,
      version: 1 + rand(5),
      data: Int8Array.from({ length: 1024 }, () => (rand(4) === 0 ? rand(101) : [-1, 0, 100][rand(3)]!)),
    }));
    for (const budget of [minBatchBytes(g), 3000, 20_000]) {
      const first = packTileBatch(tiles, g, budget);
      const again = packTileBatch(tiles, g, budget);
      const fresh = packTileBatch(
        tiles.map((t) => ({ ...t, data: t.data.slice() })),
        g,
        budget,
      );
      expect(again.count).toBe(first.count);
      expect(fresh.count).toBe(first.count);
      expect(Buffer.from(again.bytes).equals(Buffer.from(fresh.bytes))).toBe(true);
    }
  });
});
