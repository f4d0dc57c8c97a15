import { createHash } from 'node:crypto';
import { OutpostError, describeValue } from '../OutpostError.js';
import { longName, type MessageRegistry } from '../msg/MessageRegistry.js';

/**
 * The envelope every fleet message travels in: a fixed little-endian header, three varints, two
 * short strings and the message's CDR bytes, untouched (the same bytes go to MQTT, MCAP and ROS 2).
 * Version 2 (issue 15, telemetry bytes on the fleet link): 37 bytes of overhead for a 1 Hz record
 * instead of version 1's 97. The type travels as its hash only (the receiver finds the name among
 * its own registry's types), counters and the payload length as LEB128 varints.
 *
 *   offset size  field
 *   0      2     magic "OF" (0x4f 0x46)
 *   2      1     version (2; a fleet runs one version: a version 1 envelope is refused)
 *   3      1     flags: bit 0 = ack requested (reliable and acked latest-only routes); bits 1-7 must be 0
 *   4      8     stamp     int64: ns since the Unix epoch on the sender's clock, when enqueued
 *   12     8     typeHash  first 8 bytes of sha256(type name + "\n" + registry.definitionText(type))
 *   20     1-10  id        uint64 varint: unique per origin (the sender outbox's row id; never reused)
 *   ..     1-10  seq       uint64 varint: per (origin, route) sequence, from 1, no reuse
 *   ..     1-10  seqGap    uint64 varint: seq - lowSeq, lowSeq being the lowest seq of this route
 *                          still queued at the sender when sent; the receiver may skip any gap below it
 *   ..     1+n   origin    uint8 length + UTF-8 robot name
 *   ..     1+n   route     uint8 length + UTF-8 route (ROS topic without leading "/", at most 200 bytes)
 *   ..     1-10  payload   varint length + CDR bytes (with encapsulation header)
 *
 * Varints are minimal (no redundant 0x80 continuation bytes) so that an envelope has one encoding.
 * The envelope must end exactly after the payload (MQTT frames it too; the length catches an
 * envelope cut or padded on the way). Anything malformed is an OUTPOST_ERR_FLEET_PAYLOAD.
 */
export interface FleetEnvelope {
  id: bigint;
  seq: bigint;
  lowSeq: bigint;
  stamp: bigint;
  origin: string;
  route: string;
  /** The ROS 2 type name; on decode, what `typeOf` found for `typeHash`, or '' when nothing did. */
  type: string;
  typeHash: Uint8Array;
  ackRequested: boolean;
  payload: Uint8Array;
}

/** Finds the type name whose hash this is (see `typeIndexOf`); undefined when none. */
export type TypeOfHash = (typeHash: Uint8Array) => string | undefined;

export const ENVELOPE_VERSION = 2;
export const ENVELOPE_HEADER_BYTES = 20;
/** Default largest envelope accepted or produced: 8 MiB (a full map is sent as tiles, not one blob). */
export const DEFAULT_MAX_ENVELOPE_BYTES = 8 * 1024 * 1024;
const FLAG_ACK = 0x01;
const U64_MAX = (1n << 64n) - 1n;

/** Bytes `v` takes as a LEB128 varint. */
export function varintBytes(v: bigint): number {
  let n = 1;
  for (let x = v >> 7n; x > 0n; x >>= 7n) n++;
  return n;
}

/** Bytes the envelope of this message takes (what `encodeEnvelope` would produce). */
export function envelopeBytes(
  e: Pick<FleetEnvelope, 'id' | 'seq' | 'lowSeq' | 'origin' | 'route'>,
  payloadBytes: number,
): number {
  return (
    ENVELOPE_HEADER_BYTES +
    varintBytes(e.id) +
    varintBytes(e.seq) +
    varintBytes(e.seq - e.lowSeq) +
    1 +
    Buffer.byteLength(e.origin, 'utf8') +
    1 +
    Buffer.byteLength(e.route, 'utf8') +
    varintBytes(BigInt(payloadBytes)) +
    payloadBytes
  );
}

export function encodeEnvelope(env: FleetEnvelope, maxBytes = DEFAULT_MAX_ENVELOPE_BYTES): Uint8Array {
  const origin = Buffer.from(env.origin, 'utf8');
  const route = Buffer.from(env.route, 'utf8');
  const fail = (what: string): never => {
    throw new OutpostError('OUTPOST_ERR_FLEET_PAYLOAD', `cannot encode envelope ${env.origin}/${env.route}: ${what}`);
  };
  if (origin.length === 0 || origin.length > 255) fail(`origin must be 1-255 bytes, got ${origin.length}`);
  if (route.length === 0 || route.length > 255) fail(`route must be 1-255 bytes, got ${route.length}`);
  if (env.typeHash.length !== 8) fail(`typeHash must be 8 bytes, got ${env.typeHash.length}`);
  for (const [k, v] of [
    ['id', env.id],
    ['seq', env.seq],
    ['lowSeq', env.lowSeq],
  ] as const) {
    if (v < 0n || v > U64_MAX) fail(`${k} must be a uint64, got ${v}`);
  }
  if (env.lowSeq > env.seq) fail(`lowSeq ${env.lowSeq} is above seq ${env.seq}`);
  const size = envelopeBytes(env, env.payload.length);
  if (size > maxBytes) fail(`envelope of ${size} bytes exceeds the limit of ${maxBytes}`);
  const out = Buffer.allocUnsafe(size);
  out[0] = 0x4f;
  out[1] = 0x46;
  out[2] = ENVELOPE_VERSION;
  out[3] = env.ackRequested ? FLAG_ACK : 0;
  out.writeBigInt64LE(env.stamp, 4);
  out.set(env.typeHash, 12);
  let o = ENVELOPE_HEADER_BYTES;
  const varint = (value: bigint): void => {
    let v = value;
    while (v >= 0x80n) {
      out[o++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    out[o++] = Number(v);
  };
  varint(env.id);
  varint(env.seq);
  varint(env.seq - env.lowSeq);
  for (const s of [origin, route]) {
    out[o++] = s.length;
    out.set(s, o);
    o += s.length;
  }
  varint(BigInt(env.payload.length));
  out.set(env.payload, o);
  return out;
}

/**
 * Decodes and validates an envelope; throws OUTPOST_ERR_FLEET_PAYLOAD saying what was wrong. The
 * type name comes from `typeOf` (a receiver passes `typeIndexOf(registry)`); without it, or for a
 * hash it does not know, `type` is '' and `checkEnvelopeType` refuses the envelope.
 */
export function decodeEnvelope(
  bytes: Uint8Array,
  maxBytes = DEFAULT_MAX_ENVELOPE_BYTES,
  typeOf?: TypeOfHash,
): FleetEnvelope {
  const fail = (what: string): never => {
    throw new OutpostError('OUTPOST_ERR_FLEET_PAYLOAD', `fleet envelope of ${bytes.length} byte(s): ${what}`);
  };
  if (bytes.length > maxBytes) fail(`oversized: exceeds the limit of ${maxBytes} bytes`);
  if (bytes.length < ENVELOPE_HEADER_BYTES + 6) fail(`truncated: expected at least ${ENVELOPE_HEADER_BYTES + 6} bytes`);
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b[0] !== 0x4f || b[1] !== 0x46) fail(`garbage: expected magic 4f 46 ("OF"), got ${hex(b.subarray(0, 2))}`);
  if (b[2] !== ENVELOPE_VERSION) {
    fail(
      `expected version ${ENVELOPE_VERSION}, got ${b[2]} (every robot of a fleet must run the same Outpost version)`,
    );
  }
  const flags = b[3]!;
  if ((flags & ~FLAG_ACK) !== 0) fail(`unknown flag bits 0x${flags.toString(16)}`);
  let o = ENVELOPE_HEADER_BYTES;
  const need = (n: number, what: string): void => {
    if (o + n > b.length) fail(`truncated in ${what}: needs ${n} byte(s) at offset ${o}`);
  };
  const varint = (what: string): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      need(1, what);
      const byte = b[o++]!;
      if (shift === 63n && byte > 1) fail(`${what} does not fit a uint64`);
      v |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) {
        if (byte === 0 && shift > 0n) fail(`${what} is not a minimal varint (trailing 00)`);
        return v;
      }
    }
  };
  const str = (what: string): string => {
    need(1, `${what} length`);
    const len = b[o++]!;
    if (len === 0) fail(`${what} is empty`);
    need(len, what);
    const s = b.toString('utf8', o, o + len);
    if (Buffer.byteLength(s, 'utf8') !== len || s.includes('\uFFFD')) fail(`${what} is not valid UTF-8`);
    o += len;
    return s;
  };
  const id = varint('id');
  const seq = varint('seq');
  const gap = varint('seqGap');
  if (gap > seq) fail(`seqGap ${gap} is above seq ${seq} (lowSeq would be negative)`);
  const origin = str('origin');
  const route = str('route');
  const payloadLen = varint('payload length');
  // Compared as bigint before any Number(): a 2^60 length must not round or allocate.
  if (payloadLen > BigInt(b.length - o)) fail(`truncated in payload: needs ${payloadLen} byte(s) at offset ${o}`);
  if (BigInt(o) + payloadLen !== BigInt(b.length)) {
    fail(`${BigInt(b.length - o) - payloadLen} trailing byte(s) after the payload`);
  }
  const typeHash = new Uint8Array(b.subarray(12, 20));
  return {
    id,
    seq,
    lowSeq: seq - gap,
    stamp: b.readBigInt64LE(4),
    typeHash,
    ackRequested: (flags & FLAG_ACK) !== 0,
    origin,
    route,
    type: typeOf?.(typeHash) ?? '',
    payload: new Uint8Array(b.subarray(o)),
  };
}

const hashes = new WeakMap<MessageRegistry, Map<string, Uint8Array>>();

/**
 * First 8 bytes of sha256 over the type's name and full definition text (with its dependencies).
 * The name is hashed too because the hash stands for the name on the wire: types with the same
 * fields (geometry_msgs Point and Vector3) must not share one.
 */
export function typeHashOf(registry: MessageRegistry, type: string): Uint8Array {
  let perRegistry = hashes.get(registry);
  if (perRegistry === undefined) hashes.set(registry, (perRegistry = new Map()));
  let h = perRegistry.get(type);
  if (h === undefined) {
    const text = `${longName(type)}\n${registry.definitionText(type)}`;
    h = new Uint8Array(createHash('sha256').update(text).digest().subarray(0, 8));
    perRegistry.set(type, h);
  }
  return h;
}

/**
 * The receiver's way back from a type hash to the type name: every message type of the registry,
 * indexed by hash. Built on first use and again when a hash is not found and the registry has
 * gained types since (a node may register its messages after the link started).
 */
export function typeIndexOf(registry: MessageRegistry): TypeOfHash {
  let index = new Map<string, string>();
  let indexed = -1;
  const build = (): void => {
    const types = registry.types();
    if (types.length === indexed) return;
    index = new Map(types.map((t) => [hex(typeHashOf(registry, t), ''), t]));
    indexed = types.length;
  };
  return (typeHash) => {
    const key = hex(typeHash, '');
    if (!index.has(key)) build();
    return index.get(key);
  };
}

/** Throws OUTPOST_ERR_FLEET_TYPE_MISMATCH unless the envelope's type is known here with the same hash. */
export function checkEnvelopeType(registry: MessageRegistry, env: FleetEnvelope): void {
  if (env.type === '' || !registry.has(env.type)) {
    const what = env.type === '' ? `with hash ${hex(env.typeHash)}` : describeValue(env.type);
    throw new OutpostError(
      'OUTPOST_ERR_FLEET_TYPE_MISMATCH',
      `envelope ${env.origin}/${env.route}#${env.seq}: type ${what} is not known to this registry`,
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
