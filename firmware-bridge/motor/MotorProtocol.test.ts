import { describe, expect, it } from 'vitest';
import { cobsDecode, cobsEncode } from './Cobs.js';
import { MotorFrameParser, encodeMotorMessage, type MotorMessage } from './MotorProtocol.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('COBS', () => {
  it.each([
    ['00', '010100'],
    ['0000', '01010100'],
    ['11220033', '031122023300'],
    ['11223344', '051122334400'],
    ['1100', '02110100'],
  ])('%s ↔ %s (Wikipedia examples)', (raw, enc) => {
    expect(`${hex(cobsEncode(Buffer.from(raw, 'hex')))}00`).toBe(enc);
    expect(hex(cobsDecode(Buffer.from(enc.slice(0, -2), 'hex'))!)).toBe(raw);
  });
  it('round-trips long runs without zeros (the 254-byte block rule)', () => {
    for (const n of [253, 254, 255, 600]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i % 255) + 1);
      const enc = cobsEncode(data);
      expect(enc.includes(0)).toBe(false);
      expect(hex(cobsDecode(enc)!)).toBe(hex(data));
    }
  });
});

describe('motor protocol frames', () => {
  it('pins the WHEEL_COMMAND byte layout', () => {
    // raw: type 01 | seq 05 | command id 0201 | left 1.0 = 0000803f | right -1.0 = 000080bf | CRC-16/MCRF4XX 0x7e3c LE
    // (checked with an independent bitwise CRC), then COBS (code bytes 05, 01, 03, 01, 05) and the 00 delimiter.
    const frame = encodeMotorMessage({ type: 'wheel_command', commandId: 0x0102, left: 1, right: -1 }, 5);
    expect(hex(frame)).toBe('05010502010103803f010580bf3c7e00');
    const got: MotorMessage[] = [];
    new MotorFrameParser().push(frame, (m) => got.push(m));
    expect(got).toEqual([{ type: 'wheel_command', commandId: 0x0102, left: 1, right: -1 }]);
    expect(frame.at(-1)).toBe(0);
    expect(frame.subarray(0, -1).includes(0)).toBe(false);
  });

  it('round-trips every message type', () => {
    const msgs: MotorMessage[] = [
      { type: 'wheel_command', commandId: 65535, left: 2.5, right: -0.5 },
      { type: 'encoders', timeUs: 123456789, leftTicks: -5, rightTicks: 2 ** 31 - 1 },
      { type: 'battery', voltage: 12.345, current: -1.5, percentage: 0.87 },
      { type: 'status', faults: 0x9, lastCommandId: 7 },
    ];
    const got: MotorMessage[] = [];
    const p = new MotorFrameParser();
    p.push(Buffer.concat(msgs.map((m, i) => encodeMotorMessage(m, i))), (m) => got.push(m));
    expect(got).toEqual(msgs);
    expect(p.stats).toMatchObject({ frames: 4, crcErrors: 0, rejectedFrames: 0, sequenceGaps: 0 });
  });

  it('drops and counts bad CRCs, unknown types, wrong lengths and overlong garbage, then resyncs', () => {
    const cmd = (id: number, seq: number) =>
      encodeMotorMessage({ type: 'wheel_command', commandId: id, left: 0, right: 0 }, seq);
    const raw = cobsDecode(cmd(2, 1).subarray(0, -1))!;
    raw[6] ^= 0x40; // a payload bit flipped on the wire: the COBS structure survives, the CRC does not
    const bad = Buffer.concat([cobsEncode(raw), Uint8Array.of(0)]);
    const garbage = Uint8Array.from({ length: 200 }, (_, i) => (i % 250) + 1);
    const stream = Buffer.concat([
      cmd(1, 0),
      bad,
      garbage,
      Uint8Array.of(0),
      Uint8Array.of(0x02, 0x99, 0x00),
      cmd(3, 3),
      cmd(4, 9),
    ]);
    const got: number[] = [];
    const p = new MotorFrameParser();
    for (let i = 0; i < stream.length; i += 5)
      p.push(stream.subarray(i, i + 5), (m) => got.push((m as { commandId: number }).commandId));
    expect(got).toEqual([1, 3, 4]);
    expect(p.stats.crcErrors).toBe(1);
    expect(p.stats.rejectedFrames).toBe(2); // the overlong garbage, the 1-byte frame
    expect(p.stats.sequenceGaps).toBe(2); // 0 → 3, 3 → 9
    expect(p.stats.lastError).toMatch(/expected .+, got .+/);
  });

  it('drops a COBS block that decodes to no bytes (01 00, found by fuzzing) and resyncs', () => {
    const p = new MotorFrameParser();
    const got: number[] = [];
    const cmd = encodeMotorMessage({ type: 'wheel_command', commandId: 7, left: 0, right: 0 }, 0);
    p.push(Buffer.concat([Uint8Array.of(0x01, 0x00), cmd]), (m) => got.push((m as { commandId: number }).commandId));
    expect(got).toEqual([7]);
    expect(p.stats.rejectedFrames).toBe(1);
    expect(p.stats.lastError).toMatch(/decodes to no bytes/);
  });
});
