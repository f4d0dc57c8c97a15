import { MavlinkEncoder } from '../../firmware-bridge/mavlink/MavlinkEncoder.js';
import {
  MAV_AUTOPILOT,
  MAV_CMD,
  MAV_FRAME_BODY_NED,
  MAV_MODE_FLAG,
  MAV_STATE,
  MAV_TYPE,
  PX4_AUTO_SUB_MODE,
  PX4_MAIN_MODE,
  POSITION_TARGET_IGNORE,
  px4CustomMode,
} from '../../firmware-bridge/mavlink/MavlinkEnums.js';
import {
  ATTITUDE,
  BATTERY_STATUS,
  COMMAND_ACK,
  COMMAND_LONG,
  GLOBAL_POSITION_INT,
  HEARTBEAT,
  LOCAL_POSITION_NED,
  SET_POSITION_TARGET_LOCAL_NED,
  SYS_STATUS,
  decodePayload,
  type MessageDef,
  type MessageFields,
} from '../../firmware-bridge/mavlink/MavlinkMessages.js';
import { MavlinkParser, type MavlinkFrame } from '../../firmware-bridge/mavlink/MavlinkParser.js';
import { PointMassAirframe, type Airframe } from './Airframe.js';
import type { FirmwareLink } from './FirmwareLink.js';
import { wrapAngle } from '../../runtime/geometry/Angles.js';

export interface SimAutopilotOptions {
  systemId?: number;
  componentId?: number;
  /** Leave OFFBOARD (to AUTO.LOITER, hold) when setpoints stop for this long (PX4 COM_OF_LOSS_T). Unit: s. Default 0.5. */
  offboardTimeout?: number;
  /** HEARTBEAT (and SYS_STATUS, BATTERY_STATUS) period. Unit: s. Default 1 (PX4's rate). */
  heartbeatPeriod?: number;
  /** Telemetry (LOCAL_POSITION_NED, ATTITUDE, GLOBAL_POSITION_INT) period. Unit: s. Default 0.05. */
  telemetryPeriod?: number;
  /** Home position for GLOBAL_POSITION_INT. Unit: degrees, m (AMSL). */
  home?: { lat: number; lon: number; alt: number };
  /** What it flies or drives. Default: a point-mass multicopter (PointMassAirframe); a simulator
   * vehicle through VehicleAirframe. */
  airframe?: Airframe;
  /** Time constant of the position controller's approach (speed = distance / 2τ). Unit: s. Default 0.2. */
  tau?: number;
  /** Speed limit toward a position setpoint. Unit: m/s. Default 2. */
  maxSpeed?: number;
  /** Sign what it sends and accept only frames signed with this key (MAVLink 2 signing). */
  signing?: { key: Uint8Array; linkId: number };
}

/**
 * A simulated PX4-like autopilot on its end of a byte link: HEARTBEAT at 1 Hz (QUADROTOR, PX4,
 * custom mode in PX4's main/sub layout, SAFETY_ARMED), arming and mode changes by COMMAND_LONG with
 * COMMAND_ACK, OFFBOARD only accepted while setpoints stream and left for AUTO.LOITER when they stop
 * for `offboardTimeout`, and an airframe (a point-mass multicopter, or a simulator vehicle) that
 * follows velocity or position setpoints while armed in OFFBOARD. Like the motor controller it has no clock: the driver
 * calls `step(now, dt)`. Fault switches (`silent`, `dropCommands`, `modeChangeDelay`) let tests
 * exercise the bridge's link-loss, retry and heartbeat-confirmation paths.
 */
export class SimAutopilot {
  readonly parser: MavlinkParser;
  readonly encoder: MavlinkEncoder;
  armed = false;
  customMode = px4CustomMode(PX4_MAIN_MODE.POSCTL);
  readonly airframe: Airframe;
  /** Stop sending anything (heartbeat loss without a link loss). */
  silent = false;
  /** Ignore this many COMMAND_LONGs (lost on the way), to test retries. */
  dropCommands = 0;
  /** Apply an accepted mode change only after this long (the ACK comes first). Unit: s. */
  modeChangeDelay = 0;
  /** Refuse mode changes with this result instead of applying them (e.g. 2 = DENIED). */
  refuseModes: number | undefined;
  commandsReceived: Array<{ command: number; confirmation: number }> = [];
  setpointsReceived = 0;
  /** Heartbeats heard from others (the companion computer's), with when they came. */
  heartbeatsHeard: Array<{ systemId: number; componentId: number; type: number; autopilot: number; at: number }> = [];
  offboardFailsafes = 0;
  #o: Required<Omit<SimAutopilotOptions, 'signing' | 'airframe'>>;
  #link: FirmwareLink;
  #now = 0;
  #nextHeartbeat = 0;
  #nextTelemetry = 0;
  #lastSetpointAt = -Infinity;
  #setpoint: MessageFields | undefined;
  #pendingMode: { mode: number; at: number } | undefined;
  #off: () => void;
  #setpointListeners = new Set<() => void>();

  constructor(link: FirmwareLink, o: SimAutopilotOptions = {}) {
    const { signing, airframe, ...rest } = o;
    this.airframe = airframe ?? new PointMassAirframe(o.tau ?? 0.2);
    this.#o = {
      systemId: 1,
      componentId: 1,
      offboardTimeout: 0.5,
      heartbeatPeriod: 1,
      telemetryPeriod: 0.05,
      home: { lat: 47.397742, lon: 8.545594, alt: 488 },
      tau: 0.2,
      maxSpeed: 2,
      ...rest,
    };
    this.encoder = new MavlinkEncoder({
      systemId: this.#o.systemId,
      componentId: this.#o.componentId,
      ...(signing ? { signing } : {}),
    });
    this.parser = new MavlinkParser(signing ? { signingKey: signing.key } : {});
    this.#link = link;
    this.#off = link.onData((b) => this.parser.push(b, (f) => this.#onFrame(f)));
  }

  get now(): number {
    return this.#now;
  }
  /** Position and velocity in local NED (m, m/s); heading from north, clockwise (rad). */
  get position() {
    return this.airframe.position;
  }
  get velocity() {
    return this.airframe.velocity;
  }
  get yaw(): number {
    return this.airframe.yaw;
  }
  get yawRate(): number {
    return this.airframe.yawRate;
  }
  get mainMode(): number {
    return (this.customMode >>> 16) & 0xff;
  }

  step(now: number, dt: number): void {
    this.#now = now;
    if (this.#pendingMode !== undefined && now >= this.#pendingMode.at) {
      this.customMode = this.#pendingMode.mode;
      this.#pendingMode = undefined;
    }
    if (this.mainMode === PX4_MAIN_MODE.OFFBOARD && now - this.#lastSetpointAt > this.#o.offboardTimeout) {
      this.customMode = px4CustomMode(PX4_MAIN_MODE.AUTO, PX4_AUTO_SUB_MODE.LOITER);
      this.offboardFailsafes++;
    }
    this.#integrate(dt);
    if (this.silent) return;
    if (now >= this.#nextHeartbeat) {
      this.#nextHeartbeat = now + this.#o.heartbeatPeriod;
      this.#send(HEARTBEAT, {
        type: MAV_TYPE.QUADROTOR,
        autopilot: MAV_AUTOPILOT.PX4,
        custom_mode: this.customMode,
        mavlink_version: 3,
        base_mode: MAV_MODE_FLAG.CUSTOM_MODE_ENABLED | (this.armed ? MAV_MODE_FLAG.SAFETY_ARMED : 0),
        system_status: this.armed ? MAV_STATE.ACTIVE : MAV_STATE.STANDBY,
      });
      this.#send(SYS_STATUS, {
        voltage_battery: 16_200,
        current_battery: this.armed ? 1200 : 50,
        battery_remaining: 87,
      });
      this.#send(BATTERY_STATUS, {
        voltages: [4050, 4050, 4050, 4050, ...new Array(6).fill(0xffff)],
        current_battery: this.armed ? 1200 : 50,
        battery_remaining: 87,
        temperature: 2500,
      });
    }
    if (now >= this.#nextTelemetry) {
      this.#nextTelemetry = now + this.#o.telemetryPeriod;
      const t = Math.round(now * 1000) >>> 0;
      const { n, e, d } = this.position;
      this.#send(LOCAL_POSITION_NED, {
        time_boot_ms: t,
        x: n,
        y: e,
        z: d,
        vx: this.velocity.n,
        vy: this.velocity.e,
        vz: this.velocity.d,
      });
      this.#send(ATTITUDE, { time_boot_ms: t, roll: 0, pitch: 0, yaw: this.yaw, yawspeed: this.yawRate });
      const h = this.#o.home;
      const lat = h.lat + (n / 6_371_000) * (180 / Math.PI);
      const lon = h.lon + (e / (6_371_000 * Math.cos((h.lat * Math.PI) / 180))) * (180 / Math.PI);
      this.#send(GLOBAL_POSITION_INT, {
        time_boot_ms: t,
        lat: Math.round(lat * 1e7),
        lon: Math.round(lon * 1e7),
        alt: Math.round((h.alt - d) * 1000),
        relative_alt: Math.round(-d * 1000),
        vx: Math.round(this.velocity.n * 100),
        vy: Math.round(this.velocity.e * 100),
        vz: Math.round(this.velocity.d * 100),
        hdg: Math.round((((this.yaw * 180) / Math.PI + 360) % 360) * 100),
      });
    }
  }

  /** Steps on wall time (for tests and benches). Returns a function that stops it. */
  startRealtime(period = 0.01): () => void {
    const t0 = performance.now();
    let last = 0;
    const timer = setInterval(() => {
      const now = (performance.now() - t0) / 1000;
      this.step(now, now - last);
      last = now;
    }, period * 1000);
    return () => clearInterval(timer);
  }

  /** Calls back after each SET_POSITION_TARGET_LOCAL_NED received (the simulator lock-steps on it). */
  onSetpoint(listener: () => void): () => void {
    this.#setpointListeners.add(listener);
    return () => this.#setpointListeners.delete(listener);
  }

  detach(): void {
    this.#off();
  }

  #integrate(dt: number): void {
    if (!(dt > 0)) return;
    let target = { n: 0, e: 0, d: 0 };
    let yawRate = 0;
    const sp = this.#setpoint;
    if (this.armed && this.mainMode === PX4_MAIN_MODE.OFFBOARD && sp !== undefined) {
      const mask = sp.type_mask as number;
      const I = POSITION_TARGET_IGNORE;
      const pos = this.position;
      if ((mask & (I.X | I.Y | I.Z)) === 0) {
        const err = { n: (sp.x as number) - pos.n, e: (sp.y as number) - pos.e, d: (sp.z as number) - pos.d };
        const dist = Math.hypot(err.n, err.e, err.d);
        const speed = Math.min(this.#o.maxSpeed, dist / Math.max(this.#o.tau * 2, 1e-3));
        target =
          dist > 1e-6 ? { n: (err.n / dist) * speed, e: (err.e / dist) * speed, d: (err.d / dist) * speed } : target;
      } else if ((mask & (I.VX | I.VY | I.VZ)) === 0) {
        const [vx, vy, vz] = [sp.vx as number, sp.vy as number, sp.vz as number];
        if (sp.coordinate_frame === MAV_FRAME_BODY_NED) {
          const [c, s] = [Math.cos(this.yaw), Math.sin(this.yaw)];
          target = { n: c * vx - s * vy, e: s * vx + c * vy, d: vz };
        } else target = { n: vx, e: vy, d: vz };
      }
      if ((mask & I.YAW_RATE) === 0) yawRate = sp.yaw_rate as number;
      else if ((mask & I.YAW) === 0)
        yawRate = Math.max(-1, Math.min(1, wrapAngle((sp.yaw as number) - this.yaw) / 0.5));
    }
    this.airframe.step(dt, target, yawRate);
  }

  #onFrame(f: MavlinkFrame): void {
    const m = decodePayload(f.def, f.payload);
    if (f.def === HEARTBEAT) {
      this.heartbeatsHeard.push({
        systemId: f.systemId,
        componentId: f.componentId,
        type: m.type as number,
        autopilot: m.autopilot as number,
        at: this.#now,
      });
    } else if (f.def === SET_POSITION_TARGET_LOCAL_NED) {
      if (m.target_system !== this.#o.systemId) return;
      this.#setpoint = m;
      this.#lastSetpointAt = this.#now;
      this.setpointsReceived++;
      for (const l of this.#setpointListeners) l();
    } else if (f.def === COMMAND_LONG) {
      if (m.target_system !== this.#o.systemId) return;
      const command = m.command as number;
      this.commandsReceived.push({ command, confirmation: m.confirmation as number });
      if (this.dropCommands > 0) {
        this.dropCommands--;
        return;
      }
      const ack = (result: number) =>
        this.#send(COMMAND_ACK, { command, result, target_system: f.systemId, target_component: f.componentId });
      if (command === MAV_CMD.COMPONENT_ARM_DISARM) {
        this.armed = (m.param1 as number) >= 0.5;
        ack(0);
      } else if (command === MAV_CMD.DO_SET_MODE) {
        const mode = px4CustomMode(m.param2 as number, m.param3 as number);
        if (this.refuseModes !== undefined) {
          ack(this.refuseModes);
          return;
        }
        // PX4 refuses OFFBOARD unless setpoints are already streaming.
        if (
          (m.param2 as number) === PX4_MAIN_MODE.OFFBOARD &&
          this.#now - this.#lastSetpointAt > this.#o.offboardTimeout
        ) {
          ack(1);
          return;
        }
        ack(0);
        if (this.modeChangeDelay > 0) this.#pendingMode = { mode, at: this.#now + this.modeChangeDelay };
        else this.customMode = mode;
      } else {
        ack(3); // UNSUPPORTED
      }
    }
  }

  #send(def: MessageDef, fields: MessageFields): void {
    this.#link.write(this.encoder.encode(def, fields));
  }
}
