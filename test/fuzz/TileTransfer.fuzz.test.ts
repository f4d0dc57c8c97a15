import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TileGrid } from '../../nodes/fleet/TileGrid.js';
import { decodeTileBatch, encodeTileBatch, type TileRecord } from '../../nodes/fleet/TileTransfer.js';
import { bytesFor, corpus, decodesOrRefuses, fromHex, fuzz, fuzzTimeoutMs, hex } from './FuzzKit.js';

// Tile batches (nodes/fleet/TileTransfer.ts) carry map tiles between robots: generated batches
// round-trip, mutated ones decode or raise OUTPOST_ERR_MAP_TILE, and a huge count or length is
// refused before anything of its size is allocated.

const grid = new TileGrid({ width: 100, height: 70, tileSize: 16 });
const origin = fc.constantFrom('r1', 'r2', 'robot-ü', 'x'.repeat(64));
const cell = fc.oneof(fc.constant(-1), fc.constant(0), fc.constant(100), fc.integer({ min: -1, max: 100 }));

const tiles: fc.Arbitrary<TileRecord[]> = fc
  .uniqueArray(fc.tuple(origin, fc.integer({ min: 0, max: grid.tileCount - 1 })), {
    maxLength: 5,
    selector: ([o, id]) => `${o}:${id}`,
  })
  .chain((keys) =>
    fc.tuple(
      ...keys.map(([o, id]) =>
        fc.record({
          origin: fc.constant(o),
          tileId: fc.constant(id),
          version: fc.integer({ min: 1, max: 2 ** 32 - 1 }),
          data: fc.oneof(
            fc.constant(new Int8Array(grid.tileCellCount(id)).fill(-1)),
            fc
              .array(cell, { minLength: grid.tileCellCount(id), maxLength: grid.tileCellCount(id) })
              .map((a) => Int8Array.from(a)),
          ),
        }),
      ),
    ),
  );

describe('tile batches under generated and mutated bytes', { timeout: fuzzTimeoutMs() }, () => {
  it('round-trips generated batches', async () => {
    await fuzz(tiles, (ts) => {
      expect(decodeTileBatch(encodeTileBatch(ts, grid), grid)).toEqual(ts);
    });
  });

  it('decodes or refuses with OUTPOST_ERR_MAP_TILE every mutated batch', async () => {
    await fuzz(
      bytesFor(
        tiles.map((ts) => encodeTileBatch(ts, grid)),
        Uint8Array.of(0x54, 0x42, 1, 0),
      ),
      (bytes) => {
        decodesOrRefuses(
          () => decodeTileBatch(bytes, grid),
          ['OUTPOST_ERR_MAP_TILE'],
          () => hex(bytes),
        );
      },
    );
  });

  it('refuses 2^32-1 origins or tiles before allocating for them', async () => {
    for (const bytes of [fromHex('54420100ffffffff0f'), fromHex('5442010001027231ffffffff0f000101')]) {
      expect(() => decodeTileBatch(bytes, grid)).toThrow(/does not fit/);
    }
  });

  it('replays every batch that ever failed', async () => {
    for (const { input, why } of corpus('tile-batch')) {
      decodesOrRefuses(
        () => decodeTileBatch(fromHex(input), grid),
        ['OUTPOST_ERR_MAP_TILE'],
        () => why,
      );
    }
  });
});
