import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MavlinkEncoder } from '../../firmware-bridge/mavlink/MavlinkEncoder.js';
import { COMMON_MESSAGES, decodePayload, type MessageDef } from '../../firmware-bridge/mavlink/MavlinkMessages.js';
import { MavlinkParser, type MavlinkParserOptions } from '../../firmware-bridge/mavlink/MavlinkParser.js';
import { corpus, fromHex, fuzz, fuzzTimeoutMs, hex, mutated } from './FuzzKit.js';

// The MAVLink parser is a stream parser: bad bytes are counted and dropped, never thrown. So the
// property is: no exception for any bytes in any chunking, the same frames whatever the chunking,
// every frame delivered is one of the table's messages within its length, its payload decodes, and
// with a key only correctly signed, never replayed frames come out.

const KEY = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);

/** One valid frame: a table message with random field values, encoded by our encoder. */
function frames(signed: boolean): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(
      fc.array(fc.tuple(fc.constantFrom(...COMMON_MESSAGES), fc.uint8Array({ minLength: 255, maxLength: 255 })), {
        minLength: 1,
        maxLength: 6,
      }),
      fc.integer({ min: 1, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
    )
    .map(([msgs, sys, comp, link]) => {
      let now = 1_750_000_000_000;
      const enc = new MavlinkEncoder({
        systemId: sys,
        componentId: comp,
        unixMs: () => now++,
        ...(signed ? { signing: { key: KEY, linkId: link } } : {}),
      });
      return concat(msgs.map(([def, raw]) => enc.encode(def, decodePayload(def, raw.subarray(0, def.maxLength)))));
    });
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Splits `bytes` at the given fractions (sorted, deduplicated). */
function chunked(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  return out;
}

interface Seen {
  msgid: number;
  seq: number;
  sys: number;
  comp: number;
  payload: string;
  signed: boolean;
}

function parseAll(
  chunks: readonly Uint8Array[],
  options: MavlinkParserOptions,
): { frames: Seen[]; parser: MavlinkParser } {
  const parser = new MavlinkParser(options);
  const seen: Seen[] = [];
  for (const c of chunks) {
    parser.push(c, (f) => {
      const def: MessageDef | undefined = COMMON_MESSAGES.find((d) => d.id === f.msgid);
      expect(def, `msgid ${f.msgid}`).toBeDefined();
      expect(f.payload.length).toBeLessThanOrEqual(def!.maxLength);
      decodePayload(def!, f.payload);
      seen.push({
        msgid: f.msgid,
        seq: f.seq,
        sys: f.systemId,
        comp: f.componentId,
        payload: hex(f.payload),
        signed: f.signed,
      });
    });
  }
  return { frames: seen, parser };
}

/** Valid streams, mutated streams, and streams with garbage between frames. */
function streams(signed: boolean): fc.Arbitrary<Uint8Array> {
  const garbage = fc.uint8Array({ maxLength: 64 }).map((g) => g.map((b) => (b === 0x42 ? 0xfd : b))); // false starts
  return fc.oneof(
    { arbitrary: frames(signed), weight: 2 },
    { arbitrary: mutated(frames(signed)), weight: 5 },
    { arbitrary: fc.tuple(garbage, frames(signed), garbage, frames(signed)).map((parts) => concat(parts)), weight: 2 },
    { arbitrary: fc.uint8Array({ maxLength: 600 }), weight: 1 },
  );
}

const chunking = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });

describe('MAVLink parser under generated and mutated streams', { timeout: fuzzTimeoutMs() }, () => {
  it('never throws, and finds the same frames in any chunking (unsigned)', async () => {
    await fuzz(fc.tuple(streams(false), chunking), ([bytes, cuts]) => {
      const whole = parseAll([bytes], { acceptUnsigned: true });
      const pieces = parseAll(chunked(bytes, cuts), { acceptUnsigned: true });
      expect(pieces.frames).toEqual(whole.frames);
      expect(pieces.parser.stats.bytes).toBe(bytes.length);
    });
  });

  it('with a key: never throws, delivers only signed frames, the same in any chunking, and none twice (replay)', async () => {
    // A stream may end inside a false start (0xFD and a length) that the parser rightly waits to
    // complete; 300 idle bytes (more than the longest frame) settle it before the replay.
    const idle = new Uint8Array(300);
    await fuzz(fc.tuple(streams(true), chunking), ([bytes, cuts]) => {
      const whole = parseAll([bytes, idle], { signingKey: KEY });
      const pieces = parseAll([...chunked(bytes, cuts), idle], { signingKey: KEY });
      expect(pieces.frames).toEqual(whole.frames);
      expect(whole.frames.every((f) => f.signed)).toBe(true);
      const replayed = parseAll([bytes, idle, bytes, idle], { signingKey: KEY });
      expect(replayed.frames).toEqual(whole.frames);
    });
  });

  it('delivers every frame of a valid stream, signed or not, whatever the chunking', async () => {
    await fuzz(
      fc.tuple(fc.boolean(), chunking).chain(([signed, cuts]) => frames(signed).map((b) => [b, signed, cuts] as const)),
      ([bytes, signed, cuts]) => {
        const { frames: seen, parser } = parseAll(
          chunked(bytes, cuts),
          signed ? { signingKey: KEY } : { acceptUnsigned: true },
        );
        expect(parser.stats.discardedBytes).toBe(0);
        expect(seen.length).toBeGreaterThan(0);
      },
    );
  });

  it('replays every stream that ever failed', async () => {
    for (const { input, why } of corpus('mavlink')) {
      expect(() => parseAll([fromHex(input)], { signingKey: KEY }), why).not.toThrow();
      expect(() => parseAll([fromHex(input)], { acceptUnsigned: true }), why).not.toThrow();
    }
  });
});
