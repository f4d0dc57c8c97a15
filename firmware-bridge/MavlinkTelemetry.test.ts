import { describe, expect, it } from 'vitest';
import { ManualClock } from '../runtime/clock/ManualClock.js';
import { secondsToNs } from '../runtime/Time.js';
import { MavlinkTelemetry } from './MavlinkTelemetry.js';

function telemetry() {
  const clock = new ManualClock(secondsToNs(100));
  const t = new MavlinkTelemetry({
    params: { odom_frame: 'odom', base_frame: 'base_link', gps_frame: 'gps' },
    now: () => clock.now(),
  });
  return { clock, t };
}

describe('MavlinkTelemetry', () => {
  it('turns LOCAL_POSITION_NED into ENU odometry with the FLU body velocity of the last ATTITUDE', () => {
    const { t } = telemetry();
    // Heading east (NED yaw +90°), moving east at 2 m/s, climbing 0.5 m/s, yawing right 0.1 rad/s.
    t.attitude({ roll: 0, pitch: 0, yaw: Math.PI / 2, rollspeed: 0, pitchspeed: 0, yawspeed: 0.1 });
    expect(t.yawNed).toBe(Math.PI / 2);
    const o = t.odometry({ x: 10, y: 20, z: -3, vx: 0, vy: 2, vz: -0.5 });
    expect(o.header).toEqual({ stamp: { sec: 100, nanosec: 0 }, frame_id: 'odom' });
    expect(o.child_frame_id).toBe('base_link');
    expect(o.pose.pose.position).toEqual({ x: 20, y: 10, z: 3 });
    // ENU yaw 0 (facing east): the identity orientation.
    expect(o.pose.pose.orientation.w).toBeCloseTo(1, 12);
    expect(o.pose.pose.orientation.z).toBeCloseTo(0, 12);
    expect(o.twist.twist.linear.x).toBeCloseTo(2, 12);
    expect(o.twist.twist.linear.y).toBeCloseTo(0, 12);
    expect(o.twist.twist.linear.z).toBeCloseTo(0.5, 12);
    expect(o.twist.twist.angular).toEqual({ x: 0, y: -0, z: -0.1 });
  });

  it('scales GLOBAL_POSITION_INT (degE7, mm) to degrees and metres', () => {
    const { t } = telemetry();
    const fix = t.navSatFix({ lat: 473_977_420, lon: 85_455_940, alt: 488_120 });
    expect(fix.header.frame_id).toBe('gps');
    expect(fix.latitude).toBeCloseTo(47.397742, 9);
    expect(fix.longitude).toBeCloseTo(8.545594, 9);
    expect(fix.altitude).toBeCloseTo(488.12, 9);
  });

  it('takes BATTERY_STATUS cells (unused ones left out) and SYS_STATUS only while BATTERY_STATUS is silent for 5 s', () => {
    const { clock, t } = telemetry();
    const sys = { voltage_battery: 12_000, current_battery: 150, battery_remaining: 80 };
    expect(t.sysStatus(sys)?.voltage).toBe(12);
    const voltages = [4100, 4050, 4000, ...new Array<number>(7).fill(0xffff)];
    const b = t.batteryStatus({ voltages, current_battery: 250, battery_remaining: 75 });
    expect(b.voltage).toBeCloseTo(12.15, 12);
    expect(b.cell_voltage).toEqual([4.1, 4.05, 4]);
    expect(b.current).toBe(-2.5); // discharging
    expect(b.percentage).toBe(0.75);
    clock.advance(secondsToNs(4.9));
    expect(t.sysStatus(sys)).toBeUndefined();
    clock.advance(secondsToNs(0.2));
    expect(t.sysStatus(sys)?.percentage).toBe(0.8);
  });
});
