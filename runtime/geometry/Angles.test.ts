import { describe, expect, it } from 'vitest';
import { wrapAngle } from './Angles.js';

describe('wrapAngle', () => {
  it('keeps angles already in [-π, π]', () => {
    expect(wrapAngle(0)).toBe(0);
    expect(wrapAngle(Math.PI / 2)).toBeCloseTo(Math.PI / 2, 15);
    expect(wrapAngle(-1)).toBeCloseTo(-1, 15);
    expect(wrapAngle(Math.PI)).toBeCloseTo(Math.PI, 15);
    expect(wrapAngle(-Math.PI)).toBeCloseTo(-Math.PI, 15);
  });

  it('brings turns past ±π back by whole turns', () => {
    expect(wrapAngle((3 * Math.PI) / 2)).toBeCloseTo(-Math.PI / 2, 15);
    expect(wrapAngle((-3 * Math.PI) / 2)).toBeCloseTo(Math.PI / 2, 15);
    expect(wrapAngle(2 * Math.PI + 0.5)).toBeCloseTo(0.5, 14);
    // 1000 rad = 159 turns (999.026463841554 rad) + 0.973536158446 rad
    expect(wrapAngle(1000)).toBeCloseTo(0.973536158446, 11);
    expect(wrapAngle(-1000)).toBeCloseTo(-0.973536158446, 11);
  });
});
