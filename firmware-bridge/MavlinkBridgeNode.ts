import {
  KindNode,
  defineNodeKind,
  secondsToNs,
  type Context,
  type NodeKindOptions,
  type Publisher,
  type Timer,
} from '../runtime/index.js';
import { AutopilotCommands } from './AutopilotCommands.js';
import { AutopilotLinkMonitor, LINK, type LinkName } from './AutopilotLinkMonitor.js';
import type { ByteLink } from './link/ByteLink.js';
import { createByteLink } from './link/createByteLink.js';
import { mavlinkBridgeSpec as spec } from './MavlinkBridgeSpec.js';
import { MavlinkEncoder } from './mavlink/MavlinkEncoder.js';
import { MAV_AUTOPILOT, MAV_STATE, MAV_TYPE } from './mavlink/MavlinkEnums.js';
import {
  ATTITUDE,
  BATTERY_STATUS,
  COMMAND_ACK,
  GLOBAL_POSITION_INT,
  HEARTBEAT,
  LOCAL_POSITION_NED,
  SYS_STATUS,
  decodePayload,
  type MessageDef,
  type MessageFields,
} from './mavlink/MavlinkMessages.js';
import { MavlinkParser, type MavlinkFrame } from './mavlink/MavlinkParser.js';
import { MavlinkTelemetry } from './MavlinkTelemetry.js';
import { OffboardSetpointStream } from './OffboardSetpointStream.js';

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
  #timers: Timer[] = [];
  #offs: Array<() => void> = [];
  #odomPub: Publisher<'nav_msgs/msg/Odometry'> | undefined;
  #fixPub: Publisher<'sensor_msgs/msg/NavSatFix'> | undefined;
  #batteryPub: Publisher<'sensor_msgs/msg/BatteryState'> | undefined;
  #statusPub: Publisher<'outpost_msgs/msg/VehicleStatus'> | undefined;
  #autopilot = new AutopilotLinkMonitor(
    this,
    () => this.#link?.state === 'open',
    () => this.#publishStatus(false),
  );
  #telemetry = new MavlinkTelemetry(this);
  #stream = new OffboardSetpointStream(
    this,
    (def, fields) => this.#send(def, fields),
    () => this.#telemetry.yawNed,
  );
  #commands = new AutopilotCommands(
    this,
    (def, fields) => this.#send(def, fields),
    this.#autopilot,
    this.#stream,
    () => this.#link?.state,
  );
  #lastStatusKey = '';
  #loggedDrops = 0;
  #heartbeatsSent = 0;

  constructor(context: Context, options: NodeKindOptions) {
    super(spec, context, options);
  }

  get link(): ByteLink | undefined {
    return this.#link;
  }
  get parserStats() {
    return this.#parser.stats;
  }
  get linkState(): LinkName {
    return this.#autopilot.linkState;
  }
  get armed(): boolean {
    return this.#autopilot.heartbeat.armed;
  }
  get mode(): string {
    return this.#autopilot.mode;
  }
  get setpointsSent(): number {
    return this.#stream.sent;
  }
  get heartbeatsSent(): number {
    return this.#heartbeatsSent;
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
    this.#stream.restartBootTime();
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
      this.#stream.onCmdVel(m);
      // Send at once (latency); the timer keeps the stream alive when cmd_vel is slower than setpoint_hz.
      if (this.lifecycleState === 'active') this.#stream.send();
    });
    this.subscription('goal', { qos: 10 }, (m) => {
      this.#stream.onGoal(m);
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
        this.#autopilot.update();
      }),
    );
    this.#link.open();
    return 'success' as const;
  }

  protected override onActivate() {
    this.#timers.push(
      this.createTimer(secondsToNs(1), () => this.#heartbeat()),
      this.createTimer(secondsToNs(1 / this.params.setpoint_hz), () => this.#keepStreaming()),
      this.createTimer(secondsToNs(0.1), () => this.#autopilot.update()),
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
    return this.#commands.arm(armed, signal);
  }

  /**
   * Asks for a PX4 mode by name (DO_SET_MODE with custom main/sub mode); resolves when a HEARTBEAT
   * shows it, fails if the ACK refuses or the heartbeat does not show it within mode_confirm_timeout.
   */
  setMode(name: string, signal?: AbortSignal): Promise<void> {
    return this.#commands.setMode(name, signal);
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
      this.#heartbeatsSent++;
  }

  /** The stream timer; with `auto_offboard` it first re-arms and re-enters OFFBOARD if needed. */
  #keepStreaming(): void {
    if (this.params.auto_offboard) this.#commands.autoOffboard();
    this.#stream.keepStreaming();
  }

  #onFrame(f: MavlinkFrame): void {
    if (f.systemId !== this.params.target_system) return;
    const m = decodePayload(f.def, f.payload);
    switch (f.def) {
      case HEARTBEAT:
        if (f.componentId !== this.params.target_component) return;
        this.#autopilot.onHeartbeat(m);
        this.#publishStatus(false);
        return;
      case COMMAND_ACK:
        this.#commands.onAck(m);
        return;
      case ATTITUDE:
        this.#telemetry.attitude(m);
        return;
      case LOCAL_POSITION_NED:
        this.#odomPub?.publish(this.#telemetry.odometry(m));
        return;
      case GLOBAL_POSITION_INT:
        this.#fixPub?.publish(this.#telemetry.navSatFix(m));
        return;
      case BATTERY_STATUS:
        this.#batteryPub?.publish(this.#telemetry.batteryStatus(m));
        return;
      case SYS_STATUS: {
        const b = this.#telemetry.sysStatus(m);
        if (b !== undefined) this.#batteryPub?.publish(b);
        return;
      }
      default:
        return;
    }
  }

  #publishStatus(periodic: boolean): void {
    if (periodic) this.#logDrops();
    const hb = this.#autopilot.heartbeat;
    const linkState = this.#autopilot.linkState;
    const key = `${linkState}|${hb.armed}|${hb.customMode}`;
    if (!periodic && key === this.#lastStatusKey) return;
    this.#lastStatusKey = key;
    const s = this.#parser.stats;
    this.#statusPub?.publish({
      header: { stamp: this.now().toMsg(), frame_id: this.params.base_frame },
      link: LINK[linkState],
      link_state: linkState,
      armed: hb.armed,
      mode: this.mode,
      custom_mode: hb.customMode,
      base_mode: hb.baseMode,
      system_status: hb.systemStatus,
      autopilot_system_id: this.params.target_system,
      seconds_since_heartbeat: this.#autopilot.secondsSinceHeartbeat(),
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
