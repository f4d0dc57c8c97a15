import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { AStarPlanner, nearestTraversableCell } from './AStarPlanner.js';
import { LETHAL, inflateGrid } from './GridInflation.js';

/** A grid from text, top line = highest row (y up): '#' occupied, '?' unknown, else free. */
function grid(rows: string[]): { data: Int8Array; w: number; h: number; find: (ch: string) => number } {
  const h = rows.length;
  const w = rows[0]!.length;
  const data = new Int8Array(w * h);
  for (let r = 0; r < h; r++) {
    for (let x = 0; x < w; x++) {
      const ch = rows[r]![x]!;
      data[(h - 1 - r) * w + x] = ch === '#' ? 100 : ch === '?' ? -1 : 0;
    }
  }
  const find = (ch: string): number => {
    for (let r = 0; r < h; r++) {
      const x = rows[r]!.indexOf(ch);
      if (x >= 0) return (h - 1 - r) * w + x;
    }
    throw new Error(`no ${ch}`);
  };
  return { data, w, h, find };
}

const bare = (data: Int8Array, w: number, h: number, allowUnknown = true) =>
  inflateGrid(data, w, h, { occupiedThreshold: 65, robotRadius: 0, inflationRadius: 0, allowUnknown });

describe('AStarPlanner', () => {
  it('plans a straight line on an empty grid with the optimal octile cost', () => {
    const g = grid(['S........G']);
    const r = new AStarPlanner().plan(bare(g.data, g.w, g.h), g.w, g.h, g.find('S'), g.find('G'))!;
    expect(r.cells).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.cost).toBeCloseTo(9);
    const d = grid(['...G', '....', '....', 'S...']);
    const rd = new AStarPlanner().plan(bare(d.data, d.w, d.h), d.w, d.h, d.find('S'), d.find('G'))!;
    expect(rd.cost).toBeCloseTo(3 * Math.SQRT2);
    expect(rd.cells.length).toBe(4);
  });

  it('goes around a wall without cutting its corner', () => {
    const g = grid(['..........', '....#.....', '.S..#..G..', '....#.....', '....#.....']);
    const cost = bare(g.data, g.w, g.h);
    const r = new AStarPlanner().plan(cost, g.w, g.h, g.find('S'), g.find('G'))!;
    expect(r.cells[0]).toBe(g.find('S'));
    expect(r.cells.at(-1)).toBe(g.find('G'));
    for (const c of r.cells) expect(cost[c]).not.toBe(LETHAL);
    // Over the top of the wall: the path reaches row 4 (the top row), at x = 4 above the wall.
    expect(r.cells).toContain(4 * g.w + 4);
    for (let k = 1; k < r.cells.length; k++) {
      const a = r.cells[k - 1]!;
      const b = r.cells[k]!;
      const ax = a % g.w;
      const ay = (a - ax) / g.w;
      const bx = b % g.w;
      const by = (b - bx) / g.w;
      expect(Math.max(Math.abs(ax - bx), Math.abs(ay - by))).toBe(1);
      if (ax !== bx && ay !== by) {
        // a diagonal step: neither corner cell is occupied
        expect(cost[ay * g.w + bx]).not.toBe(LETHAL);
        expect(cost[by * g.w + ax]).not.toBe(LETHAL);
      }
    }
  });

  it('reports an unreachable goal, and treats unknown space as allowUnknown says', () => {
    const walled = grid(['......###', '.S....#G#', '......###']);
    expect(
      new AStarPlanner().plan(
        bare(walled.data, walled.w, walled.h),
        walled.w,
        walled.h,
        walled.find('S'),
        walled.find('G'),
      ),
    ).toBeUndefined();
    const fog = grid(['....?....', '.S..?..G.', '....?....']);
    expect(
      new AStarPlanner().plan(bare(fog.data, fog.w, fog.h, true), fog.w, fog.h, fog.find('S'), fog.find('G')),
    ).toBeDefined();
    expect(
      new AStarPlanner().plan(bare(fog.data, fog.w, fog.h, false), fog.w, fog.h, fog.find('S'), fog.find('G')),
    ).toBeUndefined();
  });

  it('moves a goal inside an obstacle to the nearest traversable cell', () => {
    const g = grid(['..........', '.....###..', '.S...#G#..', '.....###..', '..........']);
    g.data[g.find('G')] = 100; // the goal itself is occupied
    const cost = bare(g.data, g.w, g.h);
    const goal = nearestTraversableCell(cost, g.w, g.h, g.find('G'), 5);
    const gx = goal % g.w;
    const gy = (goal - gx) / g.w;
    expect(Math.hypot(gx - 6, gy - 2)).toBe(2); // straight out of the 3×3 block, 2 cells away
    expect(new AStarPlanner().plan(cost, g.w, g.h, g.find('S'), goal)).toBeDefined();
    expect(nearestTraversableCell(cost, g.w, g.h, g.find('G'), 1)).toBe(-1);
    expect(nearestTraversableCell(cost, g.w, g.h, g.find('S'), 1)).toBe(g.find('S'));
  });

  it('leaves an inflated zone the robot starts in, and keeps away from walls when there is room', () => {
    const g = grid([
      '####################',
      '....................',
      '....................',
      '....................',
      '..................G.',
      '.S..................',
      '####################',
    ]);
    const cost = inflateGrid(g.data, g.w, g.h, {
      occupiedThreshold: 65,
      robotRadius: 1,
      inflationRadius: 3,
      allowUnknown: true,
    });
    const r = new AStarPlanner().plan(cost, g.w, g.h, g.find('S'), g.find('G'), 3)!;
    expect(r).toBeDefined();
    // S sits next to the bottom wall (inscribed); the path climbs to the corridor's middle (rows 3–4).
    const rows = r.cells.map((c) => Math.floor(c / g.w));
    expect(rows[0]).toBe(1);
    expect(rows[Math.floor(rows.length / 2)]).toBeGreaterThanOrEqual(3);
  });

  it('searches a 640×480 grid in tens of ms, worst case (goal unreachable: every cell expanded)', () => {
    const w = 640;
    const h = 480;
    const data = new Int8Array(w * h);
    // A serpentine: walls across the map with alternating gaps, so the path snakes through all of it.
    for (let y = 20; y < h; y += 20)
      for (let x = 0; x < w; x++) if ((y / 20) % 2 === 1 ? x < w - 10 : x >= 10) data[y * w + x] = 100;
    const cost = inflateGrid(data, w, h, {
      occupiedThreshold: 65,
      robotRadius: 2,
      inflationRadius: 5,
      allowUnknown: true,
    });
    const planner = new AStarPlanner();
    const start = 5 * w + 5;
    const goal = (h - 5) * w + 5;
    // Timed after JIT warm-up (a planner node replans the same grid size many times); the fastest
    // of 7 runs: what the search costs, not how often vitest's parallel files preempted it.
    const time = (f: () => unknown): number => {
      for (let k = 0; k < 3; k++) f();
      const ms: number[] = [];
      for (let k = 0; k < 7; k++) {
        const t0 = performance.now();
        f();
        ms.push(performance.now() - t0);
      }
      return Math.min(...ms);
    };
    const snake = planner.plan(cost, w, h, start, goal, 1)!;
    expect(snake.cells.length).toBeGreaterThan(20 * w);
    const snakeMs = time(() => planner.plan(cost, w, h, start, goal, 1));
    // Seal the goal in a box: the search exhausts every reachable cell.
    const boxed = new Int8Array(data);
    for (let d = -3; d <= 3; d++) {
      boxed[(h - 8) * w + 5 + d] = 100;
      boxed[(h - 2) * w + 5 + d] = 100;
      boxed[(h - 5 + d) * w + 2] = 100;
      boxed[(h - 5 + d) * w + 8] = 100;
    }
    const boxedCost = inflateGrid(boxed, w, h, {
      occupiedThreshold: 65,
      robotRadius: 0,
      inflationRadius: 3,
      allowUnknown: true,
    });
    expect(planner.plan(boxedCost, w, h, start, goal, 1)).toBeUndefined();
    const noneMs = time(() => planner.plan(boxedCost, w, h, start, goal, 1));
    console.log(
      `A* 640×480: serpentine path of ${snake.cells.length} cells, ${snake.expanded} expanded: ${snakeMs.toFixed(1)} ms; unreachable (all reachable cells expanded): ${noneMs.toFixed(1)} ms`,
    );
    expect(snakeMs).toBeLessThan(250); // ~30 ms standalone on a 2-core VM; slower while vitest runs files in parallel
    expect(noneMs).toBeLessThan(250);
  });
});
