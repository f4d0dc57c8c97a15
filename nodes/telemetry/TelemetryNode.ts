import {
  KindNode,
  QoS,
  defineNodeKind,
  nodeKindSpec,
  secondsToNs,
  yawFromQuaternion,
  type Context,
  type MessageOf,
  type NodeKindOptions,
  type Publisher,
} from '../../runtime/index.js';
import { ROSOUT_QOS } from '../../runtime/RosoutLog.js';
import { relativeTopicCheck } from '../../runtime/topicNameParameter.js';
import type { FleetLinkDiagnostics } from '../fleet/FleetLinkDiagnostics.js';
import { ownRobotName } from '../fleet/FleetNames.js';
import { AlertLog } from './AlertLog.js';
import { downsamplePath } from './downsamplePath.js';
import { ProcessLoad } from './ProcessLoad.js';
import { RobotDiagnostics, type PolicyFigures } from './RobotDiagnostics.js';

const WARN = 1;
const ERROR = 2;
/** rcl_interfaces/msg/Log ERROR; FATAL (50) is above it. */
const ROSOUT_ERROR = 40;
/** outpost_msgs/msg/VehicleStatus link states that are alerts (DOWN, LOST). */
const LINK_ALERTS: Record<number, string> = { 0: 'autopilot link down', 3: 'autopilot link lost' };

const spec = nodeKindSpec({
  name: 'telemetry',
  description:
    "A robot's compact health record (outpost_msgs/RobotTelemetry) on `telemetry` at rate_hz: pose, speed, battery, goal and path, fleet links and outbox, policy latency, CPU/RSS, latest alerts.",
  parameters: {
    robot: {
      type: 'string',
      default: '',
      description: "This robot's name; default: the last token of the node's namespace.",
    },
    vehicle: {
      type: 'string',
      default: 'ground',
      choices: ['ground', 'multirotor'],
      description:
        "ground: mode from the explorer (idle / exploring / done); multirotor: the autopilot's flight mode and altitude.",
    },
    rate_hz: {
      type: 'double',
      default: 1,
      unit: 'Hz',
      range: { from: 0.01, to: 50 },
      description: 'Records per second of node time.',
    },
    odom_topic: {
      type: 'string',
      default: 'odom',
      check: relativeTopicCheck(),
      description: 'Odometry in the map frame (relative to the namespace): pose, speed, altitude.',
    },
    max_path_points: {
      type: 'integer',
      default: 8,
      range: { from: 0, to: 16 },
      description: 'Points of the planned path kept in a record (evenly spaced, the ends kept).',
    },
    max_alerts: {
      type: 'integer',
      default: 3,
      range: { from: 0, to: 16 },
      description: 'Alerts in a record, newest first (one per source).',
    },
  },
  publishes: { telemetry: 'outpost_msgs/msg/RobotTelemetry' },
  subscribes: {
    '{odom_topic*}': 'nav_msgs/msg/Odometry',
    goal: 'geometry_msgs/msg/PoseStamped',
    plan: 'nav_msgs/msg/Path',
    battery: 'sensor_msgs/msg/BatteryState',
    'explorer/done': 'std_msgs/msg/Bool',
    'mavlink_bridge/status': 'outpost_msgs/msg/VehicleStatus',
    '/diagnostics': 'diagnostic_msgs/msg/DiagnosticArray',
    '/rosout': 'rcl_interfaces/msg/Log',
  },
});

/**
 * The telemetry node (issue 15): gathers what the robot's other nodes already publish into one
 * outpost_msgs/RobotTelemetry on `telemetry` (e.g. /r1/telemetry) every 1/rate_hz s of node time,
 * for the ground station over the fleet link (a latest-only, high-priority route) and for the
 * dashboard. It only listens: nothing it does changes what the other nodes do.
 * - pose and speed from `odom_topic`; goal from `goal` until `explorer/done`; path from `plan`;
 * - battery from `battery` (sensor_msgs/BatteryState; NaN until one arrives);
 * - links, outbox depth and drops from its fleet_link's status on /diagnostics;
 * - policy latency and fallbacks from the explorer's policy host status on /diagnostics;
 * - alerts: this robot's /diagnostics statuses at WARN or worse, /rosout records at ERROR or worse
 *   from its nodes, and an autopilot link that is down or lost (`mavlink_bridge/status`);
 * - CPU and RSS of this process.
 */
export class TelemetryNode extends KindNode<typeof spec> {
  #robot = '';
  #pub: Publisher<'outpost_msgs/msg/RobotTelemetry'> | undefined;
  #odom: MessageOf<'nav_msgs/msg/Odometry'> | undefined;
  #goal: { x: number; y: number } | undefined;
  #done = false;
  #path: number[] = [];
  #battery: { percent: number; voltage: number } = { percent: Number.NaN, voltage: Number.NaN };
  #vehicle: MessageOf<'outpost_msgs/msg/VehicleStatus'> | undefined;
  #policy: PolicyFigures = { p50Ms: Number.NaN, p99Ms: Number.NaN, fallbacks: 0 };
  #fleet: FleetLinkDiagnostics | undefined;
  readonly #alerts = new AlertLog(16);
  #load: ProcessLoad | undefined;

  constructor(context: Context, options: NodeKindOptions) {
    super(spec, context, options);
  }

  get robot(): string {
    return this.#robot;
  }

  protected override onConfigure() {
    const p = this.params;
    this.#robot = ownRobotName(p.robot, this.namespace());
    if (this.#robot === '') throw new Error('telemetry: set "robot" or run the node in the robot\'s namespace');
    const diagnostics = new RobotDiagnostics(this.#robot, this.namespace());
    const logger = `${this.namespace().replace(/^\//, '').replaceAll('/', '.')}.`;
    const ownPrefix = `${this.namespace().replace(/\/$/, '')}/`;
    this.#pub = this.publisher('telemetry', { qos: 10 });
    this.subscription('{odom_topic*}', { qos: 5, with: { odom_topic: p.odom_topic } }, (m) => {
      this.#odom = m;
    });
    this.subscription('goal', { qos: 10 }, (m) => {
      this.#goal = { x: m.pose.position.x, y: m.pose.position.y };
      this.#done = false;
    });
    this.subscription('plan', { qos: QoS.profileLatched }, (m) => {
      this.#path = downsamplePath(
        m.poses.map((s) => s.pose.position),
        this.params.max_path_points,
      );
    });
    this.subscription('battery', { qos: 5 }, (m) => {
      // BatteryState.percentage is 0..1 (NaN when unmeasured), the record's percent 0..100.
      this.#battery = { percent: m.percentage * 100, voltage: m.voltage };
    });
    this.subscription('explorer/done', { qos: QoS.profileLatched }, (m) => {
      this.#done = m.data;
      if (m.data) {
        this.#goal = undefined;
        this.#path = [];
      }
    });
    this.subscription('mavlink_bridge/status', { qos: 5 }, (m) => {
      this.#vehicle = m;
      const alert = LINK_ALERTS[m.link];
      if (alert !== undefined)
        this.#alerts.raise({ stamp: m.header.stamp, level: ERROR, source: 'autopilot', message: alert });
    });
    this.subscription('/diagnostics', { qos: 100 }, (m) => {
      for (const status of m.status) {
        let reading: ReturnType<RobotDiagnostics['read']>;
        try {
          reading = diagnostics.read(status);
        } catch (err) {
          // A malformed fleet_link status is that node's bug; the record goes on without it.
          this.getLogger().warn({ err }, `telemetry: ${(err as Error).message}`);
          continue;
        }
        if (reading === undefined) continue;
        if (reading.kind === 'policy') this.#policy = reading.figures;
        else if (reading.kind === 'fleet') this.#fleet = reading.figures;
        if (status.level >= WARN) {
          this.#alerts.raise({
            stamp: m.header.stamp,
            level: status.level === ERROR ? ERROR : WARN, // STALE (3) is a warning here
            // The record names its robot: `/r1/explorer: policy` travels as `explorer: policy`.
            source: status.name.startsWith(ownPrefix) ? status.name.slice(ownPrefix.length) : status.name,
            message: status.message,
          });
        }
      }
    });
    this.subscription('/rosout', { qos: ROSOUT_QOS }, (m) => {
      if (m.level < ROSOUT_ERROR || !m.name.startsWith(logger)) return;
      this.#alerts.raise({ stamp: m.stamp, level: ERROR, source: m.name.slice(logger.length), message: m.msg });
    });
    return 'success' as const;
  }

  protected override onActivate() {
    this.#load = new ProcessLoad(this.context.wallClock);
    this.createTimer(secondsToNs(1 / this.params.rate_hz), () => this.publishRecord());
    return 'success' as const;
  }

  /** The record as it would go out now. */
  record(): MessageOf<'outpost_msgs/msg/RobotTelemetry'> {
    const multirotor = this.params.vehicle === 'multirotor';
    const pose = this.#odom?.pose.pose;
    const twist = this.#odom?.twist.twist.linear;
    const v = this.#vehicle;
    const load = this.#load?.sample() ?? { cpuPercent: Number.NaN, rssKib: 0 };
    const fleet = this.#fleet;
    const mode = multirotor
      ? (v?.mode ?? 'unknown')
      : this.#done
        ? 'done'
        : this.#goal !== undefined
          ? 'exploring'
          : 'idle';
    return {
      stamp: this.now().toMsg(),
      robot: this.#robot,
      vehicle: this.params.vehicle,
      x: pose?.position.x ?? Number.NaN,
      y: pose?.position.y ?? Number.NaN,
      yaw: pose ? yawFromQuaternion(pose.orientation) : Number.NaN,
      altitude: multirotor && pose ? pose.position.z : Number.NaN,
      speed: twist ? Math.hypot(twist.x, twist.y, multirotor ? twist.z : 0) : Number.NaN,
      battery_percent: this.#battery.percent,
      battery_voltage: this.#battery.voltage,
      mode,
      armed: v !== undefined ? v.armed : mode === 'exploring',
      has_goal: this.#goal !== undefined,
      goal_x: this.#goal?.x ?? 0,
      goal_y: this.#goal?.y ?? 0,
      path_xy: this.#path,
      links: (fleet?.peers ?? []).map((peer) => ({
        peer: peer.name,
        connected: peer.connected,
        queued: peer.queued,
        last_message_age_s: peer.lastMessageAgeSec ?? Number.NaN,
      })),
      outbox_depth: (fleet?.peers ?? []).reduce((a, peer) => a + peer.queued, 0),
      outbox_dropped: (fleet?.peers ?? []).reduce((a, peer) => a + (peer.dropped ?? 0), 0),
      policy_p50_ms: this.#policy.p50Ms,
      policy_p99_ms: this.#policy.p99Ms,
      policy_fallbacks: Number.isFinite(this.#policy.fallbacks) ? this.#policy.fallbacks : 0,
      cpu_percent: load.cpuPercent,
      rss_kib: load.rssKib,
      alerts: this.#alerts.latest(this.params.max_alerts),
    };
  }

  publishRecord(): void {
    this.#pub?.publish(this.record());
  }
}

export const telemetryKind = defineNodeKind(spec, (context, options) => new TelemetryNode(context, options));
