import { OutpostError } from '../OutpostError.js';

/**
 * The ack payload a receiver publishes on `outpost/<fleet>/<receiver>/~ack/<sender>`: the envelope
 * ids it delivered (or had already delivered), each a little-endian uint64, nothing else. An empty
 * or ragged payload is an OUTPOST_ERR_FLEET_PAYLOAD.
 */
export function encodeAcks(ids: readonly bigint[]): Uint8Array {
  const out = Buffer.allocUnsafe(ids.length * 8);
  ids.forEach((id, i) => {
    out.writeBigUInt64LE(id, i * 8);
  });
  return out;
}

export function decodeAcks(bytes: Uint8Array): bigint[] {
  if (bytes.length === 0 || bytes.length % 8 !== 0) {
    throw new OutpostError(
      'OUTPOST_ERR_FLEET_PAYLOAD',
      `ack payload of ${bytes.length} byte(s): expected a non-empty multiple of 8`,
    );
  }
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ids: bigint[] = [];
  for (let o = 0; o < b.length; o += 8) ids.push(b.readBigUInt64LE(o));
  return ids;
}
