import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../OutpostError.js';
import { defaultRegistry } from '../msg/defaultRegistry.js';
import {
  checkEnvelopeType,
  decodeEnvelope,
  encodeEnvelope,
  envelopeBytes,
  toJsonView,
  typeHashOf,
  typeIndexOf,
  type FleetEnvelope,
} from './FleetEnvelope.js';

const registry = defaultRegistry();
const TYPE = 'sensor_msgs/msg/LaserScan';
const scan = { ...registry.createDefault(TYPE), ranges: new Float32Array([1, 2.5]), angle_max: 1.5 };
const env: FleetEnvelope = {
  id: 42n,
  seq: 7n,
  lowSeq: 5n,
  stamp: 1_700_000_000_123_456_789n,
  origin: 'r1',
  route: 'r1/scan',
  type: TYPE,
  typeHash: typeHashOf(registry, TYPE),
  ackRequested: true,
  payload: registry.encode(TYPE, scan),
};

const typeOf = typeIndexOf(registry);

function payloadError(bytes: Uint8Array, max?: number): string {
  try {
    decodeEnvelope(bytes, max);
  } catch (err) {
    expect(isOutpostError(err, 'OUTPOST_ERR_FLEET_PAYLOAD')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('decoded');
}

describe('FleetEnvelope', () => {
  it('round-trips every field, and the CDR bytes untouched', () => {
    const bytes = encodeEnvelope(env);
    const back = decodeEnvelope(bytes, undefined, typeOf);
    expect(back).toEqual(env);
    expect(Buffer.from(back.payload).equals(Buffer.from(env.payload))).toBe(true);
    // 20 fixed, id 42, seq 7 and seqGap 2 one byte each, "r1" and "r1/scan" with a length byte
    // each, the payload's length in one varint byte (below 128) or two.
    const lenBytes = env.payload.length < 128 ? 1 : 2;
    expect(bytes.length).toBe(20 + 3 + 1 + 2 + 1 + 7 + lenBytes + env.payload.length);
    expect(envelopeBytes(env, env.payload.length)).toBe(bytes.length);
  });

  it('writes counters as minimal varints, up to the largest uint64', () => {
    const max = (1n << 64n) - 1n;
    for (const [id, seq, lowSeq] of [
      [0n, 0n, 0n],
      [127n, 128n, 1n],
      [max, max, 0n],
      [1n << 63n, max, max],
    ] as const) {
      const e = { ...env, id, seq, lowSeq };
      const bytes = encodeEnvelope(e);
      expect(bytes.length).toBe(envelopeBytes(e, e.payload.length));
      expect(decodeEnvelope(bytes, undefined, typeOf)).toEqual(e);
    }
    const big = encodeEnvelope({ ...env, id: max, seq: 1n, lowSeq: 1n });
    expect(big[20 + 9]).toBe(0x01);
    const over = Buffer.from(big);
    over[20 + 9] = 0x02;
    expect(payloadError(over)).toMatch(/id does not fit a uint64/);
    // id 1 written as 81 00: the same value, a second encoding, refused.
    const one = Buffer.from(encodeEnvelope({ ...env, id: 1n }));
    const padded = Buffer.concat([one.subarray(0, 20), Buffer.from([0x81, 0x00]), one.subarray(21)]);
    expect(payloadError(padded)).toMatch(/id is not a minimal varint/);
  });

  it('carries the type as its hash: the receiver finds the name, or refuses an unknown hash', () => {
    const bytes = encodeEnvelope(env);
    expect(Buffer.from(bytes).includes(Buffer.from(TYPE))).toBe(false);
    expect(decodeEnvelope(bytes).type).toBe('');
    const unknown = decodeEnvelope(encodeEnvelope({ ...env, typeHash: new Uint8Array(8) }), undefined, typeOf);
    expect(unknown.type).toBe('');
    expect(() => checkEnvelopeType(registry, unknown)).toThrow(/type with hash 00 00 00 00 00 00 00 00 is not known/);
    // Same fields, different names: the name is hashed too, so the hash still names one type.
    expect(registry.definitionText('geometry_msgs/msg/Point')).toBe(
      registry.definitionText('geometry_msgs/msg/Vector3'),
    );
    expect(typeOf(typeHashOf(registry, 'geometry_msgs/msg/Point'))).toBe('geometry_msgs/msg/Point');
    expect(typeOf(typeHashOf(registry, 'geometry_msgs/msg/Vector3'))).toBe('geometry_msgs/msg/Vector3');
    expect(typeHashOf(registry, 'geometry_msgs/Point')).toEqual(typeHashOf(registry, 'geometry_msgs/msg/Point'));
  });

  it('rejects truncation at every length with a clear message', () => {
    const bytes = encodeEnvelope(env);
    for (let n = 0; n < bytes.length; n++) expect(payloadError(bytes.subarray(0, n))).toMatch(/truncated/);
  });

  it('rejects garbage, bad versions, unknown flags, trailing bytes and oversized envelopes', () => {
    const bytes = Buffer.from(encodeEnvelope(env));
    expect(payloadError(Buffer.from('hello, this is not a fleet envelope at all, no no no'))).toMatch(
      /garbage: expected magic/,
    );
    expect(payloadError(Buffer.concat([Buffer.from([0x4f, 0x46, 1]), bytes.subarray(3)]))).toMatch(
      /expected version 2, got 1 \(every robot of a fleet must run the same Outpost version\)/,
    );
    const flags = Buffer.from(bytes);
    flags[3] = 0x80;
    expect(payloadError(flags)).toMatch(/unknown flag bits 0x80/);
    expect(payloadError(Buffer.concat([bytes, Buffer.from([0])]))).toMatch(/1 trailing byte/);
    expect(payloadError(bytes, 50)).toMatch(/oversized: exceeds the limit of 50 bytes/);
    const low = Buffer.from(bytes);
    low[22] = 9; // seqGap 9 with seq 7
    expect(payloadError(low)).toMatch(/seqGap 9 is above seq 7/);
    expect(() => encodeEnvelope(env, 50)).toThrow(/exceeds the limit of 50/);
    expect(() => encodeEnvelope({ ...env, lowSeq: 8n })).toThrow(/lowSeq 8 is above seq 7/);
    expect(() => encodeEnvelope({ ...env, route: 'r'.repeat(256) })).toThrow(/route must be 1-255 bytes, got 256/);
  });

  it('checks the type hash against the local definition', () => {
    expect(() => checkEnvelopeType(registry, env)).not.toThrow();
    const other = { ...env, typeHash: new Uint8Array(8) };
    expect(() => checkEnvelopeType(registry, other)).toThrow(/has hash 00 00 00 00 00 00 00 00, expected/);
    expect(() => checkEnvelopeType(registry, { ...env, type: 'nope_msgs/msg/Nope' })).toThrow(/not known/);
  });

  it('gives a JSON view for non-ROS clients (bigints as strings, typed arrays as arrays)', () => {
    const view = toJsonView(env, registry);
    const json = JSON.parse(JSON.stringify(view)) as Record<string, unknown> & { message: Record<string, unknown> };
    expect(json).toMatchObject({
      id: '42',
      seq: '7',
      origin: 'r1',
      route: 'r1/scan',
      stamp: '1700000000123456789',
      type: TYPE,
    });
    expect(json.message.ranges).toEqual([1, 2.5]);
    expect(json.message.angle_max).toBe(1.5);
  });
});
