import { describe, expect, it } from 'vitest';
import { gridLine } from './GridLine.js';

const cells = (x0: number, y0: number, x1: number, y1: number): Array<[number, number]> => {
  const out: Array<[number, number]> = [];
  gridLine(x0, y0, x1, y1, (x, y) => out.push([x, y]));
  return out;
};

describe('gridLine', () => {
  it('draws horizontal, vertical and diagonal lines including both ends', () => {
    expect(cells(0, 0, 3, 0)).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    expect(cells(2, 3, 2, 1)).toEqual([
      [2, 3],
      [2, 2],
      [2, 1],
    ]);
    expect(cells(0, 0, -2, -2)).toEqual([
      [0, 0],
      [-1, -1],
      [-2, -2],
    ]);
    expect(cells(4, 4, 4, 4)).toEqual([[4, 4]]);
  });

  it('visits max(|dx|, |dy|) + 1 cells, 8-connected, for every octant', () => {
    for (const [x1, y1] of [
      [7, 3],
      [3, 7],
      [-7, 3],
      [-3, 7],
      [7, -3],
      [3, -7],
      [-7, -3],
      [-3, -7],
      [5, 2],
    ] as const) {
      const c = cells(0, 0, x1, y1);
      expect(c).toHaveLength(Math.max(Math.abs(x1), Math.abs(y1)) + 1);
      expect(c.at(-1)).toEqual([x1, y1]);
      for (let i = 1; i < c.length; i++) {
        expect(Math.max(Math.abs(c[i]![0] - c[i - 1]![0]), Math.abs(c[i]![1] - c[i - 1]![1]))).toBe(1);
      }
    }
    // slope 2/5: the textbook Bresenham cells
    expect(cells(0, 0, 5, 2)).toEqual([
      [0, 0],
      [1, 0],
      [2, 1],
      [3, 1],
      [4, 2],
      [5, 2],
    ]);
  });
});
