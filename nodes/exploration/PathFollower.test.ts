import { describe, expect, it } from 'vitest';
import type { Pose2D } from './LogOddsGrid.js';
import { PathFollower, type FollowerCommand } from './PathFollower.js';

/** Exact unicycle step (the test's own kinematics, not the follower's). */
function step(p: Pose2D, v: number, w: number, dt: number): Pose2D {
  const mid = p.yaw + (w * dt) / 2;
  return { x: p.x + v * Math.cos(mid) * dt, y: p.y + v * Math.sin(mid) * dt, yaw: p.yaw + w * dt };
}

/** Distance from a point to the polyline (0,0)→(3,0)→(3,3). */
function offL(p: Pose2D): number {
  const seg = (ax: number, ay: number, bx: number, by: number) => {
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, ((p.x - ax) * dx + (p.y - ay) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(ax + t * dx - p.x, ay + t * dy - p.y);
  };
  return Math.min(seg(0, 0, 3, 0), seg(3, 0, 3, 3));
}

const L_PATH = (() => {
  const pts: Array<{ x: number; y: number }> = [];
  for (let x = 0; x <= 3; x += 0.1) pts.push({ x, y: 0 });
  for (let y = 0.1; y <= 3.0001; y += 0.1) pts.push({ x: 3, y });
  return pts;
})();

describe('PathFollower', () => {
  it('drives a unicycle along an L-shaped path to the goal inside a 1 m corridor, within its speed limits', () => {
    for (const startYaw of [0, Math.PI / 2, Math.PI]) {
      const f = new PathFollower({ maxLinear: 0.4, maxAngular: 1.2, lookahead: 0.4, goalTolerance: 0.1 });
      let pose: Pose2D = { x: 0, y: 0, yaw: startYaw };
      f.setPath(L_PATH, 0);
      let cmd: FollowerCommand | undefined;
      let worst = 0;
      let t = 0;
      const dt = 0.05;
      for (; t < 60; t += dt) {
        cmd = f.update(pose, t);
        expect(Math.abs(cmd.v)).toBeLessThanOrEqual(0.4 + 1e-9);
        expect(Math.abs(cmd.w)).toBeLessThanOrEqual(1.2 + 1e-9);
        if (cmd.state === 'reached') break;
        pose = step(pose, cmd.v, cmd.w, dt);
        worst = Math.max(worst, offL(pose));
      }
      expect(cmd?.event).toBe('reached');
      expect(Math.hypot(pose.x - 3, pose.y - 3)).toBeLessThanOrEqual(0.1);
      expect(worst).toBeLessThan(0.5); // never left the corridor
      expect(t).toBeLessThan(25); // 6 m at ≤ 0.4 m/s, plus turning and the slow approach
      expect(f.update(pose, t + 1)).toMatchObject({ v: 0, w: 0, state: 'reached' });
    }
  });

  it('turns on the spot when the path starts behind it, and slows down near the goal', () => {
    const f = new PathFollower({ maxLinear: 0.5, approachDistance: 1, minLinear: 0.05 });
    f.setPath(
      [
        { x: 0, y: 0 },
        { x: -3, y: 0 },
      ],
      0,
    );
    const turn = f.update({ x: 0, y: 0, yaw: 0 }, 0);
    expect(turn.v).toBe(0);
    expect(Math.abs(turn.w)).toBeGreaterThan(0.5);
    const far = f.update({ x: -1, y: 0, yaw: Math.PI }, 1).v;
    const near = f.update({ x: -2.6, y: 0, yaw: Math.PI }, 2).v;
    expect(far).toBeCloseTo(0.5);
    expect(near).toBeCloseTo(0.2);
  });

  it('detects no progress, backs up and rotates, then gives up after max_recoveries', () => {
    const f = new PathFollower({ stuckTime: 2, maxRecoveries: 2, recoveryBackupTime: 1, recoveryRotateTime: 1 });
    f.setPath(
      [
        { x: 0, y: 0 },
        { x: 5, y: 0 },
      ],
      0,
    );
    let pose: Pose2D = { x: 0, y: 0, yaw: 0 };
    const events: Array<[number, string]> = [];
    let backedUp = false;
    const dt = 0.05;
    for (let t = 0; t < 30; t += dt) {
      const cmd = f.update(pose, t);
      if (cmd.event !== undefined) events.push([Math.round(t * 100) / 100, cmd.event]);
      if (cmd.state === 'recovering' && cmd.v < 0) backedUp = true;
      if (cmd.state === 'aborted') {
        expect(cmd).toMatchObject({ v: 0, w: 0 });
        break;
      }
      // A box at x = 0.5 stops the robot: it cannot drive forward past x = 0.3.
      const next = step(pose, cmd.v, cmd.w, dt);
      pose = next.x > 0.3 ? { ...next, x: 0.3 } : next;
    }
    expect(backedUp).toBe(true);
    expect(events.map((e) => e[1])).toEqual(['stuck', 'recovered', 'stuck', 'recovered', 'aborted']);
    expect(f.recoveries).toBe(2);
    // A replan for the same goal does not revive it; a new goal does.
    f.setPath(
      [
        { x: 0.3, y: 0 },
        { x: 5, y: 0 },
      ],
      40,
    );
    expect(f.state).toBe('aborted');
    f.newGoal();
    expect(f.state).toBe('following');
    expect(f.recoveries).toBe(0);
  });

  it('stops on an empty path', () => {
    const f = new PathFollower();
    f.setPath(
      [
        { x: 0, y: 0 },
        { x: 1, y: 0 },
      ],
      0,
    );
    expect(f.update({ x: 0, y: 0, yaw: 0 }, 0).v).toBeGreaterThan(0);
    f.setPath([], 1);
    expect(f.update({ x: 0, y: 0, yaw: 0 }, 1)).toEqual({ v: 0, w: 0, state: 'idle', remaining: 0 });
  });
});
