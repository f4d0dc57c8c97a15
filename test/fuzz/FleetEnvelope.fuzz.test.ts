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
// envelopes round-trip, and mutated ones decode or raise OUTPOST_ERR_FLEET_PAYLOAD.

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
    route: name(65535),
    type: name(255),
    typeHash: fc.uint8Array({ minLength: 8, maxLength: 8 }),
    ackRequested: fc.boolean(),
    payload: fc.uint8Array({ maxLength: 200 }),
  })
  .map((e) => (e.lowSeq > e.seq ? { ...e, lowSeq: e.seq } : e));

describe('fleet envelope under generated and mutated bytes', { timeout: fuzzTimeoutMs() }, () => {
  it('round-trips generated envelopes', async () => {
    await fuzz(envelope, (env) => {
      expect(decodeEnvelope(encodeEnvelope(env))).toEqual(env);
    });
  });

  it('decodes or refuses with OUTPOST_ERR_FLEET_PAYLOAD every mutated envelope', async () => {
    await fuzz(
      bytesFor(
        envelope.map((e) => encodeEnvelope(e)),
        Uint8Array.of(0x4f, 0x46, 1, 0),
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

  it('refuses a 4 GiB payload length before allocating it', async () => {
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
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(bytes.length - 4, 0xffffffff, true);
    expect(() =>
      decodesOrRefuses(
        () => decodeEnvelope(bytes),
        ['OUTPOST_ERR_FLEET_PAYLOAD'],
        () => hex(bytes),
      ),
    ).not.toThrow();
    expect(() => decodeEnvelope(bytes)).toThrow(/truncated in payload/);
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
