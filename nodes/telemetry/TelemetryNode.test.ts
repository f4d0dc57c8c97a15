import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Context, ManualClock, Node, defaultRegistry, quaternionFromYaw, type MessageOf } from '../../runtime/index.js';
import { fleetLinkDiagnosticStatus } from '../fleet/FleetLinkDiagnostics.js';
import { AlertLog } from './AlertLog.js';
import { downsamplePath } from './downsamplePath.js';
import { telemetryKind, type TelemetryNode } from './TelemetryNode.js';

type Telemetry = MessageOf<'outpost_msgs/msg/RobotTelemetry'>;
const LATCHED = { qos: { durability: 'transient_local', depth: 1 } } as const;

async function rig(params: Record<string, unknown> = {}) {
  // Level error, written nowhere: /rosout only carries what the logger itself emits.
  const ctx = new Context({ logger: pino({ level: 'error' }, { write: () => undefined }), rosoutLevel: 'info' });
  const clock = new ManualClock();
  const robot = new Node('driver', '/r1', ctx, { clock });
  const other = new Node('driver', '/r2', ctx, { clock });
  const got: Telemetry[] = [];
  robot.createSubscription('outpost_msgs/msg/RobotTelemetry', '/r1/telemetry', {}, (m) => {
    got.push(m);
  });
  const node = telemetryKind.create(ctx, {
    name: 'telemetry',
    namespace: '/r1',
    parameterOverrides: params,
    remappings: [],
    clock,
  }) as TelemetryNode;
  await node.configure();
  await node.activate();
  const tick = async (seconds = 1) => {
    clock.advance(BigInt(Math.round(seconds * 1e9)));
    await ctx.spinUntilIdle();
  };
  return { ctx, clock, robot, other, node, got, tick };
}

function odom(x: number, y: number, yaw: number, vx: number, z = 0): MessageOf<'nav_msgs/msg/Odometry'> {
  return {
    header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' },
    child_frame_id: 'base_link',
    pose: { pose: { position: { x, y, z }, orientation: quaternionFromYaw(yaw) }, covariance: new Array(36).fill(0) },
    twist: {
      twist: { linear: { x: vx, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } },
      covariance: new Array(36).fill(0),
    },
  };
}

const pose = (x: number, y: number) => ({
  header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' },
  pose: { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
});

describe('telemetry node', () => {
  it('publishes at rate_hz of node time, from what the robot publishes on its real topics', async () => {
    const s = await rig({ rate_hz: 2 });
    await s.tick(1);
    expect(s.got.length).toBe(2);
    const empty = s.got.at(-1)!;
    expect(empty.robot).toBe('r1');
    expect(empty.mode).toBe('idle');
    expect(Number.isNaN(empty.x) && Number.isNaN(empty.battery_percent) && Number.isNaN(empty.policy_p50_ms)).toBe(
      true,
    );

    s.robot.createPublisher('nav_msgs/msg/Odometry', 'odom').publish(odom(3, 4, 0.5, 0.4));
    s.robot.createPublisher('geometry_msgs/msg/PoseStamped', 'goal').publish(pose(10, 12));
    s.robot
      .createPublisher('nav_msgs/msg/Path', 'plan', LATCHED)
      .publish({
        header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' },
        poses: Array.from({ length: 40 }, (_, i) => pose(3 + i * 0.25, 4)),
      });
    s.robot
      .createPublisher('sensor_msgs/msg/BatteryState', 'battery')
      .publish({
        ...defaultRegistry().createDefault('sensor_msgs/msg/BatteryState'),
        percentage: 0.62,
        voltage: 15.1,
      } as MessageOf<'sensor_msgs/msg/BatteryState'>);
    const diag = s.robot.createPublisher('diagnostic_msgs/msg/DiagnosticArray', '/diagnostics');
    const fleetStatus = fleetLinkDiagnosticStatus({
      robot: 'r1',
      broker: 'mqtt://127.0.0.1:1',
      peers: [
        {
          name: 'r2',
          connected: true,
          queued: 3,
          sent: 9,
          acked: 6,
          resent: 0,
          bytes: 900,
          dropped: 2,
          lastMessageAgeSec: 0.5,
        },
        { name: 'groundstation', connected: false, queued: 1, sent: 0, acked: 0, resent: 0, bytes: 0, dropped: 5 },
      ],
    });
    // r2's fleet_link shares /diagnostics in a simulation: its figures are not r1's.
    const r2Status = fleetLinkDiagnosticStatus({ robot: 'r2', broker: 'mqtt://127.0.0.1:2', peers: [] });
    const policy = {
      level: 1,
      name: '/r1/explorer: policy',
      message: '2 of 9 decisions since the last report used the fallback',
      hardware_id: '',
      values: [
        { key: 'p50_ms', value: '1.500' },
        { key: 'p99_ms', value: '7.250' },
        { key: 'fallbacks', value: '4' },
      ],
    };
    diag.publish({
      header: { stamp: { sec: 1, nanosec: 0 }, frame_id: '' },
      status: [r2Status, fleetStatus, policy, { ...policy, name: '/r2/explorer: policy', message: 'r2 trouble' }],
    });
    // An error logged by a node of this robot reaches /rosout and becomes an alert; r2's does not.
    s.robot.getLogger().error('lidar timeout');
    s.other.getLogger().error('r2 is not our business');
    await s.tick(0.5);
    const t = s.got.at(-1)!;
    expect([t.x, t.y, t.yaw, t.speed]).toEqual([3, 4, expect.closeTo(0.5, 6), expect.closeTo(0.4, 6)]);
    expect(Number.isNaN(t.altitude)).toBe(true);
    expect(t).toMatchObject({ mode: 'exploring', has_goal: true, goal_x: 10, goal_y: 12 });
    expect(t.path_xy.length).toBe(16); // max_path_points 8 by default
    expect([t.path_xy[0], t.path_xy.at(-2)]).toEqual([3, 3 + 39 * 0.25]);
    expect(t.battery_percent).toBeCloseTo(62, 4);
    expect(t.battery_voltage).toBeCloseTo(15.1, 4);
    expect(t.links.map((l) => [l.peer, l.connected, l.queued])).toEqual([
      ['r2', true, 3],
      ['groundstation', false, 1],
    ]);
    expect(t.links[0]!.last_message_age_s).toBeCloseTo(0.5, 6);
    expect(Number.isNaN(t.links[1]!.last_message_age_s)).toBe(true);
    expect([t.outbox_depth, t.outbox_dropped]).toEqual([4, 7]);
    expect([t.policy_p50_ms, t.policy_p99_ms, t.policy_fallbacks]).toEqual([1.5, 7.25, 4]);
    expect(t.rss_kib).toBeGreaterThan(10_000);
    expect(t.alerts.map((a) => [a.level, a.source, a.message])).toEqual([
      [2, 'driver', 'lidar timeout'],
      [1, 'explorer: policy', '2 of 9 decisions since the last report used the fallback'],
    ]);

    s.robot.createPublisher('std_msgs/msg/Bool', 'explorer/done', LATCHED).publish({ data: true });
    await s.tick(0.5);
    expect(s.got.at(-1)).toMatchObject({ mode: 'done', has_goal: false, path_xy: [] });
  });

  it('a drone reports its flight mode, arming, altitude and a lost autopilot link', async () => {
    const s = await rig({ vehicle: 'multirotor', odom_topic: 'fc/odom' });
    s.robot.createPublisher('nav_msgs/msg/Odometry', 'fc/odom').publish(odom(1, 2, 0, 3, 25));
    const status = s.robot.createPublisher('outpost_msgs/msg/VehicleStatus', 'mavlink_bridge/status');
    const base = defaultRegistry().createDefault(
      'outpost_msgs/msg/VehicleStatus',
    ) as MessageOf<'outpost_msgs/msg/VehicleStatus'>;
    status.publish({ ...base, link: 2, link_state: 'connected', armed: true, mode: 'OFFBOARD' });
    await s.tick(1);
    expect(s.got.at(-1)).toMatchObject({
      vehicle: 'multirotor',
      mode: 'OFFBOARD',
      armed: true,
      altitude: 25,
      alerts: [],
    });
    status.publish({ ...base, link: 3, link_state: 'lost', armed: true, mode: 'OFFBOARD' });
    await s.tick(1);
    expect(s.got.at(-1)!.alerts.map((a) => [a.level, a.source, a.message])).toEqual([
      [2, 'autopilot', 'autopilot link lost'],
    ]);
  });

  it('a record with a full path, three links and three alerts stays small on the wire', async () => {
    const s = await rig();
    const t: Telemetry = {
      ...s.node.record(),
      path_xy: new Array(32).fill(12.5),
      links: ['r2', 'r3', 'groundstation'].map((peer) => ({
        peer,
        connected: true,
        queued: 0,
        last_message_age_s: 0.2,
      })),
      alerts: [1, 2, 3].map((i) => ({
        stamp: { sec: i, nanosec: 0 },
        level: 1,
        source: '/r1/explorer: policy',
        message: 'x'.repeat(60),
      })),
    };
    // The CDR payload; the fleet envelope adds ~100 bytes (bench/telemetryLink.ts measures the wire).
    expect(defaultRegistry().encode('outpost_msgs/msg/RobotTelemetry', t).length).toBeLessThan(700);
  });
});

describe('AlertLog and downsamplePath', () => {
  it('keeps one alert per source, newest first, replacing it only when it changes', () => {
    const log = new AlertLog(3);
    const at = (sec: number) => ({ sec, nanosec: 0 });
    log.raise({ stamp: at(1), level: 1, source: 'a', message: 'm' });
    log.raise({ stamp: at(2), level: 2, source: 'b', message: 'n' });
    log.raise({ stamp: at(3), level: 1, source: 'a', message: 'm' }); // the same alert: kept, not newer
    expect(log.latest(5).map((a) => [a.source, a.stamp.sec])).toEqual([
      ['b', 2],
      ['a', 1],
    ]);
    log.raise({ stamp: at(4), level: 2, source: 'a', message: 'm' });
    log.raise({ stamp: at(5), level: 1, source: 'c', message: 'y'.repeat(300) });
    log.raise({ stamp: at(6), level: 1, source: 'd', message: 'z' });
    expect(log.latest(5).map((a) => a.source)).toEqual(['d', 'c', 'a']);
    expect(log.latest(1)[0]!.source).toBe('d');
    expect(log.latest(5)[1]!.message.length).toBe(64);
  });

  it('keeps the ends and spaces the points evenly', () => {
    const pts = Array.from({ length: 5 }, (_, i) => ({ x: i, y: 10 - i }));
    expect(downsamplePath(pts, 3)).toEqual([0, 10, 2, 8, 4, 6]);
    expect(downsamplePath(pts, 16)).toEqual([0, 10, 1, 9, 2, 8, 3, 7, 4, 6]);
    expect(downsamplePath([{ x: 1, y: 2 }], 16)).toEqual([1, 2]);
    expect(downsamplePath([], 16)).toEqual([]);
    expect(downsamplePath(pts, 0)).toEqual([]);
  });
});
