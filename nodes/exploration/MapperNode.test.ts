import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Context, ManualClock, Node, quaternionFromYaw, type MessageOf } from '../../runtime/index.js';
import { mapperKind, type MapperNode } from './MapperNode.js';

const quiet = () => new Context({ logger: pino({ level: 'silent' }) });
const LATCHED = { qos: { durability: 'transient_local', depth: 1 } } as const;

function odom(x: number, y: number, yaw: number): MessageOf<'nav_msgs/msg/Odometry'> {
  return {
    header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' },
    child_frame_id: 'r1/base_link',
    pose: { pose: { position: { x, y, z: 0 }, orientation: quaternionFromYaw(yaw) }, covariance: new Float64Array(36) },
    twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } }, covariance: new Float64Array(36) },
  };
}

/** A forward-looking scan (−90°..+90°) of a wall across the robot's path at `d` m. */
function wallScan(d: number): MessageOf<'sensor_msgs/msg/LaserScan'> {
  const n = 181;
  const ranges = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / (n - 1);
    const r = Math.cos(a) > 1e-6 ? d / Math.cos(a) : Infinity;
    ranges[i] = r < 6 ? r : Infinity;
  }
  return {
    header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'r1/laser' },
    angle_min: -Math.PI / 2,
    angle_max: Math.PI / 2,
    angle_increment: Math.PI / (n - 1),
    time_increment: 0,
    scan_time: 0.1,
    range_min: 0.1,
    range_max: 6,
    ranges,
    intensities: [],
  };
}

describe('mapper node', () => {
  it('takes its geometry from /map_metadata, maps scans at the odom pose and publishes map latched at publish_hz', async () => {
    const ctx = quiet();
    const clock = new ManualClock();
    const sim = new Node('sim', '', ctx, { clock });
    sim
      .createPublisher('nav_msgs/msg/MapMetaData', '/map_metadata', LATCHED)
      .publish({
        map_load_time: { sec: 0, nanosec: 0 },
        resolution: 0.1,
        width: 100,
        height: 60,
        origin: { position: { x: -2, y: -3, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      });
    const scanPub = sim.createPublisher('sensor_msgs/msg/LaserScan', '/r1/scan');
    const odomPub = sim.createPublisher('nav_msgs/msg/Odometry', '/r1/odom');
    const mapper = mapperKind.create(ctx, {
      name: 'mapper',
      namespace: '/r1',
      parameterOverrides: { publish_hz: 2 },
      remappings: [],
      clock,
    }) as MapperNode;
    await mapper.configure();
    await mapper.activate();
    await ctx.spinUntilIdle();
    scanPub.publish(wallScan(3)); // no pose yet: dropped
    await ctx.spinUntilIdle();
    expect(mapper.droppedScans).toBe(1);
    expect(mapper.grid?.geometry).toMatchObject({ width: 100, height: 60, resolution: 0.1, originX: -2, originY: -3 });

    // Robot at (1, 0) facing +x, lidar 0.2 m ahead of base_link: the wall at x = 1 + 0.2 + 3.05 = 4.25.
    const maps: Array<MessageOf<'nav_msgs/msg/OccupancyGrid'>> = [];
    new Node('viewer', '', ctx).createSubscription('nav_msgs/msg/OccupancyGrid', '/r1/map', LATCHED, (m) => {
      maps.push(m);
    });
    mapper.setParameters([{ name: 'sensor_x', value: 0.2 }]);
    odomPub.publish(odom(1, 0, 0));
    await ctx.spinUntilIdle();
    scanPub.publish(wallScan(3.05));
    await ctx.spinUntilIdle();
    expect(mapper.scansIntegrated).toBe(1);
    expect(maps).toEqual([]); // not before the publish timer
    clock.advance(500_000_000n);
    await ctx.spinUntilIdle();
    expect(maps.length).toBe(1);
    const m = maps[0]!;
    expect(m.info).toMatchObject({ width: 100, height: 60, resolution: 0.1 });
    const cell = (x: number, y: number) => m.data[Math.floor((y + 3) / 0.1) * 100 + Math.floor((x + 2) / 0.1)];
    expect(cell(4.25, 0.05)).toBe(70); // the wall
    expect(cell(4.25, 1.05)).toBe(70);
    expect(cell(2.5, 0.05)).toBe(40); // free in front
    expect(cell(4.55, 0.05)).toBe(-1); // behind the wall
    expect(cell(0.5, 0.05)).toBe(-1); // behind the sensor (a forward-looking scan)
    // Nothing changed: no republication; a new scan: one more.
    clock.advance(500_000_000n);
    await ctx.spinUntilIdle();
    expect(maps.length).toBe(1);
    scanPub.publish(wallScan(3.05));
    clock.advance(500_000_000n);
    await ctx.spinUntilIdle();
    expect(maps.length).toBe(2);
    await mapper.shutdownAndDestroy();
  });

  it("does not map a teammate's body while its shared pose is fresh, and does once the pose is stale", async () => {
    const ctx = quiet();
    const clock = new ManualClock();
    const sim = new Node('sim', '', ctx, { clock });
    const scanPub = sim.createPublisher('sensor_msgs/msg/LaserScan', '/r1/scan');
    const odomPub = sim.createPublisher('nav_msgs/msg/Odometry', '/r1/odom');
    const matePub = sim.createPublisher('geometry_msgs/msg/PoseStamped', '/r1/fleet/r2/pose');
    const mapper = mapperKind.create(ctx, {
      name: 'mapper',
      namespace: '/r1',
      remappings: [],
      clock,
      parameterOverrides: { width: 100, height: 60, resolution: 0.1, origin_x: -2, origin_y: -3, fleet_size: 3 },
    }) as MapperNode;
    expect(mapper.teammates).toEqual(['r2', 'r3']);
    await mapper.configure();
    await mapper.activate();
    odomPub.publish(odom(1, 0, 0));
    clock.advance(10_000_000_000n); // t = 10 s
    // r2 stands 2 m ahead (its body's face at x = 2.8, inside the "wall" of this scan at 3 − 0.2).
    const pose = (sec: number) => ({
      header: { stamp: { sec, nanosec: 0 }, frame_id: 'map' },
      pose: { position: { x: 3.05, y: 0.05, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
    });
    matePub.publish(pose(10));
    await ctx.spinUntilIdle();
    const body = () => mapper.grid!.value(...mapper.grid!.cellOf(2.85, 0.05));
    const wall = () => mapper.grid!.value(...mapper.grid!.cellOf(2.85, 1.55));
    scanPub.publish(wallScan(1.8)); // every return at x = 2.8: on r2 near y = 0, a wall elsewhere
    await ctx.spinUntilIdle();
    expect(body()).toBe(-1);
    expect(wall()).toBe(70);
    expect(mapper.teammateReturns).toBeGreaterThan(0);
    // The pose ages past teammate_max_age (1 s): r2 may be anywhere, so the return is an obstacle again.
    clock.advance(1_500_000_000n);
    scanPub.publish(wallScan(1.8));
    await ctx.spinUntilIdle();
    expect(body()).toBe(70);
    await mapper.shutdownAndDestroy();
  });

  it('uses its own geometry parameters when given, and rejects bad log-odds parameters at launch-file check', async () => {
    const ctx = quiet();
    const mapper = mapperKind.create(ctx, {
      name: 'mapper',
      namespace: '/r2',
      parameterOverrides: { width: 10, height: 20, resolution: 0.5, origin_x: 1 },
      remappings: [],
    }) as MapperNode;
    await mapper.configure();
    expect(mapper.grid?.geometry).toEqual({ width: 10, height: 20, resolution: 0.5, originX: 1, originY: 0 });
    expect(() =>
      mapperKind.create(ctx, { name: 'm2', namespace: '/r2', parameterOverrides: { l_free: 0.3 }, remappings: [] }),
    ).toThrow(/l_free.*\[-10, -0.01\]/);
    await mapper.shutdownAndDestroy();
  });
});
