import { createHash } from 'node:crypto';

/**
 * MAVLink 2 message signing (https://mavlink.io/en/guide/message_signing.html): a 13-byte trailer
 * of link id, a 48-bit timestamp in 10 µs units since 2015-01-01 00:00 UTC, and the first 6 bytes
 * of SHA-256(secret key + header + payload + CRC + link id + timestamp).
 */
export const SIGNATURE_LENGTH = 13;
export const INCOMPAT_SIGNED = 0x01;
/** 2015-01-01T00:00:00Z in Unix milliseconds. */
export const SIGNING_EPOCH_MS = 1_420_070_400_000;

export interface SigningKey {
  /** The 32-byte shared secret. */
  key: Uint8Array;
  /** This end's link id (0–255), sent in each signature. */
  linkId: number;
}

/** The 6 signature bytes for a frame whose header, payload and CRC are `signed` (STX included). */
export function signatureOf(key: Uint8Array, signed: Uint8Array, linkId: number, timestamp: number): Uint8Array {
  const tail = new Uint8Array(7);
  tail[0] = linkId;
  writeUint48(tail, 1, timestamp);
  return createHash('sha256').update(key).update(signed).update(tail).digest().subarray(0, 6);
}

export function writeUint48(out: Uint8Array, offset: number, value: number): void {
  let v = value;
  for (let i = 0; i < 6; i++) {
    out[offset + i] = v % 256;
    v = Math.floor(v / 256);
  }
}

export function readUint48(bytes: Uint8Array, offset: number): number {
  let v = 0;
  for (let i = 5; i >= 0; i--) v = v * 256 + bytes[offset + i]!;
  return v;
}

/**
 * Timestamps for outgoing signatures that strictly increase even when several frames go out in the
 * same 10 µs tick or the wall clock steps back (node-mavlink reuses a millisecond timestamp, which
 * a receiver must reject as a replay).
 */
export class SigningTimestamp {
  #last = 0;
  next(unixMs: number): number {
    const t = Math.max(Math.floor((unixMs - SIGNING_EPOCH_MS) * 100), this.#last + 1);
    this.#last = t;
    return t;
  }
}
