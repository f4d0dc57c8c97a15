import { describe, expect, it } from 'vitest';
import { quaternionFromYaw, yawFromQuaternion } from './Quaternions.js';

const deg = Math.PI / 180;

describe('quaternions and yaw', () => {
  it('builds the quaternion of a pure yaw', () => {
    expect(quaternionFromYaw(0)).toEqual({ x: 0, y: 0, z: 0, w: 1 });
    const q = quaternionFromYaw(Math.PI / 2);
    expect(q.x).toBe(0);
    expect(q.y).toBe(0);
    expect(q.z).toBeCloseTo(Math.SQRT1_2, 15);
    expect(q.w).toBeCloseTo(Math.SQRT1_2, 15);
    expect(quaternionFromYaw(-Math.PI).z).toBeCloseTo(-1, 15);
  });

  it('reads yaw back from hand-computed quaternions', () => {
    expect(yawFromQuaternion({ x: 0, y: 0, z: 0, w: 1 })).toBe(0);
    expect(yawFromQuaternion({ x: 0, y: 0, z: Math.SQRT1_2, w: Math.SQRT1_2 })).toBeCloseTo(Math.PI / 2, 15);
    expect(yawFromQuaternion({ x: 0, y: 0, z: 1, w: 0 })).toBeCloseTo(Math.PI, 15);
    expect(yawFromQuaternion({ x: 0, y: 0, z: -0.5, w: Math.sqrt(3) / 2 })).toBeCloseTo(-60 * deg, 15);
  });

  it('keeps the yaw of a rotation that also rolls', () => {
    // yaw 30° after roll 90°: qz(30°)·qx(90°) = (cos15 sin45, sin15 sin45, sin15 cos45, cos15 cos45)
    const [s15, c15, s45] = [Math.sin(15 * deg), Math.cos(15 * deg), Math.SQRT1_2];
    expect(yawFromQuaternion({ x: c15 * s45, y: s15 * s45, z: s15 * s45, w: c15 * s45 })).toBeCloseTo(30 * deg, 14);
  });

  it('round-trips yaw through a quaternion', () => {
    for (const yaw of [-3, -1.5, -0.25, 0.1, 1, 2.5, Math.PI])
      expect(yawFromQuaternion(quaternionFromYaw(yaw))).toBeCloseTo(yaw, 14);
  });
});
