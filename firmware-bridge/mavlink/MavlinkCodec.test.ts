import { describe, expect, it } from 'vitest';
import { MavlinkEncoder } from './MavlinkEncoder.js';
import {
  COMMAND_ACK,
  COMMAND_LONG,
  HEARTBEAT,
  SET_POSITION_TARGET_LOCAL_NED,
  decodePayload,
} from './MavlinkMessages.js';
import { MavlinkParser, type MavlinkFrame } from './MavlinkParser.js';
import { SIGNING_EPOCH_MS } from './MavlinkSigning.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const parseAll = (p: MavlinkParser, bytes: Uint8Array, chunk = bytes.length) => {
  const frames: Array<Omit<MavlinkFrame, 'payload'> & { payload: Uint8Array }> = [];
  for (let i = 0; i < bytes.length; i += chunk)
    p.push(bytes.subarray(i, i + chunk), (f) => frames.push({ ...f, payload: f.payload.slice() }));
  return frames;
};

describe('MAVLink 2 wire format', () => {
  it('encodes the hand-checked HEARTBEAT vector (sys 255, comp 190, seq 7, type 18, autopilot 8)', () => {
    const enc = new MavlinkEncoder({ systemId: 255, componentId: 190 });
    for (let i = 0; i < 7; i++) enc.encode(HEARTBEAT, {});
    const frame = enc.encode(HEARTBEAT, {
      type: 18,
      autopilot: 8,
      base_mode: 0,
      custom_mode: 0,
      system_status: 4,
      mavlink_version: 3,
    });
    expect(hex(frame)).toBe('fd09000007ffbe00000000000000120800040362a8');
  });

  it('truncates trailing zero payload bytes and decodes them back as zero', () => {
    const enc = new MavlinkEncoder({ systemId: 1, componentId: 1 });
    // COMMAND_ACK: command 400 (0x0190), result 0 → payload 90 01 (result and extensions truncated).
    const frame = enc.encode(COMMAND_ACK, { command: 400, result: 0 });
    expect(frame[1]).toBe(2);
    expect(hex(frame.subarray(0, 12))).toBe('fd0200000001014d0000' + '9001');
    const [f] = parseAll(new MavlinkParser(), frame);
    expect(decodePayload(COMMAND_ACK, f!.payload)).toMatchObject({
      command: 400,
      result: 0,
      progress: 0,
      result_param2: 0,
    });
    // An all-zero payload keeps its first byte.
    expect(enc.encode(HEARTBEAT, {})[1]).toBe(1);
  });

  it('puts a 24-bit message id little endian in the header', () => {
    const enc = new MavlinkEncoder({ systemId: 1, componentId: 191 });
    const f = enc.encode(SET_POSITION_TARGET_LOCAL_NED, {
      vx: 1,
      type_mask: 0x0dc7,
      coordinate_frame: 1,
      target_system: 1,
      target_component: 1,
    });
    expect([f[7], f[8], f[9]]).toEqual([84, 0, 0]);
    const [g] = parseAll(new MavlinkParser(), f);
    expect(decodePayload(SET_POSITION_TARGET_LOCAL_NED, g!.payload)).toMatchObject({
      vx: 1,
      type_mask: 0x0dc7,
      coordinate_frame: 1,
    });
  });

  it('resyncs after garbage, truncated frames and bad CRCs, counting each', () => {
    const enc = new MavlinkEncoder({ systemId: 1, componentId: 1 });
    const good = () => enc.encode(COMMAND_LONG, { command: 400, param1: 1, target_system: 1, target_component: 1 });
    const bad = good();
    bad[12] ^= 0xff; // corrupt the payload: CRC mismatch
    const truncated = good().subarray(0, 20);
    const garbage = Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff).map((b) => (b === 0xfd ? 0 : b));
    const stream = Buffer.concat([
      garbage,
      good(),
      truncated,
      good(),
      bad,
      good(),
      Uint8Array.of(0xfd, 0xfd, 0xfd),
      good(),
    ]);
    for (const chunk of [1, 7, stream.length]) {
      const p = new MavlinkParser();
      const frames = parseAll(p, stream, chunk);
      expect(frames.length).toBe(4);
      expect(frames.every((f) => decodePayload(COMMAND_LONG, f.payload).command === 400)).toBe(true);
      expect(p.stats.crcErrors).toBeGreaterThanOrEqual(2); // the bad one, the truncated one running into the next
      expect(p.stats.discardedBytes).toBeGreaterThanOrEqual(300 + 20);
      expect(p.stats.lastError).toMatch(/expected .+, got .+/);
    }
  });

  it('skips a frame of an unknown message id whole and counts it', () => {
    const enc = new MavlinkEncoder({ systemId: 1, componentId: 1 });
    const unknown = enc.encode({ ...HEARTBEAT, id: 0x123456, name: 'X' }, { type: 1 });
    const p = new MavlinkParser();
    const frames = parseAll(p, Buffer.concat([unknown, enc.encode(HEARTBEAT, { type: 2 })]));
    expect(frames.map((f) => f.msgid)).toEqual([0]);
    expect(p.stats.unknownMessages).toBe(1);
    expect(p.stats.lastError).toBe(
      'message id: expected one in the message table, got 1193046 (frame of 17 bytes skipped)',
    );
  });
});

describe('MAVLink 2 signing', () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
  const now = SIGNING_EPOCH_MS + 1_000_000;

  it('signs frames that a parser with the same key accepts, with strictly increasing timestamps in one millisecond', () => {
    const enc = new MavlinkEncoder({ systemId: 1, componentId: 191, signing: { key, linkId: 3 }, unixMs: () => now });
    const frames = [enc.encode(HEARTBEAT, { type: 18 }), enc.encode(HEARTBEAT, { type: 18 })];
    expect(frames[0]![2]).toBe(1);
    expect(frames[0]!.length).toBe(10 + 5 + 2 + 13);
    const p = new MavlinkParser({ signingKey: key });
    expect(parseAll(p, Buffer.concat(frames)).length).toBe(2);
    expect(p.stats.badSignatures).toBe(0);
    // A replay of the first frame is rejected.
    expect(parseAll(p, frames[0]!).length).toBe(0);
    expect(p.stats.lastError).toMatch(/timestamp expected > \d+, got \d+ \(replay\)/);
  });

  it('rejects a wrong key and unsigned frames when a key is set', () => {
    const enc = new MavlinkEncoder({ systemId: 1, componentId: 191, signing: { key, linkId: 0 }, unixMs: () => now });
    const p = new MavlinkParser({ signingKey: new Uint8Array(32) });
    expect(parseAll(p, enc.encode(HEARTBEAT, {})).length).toBe(0);
    expect(p.stats.lastError).toContain('signature does not match');
    const plain = new MavlinkEncoder({ systemId: 1, componentId: 191 }).encode(HEARTBEAT, {});
    expect(parseAll(p, plain).length).toBe(0);
    expect(p.stats.badSignatures).toBe(2);
    expect(parseAll(new MavlinkParser({ signingKey: key, acceptUnsigned: true }), plain).length).toBe(1);
  });
});
