import { afterEach, describe, expect, it } from 'vitest';
import { Context, defaultRegistry, ManualClock, type MessageOf, Node, quaternionFromYaw } from '../runtime/index.js';
import { buildMessage } from '../runtime/msg/MessageBuilder.js';
import { telemetry } from '../test/helpers/robotTelemetry.js';
import { FleetState } from './FleetState.js';

const registry = defaultRegistry();
const build = <T extends string>(type: T, v: unknown) => buildMessage(registry, type, v) as unknown as MessageOf<T>;

describe('FleetState', () => {
  const contexts: Context[] = [];
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });

  function rig() {
    const context = new Context({ rosoutLevel: 'off' });
    contexts.push(context);
    const state = new FleetState(context, { trailStepM: 0.5 });
    const robot = new Node('sim', '/r1', context);
    return { context, state, robot };
  }

  it('finds robots by their topics: odometry drives the pose and a trail every trailStepM; goal and plan', async () => {
    const { context, state, robot } = rig();
    const odom = robot.createPublisher('nav_msgs/msg/Odometry', '/r1/odom');
    const goal = robot.createPublisher('geometry_msgs/msg/PoseStamped', '/r1/goal');
    const plan = robot.createPublisher('nav_msgs/msg/Path', '/r1/plan');
    // One at a time, as a 20 Hz odometry comes (the dashboard keeps only the latest 5 of a burst).
    for (let i = 0; i <= 20; i++) {
      odom.publish(
        build('nav_msgs/msg/Odometry', {
          pose: { pose: { position: { x: i * 0.1, y: 0 }, orientation: quaternionFromYaw(0.5) } },
        }),
      );
      await context.spinUntilIdle();
    }
    goal.publish(build('geometry_msgs/msg/PoseStamped', { pose: { position: { x: 4, y: 1 } } }));
    const poses = Array.from({ length: 200 }, (_, i) => ({ pose: { position: { x: i / 10, y: 0 } } }));
    plan.publish(build('nav_msgs/msg/Path', { poses }));
    await context.spinUntilIdle();
    const d = state.delta(false);
    const r1 = d.robots?.find((r) => r.name === 'r1');
    expect(r1).toMatchObject({
      x: 2,
      y: 0,
      yaw: 0.5,
      goal: [4, 1],
      trail_from: 0,
      trail_add: [0, 0, 0.5, 0, 1, 0, 1.5, 0, 2, 0],
    });
    // At most 64 points, the last one kept.
    expect(r1!.path!.length).toBeLessThanOrEqual(2 * 65);
    expect(r1!.path!.slice(-2)).toEqual([19.9, 0]);
    // Nothing changed since: no robot in the next delta; a new point sends only itself.
    expect(state.delta(false).robots).toBeUndefined();
    odom.publish(build('nav_msgs/msg/Odometry', { pose: { pose: { position: { x: 3, y: 0 } } } }));
    await context.spinUntilIdle();
    expect(state.delta(false).robots?.[0]).toMatchObject({ trail_from: 10, trail_add: [3, 0] });
  });

  it("lays every robot's fleet/map into one map; the ground station's map wins once it appears", async () => {
    const { context, state, robot } = rig();
    const grid = (v: number, at: number) => {
      const data = new Int8Array(64 * 64).fill(-1);
      data[at] = v;
      return build('nav_msgs/msg/OccupancyGrid', {
        info: { resolution: 0.1, width: 64, height: 64 },
        data: Array.from(data),
      });
    };
    const other = new Node('sim', '/r2', context);
    robot.createPublisher('nav_msgs/msg/OccupancyGrid', '/r1/fleet/map').publish(grid(0, 0));
    other.createPublisher('nav_msgs/msg/OccupancyGrid', '/r2/fleet/map').publish(grid(100, 64 * 40 + 40));
    await context.spinUntilIdle();
    const d = state.delta(true);
    expect(d.map).toMatchObject({ width: 64, height: 64, tile: 32 });
    expect(d.tiles?.map((t) => [t.tx, t.ty])).toEqual([
      [0, 0],
      [1, 1],
    ]);
    const gs = new Node('groundstation', '/groundstation', context);
    gs.createPublisher('nav_msgs/msg/OccupancyGrid', '/groundstation/map', {
      qos: { durability: 'transient_local', depth: 1 },
    }).publish(grid(100, 1));
    await context.spinUntilIdle();
    state.delta(true);
    expect([state.map.cells[0], state.map.cells[1], state.map.cells[64 * 40 + 40]]).toEqual([255, 100, 255]);
  });

  it('links: the gate beats the radio beats telemetry; a pair left out of a LinkStateArray is down', async () => {
    const { context, state, robot } = rig();
    const tel = robot.createPublisher('outpost_msgs/msg/RobotTelemetry', '/r1/telemetry');
    tel.publish(telemetry('r1', { links: [{ peer: 'r2', connected: true, queued: 0, last_message_age_s: 2 }] }));
    await context.spinUntilIdle();
    expect(state.delta(false).links).toEqual([{ a: 'r1', b: 'r2', up: true, source: 'telemetry', age_s: 2 }]);
    const radio = robot.createPublisher('outpost_msgs/msg/LinkStateArray', '/outpost/fleet/link_states');
    radio.publish(build('outpost_msgs/msg/LinkStateArray', { links: [{ a: 'r2', b: 'r3', up: true }] }));
    await context.spinUntilIdle();
    const links = state.delta(false).links!;
    expect(links.map((l) => [l.a, l.b, l.up, l.source])).toEqual([
      ['r1', 'r2', false, 'radio'],
      ['r2', 'r3', true, 'radio'],
    ]);
    const gate = robot.createPublisher('outpost_msgs/msg/LinkStateArray', '/outpost/fleet/links', {
      qos: { durability: 'transient_local', depth: 1 },
    });
    gate.publish(build('outpost_msgs/msg/LinkStateArray', { links: [{ a: 'r1', b: 'r2', up: true }] }));
    await context.spinUntilIdle();
    expect(state.delta(false).links!.map((l) => [l.a, l.b, l.up, l.source])).toEqual([
      ['r1', 'r2', true, 'gate'],
      ['r2', 'r3', false, 'gate'],
    ]);
  });

  it("a robot's period is the median gap between its records, in the dashboard's wall time", async () => {
    const clock = new ManualClock(1_000_000_000_000n);
    const context = new Context({ rosoutLevel: 'off', clock });
    contexts.push(context);
    const state = new FleetState(context);
    const robot = new Node('sim', '/r1', context);
    const tel = robot.createPublisher('outpost_msgs/msg/RobotTelemetry', '/r1/telemetry');
    const periods: Array<number | undefined> = [];
    // A simulation at half speed: 1 Hz of sim time is a record every 2 s of wall time; one burst.
    for (const gapS of [0, 2, 2, 2, 0.05, 2]) {
      clock.advance(BigInt(gapS * 1e9));
      tel.publish(telemetry('r1'));
      await context.spinUntilIdle();
      periods.push(state.delta(false).robots?.[0]?.period_s);
    }
    expect(periods).toEqual([1, 2, 2, 2, 2, 2]);
  });

  it('the mission clock and a coverage series from /sim/status', async () => {
    const { context, state, robot } = rig();
    const status = robot.createPublisher('outpost_msgs/msg/SimStatus', '/sim/status');
    for (const [t, c] of [
      [1, 0.1],
      [2, 0.1],
      [3, 0.2],
    ] as const) {
      status.publish(build('outpost_msgs/msg/SimStatus', { sim_time: { sec: t, nanosec: 0 }, coverage: c, robots: 4 }));
    }
    await context.spinUntilIdle();
    const d = state.delta(false);
    expect(d.mission).toMatchObject({ sim_time_s: 3, coverage: 0.2, robots: 4, done: false });
    expect(d.coverage_add).toEqual([1, 0.1, 3, 0.2]); // an unchanged coverage adds no point
    expect(state.snapshot().coverage).toEqual([1, 0.1, 3, 0.2]);
  });
});
