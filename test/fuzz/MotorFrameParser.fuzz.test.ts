import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cobsDecode, cobsEncode } from '../../firmware-bridge/motor/Cobs.js';
import { MotorFrameParser, encodeMotorMessage, type MotorMessage } from '../../firmware-bridge/motor/MotorProtocol.js';
import { corpus, fromHex, fuzz, fuzzTimeoutMs, mutated } from './FuzzKit.js';

// Motor-controller frames (COBS + CRC-16, 0x00-delimited) are a stream too: bad frames are counted
// and dropped, never thrown; the next 0x00 resynchronises. Property: no exception for any bytes in
// any chunking, the same messages whatever the chunking, and a valid stream comes out whole.

const f32 = fc.float({ noNaN: true, min: -1e6, max: 1e6 });
const message: fc.Arbitrary<MotorMessage> = fc.oneof(
  fc.record({
    type: fc.constant('wheel_command' as const),
    commandId: fc.integer({ min: 0, max: 0xffff }),
    left: f32,
    right: f32,
  }),
  fc.record({
    type: fc.constant('encoders' as const),
    timeUs: fc.integer({ min: 0, max: 0xffffffff }),
    leftTicks: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    rightTicks: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  }),
  fc.record({
    type: fc.constant('battery' as const),
    voltage: fc.integer({ min: 0, max: 65535 }).map((v) => v / 1000),
    current: fc.integer({ min: -32768, max: 32767 }).map((v) => v / 1000),
    percentage: fc.integer({ min: 0, max: 255 }).map((v) => v / 100),
  }),
  fc.record({
    type: fc.constant('status' as const),
    faults: fc.integer({ min: 0, max: 0xffff }),
    lastCommandId: fc.integer({ min: 0, max: 0xffff }),
  }),
);

const stream: fc.Arbitrary<Uint8Array> = fc
  .array(message, { minLength: 1, maxLength: 8 })
  .map((ms) => Buffer.concat(ms.map((m, i) => encodeMotorMessage(m, i))));

function parse(chunks: readonly Uint8Array[]): { messages: unknown[]; parser: MotorFrameParser } {
  const parser = new MotorFrameParser();
  const messages: unknown[] = [];
  for (const c of chunks) parser.push(c, (m, seq) => messages.push({ m, seq }));
  return { messages, parser };
}

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

const chunking = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 10 });

describe('motor-controller frames under generated and mutated streams', { timeout: fuzzTimeoutMs() }, () => {
  it('never throws, and gives the same messages in any chunking', async () => {
    const bytes = fc.oneof(
      { arbitrary: mutated(stream), weight: 6 },
      { arbitrary: fc.uint8Array({ maxLength: 300 }), weight: 2 },
      // COBS blocks of random content: right framing, wrong bodies (short, empty, unknown types).
      {
        arbitrary: fc
          .array(fc.uint8Array({ maxLength: 20 }), { maxLength: 6 })
          .map((bs) => Buffer.concat(bs.flatMap((b) => [cobsEncode(b), Uint8Array.of(0)]))),
        weight: 2,
      },
    );
    await fuzz(fc.tuple(bytes, chunking), ([input, cuts]) => {
      const whole = parse([input]);
      const pieces = parse(chunked(input, cuts));
      expect(pieces.messages).toEqual(whole.messages);
      expect(pieces.parser.stats.bytes).toBe(input.length);
    });
  });

  it('delivers every message of a valid stream, in order, whatever the chunking', async () => {
    await fuzz(fc.tuple(fc.array(message, { minLength: 1, maxLength: 8 }), chunking), ([ms, cuts]) => {
      const bytes = Buffer.concat(ms.map((m, i) => encodeMotorMessage(m, i)));
      const { messages, parser } = parse(chunked(bytes, cuts));
      expect(messages.length).toBe(ms.length);
      expect(parser.stats.rejectedFrames + parser.stats.crcErrors).toBe(0);
    });
  });

  it('COBS decodes what it encodes, and refuses (undefined) rather than throws on any block', async () => {
    await fuzz(fc.uint8Array({ maxLength: 300 }), (data) => {
      const block = cobsEncode(data);
      expect(block.includes(0)).toBe(false);
      expect(cobsDecode(block)).toEqual(data);
      expect(() => cobsDecode(data.filter((b) => b !== 0))).not.toThrow();
    });
  });

  it('replays every stream that ever failed', async () => {
    for (const { input, why } of corpus('motor')) {
      expect(() => parse([fromHex(input)]), why).not.toThrow();
    }
  });
});
