/**
 * The MAVLink common-dialect messages the bridges use, described by their wire layout (fields in
 * wire order: sorted by type size, extensions last, as mavgen orders them) and CRC_EXTRA. Decoding
 * zero-extends a truncated payload to the full length first (MAVLink 2 payload truncation).
 * Layouts and CRC_EXTRA from common.xml / minimal.xml; checked against node-mavlink's mappings
 * in MavlinkMessages.test.ts.
 */
export type FieldType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32';

/** name, type, array length (1 for a scalar), extension field. */
export type FieldDef = readonly [name: string, type: FieldType, count?: number, extension?: 'ext'];

export interface MessageDef {
  readonly id: number;
  readonly name: string;
  readonly crcExtra: number;
  readonly fields: readonly FieldDef[];
  /** Payload length without extensions (a MAVLink 1 receiver's view). */
  readonly baseLength: number;
  /** Payload length with every extension field. */
  readonly maxLength: number;
}

const SIZE: Record<FieldType, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4 };

function define(id: number, name: string, crcExtra: number, fields: readonly FieldDef[]): MessageDef {
  let base = 0;
  let max = 0;
  for (const [, t, n = 1, ext] of fields) {
    max += SIZE[t] * n;
    if (ext === undefined) base += SIZE[t] * n;
  }
  return { id, name, crcExtra, fields, baseLength: base, maxLength: max };
}

const f12 = (names: string): FieldDef[] => names.split(' ').map((n) => [n, 'f32'] as const);

export const HEARTBEAT = define(0, 'HEARTBEAT', 50, [
  ['custom_mode', 'u32'],
  ['type', 'u8'],
  ['autopilot', 'u8'],
  ['base_mode', 'u8'],
  ['system_status', 'u8'],
  ['mavlink_version', 'u8'],
]);
export const SYS_STATUS = define(1, 'SYS_STATUS', 124, [
  ['onboard_control_sensors_present', 'u32'],
  ['onboard_control_sensors_enabled', 'u32'],
  ['onboard_control_sensors_health', 'u32'],
  ['load', 'u16'],
  ['voltage_battery', 'u16'],
  ['current_battery', 'i16'],
  ['drop_rate_comm', 'u16'],
  ['errors_comm', 'u16'],
  ['errors_count1', 'u16'],
  ['errors_count2', 'u16'],
  ['errors_count3', 'u16'],
  ['errors_count4', 'u16'],
  ['battery_remaining', 'i8'],
  ['onboard_control_sensors_present_extended', 'u32', 1, 'ext'],
  ['onboard_control_sensors_enabled_extended', 'u32', 1, 'ext'],
  ['onboard_control_sensors_health_extended', 'u32', 1, 'ext'],
]);
export const ATTITUDE = define(30, 'ATTITUDE', 39, [
  ['time_boot_ms', 'u32'],
  ...f12('roll pitch yaw rollspeed pitchspeed yawspeed'),
]);
export const LOCAL_POSITION_NED = define(32, 'LOCAL_POSITION_NED', 185, [
  ['time_boot_ms', 'u32'],
  ...f12('x y z vx vy vz'),
]);
export const GLOBAL_POSITION_INT = define(33, 'GLOBAL_POSITION_INT', 104, [
  ['time_boot_ms', 'u32'],
  ['lat', 'i32'],
  ['lon', 'i32'],
  ['alt', 'i32'],
  ['relative_alt', 'i32'],
  ['vx', 'i16'],
  ['vy', 'i16'],
  ['vz', 'i16'],
  ['hdg', 'u16'],
]);
export const COMMAND_LONG = define(76, 'COMMAND_LONG', 152, [
  ...f12('param1 param2 param3 param4 param5 param6 param7'),
  ['command', 'u16'],
  ['target_system', 'u8'],
  ['target_component', 'u8'],
  ['confirmation', 'u8'],
]);
export const COMMAND_ACK = define(77, 'COMMAND_ACK', 143, [
  ['command', 'u16'],
  ['result', 'u8'],
  ['progress', 'u8', 1, 'ext'],
  ['result_param2', 'i32', 1, 'ext'],
  ['target_system', 'u8', 1, 'ext'],
  ['target_component', 'u8', 1, 'ext'],
]);
export const SET_POSITION_TARGET_LOCAL_NED = define(84, 'SET_POSITION_TARGET_LOCAL_NED', 143, [
  ['time_boot_ms', 'u32'],
  ...f12('x y z vx vy vz afx afy afz yaw yaw_rate'),
  ['type_mask', 'u16'],
  ['target_system', 'u8'],
  ['target_component', 'u8'],
  ['coordinate_frame', 'u8'],
]);
export const BATTERY_STATUS = define(147, 'BATTERY_STATUS', 154, [
  ['current_consumed', 'i32'],
  ['energy_consumed', 'i32'],
  ['temperature', 'i16'],
  ['voltages', 'u16', 10],
  ['current_battery', 'i16'],
  ['id', 'u8'],
  ['battery_function', 'u8'],
  ['type', 'u8'],
  ['battery_remaining', 'i8'],
  ['time_remaining', 'i32', 1, 'ext'],
  ['charge_state', 'u8', 1, 'ext'],
  ['voltages_ext', 'u16', 4, 'ext'],
  ['mode', 'u8', 1, 'ext'],
  ['fault_bitmask', 'u32', 1, 'ext'],
]);

export const COMMON_MESSAGES: readonly MessageDef[] = [
  HEARTBEAT,
  SYS_STATUS,
  ATTITUDE,
  LOCAL_POSITION_NED,
  GLOBAL_POSITION_INT,
  COMMAND_LONG,
  COMMAND_ACK,
  SET_POSITION_TARGET_LOCAL_NED,
  BATTERY_STATUS,
];

/** Message definitions by id: the parser needs CRC_EXTRA to check a frame. */
export class MessageTable {
  #byId = new Map<number, MessageDef>();
  constructor(defs: readonly MessageDef[] = COMMON_MESSAGES) {
    for (const d of defs) this.#byId.set(d.id, d);
  }
  get(id: number): MessageDef | undefined {
    return this.#byId.get(id);
  }
  add(def: MessageDef): this {
    this.#byId.set(def.id, def);
    return this;
  }
}

export type MessageFields = Record<string, number | number[]>;

/** Encodes `fields` (missing ones are zero) into a full-length payload, not yet truncated. */
export function encodePayload(def: MessageDef, fields: MessageFields, out = new Uint8Array(def.maxLength)): Uint8Array {
  const dv = new DataView(out.buffer, out.byteOffset, def.maxLength);
  let o = 0;
  for (const [name, t, n = 1] of def.fields) {
    const v = fields[name];
    for (let i = 0; i < n; i++) {
      const x = Array.isArray(v) ? (v[i] ?? 0) : n === 1 ? (v ?? 0) : 0;
      write(dv, o, t, x);
      o += SIZE[t];
    }
  }
  return out;
}

/** Decodes a (possibly truncated) payload; bytes beyond it read as zero. */
export function decodePayload(def: MessageDef, payload: Uint8Array): MessageFields {
  let bytes = payload;
  if (payload.length < def.maxLength) {
    bytes = new Uint8Array(def.maxLength);
    bytes.set(payload);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, def.maxLength);
  const out: MessageFields = {};
  let o = 0;
  for (const [name, t, n = 1] of def.fields) {
    if (n === 1) {
      out[name] = read(dv, o, t);
      o += SIZE[t];
    } else {
      const arr: number[] = [];
      for (let i = 0; i < n; i++, o += SIZE[t]) arr.push(read(dv, o, t));
      out[name] = arr;
    }
  }
  return out;
}

function write(dv: DataView, o: number, t: FieldType, x: number): void {
  switch (t) {
    case 'u8':
      dv.setUint8(o, x);
      break;
    case 'i8':
      dv.setInt8(o, x);
      break;
    case 'u16':
      dv.setUint16(o, x, true);
      break;
    case 'i16':
      dv.setInt16(o, x, true);
      break;
    case 'u32':
      dv.setUint32(o, x, true);
      break;
    case 'i32':
      dv.setInt32(o, x, true);
      break;
    case 'f32':
      dv.setFloat32(o, x, true);
      break;
  }
}

function read(dv: DataView, o: number, t: FieldType): number {
  switch (t) {
    case 'u8':
      return dv.getUint8(o);
    case 'i8':
      return dv.getInt8(o);
    case 'u16':
      return dv.getUint16(o, true);
    case 'i16':
      return dv.getInt16(o, true);
    case 'u32':
      return dv.getUint32(o, true);
    case 'i32':
      return dv.getInt32(o, true);
    case 'f32':
      return dv.getFloat32(o, true);
  }
}
