import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_ENVELOPE_BYTES,
  decodeEnvelope,
  encodeEnvelope,
  type FleetEnvelope,
} from '../../runtime/fleet/FleetEnvelope.js';
import { bytesFor, corpus, decodesOrRefuses, fromHex, fuzz, fuzzTimeoutMs, hex } from './FuzzKit.js';

// The fleet envelope (runtime/fleet/FleetEnvelope.ts) comes from teammates over MQTT: generated
// envelopes round-trip, and mutated ones decode or raise OUTPOST_ERR_FLEET_PAYLOAD. Version 2 covers
// varint counters over the whole uint64 range (and seq - lowSeq), the varint payload length (below
// and above 128 bytes), and the type carried as its hash (resolved by the receiver's lookup).

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const name = (maxBytes: number) =>
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter((s) => {
    const n = Buffer.byteLength(s);
    return n >= 1 && n <= maxBytes && !s.includes('\uFFFD');
  });

const envelope: fc.Arbitrary<FleetEnvelope> = fc
  .record({
    id: u64,
    seq: u64,
    lowSeq: u64,
    stamp: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    origin: name(255),
    route: name(255),
    type: name(255),
    typeHash: fc.uint8Array({ minLength: 8, maxLength: 8 }),
    ackRequested: fc.boolean(),
    payload: fc.uint8Array({ maxLength: 200 }),
  })
  .map((e) => (e.lowSeq > e.seq ? { ...e, lowSeq: e.seq } : e));

describe('fleet envelope under generated and mutated bytes', { timeout: fuzzTimeoutMs() }, () => {
  it('round-trips generated envelopes', async () => {
    await fuzz(envelope, (env) => {
      const back = decodeEnvelope(encodeEnvelope(env), undefined, (h) =>
        Buffer.from(h).equals(Buffer.from(env.typeHash)) ? env.type : undefined,
      );
      expect(back).toEqual(env);
      // Without a lookup the name stays unknown ('') and the receiver refuses it as a type mismatch.
      expect(decodeEnvelope(encodeEnvelope(env)).type).toBe('');
    });
  });

  it('decodes or refuses with OUTPOST_ERR_FLEET_PAYLOAD every mutated envelope', async () => {
    await fuzz(
      bytesFor(
        envelope.map((e) => encodeEnvelope(e)),
        Uint8Array.of(0x4f, 0x46, 2, 0),
      ),
      (bytes) => {
        const env = decodesOrRefuses(
          () => decodeEnvelope(bytes),
          ['OUTPOST_ERR_FLEET_PAYLOAD'],
          () => hex(bytes),
        );
        // What decodes is a well-formed envelope: it encodes back to the same bytes.
        if (env !== undefined) expect(hex(encodeEnvelope(env))).toBe(hex(bytes));
      },
    );
  });

  it('refuses a 2^60-byte payload length before allocating it', async () => {
    const bytes = encodeEnvelope({
      id: 1n,
      seq: 1n,
      lowSeq: 1n,
      stamp: 0n,
      origin: 'r1',
      route: 'map',
      type: 'std_msgs/msg/String',
      typeHash: new Uint8Array(8),
      ackRequested: false,
      payload: new Uint8Array(0),
    });
    expect(bytes.at(-1)).toBe(0); // the payload length, last: replaced by 2^60 - 1 as a varint
    const huge = Uint8Array.of(...bytes.subarray(0, -1), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f);
    expect(() =>
      decodesOrRefuses(
        () => decodeEnvelope(huge),
        ['OUTPOST_ERR_FLEET_PAYLOAD'],
        () => hex(huge),
      ),
    ).not.toThrow();
    expect(() => decodeEnvelope(huge)).toThrow(/truncated in payload/);
    expect(() => decodeEnvelope(new Uint8Array(DEFAULT_MAX_ENVELOPE_BYTES + 1))).toThrow(/oversized/);
  });

  it('replays every envelope that ever failed', async () => {
    for (const { input, why } of corpus('fleet-envelope')) {
      decodesOrRefuses(
        () => decodeEnvelope(fromHex(input)),
        ['OUTPOST_ERR_FLEET_PAYLOAD'],
        () => why,
      );
    }
  });
});
