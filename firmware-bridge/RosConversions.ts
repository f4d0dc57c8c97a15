import type { MessageOf } from '../runtime/msg/MessageTypes.js';
import { wrapAngle } from '../runtime/geometry/Angles.js';
import type { Quaternion } from '../runtime/geometry/Quaternions.js';

/**
 * Frame conversions between the wire (MAVLink: NED world, FRD body) and ROS topics (REP-103/105:
 * ENU world, FLU body), and small message builders the bridges share.
 */

/** Quaternion of intrinsic Z-Y-X (yaw, pitch, roll) Euler angles. */
export function quaternionFromEuler(roll: number, pitch: number, yaw: number): Quaternion {
  const [cr, sr] = [Math.cos(roll / 2), Math.sin(roll / 2)];
  const [cp, sp] = [Math.cos(pitch / 2), Math.sin(pitch / 2)];
  const [cy, sy] = [Math.cos(yaw / 2), Math.sin(yaw / 2)];
  return {
    w: cr * cp * cy + sr * sp * sy,
    x: sr * cp * cy - cr * sp * sy,
    y: cr * sp * cy + sr * cp * sy,
    z: cr * cp * sy - sr * sp * cy,
  };
}

/** Rotates v by the inverse of q (world → body). */
export function rotateInverse(q: Quaternion, v: [number, number, number]): [number, number, number] {
  const c = { x: -q.x, y: -q.y, z: -q.z, w: q.w };
  // v' = c v c*, expanded
  const [vx, vy, vz] = v;
  const tx = 2 * (c.y * vz - c.z * vy);
  const ty = 2 * (c.z * vx - c.x * vz);
  const tz = 2 * (c.x * vy - c.y * vx);
  return [
    vx + c.w * tx + (c.y * tz - c.z * ty),
    vy + c.w * ty + (c.z * tx - c.x * tz),
    vz + c.w * tz + (c.x * ty - c.y * tx),
  ];
}

/** NED world vector → ENU. */
export const nedToEnu = (n: number, e: number, d: number): [number, number, number] => [e, n, -d];
/** ENU world vector → NED. */
export const enuToNed = (e: number, n: number, u: number): [number, number, number] => [n, e, -u];
/** Heading: NED yaw (from north, clockwise) ↔ ENU yaw (from east, counter-clockwise). */
export const yawNedToEnu = (yaw: number): number => wrapAngle(Math.PI / 2 - yaw);
export const yawEnuToNed = (yaw: number): number => wrapAngle(Math.PI / 2 - yaw);
/** FRD body attitude relative to NED → FLU body attitude relative to ENU (REP-103). */
export function attitudeNedFrdToEnuFlu(roll: number, pitch: number, yaw: number): Quaternion {
  return quaternionFromEuler(roll, -pitch, yawNedToEnu(yaw));
}

export const ZERO36 = (): number[] => new Array<number>(36).fill(0);

export function emptyOdometry(): MessageOf<'nav_msgs/msg/Odometry'> {
  return {
    header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' },
    child_frame_id: '',
    pose: { pose: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } }, covariance: ZERO36() },
    twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } }, covariance: ZERO36() },
  };
}

export function batteryState(
  stamp: { sec: number; nanosec: number },
  voltage: number,
  current: number,
  percentage: number,
): MessageOf<'sensor_msgs/msg/BatteryState'> {
  return {
    header: { stamp, frame_id: '' },
    voltage,
    temperature: NaN,
    current,
    charge: NaN,
    capacity: NaN,
    design_capacity: NaN,
    // ROS: negative current = discharging (POWER_SUPPLY_STATUS_DISCHARGING 2; CHARGING 1; UNKNOWN 0).
    percentage,
    power_supply_status: current < 0 ? 2 : current > 0 ? 1 : 0,
    power_supply_health: 0,
    power_supply_technology: 0,
    present: true,
    cell_voltage: [],
    cell_temperature: [],
    location: '',
    serial_number: '',
  };
}
