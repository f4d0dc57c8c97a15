import { describe, expect, it } from 'vitest';
import { AStarPlanner } from './AStarPlanner.js';
import { inflateGrid } from './GridInflation.js';
import { lineClear, shortcutPath } from './PathShortcut.js';

describe('shortcutPath', () => {
  it('keeps only the corners of a path around a wall, and every shortcut stays clear', () => {
    const w = 20;
    const h = 10;
    const data = new Int8Array(w * h);
    for (let y = 0; y < 7; y++) data[y * w + 10] = 100; // a wall from the bottom, open above row 6
    const cost = inflateGrid(data, w, h, {
      occupiedThreshold: 65,
      robotRadius: 0,
      inflationRadius: 0,
      allowUnknown: true,
    });
    const path = new AStarPlanner().plan(cost, w, h, 2 * w + 2, 2 * w + 17)!.cells;
    const short = shortcutPath(cost, w, path);
    expect(short[0]).toBe(path[0]);
    expect(short.at(-1)).toBe(path.at(-1));
    expect(short.length).toBeLessThanOrEqual(4);
    expect(short.length).toBeGreaterThanOrEqual(3); // it cannot go straight through the wall
    for (let k = 1; k < short.length; k++) expect(lineClear(cost, w, short[k - 1]!, short[k]!)).toBe(true);
  });

  it('lineClear refuses lines through obstacles and diagonal corner cuts', () => {
    const w = 4;
    const cost = new Uint8Array(16);
    cost[1 * w + 1] = 254;
    expect(lineClear(cost, w, 0, 2 * w + 2)).toBe(false); // through (1,1)
    expect(lineClear(cost, w, 0, 3)).toBe(true);
    const corner = new Uint8Array(16);
    corner[1] = 254; // (1,0): the step (0,0)→(1,1) would cut its corner
    expect(lineClear(corner, w, 0, w + 1)).toBe(false);
  });
});
