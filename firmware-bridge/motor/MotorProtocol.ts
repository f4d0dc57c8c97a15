import { crc16 } from '../Crc16.js';
import { emptyFrameStats, hex16, type FrameStats } from '../FrameStats.js';
import { cobsDecode, cobsEncode } from './Cobs.js';

/**
 * The Outpost motor-controller protocol (firmware-bridge/README.md has the byte layout). A frame is
 * `type u8 | seq u8 | payload | crc16 u16 LE`, CRC-16/MCRF4XX over type, seq and payload, then
 * COBS-encoded and terminated by one 0x00. All multi-byte fields are little endian; speeds in
 * rad/s (wheel), ticks cumulative and wrapping as int32.
 */
export const MOTOR_MSG = {
  /** host → controller: wheel speed command. */
  WHEEL_COMMAND: 0x01,
  /** controller → host: cumulative encoder ticks. */
  ENCODERS: 0x81,
  /** controller → host: battery. */
  BATTERY: 0x82,
  /** controller → host: fault bits and the last command seen. */
  STATUS: 0x83,
} as const;

/** Fault bits in STATUS.faults. */
export const MOTOR_FAULT = {
  /** The controller's own watchdog stopped the wheels: no WHEEL_COMMAND within its timeout. */
  WATCHDOG: 0x01,
  OVERCURRENT: 0x02,
  DRIVER: 0x04,
  UNDERVOLTAGE: 0x08,
} as const;

export interface WheelCommand {
  type: 'wheel_command';
  commandId: number;
  left: number;
  right: number;
}
export interface Encoders {
  type: 'encoders';
  timeUs: number;
  leftTicks: number;
  rightTicks: number;
}
export interface Battery {
  type: 'battery';
  voltage: number;
  current: number;
  percentage: number;
}
export interface MotorStatusReport {
  type: 'status';
  faults: number;
  lastCommandId: number;
}
export type MotorMessage = WheelCommand | Encoders | Battery | MotorStatusReport;

/** Payload lengths by type: a frame of another length is rejected. */
const PAYLOAD_LENGTH: Record<number, number> = { 1: 10, 129: 12, 130: 5, 131: 4 };
const MAX_FRAME = 64;

export function encodeMotorMessage(m: MotorMessage, seq: number): Uint8Array {
  const type = { wheel_command: 0x01, encoders: 0x81, battery: 0x82, status: 0x83 }[m.type];
  const raw = new Uint8Array(2 + PAYLOAD_LENGTH[type]! + 2);
  const dv = new DataView(raw.buffer);
  raw[0] = type;
  raw[1] = seq & 0xff;
  switch (m.type) {
    case 'wheel_command':
      dv.setUint16(2, m.commandId & 0xffff, true);
      dv.setFloat32(4, m.left, true);
      dv.setFloat32(8, m.right, true);
      break;
    case 'encoders':
      dv.setUint32(2, m.timeUs >>> 0, true);
      dv.setInt32(6, m.leftTicks | 0, true);
      dv.setInt32(10, m.rightTicks | 0, true);
      break;
    case 'battery':
      dv.setUint16(2, Math.round(m.voltage * 1000), true);
      dv.setInt16(4, Math.round(m.current * 1000), true);
      raw[6] = Math.round(m.percentage * 100);
      break;
    case 'status':
      dv.setUint16(2, m.faults, true);
      dv.setUint16(4, m.lastCommandId & 0xffff, true);
      break;
  }
  const crc = crc16(raw, 0, raw.length - 2);
  dv.setUint16(raw.length - 2, crc, true);
  const cobs = cobsEncode(raw);
  const frame = new Uint8Array(cobs.length + 1);
  frame.set(cobs);
  return frame;
}

function decodeBody(type: number, dv: DataView): MotorMessage {
  switch (type) {
    case 0x01:
      return {
        type: 'wheel_command',
        commandId: dv.getUint16(2, true),
        left: dv.getFloat32(4, true),
        right: dv.getFloat32(8, true),
      };
    case 0x81:
      return {
        type: 'encoders',
        timeUs: dv.getUint32(2, true),
        leftTicks: dv.getInt32(6, true),
        rightTicks: dv.getInt32(10, true),
      };
    case 0x82:
      return {
        type: 'battery',
        voltage: dv.getUint16(2, true) / 1000,
        current: dv.getInt16(4, true) / 1000,
        percentage: dv.getUint8(6) / 100,
      };
    default:
      return { type: 'status', faults: dv.getUint16(2, true), lastCommandId: dv.getUint16(4, true) };
  }
}

export interface MotorParserStats extends FrameStats {
  /** Frames whose sequence number skipped ahead: frames lost on the way. */
  sequenceGaps: number;
}

/**
 * Splits the byte stream at 0x00, COBS-decodes, checks length, type and CRC. Anything else is
 * counted and dropped; the next 0x00 always resynchronises.
 */
export class MotorFrameParser {
  readonly stats: MotorParserStats = { ...emptyFrameStats(), sequenceGaps: 0 };
  #block = new Uint8Array(MAX_FRAME);
  #len = 0;
  #overflow = false;
  #lastSeq = -1;

  push(chunk: Uint8Array, onMessage: (m: MotorMessage, seq: number) => void): void {
    this.stats.bytes += chunk.length;
    for (const b of chunk) {
      if (b !== 0) {
        if (this.#len < MAX_FRAME) this.#block[this.#len++] = b;
        else {
          this.#overflow = true;
          this.stats.discardedBytes++;
        }
        continue;
      }
      const len = this.#len;
      this.#len = 0;
      if (this.#overflow) {
        this.#overflow = false;
        this.#drop(len, `frame longer than ${MAX_FRAME} bytes before the 0x00 delimiter`);
        continue;
      }
      if (len === 0) continue; // back-to-back delimiters: idle fill, not an error
      const raw = cobsDecode(this.#block.subarray(0, len));
      if (raw === undefined) {
        this.#drop(len, 'COBS block is malformed (a code byte points past the delimiter)');
        continue;
      }
      // A lone 0x01 code byte is well-formed COBS for zero bytes: no type to read (found by fuzzing).
      if (raw.length === 0) {
        this.#drop(len, 'COBS block decodes to no bytes: expected a frame of type, sequence, payload and CRC');
        continue;
      }
      const type = raw[0]!;
      const want = PAYLOAD_LENGTH[type];
      if (want === undefined) {
        this.#drop(
          len,
          `message type: expected one of 0x01, 0x81, 0x82, 0x83, got 0x${type.toString(16).padStart(2, '0')}`,
        );
        continue;
      }
      if (raw.length !== want + 4) {
        this.#drop(len, `type 0x${type.toString(16)}: expected a ${want + 4}-byte frame, got ${raw.length}`);
        continue;
      }
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.length);
      const crc = crc16(raw, 0, raw.length - 2);
      const got = dv.getUint16(raw.length - 2, true);
      if (crc !== got) {
        this.stats.crcErrors++;
        this.stats.discardedBytes += len + 1;
        this.stats.lastError = `CRC of type 0x${type.toString(16)}: expected ${hex16(crc)}, got ${hex16(got)}`;
        continue;
      }
      const seq = raw[1]!;
      if (this.#lastSeq >= 0 && seq !== ((this.#lastSeq + 1) & 0xff)) this.stats.sequenceGaps++;
      this.#lastSeq = seq;
      this.stats.frames++;
      onMessage(decodeBody(type, dv), seq);
    }
  }

  #drop(len: number, why: string): void {
    this.stats.rejectedFrames++;
    this.stats.discardedBytes += len + 1;
    this.stats.lastError = why;
  }
}
