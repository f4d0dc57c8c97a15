import { OutpostError } from '../OutpostError.js';

/**
 * Frames on the local bus socket (a Unix domain socket owned by `outpost launch`), used by
 * `process: true` nodes and by `outpost topic ...` in a second shell:
 *
 *   uint32 LE  frame length (bytes after this field)
 *   uint32 LE  header length H
 *   H bytes    header, UTF-8 JSON: { op: string, ... }
 *   rest       payload: CDR bytes of a message, request or response (may be empty)
 *
 * Messages cross the socket as the same CDR bytes ROS 2 would send; in-process delivery never
 * touches this path.
 */
export interface BusFrame {
  header: BusHeader;
  payload: Uint8Array;
}

export type BusHeader = { op: string; [key: string]: unknown };

/** Frames larger than this are refused (a corrupt length would otherwise allocate gigabytes). */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

export function encodeFrame(header: BusHeader, payload: Uint8Array = EMPTY): Buffer {
  const h = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.allocUnsafe(8 + h.length + payload.length);
  out.writeUInt32LE(4 + h.length + payload.length, 0);
  out.writeUInt32LE(h.length, 4);
  h.copy(out, 8);
  out.set(payload, 8 + h.length);
  return out;
}

const EMPTY = new Uint8Array(0);

/** Splits a byte stream into frames; throws OUTPOST_ERR_BUS_PROTOCOL on a malformed one. */
export class FrameDecoder {
  #buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): BusFrame[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const frames: BusFrame[] = [];
    while (this.#buffer.length >= 4) {
      const len = this.#buffer.readUInt32LE(0);
      if (len < 4 || len > MAX_FRAME_BYTES) {
        throw new OutpostError(
          'OUTPOST_ERR_BUS_PROTOCOL',
          `bus frame length ${len}: expected 4..${MAX_FRAME_BYTES} bytes`,
        );
      }
      if (this.#buffer.length < 4 + len) break;
      const hlen = this.#buffer.readUInt32LE(4);
      if (hlen > len - 4) {
        throw new OutpostError(
          'OUTPOST_ERR_BUS_PROTOCOL',
          `bus frame header length ${hlen} exceeds frame length ${len}`,
        );
      }
      let header: BusHeader;
      try {
        header = JSON.parse(this.#buffer.toString('utf8', 8, 8 + hlen)) as BusHeader;
      } catch (err) {
        throw new OutpostError('OUTPOST_ERR_BUS_PROTOCOL', `bus frame header is not JSON: ${(err as Error).message}`, {
          cause: err,
        });
      }
      if (header === null || typeof header !== 'object' || typeof header.op !== 'string') {
        throw new OutpostError('OUTPOST_ERR_BUS_PROTOCOL', 'bus frame header: expected an object with a string "op"');
      }
      // Copy the payload out: the decoder reuses nothing, and subscribers may keep the bytes.
      const payload = new Uint8Array(this.#buffer.subarray(8 + hlen, 4 + len));
      frames.push({ header, payload });
      this.#buffer = this.#buffer.subarray(4 + len);
    }
    return frames;
  }
}
