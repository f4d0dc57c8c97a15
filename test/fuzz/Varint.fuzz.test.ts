import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_VARINT, VarintReader, VarintWriter } from '../../nodes/fleet/Varint.js';
import { bytesFor, corpus, decodesOrRefuses, fromHex, fuzz, fuzzTimeoutMs, hex } from './FuzzKit.js';

// The LEB128 varints under the map-sync formats (nodes/fleet/Varint.ts): written values read back,
// and any bytes read as a sequence of uints and strings either read or raise the reader's code.

type Item = { kind: 'uint'; value: number } | { kind: 'string'; value: string };
const items: fc.Arbitrary<Item[]> = fc.array(
  fc.oneof(
    fc.record({
      kind: fc.constant('uint' as const),
      value: fc.oneof(fc.integer({ min: 0, max: MAX_VARINT }), fc.constantFrom(0, 127, 128, 16383, 16384, MAX_VARINT)),
    }),
    fc.record({
      kind: fc.constant('string' as const),
      value: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
    }),
  ),
  { maxLength: 10 },
);

function write(list: readonly Item[]): Uint8Array {
  const w = new VarintWriter();
  for (const i of list) {
    if (i.kind === 'uint') w.uint(i.value);
    else w.string(i.value);
  }
  return w.finish();
}

/** Reads `bytes` as alternating uints and strings until they run out. */
function readAll(bytes: Uint8Array): number {
  const r = new VarintReader(bytes, 'OUTPOST_ERR_MAP_SUMMARY', 'varint fuzz');
  let n = 0;
  while (r.remaining > 0) {
    if (n % 3 === 2) r.string(`string ${n}`, 64);
    else r.uint(`uint ${n}`);
    n++;
  }
  r.end();
  return n;
}

describe('varints under generated and mutated bytes', { timeout: fuzzTimeoutMs() }, () => {
  it('reads back what was written', async () => {
    await fuzz(items, (list) => {
      const r = new VarintReader(write(list), 'OUTPOST_ERR_MAP_SUMMARY', 'varint fuzz');
      for (const i of list) expect(i.kind === 'uint' ? r.uint('u') : r.string('s', 1024)).toBe(i.value);
      expect(() => r.end()).not.toThrow();
    });
  });

  it("reads or refuses with the reader's code any bytes", async () => {
    await fuzz(bytesFor(items.map(write)), (bytes) => {
      decodesOrRefuses(
        () => readAll(bytes),
        ['OUTPOST_ERR_MAP_SUMMARY'],
        () => hex(bytes),
      );
    });
  });

  it('refuses an overlong varint, a value above 32 bits and a string longer than the bytes', async () => {
    expect(() => readAll(fromHex('ffffffffff01'))).toThrow(/longer than 5 bytes/);
    expect(() => readAll(fromHex('ffffffff1f'))).toThrow(/exceeds 32 bits/);
    expect(() =>
      new VarintReader(fromHex('ffffffff0f'), 'OUTPOST_ERR_MAP_SUMMARY', 'v').string('s', MAX_VARINT),
    ).toThrow(/only 0 left/);
  });

  it('replays every input that ever failed', async () => {
    for (const { input, why } of corpus('varint')) {
      decodesOrRefuses(
        () => readAll(fromHex(input)),
        ['OUTPOST_ERR_MAP_SUMMARY'],
        () => why,
      );
    }
  });
});
