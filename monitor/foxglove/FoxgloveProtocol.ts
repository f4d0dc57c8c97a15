import { OutpostError } from '../../runtime/OutpostError.js';

/**
 * The wire format of the Foxglove WebSocket protocol (github.com/foxglove/ws-protocol,
 * docs/spec.md), the part a read-only server speaks: JSON ops as text frames, message data as
 * binary frames. Kept apart from the server so that parsing a client's frame can be tested on
 * its own and never touches a socket.
 */

/**
 * Subprotocols we accept, in order of preference: current Foxglove apps and SDKs offer
 * `foxglove.sdk.v1`, older apps and the deprecated `@foxglove/ws-protocol` client
 * `foxglove.websocket.v1`; the wire format is the same.
 */
export const FOXGLOVE_SUBPROTOCOLS = ['foxglove.sdk.v1', 'foxglove.websocket.v1'] as const;

/** Server → client binary opcodes. */
export const BinaryOpcode = { MESSAGE_DATA: 0x01, TIME: 0x02 } as const;

/** `status` levels. */
export const StatusLevel = { INFO: 0, WARNING: 1, ERROR: 2 } as const;

/** One topic as the server advertises it (a "channel"). */
export interface FoxgloveChannel {
  id: number;
  topic: string;
  encoding: 'cdr';
  schemaName: string;
  schema: string;
  schemaEncoding: 'ros2msg';
}

/** What a client may send to a read-only server, after validation. */
export type ClientOp =
  | { op: 'subscribe'; subscriptions: Array<{ id: number; channelId: number }> }
  | { op: 'unsubscribe'; subscriptionIds: number[] }
  /** An op of the protocol that needs a capability this server does not announce. */
  | { op: 'unsupported'; name: string };

/**
 * Ops of the protocol a client sends only when the server announced the matching capability
 * (clientPublish, parameters, services, connectionGraph, assets). A client that sends one gets a
 * warning, not a disconnect: it speaks the protocol, we just do not offer that part.
 */
const UNSUPPORTED_OPS = new Set([
  'advertise',
  'unadvertise',
  'getParameters',
  'setParameters',
  'subscribeParameterUpdates',
  'unsubscribeParameterUpdates',
  'subscribeConnectionGraph',
  'unsubscribeConnectionGraph',
  'fetchAsset',
]);

/** The first subprotocol of ours that the client offers, or undefined. */
export function chooseSubprotocol(offered: ReadonlySet<string> | readonly string[]): string | undefined {
  const set = new Set(offered);
  return FOXGLOVE_SUBPROTOCOLS.find((p) => set.has(p));
}

/**
 * Parses one text frame from a client. Throws OUTPOST_ERR_FOXGLOVE_PROTOCOL saying what was
 * expected and what came for anything that is not a well-formed op of the protocol.
 */
export function parseClientText(text: string): ClientOp {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw protocolError(`expected a JSON object with an "op" field, got text that is not JSON: ${preview(text)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw protocolError(`expected a JSON object with an "op" field, got ${preview(text)}`);
  }
  const msg = value as Record<string, unknown>;
  const op = msg.op;
  if (op === 'subscribe') {
    const subs = msg.subscriptions;
    if (!Array.isArray(subs) || !subs.every((s) => isIdPair(s))) {
      throw protocolError(
        `subscribe: expected "subscriptions": [{ "id": uint32, "channelId": uint32 }, ...], got ${preview(JSON.stringify(subs))}`,
      );
    }
    return { op, subscriptions: subs.map((s) => ({ id: s.id, channelId: s.channelId })) };
  }
  if (op === 'unsubscribe') {
    const ids = msg.subscriptionIds;
    if (!Array.isArray(ids) || !ids.every(isUint32)) {
      throw protocolError(
        `unsubscribe: expected "subscriptionIds": [uint32, ...], got ${preview(JSON.stringify(ids))}`,
      );
    }
    return { op, subscriptionIds: ids };
  }
  if (typeof op === 'string' && UNSUPPORTED_OPS.has(op)) return { op: 'unsupported', name: op };
  throw protocolError(
    `expected "op" to be "subscribe" or "unsubscribe", got ${preview(JSON.stringify(op) ?? 'no "op"')}`,
  );
}

/** A binary frame from a client: this server announces no clientPublish or services capability. */
export function rejectClientBinary(bytes: number, opcode: number | undefined): OutpostError {
  return protocolError(
    `expected text (JSON) frames only (the server offers no clientPublish or services capability), got a binary frame of ${bytes} bytes${opcode === undefined ? '' : ` with opcode 0x${opcode.toString(16).padStart(2, '0')}`}`,
  );
}

/** `serverInfo`, sent first on every connection. */
export function serverInfoMessage(name: string, capabilities: readonly string[], sessionId: string): string {
  return JSON.stringify({
    op: 'serverInfo',
    name,
    capabilities,
    supportedEncodings: [],
    // foxglove_bridge sends the ROS distribution: the app then reads schemas as ROS 2 ones.
    metadata: { ROS_DISTRO: 'jazzy' },
    sessionId,
  });
}

export function statusMessage(level: number, message: string): string {
  return JSON.stringify({ op: 'status', level, message });
}

export function advertiseMessage(channels: readonly FoxgloveChannel[]): string {
  return JSON.stringify({ op: 'advertise', channels });
}

export function unadvertiseMessage(channelIds: readonly number[]): string {
  return JSON.stringify({ op: 'unadvertise', channelIds });
}

/** Message data frame: opcode 0x01, subscription id u32 LE, receive time u64 LE ns, payload. */
export function messageDataFrame(subscriptionId: number, timestampNs: bigint, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(13 + payload.byteLength);
  frame.writeUInt8(BinaryOpcode.MESSAGE_DATA, 0);
  frame.writeUInt32LE(subscriptionId, 1);
  frame.writeBigUInt64LE(timestampNs, 5);
  frame.set(payload, 13);
  return frame;
}

/** Time frame (capability `time`): opcode 0x02, u64 LE ns. */
export function timeFrame(timestampNs: bigint): Buffer {
  const frame = Buffer.allocUnsafe(9);
  frame.writeUInt8(BinaryOpcode.TIME, 0);
  frame.writeBigUInt64LE(timestampNs, 1);
  return frame;
}

function isUint32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff;
}

function isIdPair(v: unknown): v is { id: number; channelId: number } {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return isUint32(o.id) && isUint32(o.channelId);
}

function preview(text: string): string {
  return text.length > 80 ? `${JSON.stringify(text.slice(0, 80))}… (${text.length} chars)` : JSON.stringify(text);
}

function protocolError(message: string): OutpostError {
  return new OutpostError('OUTPOST_ERR_FOXGLOVE_PROTOCOL', message);
}
