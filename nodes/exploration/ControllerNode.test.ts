import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Context, ManualClock, Node, type MessageOf } from '../../runtime/index.js';
import { goalAt, odomAt, roomMap } from '../../test/helpers/navFixtures.js';
import { controllerKind, type ControllerNode } from './ControllerNode.js';
import { plannerKind, type PlannerNode } from './PlannerNode.js';

const quiet = () => new Context({ logger: pino({ level: 'silent' }) });
const LATCHED = { qos: { durability: 'transient_local', depth: 1 } } as const;

async function stack(params: Record<string, unknown> = {}) {
  const ctx = quiet();
  const clock = new ManualClock();
  const sim = new Node('sim', '', ctx, { clock });
  const mapPub = sim.createPublisher('nav_msgs/msg/OccupancyGrid', '/r1/fleet/map', LATCHED);
  const odomPub = sim.createPublisher('nav_msgs/msg/Odometry', '/r1/odom');
  const goalPub = sim.createPublisher('geometry_msgs/msg/PoseStamped', '/r1/goal');
  let cmd: MessageOf<'geometry_msgs/msg/Twist'> = { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } };
  let cmds = 0;
  sim.createSubscription('geometry_msgs/msg/Twist', '/r1/cmd_vel', {}, (m) => {
    cmd = m;
    cmds++;
  });
  const planner: string[] = [];
  const controller: string[] = [];
  sim.createSubscription('outpost_msgs/msg/NavStatus', '/r1/planner/status', LATCHED, (m) => {
    planner.push(m.state);
  });
  sim.createSubscription('outpost_msgs/msg/NavStatus', '/r1/controller/status', LATCHED, (m) => {
    controller.push(m.state);
  });
  const p = plannerKind.create(ctx, {
    name: 'planner',
    namespace: '/r1',
    parameterOverrides: {},
    remappings: [],
    clock,
  }) as PlannerNode;
  const c = controllerKind.create(ctx, {
    name: 'controller',
    namespace: '/r1',
    parameterOverrides: params,
    remappings: [],
    clock,
  }) as ControllerNode;
  for (const n of [p, c]) {
    await n.configure();
    await n.activate();
  }
  return { ctx, clock, mapPub, odomPub, goalPub, planner, controller, p, c, cmd: () => cmd, cmds: () => cmds };
}

describe('planner + controller on a local bus', () => {
  it('drives a unicycle (integrated here) from goal to arrival around the wall, never touching it', async () => {
    const s = await stack({ max_linear: 0.4, max_angular: 1.2 });
    const map = roomMap();
    s.mapPub.publish(map);
    let pose = { x: 1, y: 1, yaw: -Math.PI / 2 }; // facing the bottom wall
    s.odomPub.publish(odomAt(pose.x, pose.y, pose.yaw));
    await s.ctx.spinUntilIdle();
    s.goalPub.publish(goalAt(5, 1));
    const dt = 0.05;
    let clearance = Infinity;
    let t = 0;
    for (; t < 90; t += dt) {
      s.clock.advance(50_000_000n);
      await s.ctx.spinUntilIdle();
      const v = s.cmd().linear.x;
      const w = s.cmd().angular.z;
      expect(Math.abs(v)).toBeLessThanOrEqual(0.4 + 1e-9);
      expect(Math.abs(w)).toBeLessThanOrEqual(1.2 + 1e-9);
      const mid = pose.yaw + (w * dt) / 2;
      pose = { x: pose.x + v * Math.cos(mid) * dt, y: pose.y + v * Math.sin(mid) * dt, yaw: pose.yaw + w * dt };
      s.odomPub.publish(odomAt(pose.x, pose.y, pose.yaw));
      // Distance from the robot's centre to the nearest occupied cell (its square, not its centre).
      for (let cy = 0; cy < 40; cy++)
        for (let cx = 0; cx < 60; cx++) {
          if (map.data[cy * 60 + cx] !== 100) continue;
          const dx = Math.max(cx * 0.1 - pose.x, 0, pose.x - (cx + 1) * 0.1);
          const dy = Math.max(cy * 0.1 - pose.y, 0, pose.y - (cy + 1) * 0.1);
          clearance = Math.min(clearance, Math.hypot(dx, dy));
        }
      if (s.planner.includes('reached') || s.controller.includes('reached')) break;
    }
    expect(Math.hypot(pose.x - 5, pose.y - 1)).toBeLessThan(0.2);
    expect(clearance).toBeGreaterThan(0.1); // robot_radius 0.2 m around a cell centre; the body never overlaps a wall cell
    expect(s.planner).toContain('planned');
    expect(s.controller).toContain('following');
    expect(s.controller).not.toContain('stuck');
    expect(t).toBeLessThan(60);
    // After arrival the plan is empty: the controller keeps the robot stopped.
    for (let k = 0; k < 10; k++) {
      s.clock.advance(50_000_000n);
      await s.ctx.spinUntilIdle();
      s.odomPub.publish(odomAt(pose.x, pose.y, pose.yaw));
    }
    expect(s.cmd()).toMatchObject({ linear: { x: 0 }, angular: { z: 0 } });
    for (const n of [s.p, s.c]) await n.shutdownAndDestroy();
  });

  it('publishes zero while odometry is stale, and reports stuck then aborted when the robot cannot move', async () => {
    const s = await stack({ stuck_time: 1, max_recoveries: 1, recovery_backup_time: 0.5, recovery_rotate_time: 0.5 });
    s.mapPub.publish(roomMap());
    s.odomPub.publish(odomAt(1, 1, 0));
    await s.ctx.spinUntilIdle();
    s.goalPub.publish(goalAt(2, 1));
    for (let k = 0; k < 4; k++) {
      s.clock.advance(50_000_000n);
      await s.ctx.spinUntilIdle();
    }
    expect(s.cmd().linear.x).toBeGreaterThan(0);
    // No odometry for > odom_timeout (0.5 s): zero, every cycle.
    const before = s.cmds();
    for (let k = 0; k < 12; k++) {
      s.clock.advance(50_000_000n);
      await s.ctx.spinUntilIdle();
    }
    expect(s.cmd()).toMatchObject({ linear: { x: 0 }, angular: { z: 0 } });
    expect(s.cmds() - before).toBe(12);
    expect(s.controller.at(-1)).toBe('waiting');
    // Odometry comes back but the robot does not move (wheels spin on the spot): stuck, recovery, aborted.
    for (let k = 0; k < 120 && !s.controller.includes('aborted'); k++) {
      s.odomPub.publish(odomAt(1, 1, 0));
      s.clock.advance(50_000_000n);
      await s.ctx.spinUntilIdle();
    }
    expect(s.controller).toContain('stuck');
    expect(s.controller.at(-1)).toBe('aborted');
    s.clock.advance(50_000_000n);
    await s.ctx.spinUntilIdle();
    expect(s.cmd()).toMatchObject({ linear: { x: 0 }, angular: { z: 0 } });
    for (const n of [s.p, s.c]) await n.shutdownAndDestroy();
  });
});
