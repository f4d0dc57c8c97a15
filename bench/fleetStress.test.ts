import { describe, expect, it } from 'vitest';
import { worstWindowFactor } from './fleetStress.js';

describe('fleetStress: worstWindowFactor', () => {
  it('finds the slowest stretch of at least the window, ignoring start-up before the clock moved', () => {
    const samples = [
      { sim: 0, wall: 0 },
      { sim: 0, wall: 8 }, // start-up: not counted
      ...Array.from({ length: 20 }, (_, i) => ({ sim: 1 + 3 * i, wall: 9 + i })), // 3× for 20 s
      { sim: 58 + 1, wall: 29 + 5 },
      { sim: 58 + 2, wall: 29 + 10 }, // a stall: 2 sim s in 10 wall s
      { sim: 70, wall: 42 },
    ];
    const worst = worstWindowFactor(samples, 10)!;
    expect(worst).toBeLessThan(1);
    expect(worst).toBeCloseTo(2 / 11, 6); // from (58 s, wall 28 s) to (60 s, wall 39 s)
    expect(worstWindowFactor(samples.slice(0, 5), 10)).toBeNull(); // shorter than one window
  });
});
