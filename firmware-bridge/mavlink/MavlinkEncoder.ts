import { crc16 } from '../Crc16.js';
import { encodePayload, type MessageDef, type MessageFields } from './MavlinkMessages.js';
import { INCOMPAT_SIGNED, SIGNATURE_LENGTH, SigningTimestamp, signatureOf, type SigningKey } from './MavlinkSigning.js';

export const MAVLINK2_STX = 0xfd;
export const HEADER_LENGTH = 10;

export interface MavlinkEncoderOptions {
  /** Our system id. The bridge uses the autopilot's system id, as a companion computer does. */
  systemId: number;
  /** Our component id. 191 = MAV_COMP_ID_ONBOARD_COMPUTER (node-mavlink defaults to 1, the autopilot's). */
  componentId: number;
  /** Sign every frame with this key. */
  signing?: SigningKey;
  /** Wall time for signing timestamps (Unix ms). */
  unixMs?: () => number;
}

/**
 * Writes MAVLink 2 frames (never MAVLink 1): header, payload with trailing zeros truncated (at
 * least one byte kept), CRC-16/MCRF4XX over header-after-STX, payload and CRC_EXTRA, and an optional
 * signature. Each encoder keeps its own sequence number, so two links never share one counter.
 */
export class MavlinkEncoder {
  readonly systemId: number;
  readonly componentId: number;
  #seq = 0;
  #signing: SigningKey | undefined;
  #stamp = new SigningTimestamp();
  #unixMs: () => number;
  #scratch = new Uint8Array(255);

  constructor(o: MavlinkEncoderOptions) {
    this.systemId = o.systemId;
    this.componentId = o.componentId;
    this.#signing = o.signing;
    this.#unixMs = o.unixMs ?? Date.now;
  }

  /** The sequence number the next frame will carry. */
  get sequence(): number {
    return this.#seq;
  }

  encode(def: MessageDef, fields: MessageFields): Uint8Array {
    this.#scratch.fill(0, 0, def.maxLength);
    const full = encodePayload(def, fields, this.#scratch);
    let len = def.maxLength;
    while (len > 1 && full[len - 1] === 0) len--;
    const signed = this.#signing !== undefined;
    const frame = new Uint8Array(HEADER_LENGTH + len + 2 + (signed ? SIGNATURE_LENGTH : 0));
    frame[0] = MAVLINK2_STX;
    frame[1] = len;
    frame[2] = signed ? INCOMPAT_SIGNED : 0;
    frame[3] = 0;
    frame[4] = this.#seq;
    this.#seq = (this.#seq + 1) & 0xff;
    frame[5] = this.systemId;
    frame[6] = this.componentId;
    frame[7] = def.id & 0xff;
    frame[8] = (def.id >> 8) & 0xff;
    frame[9] = (def.id >> 16) & 0xff;
    frame.set(full.subarray(0, len), HEADER_LENGTH);
    let crc = crc16(frame, 1, HEADER_LENGTH + len);
    crc = crc16(Uint8Array.of(def.crcExtra), 0, 1, crc);
    frame[HEADER_LENGTH + len] = crc & 0xff;
    frame[HEADER_LENGTH + len + 1] = crc >> 8;
    if (this.#signing !== undefined) {
      const at = HEADER_LENGTH + len + 2;
      const ts = this.#stamp.next(this.#unixMs());
      frame[at] = this.#signing.linkId;
      const sig = signatureOf(this.#signing.key, frame.subarray(0, at), this.#signing.linkId, ts);
      const tsBytes = new Uint8Array(6);
      let v = ts;
      for (let i = 0; i < 6; i++) {
        tsBytes[i] = v % 256;
        v = Math.floor(v / 256);
      }
      frame.set(tsBytes, at + 1);
      frame.set(sig, at + 7);
    }
    return frame;
  }
}
