import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Context, ManualClock, Node, type MessageOf } from '../../runtime/index.js';
import { builtinNodeKinds } from '../../launch/builtinNodeKinds.js';
import { ExplorerNode } from './ExplorerNode.js';
import { findFrontiers, visibleFrontierCount } from './Frontiers.js';
import { GridView } from './GridView.js';
import type { PreplannedRendezvousPolicy } from './PreplannedRendezvousPolicy.js';

type Pose = MessageOf<'geometry_msgs/msg/PoseStamped'>;

/** 100×60 cells at 0.1 m: a walled room, known for x < 5 m, unknown beyond (the frontier at x = 5 m). */
function mapMsg(knownUpTo = 50): MessageOf<'nav_msgs/msg/OccupancyGrid'> {
  const w = 100;
  const h = 60;
  const data = new Int8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const wall = x === 0 || y === 0 || x === w - 1 || y === h - 1;
      data[y * w + x] = x >= knownUpTo ? -1 : wall ? 100 : 0;
    }
  }
  return {
    header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' },
    info: {
      map_load_time: { sec: 0, nanosec: 0 },
      resolution: 0.1,
      width: w,
      height: h,
      origin: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
    },
    data,
  };
}

function odomMsg(x: number, y: number): MessageOf<'nav_msgs/msg/Odometry'> {
  return {
    header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' },
    child_frame_id: 'base_link',
    pose: {
      pose: { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      covariance: new Float64Array(36),
    },
    twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } }, covariance: new Float64Array(36) },
  };
}

const SMALL = {
  sensor_range: 2,
  local_radius: 3,
  node_spacing: 0.5,
  route_spacing: 1,
  offshoot_spacing: 1,
  max_edge_length: 4,
};

async function rig(params: Record<string, unknown> = {}) {
  const clock = new ManualClock();
  const ctx = new Context({ logger: pino({ level: 'silent' }), clock });
  const kind = builtinNodeKinds().get('explorer')!;
  const explorer = kind.create(ctx, {
    name: 'explorer',
    namespace: '/r1',
    parameterOverrides: { robots: ['r1', 'r2'], ...SMALL, ...params },
    remappings: [],
    clock,
  }) as ExplorerNode;
  const world = new Node('world', '/r1', ctx, { clock });
  const mapPub = world.createPublisher('nav_msgs/msg/OccupancyGrid', 'fleet/map');
  const odomPub = world.createPublisher('nav_msgs/msg/Odometry', 'odom');
  const navStatus = world.createPublisher('outpost_msgs/msg/NavStatus', 'planner/status', {
    qos: { durability: 'transient_local', depth: 1 },
  });
  // The planner reports on the goal it was given: the explorer's latest.
  const statusPub = {
    publish: ({ data }: { data: string }) => {
      const g = goals.at(-1)?.pose.position ?? { x: 0, y: 0, z: 0 };
      navStatus.publish({
        header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' },
        status: 0,
        state: data,
        goal: { position: g, orientation: { x: 0, y: 0, z: 0, w: 1 } },
        distance_remaining: 0,
        detail: '',
      });
    },
  };
  const matePub = world.createPublisher('geometry_msgs/msg/PoseStamped', 'fleet/r2/pose');
  const goals: Pose[] = [];
  const poses: Pose[] = [];
  const done: boolean[] = [];
  world.createSubscription('geometry_msgs/msg/PoseStamped', 'goal', {}, (m) => {
    goals.push(m);
  });
  world.createSubscription('geometry_msgs/msg/PoseStamped', 'pose', {}, (m) => {
    poses.push(m);
  });
  world.createSubscription(
    'std_msgs/msg/Bool',
    'explorer/done',
    { qos: { durability: 'transient_local', depth: 1 } },
    (m) => {
      done.push(m.data);
    },
  );
  await explorer.configure();
  await explorer.activate();
  const step = async (seconds: number) => {
    clock.advance(BigInt(Math.round(seconds * 1e9)));
    await ctx.spinUntilIdle();
  };
  const send = async (publish: () => void) => {
    publish();
    await ctx.spinUntilIdle();
  };
  return { clock, ctx, explorer, world, mapPub, odomPub, statusPub, matePub, goals, poses, done, step, send };
}

const open: Context[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});

describe('explorer node', () => {
  it('is registered as the explorer node kind with documented parameters', () => {
    const kind = builtinNodeKinds().get('explorer')!;
    expect(kind.parameters.policy!.choices).toEqual([
      'nearest_frontier',
      'utility_greedy',
      'preplanned_rendezvous',
      'ir2',
      'expert',
    ]);
    for (const [name, spec] of Object.entries(kind.parameters))
      expect(spec.description.length, name).toBeGreaterThan(10);
    expect(builtinNodeKinds().names()).toEqual(
      expect.arrayContaining(['explorer', 'fleet_link', 'odometry_integrator']),
    );
  });

  it('publishes a goal at a frontier for a synthetic map, and a new one when the planner says reached', async () => {
    const r = await rig();
    open.push(r.ctx);
    await r.send(() => {
      r.mapPub.publish(mapMsg());
      r.odomPub.publish(odomMsg(1, 3));
    });
    expect(r.goals).toEqual([]); // decisions happen on the timer, in node time
    await r.step(1);
    expect(r.goals.length).toBe(1);
    const grid = GridView.fromOccupancyGrid(mapMsg());
    const frontiers = findFrontiers(grid, { block: 4 });
    const seen = (g: Pose) => {
      const [cx, cy] = grid.cellOf(g.pose.position.x, g.pose.position.y);
      return visibleFrontierCount(grid, frontiers, cx, cy, 20);
    };
    const first = r.goals[0]!;
    expect(first.header.frame_id).toBe('map');
    expect(seen(first)).toBeGreaterThan(0); // a viewpoint that sees the frontier at x = 5 m
    expect(first.pose.position.x).toBeGreaterThan(2.5); // the robot is at x = 1 m
    expect(r.done).toEqual([false]);

    await r.step(1);
    expect(r.goals.length).toBe(1); // same choice: not republished

    await r.send(() => r.statusPub.publish({ data: 'planned' }));
    expect(r.goals.length).toBe(1);
    await r.send(() => {
      r.odomPub.publish(odomMsg(first.pose.position.x, first.pose.position.y));
      r.statusPub.publish({ data: 'reached' });
    });
    expect(r.goals.length).toBe(2);
    const second = r.goals[1]!;
    expect(
      Math.hypot(second.pose.position.x - first.pose.position.x, second.pose.position.y - first.pose.position.y),
    ).toBeGreaterThan(0.1);
    expect(seen(second)).toBeGreaterThan(0);
  });

  it('classical policies leave the goal of an in-contact teammate earlier in the team list to it', async () => {
    const claim = (r: Awaited<ReturnType<typeof rig>>, name: string, g: { x: number; y: number }) => {
      const header = { stamp: r.explorer.now().toMsg(), frame_id: 'map' };
      const at = (x: number, y: number) => ({
        header,
        pose: { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      });
      r.world.createPublisher('geometry_msgs/msg/PoseStamped', `fleet/${name}/pose`).publish(at(1, 1));
      r.world.createPublisher('geometry_msgs/msg/PoseStamped', `fleet/${name}/goal`).publish(at(g.x, g.y));
    };
    // Alone, r2 picks G.
    const alone = await rig({ robot_name: 'r2', policy: 'utility_greedy' });
    open.push(alone.ctx);
    await alone.send(() => {
      alone.mapPub.publish(mapMsg());
      alone.odomPub.publish(odomMsg(1, 3));
    });
    await alone.step(1);
    const G = alone.goals[0]!.pose.position;
    // With r1 (before it in the list, in contact) heading for G, r2 goes at least goal_separation away.
    const r = await rig({ robot_name: 'r2', policy: 'utility_greedy', goal_separation: 2 });
    open.push(r.ctx);
    await r.send(() => {
      r.mapPub.publish(mapMsg());
      r.odomPub.publish(odomMsg(1, 3));
      claim(r, 'r1', G);
    });
    await r.step(1);
    const mine = r.goals[0]!.pose.position;
    expect(Math.hypot(mine.x - G.x, mine.y - G.y)).toBeGreaterThan(2);
    // r1 itself does not yield to r2.
    const first = await rig({ policy: 'utility_greedy', goal_separation: 2 });
    open.push(first.ctx);
    await first.send(() => {
      first.mapPub.publish(mapMsg());
      first.odomPub.publish(odomMsg(1, 3));
      claim(first, 'r2', G);
    });
    await first.step(1);
    expect(first.goals[0]!.pose.position).toEqual(G);
  });

  it('blacklists a goal the planner cannot reach and picks one elsewhere', async () => {
    const r = await rig({ blacklist_radius: 0.5, blacklist_duration: 30 });
    open.push(r.ctx);
    await r.send(() => {
      r.mapPub.publish(mapMsg());
      r.odomPub.publish(odomMsg(1, 3));
    });
    await r.step(1);
    const bad = r.goals[0]!.pose.position;
    await r.send(() => r.statusPub.publish({ data: 'unreachable' }));
    expect(r.goals.length).toBe(2);
    const next = r.goals[1]!.pose.position;
    expect(Math.hypot(next.x - bad.x, next.y - bad.y)).toBeGreaterThan(0.5);
  });

  it('says done (latched) and sends no goal when nothing is left to explore', async () => {
    const r = await rig();
    open.push(r.ctx);
    await r.send(() => {
      r.mapPub.publish(mapMsg(100));
      r.odomPub.publish(odomMsg(1, 3));
    });
    await r.step(1);
    expect(r.goals).toEqual([]);
    expect(r.done[r.done.length - 1]).toBe(true);
    const late: boolean[] = [];
    r.world.createSubscription(
      'std_msgs/msg/Bool',
      'explorer/done',
      { qos: { durability: 'transient_local', depth: 1 } },
      (m) => {
        late.push(m.data);
      },
    );
    await r.ctx.spinUntilIdle();
    expect(late).toEqual([true]);
  });

  it('shares its pose at pose_hz and keeps a belief of teammates heard on fleet/<name>/pose', async () => {
    const r = await rig({ pose_hz: 2 });
    open.push(r.ctx);
    await r.send(() => {
      r.mapPub.publish(mapMsg());
      r.odomPub.publish(odomMsg(1, 3));
    });
    await r.step(1);
    expect(r.poses.length).toBe(2);
    expect(r.poses[0]!.pose.position).toEqual({ x: 1, y: 3, z: 0 });
    expect(r.explorer.beliefs.names).toEqual(['r2']);
    await r.send(() =>
      r.matePub.publish({
        header: { stamp: { sec: 1, nanosec: 0 }, frame_id: 'map' },
        pose: { position: { x: 2, y: 2, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      }),
    );
    expect(r.explorer.beliefs.get('r2')).toMatchObject({ x: 2, y: 2, stamp: 1, heardAt: 1 });
    await r.step(1);
    const obs = r.explorer.observation!;
    expect(obs.nodes.filter((n) => n.occupied === 1).length).toBe(1);
    expect(obs.nodes[obs.currentIndex]!.occupied).toBe(-1);
  });

  it('preplanned_rendezvous: heads back to the rendezvous when its exploring budget is spent', async () => {
    const r = await rig({
      policy: 'preplanned_rendezvous',
      explore_budget: 5,
      return_allowance: 20,
      rendezvous_wait: 5,
      nominal_speed: 1,
    });
    open.push(r.ctx);
    await r.send(() => {
      r.mapPub.publish(mapMsg());
      r.odomPub.publish(odomMsg(1, 3));
    }); // home: (1, 3)
    await r.send(() => r.odomPub.publish(odomMsg(3.5, 3)));
    await r.step(1);
    expect(r.goals.length).toBe(1);
    expect(r.goals[0]!.pose.position.x).toBeGreaterThan(3); // exploring: toward the frontier
    await r.step(4);
    expect((r.explorer.policy as PreplannedRendezvousPolicy).phase).toBe('explore');
    await r.step(1); // t = 6 s: budget of 5 s spent
    expect((r.explorer.policy as PreplannedRendezvousPolicy).phase).toBe('return');
    const back = r.goals[r.goals.length - 1]!.pose.position;
    expect(Math.hypot(back.x - 1, back.y - 3)).toBeLessThan(0.3);
  });

  it('rejects an unknown policy with the list of known ones', () => {
    const ctx = new Context({ logger: pino({ level: 'silent' }) });
    open.push(ctx);
    expect(
      () =>
        new ExplorerNode(ctx, { name: 'x', namespace: '/r1', parameterOverrides: { policy: 'ir3' }, remappings: [] }),
    ).toThrow(/"policy".*nearest_frontier.*utility_greedy.*preplanned_rendezvous.*ir2.*expert.*ir3/s);
  });

  it('does not resend a goal the planner just reported reached (no endless exchange within one step)', async () => {
    // preplanned_rendezvous with no exploring budget and the meeting place where the robot stands:
    // it keeps choosing the node it is on. The planner answers such a goal "reached" at once.
    const r = await rig({ policy: 'preplanned_rendezvous', explore_budget: 0, rendezvous_xy: [1, 3] });
    open.push(r.ctx);
    let answers = 0;
    r.world.createSubscription('geometry_msgs/msg/PoseStamped', 'goal', {}, () => {
      if (answers++ < 100) r.statusPub.publish({ data: 'reached' });
    });
    await r.send(() => {
      r.mapPub.publish(mapMsg());
      r.odomPub.publish(odomMsg(1, 3));
    });
    await r.step(1);
    await r.step(1);
    expect(r.goals.length).toBe(1);
    expect(answers).toBe(1);
  });
});
