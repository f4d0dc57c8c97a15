import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TileSummary } from '../../nodes/fleet/TileSummary.js';
import { bytesFor, corpus, decodesOrRefuses, fromHex, fuzz, fuzzTimeoutMs, hex } from './FuzzKit.js';

// Tile summaries (nodes/fleet/TileSummary.ts) are exchanged on every contact: generated summaries
// round-trip (plain and deflated), mutated ones decode or raise OUTPOST_ERR_MAP_SUMMARY, and a
// deflate bomb or a huge count is refused without expanding.

const TILE_COUNT = 5000;
const summary: fc.Arbitrary<TileSummary> = fc
  .dictionary(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((s) => Buffer.byteLength(s) <= 64),
    fc.array(fc.tuple(fc.integer({ min: 0, max: TILE_COUNT - 1 }), fc.integer({ min: 1, max: 2 ** 32 - 1 })), {
      maxLength: 40,
    }),
    { maxKeys: 4 },
  )
  .map((d) => new TileSummary(new Map(Object.entries(d).map(([o, ts]) => [o, new Map(ts)]))));

const encoded = fc.tuple(summary, fc.boolean()).map(([s, deflate]) => s.encode({ deflate }));

describe('tile summaries under generated and mutated bytes', { timeout: fuzzTimeoutMs() }, () => {
  it('round-trips generated summaries, deflated or not', async () => {
    await fuzz(fc.tuple(summary, fc.boolean()), ([s, deflate]) => {
      const back = TileSummary.decode(s.encode({ deflate }), TILE_COUNT);
      const nonEmpty = [...s.versions].filter(([, ts]) => ts.size > 0);
      expect(back.versions).toEqual(new Map(nonEmpty));
    });
  });

  it('decodes or refuses with OUTPOST_ERR_MAP_SUMMARY every mutated summary', async () => {
    await fuzz(bytesFor(encoded, Uint8Array.of(0x54, 0x53, 1, 0)), (bytes) => {
      decodesOrRefuses(
        () => TileSummary.decode(bytes, TILE_COUNT),
        ['OUTPOST_ERR_MAP_SUMMARY'],
        () => hex(bytes),
      );
      decodesOrRefuses(
        () => TileSummary.decode(bytes),
        ['OUTPOST_ERR_MAP_SUMMARY'],
        () => hex(bytes),
      );
    });
  });

  it('refuses a deflate bomb and a 2^32-1 count without expanding them', async () => {
    const { deflateRawSync } = await import('node:zlib');
    const bomb = Buffer.concat([Uint8Array.of(0x54, 0x53, 1, 1), deflateRawSync(new Uint8Array(64 * 1024 * 1024))]);
    expect(() =>
      decodesOrRefuses(
        () => TileSummary.decode(bomb),
        ['OUTPOST_ERR_MAP_SUMMARY'],
        () => 'bomb',
      ),
    ).not.toThrow();
    expect(() => TileSummary.decode(bomb)).toThrow(/does not inflate/);
    expect(() => TileSummary.decode(fromHex('54530100ffffffff0f'))).toThrow(/does not fit/);
  });

  it('replays every summary that ever failed', async () => {
    for (const { input, why } of corpus('tile-summary')) {
      decodesOrRefuses(
        () => TileSummary.decode(fromHex(input)),
        ['OUTPOST_ERR_MAP_SUMMARY'],
        () => why,
      );
    }
  });
});
