import {
  KindNode,
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
import { EncoderOdometry, limitWheelSpeeds, wheelSpeedsFor, type WheelGeometry } from './motor/DiffDriveKinematics.js';
import { MotorFrameParser, encodeMotorMessage, type MotorMessage } from './motor/MotorProtocol.js';
import { batteryState, emptyOdometry, quaternionFromEuler } from './RosConversions.js';

const pos = (d: number, unit: string, to: number, description: string, from = 0) => ({
  type: 'double' as const,
  default: d,
  unit,
  range: { from, to },
  description,
});

const spec = nodeKindSpec({
  name: 'motor_bridge',
  description:
    'Differential-drive motor controller over serial (COBS + CRC-16 frames): cmd_vel → wheel speeds, encoders → odom, battery, faults, watchdog.',
  parameters: {
    link: {
      type: 'string',
      default: 'serial:///dev/ttyACM0:115200',
      description: 'Byte link URL: serial:///dev/X:BAUD, tcp://host:port, udp://[host]:port, udpout://host:port.',
    },
    wheel_radius: pos(0.05, 'm', 10, 'Wheel radius.', 0.001),
    wheel_separation: pos(0.3, 'm', 10, 'Distance between the wheels.', 0.01),
    ticks_per_rev: {
      type: 'integer',
      default: 4096,
      range: { from: 1, to: 1_000_000 },
      description: 'Encoder ticks per wheel revolution.',
    },
    max_wheel_speed: pos(20, 'rad/s', 1000, 'Wheel speed limit; both wheels scale down together to respect it.'),
    command_hz: pos(
      20,
      'Hz',
      1000,
      "Rate at which the last command (or zero) is re-sent: keeps the controller's own watchdog fed.",
      1,
    ),
    cmd_vel_timeout: pos(0.5, 's', 60, 'Command zero when cmd_vel has been silent this long.', 0.01),
    report_timeout: pos(0.5, 's', 60, 'controller_alive turns false when no report arrived for this long.', 0.01),
    odom_topic: {
      type: 'string',
      default: 'odom',
      check: relativeTopicCheck(),
      description: 'Topic for encoder odometry (relative to the namespace).',
    },
    odom_frame: { type: 'string', default: 'odom', description: 'frame_id of odometry (REP-105).' },
    base_frame: { type: 'string', default: 'base_link', description: 'child_frame_id of odometry.' },
    reconnect_initial_s: pos(0.05, 's', 60, 'First delay before reopening a lost link (doubles each try).', 0.001),
    reconnect_max_s: pos(2, 's', 600, 'Longest delay between reopen attempts.', 0.001),
  },
  publishes: {
    '{odom_topic*}': 'nav_msgs/msg/Odometry',
    battery: 'sensor_msgs/msg/BatteryState',
    '~/status': 'outpost_msgs/msg/MotorStatus',
  },
  subscribes: { cmd_vel: 'geometry_msgs/msg/Twist' },
});

/**
 * Ground-robot motor bridge (node kind `motor_bridge`): `cmd_vel` → wheel speeds by
 * differential-drive kinematics → WHEEL_COMMAND frames on a serial link; encoder reports →
 * `odom` (nav_msgs/Odometry), battery reports → `battery` (sensor_msgs/BatteryState), everything
 * else → `~/status` (outpost_msgs/MotorStatus). Commands are re-sent at `command_hz`; when
 * `cmd_vel` is silent for `cmd_vel_timeout` the bridge sends zero (its watchdog) — and the
 * controller has its own, in case the bridge itself dies. Timing is from the node clock.
 */
export class MotorBridgeNode extends KindNode<typeof spec> {
  #link: ByteLink | undefined;
  #parser = new MotorFrameParser();
  #odometry: EncoderOdometry | undefined;
  #geometry: WheelGeometry = { wheelRadius: 0.05, wheelSeparation: 0.3 };
  #odomPub: Publisher<'nav_msgs/msg/Odometry'> | undefined;
  #batteryPub: Publisher<'sensor_msgs/msg/BatteryState'> | undefined;
  #statusPub: Publisher<'outpost_msgs/msg/MotorStatus'> | undefined;
  #timer: Timer | undefined;
  #statusTimer: Timer | undefined;
  #lastCmdVel = new Time(-1n);
  #lastReport = new Time(-1n);
  #target = { left: 0, right: 0 };
  #commandId = 0;
  #seq = 0;
  #commandsSent = 0;
  #watchdog = true;
  #faults = 0;
  #lastStatusKey = '';
  #loggedDrops = 0;
  #offs: Array<() => void> = [];

  constructor(context: Context, options: NodeKindOptions) {
    super(spec, context, options);
  }

  get link(): ByteLink | undefined {
    return this.#link;
  }
  get parserStats() {
    return this.#parser.stats;
  }
  /** The id stamped on the last WHEEL_COMMAND sent: the count of `cmd_vel` messages received. */
  get commandId(): number {
    return this.#commandId;
  }

  protected override onConfigure() {
    const p = this.params;
    this.#geometry = { wheelRadius: p.wheel_radius, wheelSeparation: p.wheel_separation };
    this.#odometry = new EncoderOdometry(this.#geometry, p.ticks_per_rev);
    this.#link = createByteLink(p.link, { initialDelay: p.reconnect_initial_s, maxDelay: p.reconnect_max_s });
    this.#odomPub = this.publisher('{odom_topic*}', { lifecycle: true, qos: 10, with: { odom_topic: p.odom_topic } });
    this.#batteryPub = this.publisher('battery', { lifecycle: true, qos: 5 });
    this.#statusPub = this.publisher('~/status', { qos: { durability: 'transient_local', depth: 1 } });
    this.subscription('cmd_vel', { qos: 10 }, (m) => this.#onCmdVel(m.linear.x, m.angular.z));
    this.#offs.push(this.#link.onData((b) => this.#parser.push(b, (m) => this.#onReport(m))));
    this.#offs.push(
      this.#link.onState((state) => {
        // A controller that just (re)appeared hears a stop first, whatever it last drove at.
        if (state === 'open') {
          this.#target = { left: 0, right: 0 };
          this.#send();
          this.#odometry?.resetBaseline(); // the controller may have rebooted: its tick counters restart
        }
        this.#publishStatus(false);
      }),
    );
    this.#link.open();
    return 'success' as const;
  }

  protected override onActivate() {
    this.#timer = this.createTimer(secondsToNs(1 / this.params.command_hz), () => this.#tick());
    this.#statusTimer = this.createTimer(secondsToNs(1), () => this.#publishStatus(true));
    return 'success' as const;
  }

  protected override onDeactivate() {
    this.#timer?.cancel();
    this.#statusTimer?.cancel();
    this.#target = { left: 0, right: 0 };
    this.#send();
    return 'success' as const;
  }

  protected override async onCleanup() {
    for (const off of this.#offs.splice(0)) off();
    await this.#link?.close();
    return 'success' as const;
  }

  protected override async onShutdown() {
    for (const off of this.#offs.splice(0)) off();
    await this.#link?.close();
    return 'success' as const;
  }

  #onCmdVel(linear: number, angular: number): void {
    this.#commandId = (this.#commandId + 1) & 0xffff;
    this.#lastCmdVel = this.now();
    if (this.#watchdog) this.getLogger().info('cmd_vel resumed: driving');
    this.#watchdog = false;
    this.#target = limitWheelSpeeds(wheelSpeedsFor(this.#geometry, linear, angular), this.params.max_wheel_speed);
    if (this.lifecycleState === 'active') this.#send();
  }

  #tick(): void {
    const silent =
      this.#lastCmdVel.nanoseconds < 0n || Number(this.now().sub(this.#lastCmdVel)) / 1e9 > this.params.cmd_vel_timeout;
    if (silent) this.#target = { left: 0, right: 0 };
    if (silent && !this.#watchdog) {
      this.#watchdog = true;
      this.getLogger().warn(`no cmd_vel for ${this.params.cmd_vel_timeout} s: commanding zero wheel speed`);
    }
    this.#send();
    this.#publishStatus(false);
  }

  #send(): void {
    const frame = encodeMotorMessage(
      { type: 'wheel_command', commandId: this.#commandId, left: this.#target.left, right: this.#target.right },
      this.#seq,
    );
    this.#seq = (this.#seq + 1) & 0xff;
    if (this.#link?.write(frame)) this.#commandsSent++;
  }

  #onReport(m: MotorMessage): void {
    this.#lastReport = this.now();
    switch (m.type) {
      case 'encoders': {
        const odo = this.#odometry!;
        if (!odo.update(m.leftTicks, m.rightTicks, m.timeUs)) return;
        const msg = emptyOdometry();
        msg.header = { stamp: this.now().toMsg(), frame_id: this.params.odom_frame };
        msg.child_frame_id = this.params.base_frame;
        msg.pose.pose.position = { x: odo.x, y: odo.y, z: 0 };
        msg.pose.pose.orientation = quaternionFromEuler(0, 0, odo.yaw);
        msg.twist.twist.linear.x = odo.linear;
        msg.twist.twist.angular.z = odo.angular;
        this.#odomPub?.publish(msg);
        return;
      }
      case 'battery':
        this.#batteryPub?.publish(batteryState(this.now().toMsg(), m.voltage, -m.current, m.percentage));
        return;
      case 'status':
        if (m.faults !== this.#faults)
          this.getLogger().warn(`motor controller faults 0x${this.#faults.toString(16)} → 0x${m.faults.toString(16)}`);
        this.#faults = m.faults;
        this.#publishStatus(false);
        return;
      default:
        return;
    }
  }

  #publishStatus(periodic: boolean): void {
    if (periodic) this.#logDrops();
    const s = this.#parser.stats;
    const alive =
      this.#lastReport.nanoseconds >= 0n &&
      Number(this.now().sub(this.#lastReport)) / 1e9 <= this.params.report_timeout;
    const linkOpen = this.#link?.state === 'open';
    const key = `${linkOpen}|${alive}|${this.#watchdog}|${this.#faults}`;
    if (!periodic && key === this.#lastStatusKey) return;
    this.#lastStatusKey = key;
    this.#statusPub?.publish({
      header: { stamp: this.now().toMsg(), frame_id: this.params.base_frame },
      link_open: linkOpen,
      controller_alive: alive,
      watchdog_stopped: this.#watchdog,
      faults: this.#faults,
      left_command: this.#target.left,
      right_command: this.#target.right,
      commands_sent: this.#commandsSent,
      frames_received: s.frames,
      crc_errors: s.crcErrors,
      rejected_frames: s.rejectedFrames,
      discarded_bytes: s.discardedBytes,
      sequence_gaps: s.sequenceGaps,
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
      `motor link: ${drops - this.#loggedDrops} bad frame(s) dropped; last: ${s.lastError}`,
    );
    this.#loggedDrops = drops;
  }
}

export const motorBridgeKind = defineNodeKind(spec, (context, options) => new MotorBridgeNode(context, options));
