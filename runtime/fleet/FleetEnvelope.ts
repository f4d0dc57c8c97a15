import { createHash } from 'node:crypto';
import { OutpostError, describeValue } from '../OutpostError.js';
import type { MessageRegistry } from '../msg/MessageRegistry.js';

/**
 * The envelope every fleet message travels in: a fixed little-endian header, three short strings and
 * the message's CDR bytes, untouched (the same bytes go to MQTT, MCAP and ROS 2).
 *
 *   offset size  field
 *   0      2     magic "OF" (0x4f 0x46)
 *   2      1     version (1)
 *   3      1     flags: bit 0 = ack requested (reliable and latest-only routes); bits 1-7 must be 0
 *   4      8     id        uint64: unique per origin (the sender outbox's row id; never reused)
 *   12     8     seq       uint64: per (origin, route) sequence, from 1, no reuse
 *   20     8     lowSeq    uint64: lowest seq of this route still queued at the sender when sent;
 *                          the receiver may skip any gap below it (expired or dropped messages)
 *   28     8     stamp     int64: ns since the Unix epoch on the sender's clock, when enqueued
 *   36     8     typeHash  first 8 bytes of sha256(registry.definitionText(type))
 *   44     1+n   origin    uint8 length + UTF-8 robot name
 *   ..     2+n   route     uint16 length + UTF-8 route (ROS topic without leading "/")
 *   ..     1+n   type      uint8 length + UTF-8 ROS 2 type name ("nav_msgs/msg/OccupancyGrid")
 *   ..     4+n   payload   uint32 length + CDR bytes (with encapsulation header)
 *
 * The envelope must end exactly after the payload. Anything else is an OUTPOST_ERR_FLEET_PAYLOAD.
 */
export interface FleetEnvelope {
  id: bigint;
  seq: bigint;
  lowSeq: bigint;
  stamp: bigint;
  origin: string;
  route: string;
  type: string;
  typeHash: Uint8Array;
  ackRequested: boolean;
  payload: Uint8Array;
}

export const ENVELOPE_VERSION = 1;
export const ENVELOPE_HEADER_BYTES = 44;
/** Default largest envelope accepted or produced: 8 MiB (a full map is sent as tiles, not one blob). */
export const DEFAULT_MAX_ENVELOPE_BYTES = 8 * 1024 * 1024;
const FLAG_ACK = 0x01;
const U64_MAX = (1n << 64n) - 1n;

export function encodeEnvelope(env: FleetEnvelope, maxBytes = DEFAULT_MAX_ENVELOPE_BYTES): Uint8Array {
  const origin = Buffer.from(env.origin, 'utf8');
  const route = Buffer.from(env.route, 'utf8');
  const type = Buffer.from(env.type, 'utf8');
  const fail = (what: string): never => {
    throw new OutpostError('OUTPOST_ERR_FLEET_PAYLOAD', `cannot encode envelope ${env.origin}/${env.route}: ${what}`);
  };
  if (origin.length === 0 || origin.length > 255) fail(`origin must be 1-255 bytes, got ${origin.length}`);
  if (route.length === 0 || route.length > 65535) fail(`route must be 1-65535 bytes, got ${route.length}`);
  if (type.length === 0 || type.length > 255) fail(`type must be 1-255 bytes, got ${type.length}`);
  if (env.typeHash.length !== 8) fail(`typeHash must be 8 bytes, got ${env.typeHash.length}`);
  for (const [k, v] of [
    ['id', env.id],
    ['seq', env.seq],
    ['lowSeq', env.lowSeq],
  ] as const) {
    if (v < 0n || v > U64_MAX) fail(`${k} must be a uint64, got ${v}`);
  }
  const size = ENVELOPE_HEADER_BYTES + 1 + origin.length + 2 + route.length + 1 + type.length + 4 + env.payload.length;
  if (size > maxBytes) fail(`envelope of ${size} bytes exceeds the limit of ${maxBytes}`);
  const out = Buffer.allocUnsafe(size);
  out[0] = 0x4f;
  out[1] = 0x46;
  out[2] = ENVELOPE_VERSION;
  out[3] = env.ackRequested ? FLAG_ACK : 0;
  out.writeBigUInt64LE(env.id, 4);
  out.writeBigUInt64LE(env.seq, 12);
  out.writeBigUInt64LE(env.lowSeq, 20);
  out.writeBigInt64LE(env.stamp, 28);
  out.set(env.typeHash, 36);
  let o = ENVELOPE_HEADER_BYTES;
  out[o++] = origin.length;
  out.set(origin, o);
  o += origin.length;
  out.writeUInt16LE(route.length, o);
  o += 2;
  out.set(route, o);
  o += route.length;
  out[o++] = type.length;
  out.set(type, o);
  o += type.length;
  out.writeUInt32LE(env.payload.length, o);
  o += 4;
  out.set(env.payload, o);
  return out;
}

/** Decodes and validates an envelope; throws OUTPOST_ERR_FLEET_PAYLOAD saying what was wrong. */
export function decodeEnvelope(bytes: Uint8Array, maxBytes = DEFAULT_MAX_ENVELOPE_BYTES): FleetEnvelope {
  const fail = (what: string): never => {
    throw new OutpostError('OUTPOST_ERR_FLEET_PAYLOAD', `fleet envelope of ${bytes.length} byte(s): ${what}`);
  };
  if (bytes.length > maxBytes) fail(`oversized: exceeds the limit of ${maxBytes} bytes`);
  if (bytes.length < ENVELOPE_HEADER_BYTES + 8) fail(`truncated: expected at least ${ENVELOPE_HEADER_BYTES + 8} bytes`);
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b[0] !== 0x4f || b[1] !== 0x46) fail(`garbage: expected magic 4f 46 ("OF"), got ${hex(b.subarray(0, 2))}`);
  if (b[2] !== ENVELOPE_VERSION) fail(`expected version ${ENVELOPE_VERSION}, got ${b[2]}`);
  const flags = b[3]!;
  if ((flags & ~FLAG_ACK) !== 0) fail(`unknown flag bits 0x${flags.toString(16)}`);
  let o = ENVELOPE_HEADER_BYTES;
  const need = (n: number, what: string): void => {
    if (o + n > b.length) fail(`truncated in ${what}: needs ${n} byte(s) at offset ${o}`);
  };
  const str = (lenBytes: 1 | 2, what: string): string => {
    need(lenBytes, `${what} length`);
    const len = lenBytes === 1 ? b[o]! : b.readUInt16LE(o);
    o += lenBytes;
    if (len === 0) fail(`${what} is empty`);
    need(len, what);
    const s = b.toString('utf8', o, o + len);
    if (Buffer.byteLength(s, 'utf8') !== len || s.includes('\uFFFD')) fail(`${what} is not valid UTF-8`);
    o += len;
    return s;
  };
  const origin = str(1, 'origin');
  const route = str(2, 'route');
  const type = str(1, 'type');
  need(4, 'payload length');
  const payloadLen = b.readUInt32LE(o);
  o += 4;
  need(payloadLen, 'payload');
  if (o + payloadLen !== b.length) fail(`${b.length - o - payloadLen} trailing byte(s) after the payload`);
  const seq = b.readBigUInt64LE(12);
  const lowSeq = b.readBigUInt64LE(20);
  if (lowSeq > seq) fail(`lowSeq ${lowSeq} is above seq ${seq}`);
  return {
    id: b.readBigUInt64LE(4),
    seq,
    lowSeq,
    stamp: b.readBigInt64LE(28),
    typeHash: new Uint8Array(b.subarray(36, 44)),
    ackRequested: (flags & FLAG_ACK) !== 0,
    origin,
    route,
    type,
    payload: new Uint8Array(b.subarray(o, o + payloadLen)),
  };
}

const hashes = new WeakMap<MessageRegistry, Map<string, Uint8Array>>();

/** First 8 bytes of sha256 over the type's full definition text (with its dependencies). */
export function typeHashOf(registry: MessageRegistry, type: string): Uint8Array {
  let perRegistry = hashes.get(registry);
  if (perRegistry === undefined) hashes.set(registry, (perRegistry = new Map()));
  let h = perRegistry.get(type);
  if (h === undefined) {
    h = new Uint8Array(createHash('sha256').update(registry.definitionText(type)).digest().subarray(0, 8));
    perRegistry.set(type, h);
  }
  return h;
}

/** Throws OUTPOST_ERR_FLEET_TYPE_MISMATCH unless the envelope's type is known here with the same hash. */
export function checkEnvelopeType(registry: MessageRegistry, env: FleetEnvelope): void {
  if (!registry.has(env.type)) {
    throw new OutpostError(
      'OUTPOST_ERR_FLEET_TYPE_MISMATCH',
      `envelope ${env.origin}/${env.route}#${env.seq}: type ${describeValue(env.type)} is not known to this registry`,
    );
  }
  const ours = typeHashOf(registry, env.type);
  if (Buffer.compare(Buffer.from(ours), Buffer.from(env.typeHash)) !== 0) {
    throw new OutpostError(
      'OUTPOST_ERR_FLEET_TYPE_MISMATCH',
      `envelope ${env.origin}/${env.route}#${env.seq}: type ${env.type} has hash ${hex(env.typeHash)}, ` +
        `expected ${hex(ours)} (the robots run different definitions of this message)`,
    );
  }
}

/** The envelope as plain JSON for non-ROS clients: CDR decoded, bigints as strings, arrays as arrays. */
export function toJsonView(env: FleetEnvelope, registry: MessageRegistry): Record<string, unknown> {
  checkEnvelopeType(registry, env);
  return {
    id: env.id.toString(),
    origin: env.origin,
    route: env.route,
    seq: env.seq.toString(),
    stamp: env.stamp.toString(),
    type: env.type,
    typeHash: hex(env.typeHash, ''),
    message: jsonSafe(registry.decode(env.type, env.payload)),
  };
}

function jsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number | bigint>, jsonSafe);
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)]));
  }
  return v;
}

function hex(b: Uint8Array, sep = ' '): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(sep);
}
