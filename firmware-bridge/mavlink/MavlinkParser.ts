import { crc16 } from '../Crc16.js';
import { emptyFrameStats, hex16, type FrameStats } from '../FrameStats.js';
import { HEADER_LENGTH, MAVLINK2_STX } from './MavlinkEncoder.js';
import { MessageTable, type MessageDef } from './MavlinkMessages.js';
import { INCOMPAT_SIGNED, SIGNATURE_LENGTH, readUint48, signatureOf } from './MavlinkSigning.js';

export interface MavlinkFrame {
  seq: number;
  systemId: number;
  componentId: number;
  msgid: number;
  def: MessageDef;
  /** The payload as sent (maybe truncated). A view into the parser's buffer: valid during the callback only. */
  payload: Uint8Array;
  signed: boolean;
}

export interface MavlinkParserOptions {
  table?: MessageTable;
  /** Check signatures with this key; unsigned frames are then rejected unless `acceptUnsigned`. */
  signingKey?: Uint8Array;
  acceptUnsigned?: boolean;
}

export interface MavlinkParserStats extends FrameStats {
  /** Well-formed frames of a message id not in the table (their CRC cannot be checked). */
  unknownMessages: number;
  /** Frames dropped for a missing, wrong or replayed signature. */
  badSignatures: number;
}

/**
 * A streaming MAVLink 2 parser. Feed it bytes in any chunking; it finds 0xFD, waits for the whole
 * frame, checks incompat flags and CRC (with the message's CRC_EXTRA) and, with a key, the
 * signature and its timestamp (strictly increasing per link id, system and component). On a bad
 * CRC it resumes one byte after the false start, so a truncated frame costs only itself and the
 * next good frame is found; a frame of an unknown message id is skipped whole, as the MAVLink C
 * parser does. MAVLink 1 frames (0xFE) are not parsed and count as discarded bytes.
 */
export class MavlinkParser {
  readonly stats: MavlinkParserStats = { ...emptyFrameStats(), unknownMessages: 0, badSignatures: 0 };
  #table: MessageTable;
  #key: Uint8Array | undefined;
  #acceptUnsigned: boolean;
  #buf = new Uint8Array(4096);
  #start = 0;
  #end = 0;
  #lastStamp = new Map<number, number>();
  #crcExtra = new Uint8Array(1);

  constructor(options: MavlinkParserOptions = {}) {
    this.#table = options.table ?? new MessageTable();
    this.#key = options.signingKey;
    this.#acceptUnsigned = options.acceptUnsigned ?? false;
  }

  /** Parses `chunk`, calling `onFrame` for each good frame, in order. */
  push(chunk: Uint8Array, onFrame: (frame: MavlinkFrame) => void): void {
    this.stats.bytes += chunk.length;
    this.#append(chunk);
    const buf = this.#buf;
    for (;;) {
      let s = this.#start;
      const end = this.#end;
      if (s >= end) break;
      if (buf[s] !== MAVLINK2_STX) {
        let i = buf.indexOf(MAVLINK2_STX, s);
        if (i < 0 || i >= end) i = end;
        this.stats.discardedBytes += i - s;
        this.#start = s = i;
        if (s >= end) break;
      }
      if (end - s < HEADER_LENGTH) break;
      const len = buf[s + 1]!;
      const incompat = buf[s + 2]!;
      if ((incompat & ~INCOMPAT_SIGNED) !== 0) {
        this.#reject(1, `incompat_flags: expected 0x00 or 0x01, got 0x${incompat.toString(16)}`);
        continue;
      }
      const signed = (incompat & INCOMPAT_SIGNED) !== 0;
      const total = HEADER_LENGTH + len + 2 + (signed ? SIGNATURE_LENGTH : 0);
      if (end - s < total) break;
      const msgid = buf[s + 7]! | (buf[s + 8]! << 8) | (buf[s + 9]! << 16);
      const def = this.#table.get(msgid);
      if (def === undefined) {
        this.stats.unknownMessages++;
        this.#reject(
          total,
          `message id: expected one in the message table, got ${msgid} (frame of ${total} bytes skipped)`,
        );
        continue;
      }
      this.#crcExtra[0] = def.crcExtra;
      const crc = crc16(this.#crcExtra, 0, 1, crc16(buf, s + 1, s + HEADER_LENGTH + len));
      const got = buf[s + HEADER_LENGTH + len]! | (buf[s + HEADER_LENGTH + len + 1]! << 8);
      if (crc !== got) {
        this.stats.crcErrors++;
        this.#reject(1, `CRC of ${def.name} (msgid ${msgid}, len ${len}): expected ${hex16(crc)}, got ${hex16(got)}`);
        continue;
      }
      if (len > def.maxLength) {
        this.#reject(total, `${def.name}: payload of at most ${def.maxLength} bytes expected, got ${len}`);
        continue;
      }
      if (this.#key !== undefined && !this.#signatureOk(s, len, signed, def)) continue;
      this.#start = s + total;
      this.stats.frames++;
      onFrame({
        seq: buf[s + 4]!,
        systemId: buf[s + 5]!,
        componentId: buf[s + 6]!,
        msgid,
        def,
        payload: buf.subarray(s + HEADER_LENGTH, s + HEADER_LENGTH + len),
        signed,
      });
    }
  }

  #signatureOk(s: number, len: number, signed: boolean, def: MessageDef): boolean {
    const total = HEADER_LENGTH + len + 2 + (signed ? SIGNATURE_LENGTH : 0);
    if (!signed) {
      if (this.#acceptUnsigned) return true;
      this.stats.badSignatures++;
      this.#reject(total, `${def.name}: signed frame expected, got an unsigned one`);
      return false;
    }
    const buf = this.#buf;
    const at = s + HEADER_LENGTH + len + 2;
    const linkId = buf[at]!;
    const ts = readUint48(buf, at + 1);
    const want = signatureOf(this.#key!, buf.subarray(s, at), linkId, ts);
    for (let i = 0; i < 6; i++) {
      if (want[i] !== buf[at + 7 + i]) {
        this.stats.badSignatures++;
        this.#reject(total, `${def.name}: signature does not match (link id ${linkId})`);
        return false;
      }
    }
    const stream = (linkId << 16) | (buf[s + 5]! << 8) | buf[s + 6]!;
    const last = this.#lastStamp.get(stream) ?? -1;
    if (ts <= last) {
      this.stats.badSignatures++;
      this.#reject(total, `${def.name}: signature timestamp expected > ${last}, got ${ts} (replay)`);
      return false;
    }
    this.#lastStamp.set(stream, ts);
    return true;
  }

  #reject(skip: number, why: string): void {
    if (!why.startsWith('CRC')) this.stats.rejectedFrames++;
    this.stats.discardedBytes += skip;
    this.stats.lastError = why;
    this.#start += skip;
  }

  #append(chunk: Uint8Array): void {
    if (this.#start === this.#end) this.#start = this.#end = 0;
    if (this.#end + chunk.length > this.#buf.length) {
      const live = this.#end - this.#start;
      const size = Math.max(this.#buf.length, live + chunk.length);
      const next = size > this.#buf.length ? new Uint8Array(size * 2) : this.#buf;
      if (next === this.#buf) this.#buf.copyWithin(0, this.#start, this.#end);
      else next.set(this.#buf.subarray(this.#start, this.#end));
      this.#buf = next;
      this.#start = 0;
      this.#end = live;
    }
    this.#buf.set(chunk, this.#end);
    this.#end += chunk.length;
  }
}
