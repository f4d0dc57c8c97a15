/** A unit quaternion, in the field order of `geometry_msgs/msg/Quaternion`. */
export type Quaternion = { x: number; y: number; z: number; w: number };

/** Yaw (rotation about z, radians, REP-103: counter-clockwise from x) of any unit quaternion. */
export function yawFromQuaternion(q: Quaternion): number {
  return Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z));
}

/** The quaternion of a pure yaw (radians about z): the planar robots' orientation. */
export function quaternionFromYaw(yaw: number): Quaternion {
  return { x: 0, y: 0, z: Math.sin(yaw / 2), w: Math.cos(yaw / 2) };
}
