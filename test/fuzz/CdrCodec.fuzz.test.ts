import type { MessageDefinitionField } from '@foxglove/message-definition';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../runtime/msg/defaultRegistry.js';
import { corpus, decodesOrRefuses, fromHex, fuzz, fuzzTimeoutMs, hex, mutated } from './FuzzKit.js';

// Every shipped message type (runtime/msg): generated messages round-trip (encode, decode, encode
// gives the same bytes), and their encodings, mutated, either decode or raise OUTPOST_ERR_CDR_DECODE.

const registry = defaultRegistry();
const TYPES = registry.types();

const PRIMITIVES: Record<string, fc.Arbitrary<unknown>> = {
  bool: fc.boolean(),
  int8: fc.integer({ min: -128, max: 127 }),
  uint8: fc.integer({ min: 0, max: 255 }),
  byte: fc.integer({ min: 0, max: 255 }),
  char: fc.integer({ min: 0, max: 255 }),
  int16: fc.integer({ min: -32768, max: 32767 }),
  uint16: fc.integer({ min: 0, max: 65535 }),
  int32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  uint32: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  int64: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  uint64: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  float32: fc.float({ noNaN: true }),
  float64: fc.double({ noNaN: true }),
  time: fc.record({
    sec: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    nanosec: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  }),
  duration: fc.record({
    sec: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    nanosec: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  }),
  // No NUL: a CDR string ends at its terminator.
  string: fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\0')),
};

const cache = new Map<string, fc.Arbitrary<Record<string, unknown>>>();

function messageOf(type: string, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const hit = cache.get(type);
  if (hit !== undefined) return hit;
  const def = registry.definitionsOf(type)[0]!;
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of def.definitions) {
    if (f.isConstant === true) continue;
    fields[f.name] = fieldOf(f, depth);
  }
  const arb = fc.record(fields);
  cache.set(type, arb);
  return arb;
}

function fieldOf(f: MessageDefinitionField, depth: number): fc.Arbitrary<unknown> {
  const one = f.isComplex === true ? messageOf(f.type, depth + 1) : PRIMITIVES[f.type];
  if (one === undefined) throw new Error(`no generator for ${f.type}`);
  if (f.isArray !== true) return one;
  if (f.arrayLength !== undefined) return fc.array(one, { minLength: f.arrayLength, maxLength: f.arrayLength });
  return fc.array(one, { maxLength: depth > 1 ? 1 : 4 });
}

/** A message as JSON with every string as its code points (look-alike characters are told apart). */
function show(message: unknown): string {
  return JSON.stringify(message, (_k, v: unknown) =>
    typeof v === 'string'
      ? [...v].map((c) => c.codePointAt(0)!.toString(16)).join(' ')
      : typeof v === 'bigint'
        ? `${v}n`
        : v,
  );
}

const valid = fc.constantFrom(...TYPES).chain((type) => messageOf(type).map((message) => ({ type, message })));

describe(`CDR codec under generated and mutated payloads (${TYPES.length} message types)`, {
  timeout: fuzzTimeoutMs(),
}, () => {
  it('round-trips generated messages of every type: encode, decode, encode gives the same bytes', async () => {
    await fuzz(valid, ({ type, message }) => {
      const bytes = registry.encode(type, message);
      const back = registry.decode(type, bytes);
      expect(hex(registry.encode(type, back)), `${type} ${show(message)}`).toBe(hex(bytes));
    });
  });

  it('decodes or refuses with OUTPOST_ERR_CDR_DECODE every mutated encoding', async () => {
    const inputs = fc
      .constantFrom(...TYPES)
      .chain((type) =>
        fc
          .oneof(
            { arbitrary: mutated(messageOf(type).map((m) => registry.encode(type, m))), weight: 8 },
            { arbitrary: fc.uint8Array({ maxLength: 256 }).map((b) => Uint8Array.of(0, 1, 0, 0, ...b)), weight: 2 },
          )
          .map((bytes) => ({ type, bytes })),
      );
    await fuzz(inputs, ({ type, bytes }) => {
      decodesOrRefuses(
        () => registry.decode(type, bytes),
        ['OUTPOST_ERR_CDR_DECODE'],
        () => `${type} ${hex(bytes)}`,
      );
    });
  });

  it('refuses a 4 GiB sequence length before allocating it, for every type with a sequence', async () => {
    let tried = 0;
    for (const type of TYPES) {
      const empty = registry.encode(type, registry.createDefault(type));
      // The first sequence or string length of a default message is a 0 at some 4-aligned offset:
      // set each candidate to 0xffffffff in turn.
      for (let at = 4; at + 4 <= empty.length; at += 4) {
        if (empty[at] !== 0 || empty[at + 1] !== 0 || empty[at + 2] !== 0 || empty[at + 3] !== 0) continue;
        const bytes = empty.slice();
        new DataView(bytes.buffer).setUint32(at, 0xffffffff, true);
        decodesOrRefuses(
          () => registry.decode(type, bytes),
          ['OUTPOST_ERR_CDR_DECODE'],
          () => `${type} ${hex(bytes)}`,
        );
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(TYPES.length);
  });

  it('replays every payload that ever failed', async () => {
    for (const { input, why } of corpus('cdr')) {
      const [type, bytes] = input.split(' ') as [string, string];
      decodesOrRefuses(
        () => registry.decode(type, fromHex(bytes)),
        ['OUTPOST_ERR_CDR_DECODE'],
        () => why,
      );
    }
  });
});
