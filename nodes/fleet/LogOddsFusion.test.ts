import { describe, expect, it } from 'vitest';
import { L_MAX, LOG_ODDS, fromLogOdds, fuseCells, isCellValue } from './LogOddsFusion.js';

describe('LogOddsFusion', () => {
  it('keeps one known value as it is, and unknown when nobody knows', () => {
    for (let v = 0; v <= 100; v++) {
      expect(fuseCells([v])).toBe(v);
      expect(fuseCells([-1, v, -1])).toBe(v);
      expect(fromLogOdds(LOG_ODDS[v]!)).toBe(v);
    }
    expect(fuseCells([])).toBe(-1);
    expect(fuseCells([-1, -1])).toBe(-1);
  });

  it('fuses agreeing evidence towards certainty and conflicting evidence towards 50', () => {
    expect(fuseCells([80, 80])).toBe(94); // 0.8·0.8 / (0.8·0.8 + 0.2·0.2) = 0.941
    expect(fuseCells([0, 0])).toBe(0);
    expect(fuseCells([100, 100, 100])).toBe(100);
    expect(fuseCells([0, 100])).toBe(50);
    expect(fuseCells([30, 70])).toBe(50);
    expect(fuseCells([100, 0, 100])).toBe(100);
  });

  it('clamps sums beyond the table', () => {
    expect(fromLogOdds(10 * L_MAX)).toBe(100);
    expect(fromLogOdds(-10 * L_MAX)).toBe(0);
  });

  it('does not depend on the order of the values', () => {
    let seed = 7;
    const rand = (n: number): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    for (let i = 0; i < 500; i++) {
      const values = Array.from({ length: 1 + rand(5) }, () => rand(102) - 1);
      const shuffled = [...values].sort(() => rand(3) - 1);
      expect(fuseCells(shuffled)).toBe(fuseCells(values));
    }
  });

  it('knows valid cell values', () => {
    expect([-1, 0, 100].every(isCellValue)).toBe(true);
    expect([-2, 101, 0.5, Number.NaN].some(isCellValue)).toBe(false);
  });
});
