import type { Time } from '../runtime/index.js';
import type { Quaternion } from '../runtime/geometry/Quaternions.js';
import type { MessageOf } from '../runtime/msg/MessageTypes.js';
import type { MavlinkBridgeParams } from './MavlinkBridgeSpec.js';
import type { MessageFields } from './mavlink/MavlinkMessages.js';
import { attitudeNedFrdToEnuFlu, batteryState, emptyOdometry, nedToEnu, rotateInverse } from './RosConversions.js';

/** What the telemetry reads of its node: the frame names (live) and the node's clock. */
export interface MavlinkTelemetryHost {
  readonly params: Pick<MavlinkBridgeParams, 'odom_frame' | 'base_frame' | 'gps_frame'>;
  now(): Time;
}

/**
 * The autopilot's telemetry as ROS messages in ENU/FLU (REP-103/105): `odom` from
 * LOCAL_POSITION_NED with the orientation and body rates of the last ATTITUDE, `gps/fix` from
 * GLOBAL_POSITION_INT, `battery` from BATTERY_STATUS (or SYS_STATUS while no BATTERY_STATUS came
 * for 5 s). Stamps are the node clock's time of arrival.
 */
export class MavlinkTelemetry {
  #host: MavlinkTelemetryHost;
  #attitude: Quaternion = { x: 0, y: 0, z: 0, w: 1 };
  #yawNed = 0;
  #rates = { p: 0, q: 0, r: 0 };
  #lastBatteryStatus: Time | undefined;

  constructor(host: MavlinkTelemetryHost) {
    this.#host = host;
  }

  /** Heading from the last ATTITUDE (rad, NED: from north, clockwise); 0 before any. */
  get yawNed(): number {
    return this.#yawNed;
  }

  /** ATTITUDE: kept for the next odometry and for the heading of LOCAL_NED velocity setpoints. */
  attitude(m: MessageFields): void {
    this.#yawNed = m.yaw as number;
    this.#attitude = attitudeNedFrdToEnuFlu(m.roll as number, m.pitch as number, this.#yawNed);
    this.#rates = { p: m.rollspeed as number, q: m.pitchspeed as number, r: m.yawspeed as number };
  }

  /** LOCAL_POSITION_NED → Odometry: ENU position, FLU body velocity and rates. */
  odometry(m: MessageFields): MessageOf<'nav_msgs/msg/Odometry'> {
    const o = emptyOdometry();
    o.header = { stamp: this.#host.now().toMsg(), frame_id: this.#host.params.odom_frame };
    o.child_frame_id = this.#host.params.base_frame;
    const [x, y, z] = nedToEnu(m.x as number, m.y as number, m.z as number);
    o.pose.pose.position = { x, y, z };
    o.pose.pose.orientation = this.#attitude;
    const [bx, by, bz] = rotateInverse(this.#attitude, nedToEnu(m.vx as number, m.vy as number, m.vz as number));
    o.twist.twist.linear = { x: bx, y: by, z: bz };
    o.twist.twist.angular = { x: this.#rates.p, y: -this.#rates.q, z: -this.#rates.r };
    return o;
  }

  /** GLOBAL_POSITION_INT (degE7, mm) → NavSatFix (degrees, metres). */
  navSatFix(m: MessageFields): MessageOf<'sensor_msgs/msg/NavSatFix'> {
    return {
      header: { stamp: this.#host.now().toMsg(), frame_id: this.#host.params.gps_frame },
      status: { status: 0, service: 1 },
      latitude: (m.lat as number) / 1e7,
      longitude: (m.lon as number) / 1e7,
      altitude: (m.alt as number) / 1000,
      position_covariance: new Array<number>(9).fill(0),
      position_covariance_type: 0,
    };
  }

  /** BATTERY_STATUS (mV per cell, UINT16_MAX unused; cA) → BatteryState. */
  batteryStatus(m: MessageFields): MessageOf<'sensor_msgs/msg/BatteryState'> {
    this.#lastBatteryStatus = this.#host.now();
    const cells = (m.voltages as number[]).filter((v) => v !== 0xffff);
    const volts = cells.reduce((a, v) => a + v, 0) / 1000;
    const b = batteryState(
      this.#host.now().toMsg(),
      volts,
      -(m.current_battery as number) / 100,
      (m.battery_remaining as number) / 100,
    );
    b.cell_voltage = cells.map((v) => v / 1000);
    return b;
  }

  /** SYS_STATUS → BatteryState; undefined while BATTERY_STATUS (more detail) came within 5 s. */
  sysStatus(m: MessageFields): MessageOf<'sensor_msgs/msg/BatteryState'> | undefined {
    const now = this.#host.now();
    if (this.#lastBatteryStatus !== undefined && Number(now.sub(this.#lastBatteryStatus)) / 1e9 < 5) return undefined;
    return batteryState(
      now.toMsg(),
      (m.voltage_battery as number) / 1000,
      -(m.current_battery as number) / 100,
      (m.battery_remaining as number) / 100,
    );
  }
}
