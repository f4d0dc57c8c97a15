import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../OutpostError.js';
import { defaultRegistry } from '../msg/defaultRegistry.js';
import {
  checkEnvelopeType,
  decodeEnvelope,
  encodeEnvelope,
  toJsonView,
  typeHashOf,
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
    const back = decodeEnvelope(bytes);
    expect(back).toEqual(env);
    expect(Buffer.from(back.payload).equals(Buffer.from(env.payload))).toBe(true);
    expect(bytes.length).toBe(44 + 1 + 2 + 2 + 7 + 1 + TYPE.length + 4 + env.payload.length);
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
    expect(payloadError(Buffer.concat([Buffer.from([0x4f, 0x46, 9]), bytes.subarray(3)]))).toMatch(
      /expected version 1, got 9/,
    );
    const flags = Buffer.from(bytes);
    flags[3] = 0x80;
    expect(payloadError(flags)).toMatch(/unknown flag bits 0x80/);
    expect(payloadError(Buffer.concat([bytes, Buffer.from([0])]))).toMatch(/1 trailing byte/);
    expect(payloadError(bytes, 100)).toMatch(/oversized: exceeds the limit of 100 bytes/);
    const low = Buffer.from(bytes);
    low.writeBigUInt64LE(99n, 20);
    expect(payloadError(low)).toMatch(/lowSeq 99 is above seq 7/);
    expect(() => encodeEnvelope(env, 100)).toThrow(/exceeds the limit of 100/);
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
