import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatorNode } from '../../sim/SimulatorNode.js';
import { gridLine } from '../../sim/radio/GridLine.js';
import { runSimMission, stopSimMission } from '../helpers/simMission.js';

afterEach(stopSimMission);

/** Runs launch/sim/explore.launch.yaml in this process and watches robots and links as it goes. */
async function mission(args: Record<string, string>) {
  const insideWall: string[] = [];
  const linkHistory = new Map<string, boolean[]>();
  const blockedWhenDown: boolean[] = [];
  const { report } = await runSimMission(args, {
    watch: (launcher, watcher) => {
      const sim = launcher.nodes.find((n) => n.name() === 'simulator') as SimulatorNode;
      const world = sim.world!;
      for (const r of ['r1', 'r2', 'r3', 'r4'].slice(0, Number(args.robots ?? '4'))) {
        watcher.createSubscription('nav_msgs/msg/Odometry', `/${r}/odom`, { qos: 100 }, (m) => {
          const { x, y } = m.pose.pose.position;
          const [cx, cy] = world.cellOf(x, y);
          if (world.isBlocked(cx, cy)) insideWall.push(`${r} at (${x.toFixed(2)}, ${y.toFixed(2)})`);
        });
      }
      watcher.createSubscription('outpost_msgs/msg/LinkStateArray', '/outpost/fleet/link_states', { qos: 100 }, (m) => {
        for (const l of m.links) {
          const p1 = sim.vehicles[Number(l.a.slice(1)) - 1];
          const p2 = sim.vehicles[Number(l.b.slice(1)) - 1];
          const h = linkHistory.get(`${l.a}-${l.b}`) ?? [];
          h.push(l.up);
          linkHistory.set(`${l.a}-${l.b}`, h);
          if (!l.up && p1 !== undefined && p2 !== undefined) {
            // A link the line-of-sight model cuts has walls between the robots.
            const [ax, ay] = world.cellOf(p1.pose.x, p1.pose.y);
            const [bx, by] = world.cellOf(p2.pose.x, p2.pose.y);
            let walls = false;
            gridLine(ax, ay, bx, by, (x, y) => {
              if (world.isBlocked(x, y)) walls = true;
            });
            blockedWhenDown.push(walls);
          }
        }
      });
    },
  });
  return { report, insideWall, linkHistory, blockedWhenDown };
}

describe('simulated exploration mission (launch/sim/explore.launch.yaml)', () => {
  it('two robots explore small_rooms to 99% coverage', async () => {
    const { report, insideWall } = await mission({ robots: '2', seed: '3', until_time: '300' });
    expect(report.reason).toBe('coverage');
    expect(report.coverage).toBeGreaterThanOrEqual(0.99);
    expect(report.robots).toBe(2);
    expect(insideWall).toEqual([]);
  }, 120_000);

  it('four robots explore small_rooms to 99% coverage; no robot ever enters a wall; links open and close behind walls', async () => {
    const { report, insideWall, linkHistory, blockedWhenDown } = await mission({
      robots: '4',
      seed: '1',
      until_time: '300',
    });
    expect(report.reason).toBe('coverage');
    expect(report.coverage).toBeGreaterThanOrEqual(0.99);
    expect(report.time_to_coverage_s).toBe(report.sim_time_s);
    expect(report.per_robot.map((r) => r.id)).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(report.max_path_length_m).toBe(Math.max(...report.per_robot.map((r) => r.path_length_m)));
    expect(report.max_path_length_m).toBeGreaterThan(1);
    expect(report.fleet.messages_delivered).toBeGreaterThan(0);
    expect(insideWall).toEqual([]);
    const h = [...linkHistory.values()].flat();
    expect(h).toContain(true);
    expect(h).toContain(false);
    expect(report.contacts).toBeGreaterThan(linkHistory.size > 0 ? 1 : 0);
    // Cut links happen with walls between the robots (distance alone can cut a line-of-sight link too).
    expect(blockedWhenDown.some((b) => b)).toBe(true);
  }, 120_000);

  it('the same seed gives the same report (but wall time)', async () => {
    const a = (await mission({ robots: '2', seed: '5', until_time: '12' })).report;
    const b = (await mission({ robots: '2', seed: '5', until_time: '12' })).report;
    expect(a.reason).toBe('time');
    expect(a.startup_s).toBeGreaterThan(0); // the launch came up before the clock moved
    expect(a.startup_s).toBeLessThan(a.wall_time_s);
    expect({ ...a, wall_time_s: 0, startup_s: 0, fleet_stalls: [] }).toEqual({
      ...b,
      wall_time_s: 0,
      startup_s: 0,
      fleet_stalls: [],
    });
    const c = (await mission({ robots: '2', seed: '6', until_time: '12' })).report;
    expect({ ...c, wall_time_s: 0, startup_s: 0, fleet_stalls: [] }).not.toEqual({
      ...a,
      wall_time_s: 0,
      startup_s: 0,
      fleet_stalls: [],
    });
  }, 120_000);
});
