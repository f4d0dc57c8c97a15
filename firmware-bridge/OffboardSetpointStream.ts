import { Time, secondsToNs } from '../runtime/index.js';
import { yawFromQuaternion } from '../runtime/geometry/Quaternions.js';
import type { MessageOf } from '../runtime/msg/MessageTypes.js';
import type { MavlinkBridgeParams } from './MavlinkBridgeSpec.js';
import {
  MAV_FRAME_BODY_NED,
  MAV_FRAME_LOCAL_NED,
  TYPE_MASK_POSITION,
  TYPE_MASK_VELOCITY,
} from './mavlink/MavlinkEnums.js';
import { SET_POSITION_TARGET_LOCAL_NED, type MessageDef, type MessageFields } from './mavlink/MavlinkMessages.js';
import { enuToNed, yawEnuToNed, yawNedToEnu } from './RosConversions.js';

/** What the stream reads of its node: the setpoint parameters (live) and the clock. */
export interface OffboardSetpointStreamHost {
  readonly params: Pick<
    MavlinkBridgeParams,
    'target_system' | 'target_component' | 'setpoint_hz' | 'cmd_vel_timeout' | 'velocity_frame'
  >;
  now(): Time;
}

/**
 * The offboard setpoint stream: the last `cmd_vel` (FLU body twist) or `goal` (ENU pose) as
 * SET_POSITION_TARGET_LOCAL_NED, kept up at `setpoint_hz` because PX4 leaves OFFBOARD below 2 Hz;
 * zero velocity (hover) when nothing is commanded or the cmd_vel is older than `cmd_vel_timeout`.
 */
export class OffboardSetpointStream {
  #host: OffboardSetpointStreamHost;
  #send: (def: MessageDef, fields: MessageFields) => boolean;
  #headingNed: () => number;
  #start = new Time(0n);
  #cmdVel: { at: Time; vx: number; vy: number; vz: number; wz: number } | undefined;
  #goal: { n: number; e: number; d: number; yaw: number } | undefined;
  /** When the setpoint stream (re)started on an open link. */
  #streamSince: Time | undefined;
  #lastSetpointAt: Time | undefined;
  #sent = 0;

  /**
   * @param send writes one message to the autopilot; false when the link could not take it.
   * @param headingNed the vehicle's heading (rad, NED) for LOCAL_NED velocities.
   */
  constructor(
    host: OffboardSetpointStreamHost,
    send: (def: MessageDef, fields: MessageFields) => boolean,
    headingNed: () => number,
  ) {
    this.#host = host;
    this.#send = send;
    this.#headingNed = headingNed;
  }

  /** Setpoints sent so far. */
  get sent(): number {
    return this.#sent;
  }
  /** Since when setpoints flow without a failed send; undefined while they do not. */
  get streamingSince(): Time | undefined {
    return this.#streamSince;
  }

  /** `time_boot_ms` of the setpoints counts from now. */
  restartBootTime(): void {
    this.#start = this.#host.now();
  }

  onCmdVel(m: MessageOf<'geometry_msgs/msg/Twist'>): void {
    this.#cmdVel = { at: this.#host.now(), vx: m.linear.x, vy: m.linear.y, vz: m.linear.z, wz: m.angular.z };
    this.#goal = undefined;
  }

  onGoal(m: MessageOf<'geometry_msgs/msg/PoseStamped'>): void {
    const [n, e, d] = enuToNed(m.pose.position.x, m.pose.position.y, m.pose.position.z);
    this.#goal = { n, e, d, yaw: yawEnuToNed(yawFromQuaternion(m.pose.orientation)) };
    this.#cmdVel = undefined;
  }

  #bootMs(): number {
    return Number((this.#host.now().nanoseconds - this.#start.nanoseconds) / 1_000_000n) >>> 0;
  }

  /** The stream timer: sends unless a cmd_vel already sent one within this period. */
  keepStreaming(): void {
    const periodNs = secondsToNs(1 / this.#host.params.setpoint_hz);
    if (this.#lastSetpointAt !== undefined && this.#host.now().sub(this.#lastSetpointAt) < (periodNs * 9n) / 10n)
      return;
    this.send();
  }

  send(): void {
    const params = this.#host.params;
    const base = {
      time_boot_ms: this.#bootMs(),
      target_system: params.target_system,
      target_component: params.target_component,
      coordinate_frame: MAV_FRAME_LOCAL_NED,
    };
    let sent: boolean;
    if (this.#goal !== undefined) {
      const g = this.#goal;
      sent = this.#send(SET_POSITION_TARGET_LOCAL_NED, {
        ...base,
        type_mask: TYPE_MASK_POSITION,
        x: g.n,
        y: g.e,
        z: g.d,
        yaw: g.yaw,
      });
    } else {
      const c = this.#cmdVel;
      const fresh = c !== undefined && Number(this.#host.now().sub(c.at)) / 1e9 <= params.cmd_vel_timeout;
      const [vx, vy, vz, wz] = fresh ? [c.vx, c.vy, c.vz, c.wz] : [0, 0, 0, 0]; // stale or none: hover
      if (params.velocity_frame === 'body_ned') {
        // FLU → FRD; the autopilot applies its own heading (no dependence on our telemetry's age).
        sent = this.#send(SET_POSITION_TARGET_LOCAL_NED, {
          ...base,
          coordinate_frame: MAV_FRAME_BODY_NED,
          type_mask: TYPE_MASK_VELOCITY,
          vx,
          vy: -vy,
          vz: -vz,
          yaw_rate: -wz,
        });
      } else {
        // FLU body twist → ENU world by the heading from ATTITUDE → NED.
        const psi = yawNedToEnu(this.#headingNed());
        const [n, e, d] = enuToNed(
          Math.cos(psi) * vx - Math.sin(psi) * vy,
          Math.sin(psi) * vx + Math.cos(psi) * vy,
          vz,
        );
        sent = this.#send(SET_POSITION_TARGET_LOCAL_NED, {
          ...base,
          type_mask: TYPE_MASK_VELOCITY,
          vx: n,
          vy: e,
          vz: d,
          yaw_rate: -wz,
        });
      }
    }
    if (sent) {
      this.#lastSetpointAt = this.#host.now();
      this.#sent++;
      this.#streamSince ??= this.#host.now();
    } else this.#streamSince = undefined;
  }
}
