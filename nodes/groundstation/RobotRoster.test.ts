import { describe, expect, it } from 'vitest';
import { Time } from '../../runtime/index.js';
import { RobotRoster } from './RobotRoster.js';

const at = (s: number) => Time.fromSeconds(s);

describe('RobotRoster', () => {
  it('lists expected robots as stale until heard, and a robot as stale once 3 periods pass', () => {
    const roster = new RobotRoster(['r2', 'r1'], 1);
    const first = roster.message(at(10));
    expect(first.robots.map((r) => [r.robot, r.heard, r.stale])).toEqual([
      ['r1', false, true],
      ['r2', false, true],
    ]);
    expect(Number.isNaN(first.robots[0]!.age_s)).toBe(true);
    expect(roster.heard('r1', { sec: 99, nanosec: 0 }, at(10))).toBe(false); // expected: not new
    expect(roster.heard('r7', { sec: 5, nanosec: 0 }, at(10))).toBe(true); // heard first: new
    const fresh = roster.message(at(12.5));
    expect(fresh.robots.map((r) => [r.robot, r.stale, r.age_s])).toEqual([
      ['r1', false, 2.5],
      ['r2', true, Number.NaN],
      ['r7', false, 2.5],
    ]);
    expect(fresh.robots[0]!.last_stamp).toEqual({ sec: 99, nanosec: 0 });
    expect(roster.message(at(13)).robots[0]!.stale).toBe(false); // exactly 3 periods: not yet
    expect(roster.message(at(13.01)).robots[0]!.stale).toBe(true);
    expect(roster.message(at(13.01)).period_s).toBe(1);
  });
});
