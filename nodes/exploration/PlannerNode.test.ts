import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Context, ManualClock, Node, type MessageOf } from '../../runtime/index.js';
import { goalAt, odomAt, roomMap } from '../../test/helpers/navFixtures.js';
import { plannerKind, type PlannerNode } from './PlannerNode.js';

const quiet = () => new Context({ logger: pino({ level: 'silent' }) });
const LATCHED = { qos: { durability: 'transient_local', depth: 1 } } as const;
async function setup(overrides: Record<string, number> = {}) {
  const ctx = quiet();
  const clock = new ManualClock();
  const sim = new Node('sim', '', ctx, { clock });
  const mapPub = sim.createPublisher('nav_msgs/msg/OccupancyGrid', '/r1/fleet/map', LATCHED);
  const odomPub = sim.createPublisher('nav_msgs/msg/Odometry', '/r1/odom');
  const goalPub = sim.createPublisher('geometry_msgs/msg/PoseStamped', '/r1/goal');
  const plans: Array<MessageOf<'nav_msgs/msg/Path'>> = [];
  const status: Array<MessageOf<'outpost_msgs/msg/NavStatus'>> = [];
  sim.createSubscription('nav_msgs/msg/Path', '/r1/plan', LATCHED, (m) => {
    plans.push(m);
  });
  sim.createSubscription('outpost_msgs/msg/NavStatus', '/r1/planner/status', LATCHED, (m) => {
    status.push(m);
  });
  const planner = plannerKind.create(ctx, {
    name: 'planner',
    namespace: '/r1',
    parameterOverrides: { min_replan_interval: 1, ...overrides },
    remappings: [],
    clock,
  }) as PlannerNode;
  await planner.configure();
  await planner.activate();
  const step = async (s: number) => {
    clock.advance(BigInt(Math.round(s * 1e9)));
    await ctx.spinUntilIdle();
  };
  return { ctx, clock, mapPub, odomPub, goalPub, plans, status, planner, step };
}

describe('planner node', () => {
  it('waits for map and pose, plans around the wall, and reports reached at the goal', async () => {
    const t = await setup();
    t.goalPub.publish(goalAt(5, 1));
    await t.step(0);
    expect(t.status.at(-1)?.state).toBe('waiting');
    t.mapPub.publish(roomMap());
    t.odomPub.publish(odomAt(1, 1, 0));
    await t.step(0.2);
    expect(t.status.at(-1)).toMatchObject({ state: 'planned', status: 2 });
    const path = t.plans.at(-1)!.poses.map((p) => p.pose.position);
    expect(path[0]).toMatchObject({ x: 1, y: 1 });
    expect(path.at(-1)).toMatchObject({ x: 5, y: 1 });
    expect(Math.max(...path.map((p) => p.y))).toBeGreaterThan(3); // over the wall's end at y = 3
    expect(t.status.at(-1)!.distance_remaining).toBeGreaterThan(6); // ≥ 2·√(2² + 2²) over the wall's end
    t.odomPub.publish(odomAt(4.95, 1.05, 0));
    await t.step(0.2);
    expect(t.status.at(-1)?.state).toBe('reached');
    expect(t.plans.at(-1)!.poses).toEqual([]);
    await t.planner.shutdownAndDestroy();
  });

  it('reports unreachable with an empty plan, moves a goal off an obstacle, and replans when the path gets blocked', async () => {
    const t = await setup();
    t.mapPub.publish(roomMap(false)); // the wall closes the room
    t.odomPub.publish(odomAt(1, 1, 0));
    t.goalPub.publish(goalAt(5, 1));
    await t.step(0.2);
    expect(t.status.at(-1)).toMatchObject({ state: 'unreachable', status: 3 });
    expect(t.plans.at(-1)!.poses).toEqual([]);

    t.mapPub.publish(roomMap(true));
    t.goalPub.publish(goalAt(3.05, 1.05)); // inside the wall
    await t.step(0.2);
    expect(t.status.at(-1)?.state).toBe('planned');
    expect(t.status.at(-1)?.detail).toMatch(/goal moved 0\.\d+ m off an obstacle/);
    const end = t.plans.at(-1)!.poses.at(-1)!.pose.position;
    expect(end.x).toBeLessThan(2.85); // on this side of the wall, clear of robot_radius 0.2 m
    expect(Math.abs(end.y - 1.05)).toBeLessThan(0.15);

    // A far goal, then a new obstacle across the path: replanned within a tick, not after min_replan_interval.
    t.goalPub.publish(goalAt(5, 1));
    await t.step(0.2);
    const before = t.plans.length;
    const blocked = roomMap(true);
    for (let y = 30; y <= 32; y++) blocked.data[y * 60 + 30] = 100; // the wall grows to y = 3.3 m
    t.mapPub.publish(blocked);
    await t.step(0.2);
    expect(t.plans.length).toBe(before + 1);
    expect(t.status.at(-1)?.state).toBe('planned');
    const pts = t.plans.at(-1)!.poses.map((p) => p.pose.position);
    // Only rows 35–36 (y 3.5–3.7 m) stay clear of both the longer wall and the border by robot_radius.
    expect(Math.max(...pts.map((p) => p.y))).toBeGreaterThan(3.45);
    expect(t.planner.lastPlanMs).toBeLessThan(100);
    await t.planner.shutdownAndDestroy();
  });

  it('plans around a teammate at its shared pose, replans when one steps onto the path, and forgets a stale pose', async () => {
    const t = await setup({ fleet_size: 2 });
    expect(t.planner.teammates).toEqual(['r2']);
    const matePub = new Node('r2sim', '', t.ctx, { clock: t.clock }).createPublisher(
      'geometry_msgs/msg/PoseStamped',
      '/r1/fleet/r2/pose',
    );
    const mateAt = (x: number, y: number) => {
      const now = t.planner.now().toMsg();
      matePub.publish({
        header: { stamp: now, frame_id: 'map' },
        pose: { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      });
    };
    await t.step(10);
    t.mapPub.publish(roomMap(true)); // the only way to x > 3 is the gap at y 3.0–3.9
    t.odomPub.publish(odomAt(1, 1, 0));
    mateAt(3.05, 3.45); // r2 stands in the gap
    t.goalPub.publish(goalAt(5, 1));
    await t.step(0.2);
    expect(t.status.at(-1)).toMatchObject({ state: 'unreachable', detail: 'no path to the goal' });
    // 2.5 s later r2's pose is stale (teammate_max_age 2 s): it may be anywhere, the gap counts as open.
    await t.step(2.5);
    t.goalPub.publish(goalAt(5, 1));
    await t.step(0.2);
    expect(t.status.at(-1)?.state).toBe('planned');
    expect(t.planner.teammateReplans).toBe(0);
    // r2 steps onto the path 1 m ahead, in the open room: the planner plans again, around it.
    const path = t.plans.at(-1)!.poses.map((p) => p.pose.position);
    const ahead = path.find((p) => Math.hypot(p.x - 1, p.y - 1) > 1)!;
    await t.step(1);
    mateAt(ahead.x, ahead.y);
    await t.step(0.2);
    expect(t.planner.teammateReplans).toBe(1);
    const around = t.plans.at(-1)!.poses.map((p) => p.pose.position);
    expect(around).not.toEqual(path);
    // No point of the new path within teammate_radius + robot_radius (0.55 m) of r2, but the first (the robot).
    for (const p of around.slice(1)) expect(Math.hypot(p.x - ahead.x, p.y - ahead.y)).toBeGreaterThan(0.5);
    await t.planner.shutdownAndDestroy();
  });
});
