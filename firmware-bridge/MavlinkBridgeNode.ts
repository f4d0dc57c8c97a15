import {
  KindNode,
  OutpostError,
  Time,
  defineNodeKind,
  nodeKindSpec,
  secondsToNs,
  type Context,
  type NodeKindOptions,
  type Publisher,
  type Timer,
} from '../runtime/index.js';
import { relativeTopicCheck } from '../runtime/topicNameParameter.js';
import type { ByteLink } from './link/ByteLink.js';
import { createByteLink } from './link/createByteLink.js';
import { MavlinkCommandClient } from './mavlink/MavlinkCommandClient.js';
import { MavlinkEncoder } from './mavlink/MavlinkEncoder.js';
import {
  MAV_AUTOPILOT,
  MAV_CMD,
  MAV_FRAME_BODY_NED,
  MAV_FRAME_LOCAL_NED,
  MAV_MODE_FLAG,
  MAV_STATE,
  MAV_TYPE,
  TYPE_MASK_POSITION,
  TYPE_MASK_VELOCITY,
  px4ModeFromName,
  px4ModeName,
  PX4_MAIN_MODE,
} from './mavlink/MavlinkEnums.js';
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
} from './mavlink/MavlinkMessages.js';
import { MavlinkParser, type MavlinkFrame } from './mavlink/MavlinkParser.js';
import {
  attitudeNedFrdToEnuFlu,
  batteryState,
  emptyOdometry,
  enuToNed,
  nedToEnu,
  rotateInverse,
  yawEnuToNed,
  yawNedToEnu,
} from './RosConversions.js';
import { yawFromQuaternion, type Quaternion } from '../runtime/geometry/Quaternions.js';

const num = (d: number, unit: string, from: number, to: number, description: string) => ({
  type: 'double' as const,
  default: d,
  unit,
  range: { from, to },
  description,
});
const id = (d: number, description: string) => ({
  type: 'integer' as const,
  default: d,
  range: { from: 0, to: 255 },
  description,
});

const spec = nodeKindSpec({
  name: 'mavlink_bridge',
  description:
    'MAVLink v2 companion link to PX4/ArduPilot: heartbeat, link loss, arm/mode with ACK and retry, cmd_vel/goal setpoints, odom/gps/battery/status telemetry (ENU/FLU).',
  parameters: {
    link: {
      type: 'string',
      default: 'serial:///dev/ttyACM0:921600',
      description:
        'Byte link URL: serial:///dev/X:BAUD, tcp://host:port (SITL 5760), udp://[host]:port (listen), udpout://host:port.',
    },
    system_id: id(1, "Our MAVLink system id (a companion computer shares the autopilot's)."),
    component_id: id(191, 'Our component id: 191 = MAV_COMP_ID_ONBOARD_COMPUTER.'),
    target_system: id(1, "The autopilot's system id."),
    target_component: id(1, "The autopilot's component id (1 = MAV_COMP_ID_AUTOPILOT1)."),
    link_timeout: num(
      4.5,
      's',
      0.1,
      600,
      'Link lost when no autopilot HEARTBEAT (1 Hz) came for this long (~4–5 missed).',
    ),
    command_timeout: num(0.5, 's', 0.01, 60, 'Wait this long for COMMAND_ACK before resending.'),
    command_retries: {
      type: 'integer',
      default: 3,
      range: { from: 0, to: 100 },
      description: 'Resends of a COMMAND_LONG without ACK.',
    },
    mode_confirm_timeout: num(
      2.5,
      's',
      0.01,
      60,
      'A mode change fails if the HEARTBEAT does not show it this long after the ACK.',
    ),
    offboard_warmup: num(
      0.5,
      's',
      0,
      60,
      'Before asking for OFFBOARD, stream setpoints for this long (PX4 rejects OFFBOARD without a stream).',
    ),
    velocity_frame: {
      type: 'string',
      default: 'local_ned',
      choices: ['local_ned', 'body_ned'],
      description:
        'cmd_vel as LOCAL_NED velocity (rotated by the heading from ATTITUDE; any autopilot) or MAV_FRAME_BODY_NED (the autopilot rotates it; PX4, ArduPilot).',
    },
    auto_offboard: {
      type: 'bool',
      default: false,
      description:
        'Arm and enter OFFBOARD by itself while connected (again after a failsafe). For simulation and benches, not for a real vehicle.',
    },
    odom_topic: {
      type: 'string',
      default: 'odom',
      check: relativeTopicCheck(),
      description: "Topic for the autopilot's odometry (relative to the namespace).",
    },
    setpoint_hz: num(
      10,
      'Hz',
      2.5,
      200,
      'SET_POSITION_TARGET_LOCAL_NED stream rate; PX4 needs more than 2 Hz to enter and stay in OFFBOARD.',
    ),
    cmd_vel_timeout: num(0.5, 's', 0.01, 60, 'A cmd_vel older than this streams zero velocity (hover).'),
    odom_frame: { type: 'string', default: 'odom', description: 'frame_id of odometry (ENU, REP-105).' },
    base_frame: { type: 'string', default: 'base_link', description: 'child_frame_id of odometry (FLU).' },
    gps_frame: { type: 'string', default: 'gps', description: 'frame_id of NavSatFix.' },
    signing_key: {
      type: 'string',
      default: '',
      description: 'MAVLink 2 signing secret as 64 hex digits; empty: no signing.',
      check: (v) =>
        (v as string) === '' || /^[0-9a-fA-F]{64}$/.test(v as string)
          ? undefined
          : 'expected 64 hex digits (a 32-byte key) or ""',
    },
    signing_link_id: id(0, 'Link id in our signatures.'),
    accept_unsigned: { type: 'bool', default: false, description: 'With a signing key: also accept unsigned frames.' },
    reconnect_initial_s: num(0.05, 's', 0.001, 60, 'First delay before reopening a lost link (doubles each try).'),
    reconnect_max_s: num(2, 's', 0.001, 600, 'Longest delay between reopen attempts.'),
  },
  publishes: {
    '{odom_topic*}': 'nav_msgs/msg/Odometry',
    'gps/fix': 'sensor_msgs/msg/NavSatFix',
    battery: 'sensor_msgs/msg/BatteryState',
    '~/status': 'outpost_msgs/msg/VehicleStatus',
  },
  subscribes: { cmd_vel: 'geometry_msgs/msg/Twist', goal: 'geometry_msgs/msg/PoseStamped' },
  services: { '~/arm': 'std_srvs/srv/SetBool', '~/set_mode': 'outpost_msgs/srv/SetMode' },
});

const LINK = { down: 0, waiting: 1, connected: 2, lost: 3 } as const;
type LinkName = keyof typeof LINK;

/**
 * Companion-computer side of MAVLink v2 (node kind `mavlink_bridge`): HEARTBEAT at 1 Hz as
 * MAV_TYPE_ONBOARD_CONTROLLER (compid 191); the autopilot's heartbeat watched for link loss;
 * arm/disarm and mode changes by COMMAND_LONG with ACK, timeout and retry (mode changes succeed
 * only once the autopilot's HEARTBEAT shows the mode); setpoints from `cmd_vel` (FLU body twist)
 * or `goal` (ENU pose) streamed as SET_POSITION_TARGET_LOCAL_NED at `setpoint_hz` (PX4 leaves
 * OFFBOARD below 2 Hz; zero velocity when nothing is commanded); telemetry as ROS messages in
 * ENU/FLU (REP-103/105): `odom` from LOCAL_POSITION_NED + ATTITUDE, `gps/fix` from
 * GLOBAL_POSITION_INT, `battery` from BATTERY_STATUS (or SYS_STATUS), `~/status`.
 */
export class MavlinkBridgeNode extends KindNode<typeof spec> {
  #link: ByteLink | undefined;
  #parser = new MavlinkParser();
  #encoder: MavlinkEncoder | undefined;
  #commands: MavlinkCommandClient;
  #timers: Timer[] = [];
  #offs: Array<() => void> = [];
  #odomPub: Publisher<'nav_msgs/msg/Odometry'> | undefined;
  #fixPub: Publisher<'sensor_msgs/msg/NavSatFix'> | undefined;
  #batteryPub: Publisher<'sensor_msgs/msg/BatteryState'> | undefined;
  #statusPub: Publisher<'outpost_msgs/msg/VehicleStatus'> | undefined;
  #start = new Time(0n);
  #linkState: LinkName = 'down';
  #lastHeartbeat: Time | undefined;
  #hb = { armed: false, customMode: 0, baseMode: 0, systemStatus: 0 };
  #heartbeatListeners = new Set<() => void>();
  #attitude: Quaternion = { x: 0, y: 0, z: 0, w: 1 };
  #yawNed = 0;
  #rates = { p: 0, q: 0, r: 0 };
  #lastBatteryStatus: Time | undefined;
  #cmdVel: { at: Time; vx: number; vy: number; vz: number; wz: number } | undefined;
  #goal: { n: number; e: number; d: number; yaw: number } | undefined;
  #lastStatusKey = '';
  #loggedDrops = 0;
  /** When the setpoint stream (re)started on an open link. */
  #streamSince: Time | undefined;
  #lastSetpointAt: Time | undefined;
  #autoBusy = false;
  setpointsSent = 0;
  heartbeatsSent = 0;

  constructor(context: Context, options: NodeKindOptions) {
    super(spec, context, options);
    this.#commands = new MavlinkCommandClient(
      (command, params, confirmation) =>
        this.#send(COMMAND_LONG, {
          param1: params[0] ?? 0,
          param2: params[1] ?? 0,
          param3: params[2] ?? 0,
          param4: params[3] ?? 0,
          param5: params[4] ?? 0,
          param6: params[5] ?? 0,
          param7: params[6] ?? 0,
          command,
          confirmation,
          target_system: this.params.target_system,
          target_component: this.params.target_component,
        }),
      this.getClock(),
    );
  }

  get link(): ByteLink | undefined {
    return this.#link;
  }
  get parserStats() {
    return this.#parser.stats;
  }
  get linkState(): LinkName {
    return this.#linkState;
  }
  get armed(): boolean {
    return this.#hb.armed;
  }
  get mode(): string {
    return px4ModeName(this.#hb.customMode);
  }

  protected override onConfigure() {
    const keyHex = this.params.signing_key;
    const key = keyHex === '' ? undefined : Uint8Array.from(Buffer.from(keyHex, 'hex'));
    this.#parser = new MavlinkParser({
      ...(key ? { signingKey: key } : {}),
      acceptUnsigned: this.params.accept_unsigned,
    });
    const wall = this.context.wallClock;
    this.#encoder = new MavlinkEncoder({
      systemId: this.params.system_id,
      componentId: this.params.component_id,
      ...(key ? { signing: { key, linkId: this.params.signing_link_id } } : {}),
      unixMs: () => Number(wall.now().nanoseconds / 1_000_000n),
    });
    this.#start = this.now();
    this.#link = createByteLink(this.params.link, {
      initialDelay: this.params.reconnect_initial_s,
      maxDelay: this.params.reconnect_max_s,
    });
    this.#odomPub = this.publisher('{odom_topic*}', {
      lifecycle: true,
      qos: 10,
      with: { odom_topic: this.params.odom_topic },
    });
    this.#fixPub = this.publisher('gps/fix', { lifecycle: true, qos: 10 });
    this.#batteryPub = this.publisher('battery', { lifecycle: true, qos: 5 });
    this.#statusPub = this.publisher('~/status', { qos: { durability: 'transient_local', depth: 1 } });
    this.subscription('cmd_vel', { qos: 10 }, (m) => {
      this.#cmdVel = { at: this.now(), vx: m.linear.x, vy: m.linear.y, vz: m.linear.z, wz: m.angular.z };
      this.#goal = undefined;
      // Send at once (latency); the timer keeps the stream alive when cmd_vel is slower than setpoint_hz.
      if (this.lifecycleState === 'active') this.#sendSetpoint();
    });
    this.subscription('goal', { qos: 10 }, (m) => {
      const [n, e, d] = enuToNed(m.pose.position.x, m.pose.position.y, m.pose.position.z);
      this.#goal = { n, e, d, yaw: yawEnuToNed(yawFromQuaternion(m.pose.orientation)) };
      this.#cmdVel = undefined;
    });
    this.service('~/arm', async (req) => {
      try {
        await this.arm(req.data);
        return { success: true, message: req.data ? 'armed' : 'disarmed' };
      } catch (err) {
        return { success: false, message: (err as Error).message };
      }
    });
    this.service('~/set_mode', async (req) => {
      try {
        await this.setMode(req.mode);
        return { success: true, message: `mode ${this.mode}` };
      } catch (err) {
        return { success: false, message: (err as Error).message };
      }
    });
    this.#offs.push(this.#link.onData((b) => this.#parser.push(b, (f) => this.#onFrame(f))));
    this.#offs.push(
      this.#link.onState((s) => {
        if (s !== 'open') this.#commands.failAll(`link ${this.#link!.url} is ${s}`);
        else if (this.lifecycleState === 'active') this.#heartbeat(); // announce ourselves on (re)connect
        this.#updateLink();
      }),
    );
    this.#link.open();
    return 'success' as const;
  }

  protected override onActivate() {
    this.#timers.push(
      this.createTimer(secondsToNs(1), () => this.#heartbeat()),
      this.createTimer(secondsToNs(1 / this.params.setpoint_hz), () => this.#keepStreaming()),
      this.createTimer(secondsToNs(0.1), () => this.#updateLink()),
      this.createTimer(secondsToNs(1), () => this.#publishStatus(true)),
    );
    this.#heartbeat();
    return 'success' as const;
  }

  protected override onDeactivate() {
    for (const t of this.#timers.splice(0)) t.cancel();
    return 'success' as const;
  }

  protected override async onCleanup() {
    await this.#release();
    return 'success' as const;
  }
  protected override async onShutdown() {
    await this.#release();
    return 'success' as const;
  }

  async #release(): Promise<void> {
    for (const off of this.#offs.splice(0)) off();
    this.#commands.failAll('the bridge is shutting down');
    await this.#link?.close();
  }

  /** Arms or disarms (COMMAND_LONG 400); resolves on COMMAND_ACK ACCEPTED. */
  arm(armed: boolean, signal?: AbortSignal): Promise<void> {
    return this.#commands.send(MAV_CMD.COMPONENT_ARM_DISARM, [armed ? 1 : 0], this.#commandOptions(), signal);
  }

  /**
   * Asks for a PX4 mode by name (DO_SET_MODE with custom main/sub mode); resolves when a HEARTBEAT
   * shows it, fails if the ACK refuses or the heartbeat does not show it within mode_confirm_timeout.
   */
  async setMode(name: string, signal?: AbortSignal): Promise<void> {
    const mode = px4ModeFromName(name);
    if (mode === undefined) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `mode ${JSON.stringify(name)}: expected a PX4 mode such as ${Object.keys(PX4_MAIN_MODE).join(', ')} or AUTO.LOITER`,
      );
    }
    // PX4 refuses OFFBOARD unless setpoints are already streaming: let the stream run first.
    if (mode.main === PX4_MAIN_MODE.OFFBOARD) await this.#setpointWarmup(signal);
    await this.#commands.send(
      MAV_CMD.DO_SET_MODE,
      [MAV_MODE_FLAG.CUSTOM_MODE_ENABLED, mode.main, mode.sub],
      this.#commandOptions(),
      signal,
    );
    const matches = () =>
      ((this.#hb.customMode >>> 16) & 0xff) === mode.main &&
      (mode.sub === 0 || ((this.#hb.customMode >>> 24) & 0xff) === mode.sub);
    const timeout = this.params.mode_confirm_timeout;
    await new Promise<void>((resolve, reject) => {
      const cancel = this.getClock().schedule(this.now().nanoseconds + secondsToNs(timeout), () => {
        this.#heartbeatListeners.delete(check);
        reject(
          new OutpostError(
            'OUTPOST_ERR_FIRMWARE_COMMAND',
            `mode ${name}: the autopilot ACKed DO_SET_MODE but its HEARTBEAT still shows ${this.mode} after ${timeout} s`,
          ),
        );
      });
      // Only a heartbeat that arrives after the ACK counts: an older one may predate the change.
      const check = () => {
        if (matches()) {
          cancel();
          this.#heartbeatListeners.delete(check);
          resolve();
        }
      };
      this.#heartbeatListeners.add(check);
    });
  }

  /**
   * `auto_offboard`: while connected, arm and ask for OFFBOARD whenever the autopilot is not both
   * (at start, and again after a failsafe). For simulation and bench tests, not for a real vehicle.
   */
  #autoOffboard(): void {
    if (this.#autoBusy || this.#linkState !== 'connected') return;
    if (this.#hb.armed && px4ModeName(this.#hb.customMode) === 'OFFBOARD') return;
    this.#autoBusy = true;
    void (async () => {
      if (!this.#hb.armed) await this.arm(true);
      if (px4ModeName(this.#hb.customMode) !== 'OFFBOARD') await this.setMode('OFFBOARD');
    })()
      .catch((err: unknown) => this.getLogger().warn(`auto_offboard: ${(err as Error).message}; will retry`))
      .finally(() => {
        this.#autoBusy = false;
      });
  }

  async #setpointWarmup(signal?: AbortSignal): Promise<void> {
    const warmup = this.params.offboard_warmup;
    const clock = this.getClock();
    const deadline = this.now().nanoseconds + secondsToNs(warmup + 5);
    while (this.#streamSince === undefined || Number(this.now().sub(this.#streamSince)) / 1e9 < warmup) {
      if (this.lifecycleState !== 'active')
        throw new OutpostError(
          'OUTPOST_ERR_FIRMWARE_COMMAND',
          'mode OFFBOARD: the bridge is not active, so no setpoints stream',
        );
      if (this.now().nanoseconds > deadline) {
        throw new OutpostError(
          'OUTPOST_ERR_FIRMWARE_COMMAND',
          `mode OFFBOARD: expected ${warmup} s of setpoint stream first, got none in ${warmup + 5} s (link ${this.#link?.state})`,
        );
      }
      if (signal?.aborted)
        throw new OutpostError('OUTPOST_ERR_ABORTED', 'mode OFFBOARD: aborted while waiting for the setpoint stream');
      await new Promise<void>((resolve) => clock.schedule(this.now().nanoseconds + secondsToNs(0.02), resolve));
    }
  }

  #commandOptions() {
    return { timeout: this.params.command_timeout, retries: this.params.command_retries };
  }

  #send(def: MessageDef, fields: MessageFields): boolean {
    if (this.#encoder === undefined || this.#link === undefined) return false;
    return this.#link.write(this.#encoder.encode(def, fields));
  }

  #heartbeat(): void {
    if (
      this.#send(HEARTBEAT, {
        type: MAV_TYPE.ONBOARD_CONTROLLER,
        autopilot: MAV_AUTOPILOT.INVALID,
        base_mode: 0,
        custom_mode: 0,
        system_status: MAV_STATE.ACTIVE,
        mavlink_version: 3,
      })
    )
      this.heartbeatsSent++;
  }

  #bootMs(): number {
    return Number((this.now().nanoseconds - this.#start.nanoseconds) / 1_000_000n) >>> 0;
  }

  /** The stream timer: sends unless a cmd_vel already sent one within this period. */
  #keepStreaming(): void {
    if (this.params.auto_offboard) this.#autoOffboard();
    const periodNs = secondsToNs(1 / this.params.setpoint_hz);
    if (this.#lastSetpointAt !== undefined && this.now().sub(this.#lastSetpointAt) < (periodNs * 9n) / 10n) return;
    this.#sendSetpoint();
  }

  #sendSetpoint(): void {
    const base = {
      time_boot_ms: this.#bootMs(),
      target_system: this.params.target_system,
      target_component: this.params.target_component,
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
      const fresh = c !== undefined && Number(this.now().sub(c.at)) / 1e9 <= this.params.cmd_vel_timeout;
      const [vx, vy, vz, wz] = fresh ? [c.vx, c.vy, c.vz, c.wz] : [0, 0, 0, 0]; // stale or none: hover
      if (this.params.velocity_frame === 'body_ned') {
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
        const psi = yawNedToEnu(this.#yawNed);
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
      this.#lastSetpointAt = this.now();
      this.setpointsSent++;
      this.#streamSince ??= this.now();
    } else this.#streamSince = undefined;
  }

  #onFrame(f: MavlinkFrame): void {
    if (f.systemId !== this.params.target_system) return;
    const m = decodePayload(f.def, f.payload);
    switch (f.def) {
      case HEARTBEAT: {
        if (f.componentId !== this.params.target_component) return;
        const baseMode = m.base_mode as number;
        const next = {
          armed: (baseMode & MAV_MODE_FLAG.SAFETY_ARMED) !== 0,
          customMode: m.custom_mode as number,
          baseMode,
          systemStatus: m.system_status as number,
        };
        if (next.armed !== this.#hb.armed || next.customMode !== this.#hb.customMode) {
          this.getLogger().info(
            `autopilot: ${next.armed ? 'armed' : 'disarmed'}, mode ${px4ModeName(next.customMode)}`,
          );
        }
        this.#hb = next;
        this.#lastHeartbeat = this.now();
        this.#updateLink();
        for (const l of [...this.#heartbeatListeners]) l();
        this.#publishStatus(false);
        return;
      }
      case COMMAND_ACK: {
        const ts = m.target_system as number;
        const tc = m.target_component as number;
        // ACKs with no target (old firmware leaves the extension out) are taken as ours.
        if ((ts === 0 || ts === this.params.system_id) && (tc === 0 || tc === this.params.component_id)) {
          this.#commands.onAck(m.command as number, m.result as number);
        }
        return;
      }
      case ATTITUDE:
        this.#yawNed = m.yaw as number;
        this.#attitude = attitudeNedFrdToEnuFlu(m.roll as number, m.pitch as number, this.#yawNed);
        this.#rates = { p: m.rollspeed as number, q: m.pitchspeed as number, r: m.yawspeed as number };
        return;
      case LOCAL_POSITION_NED: {
        const o = emptyOdometry();
        o.header = { stamp: this.now().toMsg(), frame_id: this.params.odom_frame };
        o.child_frame_id = this.params.base_frame;
        const [x, y, z] = nedToEnu(m.x as number, m.y as number, m.z as number);
        o.pose.pose.position = { x, y, z };
        o.pose.pose.orientation = this.#attitude;
        const [bx, by, bz] = rotateInverse(this.#attitude, nedToEnu(m.vx as number, m.vy as number, m.vz as number));
        o.twist.twist.linear = { x: bx, y: by, z: bz };
        o.twist.twist.angular = { x: this.#rates.p, y: -this.#rates.q, z: -this.#rates.r };
        this.#odomPub?.publish(o);
        return;
      }
      case GLOBAL_POSITION_INT:
        this.#fixPub?.publish({
          header: { stamp: this.now().toMsg(), frame_id: this.params.gps_frame },
          status: { status: 0, service: 1 },
          latitude: (m.lat as number) / 1e7,
          longitude: (m.lon as number) / 1e7,
          altitude: (m.alt as number) / 1000,
          position_covariance: new Array<number>(9).fill(0),
          position_covariance_type: 0,
        });
        return;
      case BATTERY_STATUS: {
        this.#lastBatteryStatus = this.now();
        const cells = (m.voltages as number[]).filter((v) => v !== 0xffff);
        const volts = cells.reduce((a, v) => a + v, 0) / 1000;
        const b = batteryState(
          this.now().toMsg(),
          volts,
          -(m.current_battery as number) / 100,
          (m.battery_remaining as number) / 100,
        );
        b.cell_voltage = cells.map((v) => v / 1000);
        this.#batteryPub?.publish(b);
        return;
      }
      case SYS_STATUS:
        if (this.#lastBatteryStatus !== undefined && Number(this.now().sub(this.#lastBatteryStatus)) / 1e9 < 5) return;
        this.#batteryPub?.publish(
          batteryState(
            this.now().toMsg(),
            (m.voltage_battery as number) / 1000,
            -(m.current_battery as number) / 100,
            (m.battery_remaining as number) / 100,
          ),
        );
        return;
      default:
        return;
    }
  }

  #updateLink(): void {
    let next: LinkName;
    if (this.#link?.state !== 'open') next = 'down';
    else if (this.#lastHeartbeat === undefined) next = 'waiting';
    else next = Number(this.now().sub(this.#lastHeartbeat)) / 1e9 > this.params.link_timeout ? 'lost' : 'connected';
    if (next === this.#linkState) return;
    const log = next === 'lost' || next === 'down' ? 'warn' : 'info';
    this.getLogger()[log](
      `autopilot link ${this.#linkState} → ${next}${next === 'lost' ? ` (no HEARTBEAT for ${this.params.link_timeout} s)` : ''}`,
    );
    this.#linkState = next;
    this.#publishStatus(false);
  }

  #publishStatus(periodic: boolean): void {
    if (periodic) this.#logDrops();
    const key = `${this.#linkState}|${this.#hb.armed}|${this.#hb.customMode}`;
    if (!periodic && key === this.#lastStatusKey) return;
    this.#lastStatusKey = key;
    const s = this.#parser.stats;
    this.#statusPub?.publish({
      header: { stamp: this.now().toMsg(), frame_id: this.params.base_frame },
      link: LINK[this.#linkState],
      link_state: this.#linkState,
      armed: this.#hb.armed,
      mode: this.mode,
      custom_mode: this.#hb.customMode,
      base_mode: this.#hb.baseMode,
      system_status: this.#hb.systemStatus,
      autopilot_system_id: this.params.target_system,
      seconds_since_heartbeat:
        this.#lastHeartbeat === undefined ? -1 : Number(this.now().sub(this.#lastHeartbeat)) / 1e9,
      frames_received: s.frames,
      crc_errors: s.crcErrors,
      rejected_frames: s.rejectedFrames,
      discarded_bytes: s.discardedBytes,
      last_error: s.lastError || this.#link?.stats.lastError || '',
    });
  }

  /** At most once a second: one logged line when bad input was dropped since the last one. */
  #logDrops(): void {
    const s = this.#parser.stats;
    const drops = s.crcErrors + s.rejectedFrames;
    if (drops === this.#loggedDrops) return;
    this.getLogger().warn(
      { crc_errors: s.crcErrors, rejected_frames: s.rejectedFrames, discarded_bytes: s.discardedBytes },
      `MAVLink link: ${drops - this.#loggedDrops} bad frame(s) dropped; last: ${s.lastError}`,
    );
    this.#loggedDrops = drops;
  }
}

export const mavlinkBridgeKind = defineNodeKind(spec, (context, options) => new MavlinkBridgeNode(context, options));
