import { describe, expect, it } from 'vitest';
import { ManualClock } from '../runtime/clock/ManualClock.js';
import { quaternionFromYaw } from '../runtime/geometry/Quaternions.js';
import { secondsToNs } from '../runtime/Time.js';
import {
  MAV_FRAME_BODY_NED,
  MAV_FRAME_LOCAL_NED,
  TYPE_MASK_POSITION,
  TYPE_MASK_VELOCITY,
} from './mavlink/MavlinkEnums.js';
import type { MessageFields } from './mavlink/MavlinkMessages.js';
import { OffboardSetpointStream } from './OffboardSetpointStream.js';

const twist = (x: number, y: number, z: number, wz: number) => ({
  linear: { x, y, z },
  angular: { x: 0, y: 0, z: wz },
});

function stream(velocityFrame: 'local_ned' | 'body_ned', headingNed = 0) {
  const clock = new ManualClock(secondsToNs(50));
  const sent: MessageFields[] = [];
  let linkUp = true;
  const s = new OffboardSetpointStream(
    {
      params: {
        target_system: 1,
        target_component: 1,
        setpoint_hz: 10,
        cmd_vel_timeout: 0.5,
        velocity_frame: velocityFrame,
      },
      now: () => clock.now(),
    },
    (def, fields) => {
      expect(def.name).toBe('SET_POSITION_TARGET_LOCAL_NED');
      if (linkUp) sent.push(fields);
      return linkUp;
    },
    () => headingNed,
  );
  return { clock, sent, s, setLink: (up: boolean) => (linkUp = up) };
}

describe('OffboardSetpointStream', () => {
  it('rotates a FLU cmd_vel by the heading into LOCAL_NED, and hovers once it is stale', () => {
    const { clock, sent, s } = stream('local_ned', Math.PI / 2); // facing east
    s.restartBootTime();
    s.onCmdVel(twist(1, 0.5, 0.2, 0.3));
    clock.advance(secondsToNs(0.25));
    s.send();
    const v = sent[0]!;
    expect(v.coordinate_frame).toBe(MAV_FRAME_LOCAL_NED);
    expect(v.type_mask).toBe(TYPE_MASK_VELOCITY);
    expect(v.time_boot_ms).toBe(250);
    // forward = east, left = north, up = -down
    expect(v.vx).toBeCloseTo(0.5, 12);
    expect(v.vy).toBeCloseTo(1, 12);
    expect(v.vz).toBeCloseTo(-0.2, 12);
    expect(v.yaw_rate).toBe(-0.3);
    clock.advance(secondsToNs(0.3)); // 0.55 s old: past cmd_vel_timeout
    s.send();
    expect([sent[1]!.vx, sent[1]!.vy, sent[1]!.vz, sent[1]!.yaw_rate]).toEqual([0, 0, -0, -0]);
  });

  it('sends body_ned velocities in FRD without using the heading', () => {
    const { sent, s } = stream('body_ned', 1.234);
    s.onCmdVel(twist(1, 0.5, 0.2, 0.3));
    s.send();
    expect(sent[0]).toMatchObject({ coordinate_frame: MAV_FRAME_BODY_NED, vx: 1, vy: -0.5, vz: -0.2, yaw_rate: -0.3 });
  });

  it('sends a goal as a NED position with NED yaw until a cmd_vel replaces it', () => {
    const { sent, s } = stream('local_ned');
    s.onGoal({
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'odom' },
      pose: { position: { x: 3, y: 4, z: 5 }, orientation: quaternionFromYaw(0) },
    });
    s.send();
    expect(sent[0]!.type_mask).toBe(TYPE_MASK_POSITION);
    expect([sent[0]!.x, sent[0]!.y, sent[0]!.z]).toEqual([4, 3, -5]);
    expect(sent[0]!.yaw).toBeCloseTo(Math.PI / 2, 12); // facing east
    s.onCmdVel(twist(0, 0, 0, 0));
    s.send();
    expect(sent[1]!.type_mask).toBe(TYPE_MASK_VELOCITY);
  });

  it('keeps the stream at setpoint_hz without doubling what a cmd_vel just sent, and restarts its age on a failed send', () => {
    const { clock, sent, s, setLink } = stream('local_ned');
    s.keepStreaming();
    expect(s.sent).toBe(1);
    const since = s.streamingSince;
    expect(since?.nanoseconds).toBe(secondsToNs(50));
    clock.advance(secondsToNs(0.05));
    s.keepStreaming(); // within 90 % of the 0.1 s period: skipped
    expect(s.sent).toBe(1);
    clock.advance(secondsToNs(0.05));
    s.keepStreaming();
    expect(s.sent).toBe(2);
    expect(s.streamingSince).toBe(since);
    setLink(false);
    clock.advance(secondsToNs(0.1));
    s.keepStreaming();
    expect(s.sent).toBe(2);
    expect(s.streamingSince).toBeUndefined();
    expect(sent).toHaveLength(2);
  });
});
