import { describe, expect, it } from 'vitest';
import { EncoderOdometry, limitWheelSpeeds, twistFor, wheelSpeedsFor } from './DiffDriveKinematics.js';

const g = { wheelRadius: 0.05, wheelSeparation: 0.3 };

describe('differential-drive kinematics', () => {
  it('maps twists to wheel speeds and back', () => {
    expect(wheelSpeedsFor(g, 0.5, 0)).toEqual({ left: 10, right: 10 });
    const s = wheelSpeedsFor(g, 0, 1); // turning left in place: right wheel forward
    expect(s.left).toBeCloseTo(-3);
    expect(s.right).toBeCloseTo(3);
    const t = twistFor(g, ...(Object.values(wheelSpeedsFor(g, 0.3, -0.7)) as [number, number]));
    expect(t.linear).toBeCloseTo(0.3);
    expect(t.angular).toBeCloseTo(-0.7);
  });

  it('limits wheel speeds keeping their ratio', () => {
    expect(limitWheelSpeeds({ left: 30, right: 15 }, 10)).toEqual({ left: 10, right: 5 });
    expect(limitWheelSpeeds({ left: NaN, right: 1 }, 10)).toEqual({ left: 0, right: 0 });
  });

  it('integrates a quarter circle from ticks, across int32 wrap-around', () => {
    const odo = new EncoderOdometry(g, 1000);
    const perTick = (2 * Math.PI * 0.05) / 1000;
    // Radius 1 m arc, quarter turn: left wheel travels (1 - 0.15)·π/2, right (1 + 0.15)·π/2.
    const steps = 100;
    const base = 2 ** 31 - 5000; // starts near the int32 limit on purpose
    odo.update(base | 0, 0, 0);
    for (let i = 1; i <= steps; i++) {
      const l = Math.round(((0.85 * Math.PI) / 2 / perTick) * (i / steps));
      const r = Math.round(((1.15 * Math.PI) / 2 / perTick) * (i / steps));
      odo.update((base + l) | 0, r, i * 10_000);
    }
    expect(odo.x).toBeCloseTo(1, 2);
    expect(odo.y).toBeCloseTo(1, 2);
    expect(odo.yaw).toBeCloseTo(Math.PI / 2, 2);
    expect(odo.linear).toBeCloseTo(Math.PI / 2 / 1, 1);
  });
});

describe('encoder odometry across a controller reboot', () => {
  it('re-baselines when the controller clock goes back, keeping the pose', () => {
    const odo = new EncoderOdometry(g, 1000);
    odo.update(0, 0, 0);
    odo.update(1000, 1000, 1_000_000); // one revolution: 2π·0.05 m
    expect(odo.x).toBeCloseTo(2 * Math.PI * 0.05);
    // Reboot: counters and clock restart near zero. Without re-baselining this would be −1000 ticks.
    expect(odo.update(3, 3, 10_000)).toBe(false);
    expect(odo.x).toBeCloseTo(2 * Math.PI * 0.05);
    expect(odo.update(1003, 1003, 1_010_000)).toBe(true);
    expect(odo.x).toBeCloseTo(4 * Math.PI * 0.05);
  });
});
