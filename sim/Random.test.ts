import { describe, expect, it } from 'vitest';
import { Random } from './Random.js';

describe('Random', () => {
  it('repeats for the same seed and differs for another', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const xs = Array.from({ length: 8 }, () => a.next());
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(xs);
  });

  it('next stays in [0, 1) with a sane mean; int covers its bounds', () => {
    const r = new Random(7);
    let sum = 0;
    const seen = new Set<number>();
    for (let i = 0; i < 20_000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
      seen.add(r.int(2, 5));
    }
    expect(sum / 20_000).toBeCloseTo(0.5, 1);
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });

  it('normal has mean 0 and sd 1', () => {
    const r = new Random(1);
    const n = 50_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.sqrt(s2 / n - (s / n) ** 2)).toBeCloseTo(1, 1);
  });

  it('uniform and fork are deterministic', () => {
    const a = new Random(3);
    const u = a.uniform(30, 150);
    expect(u >= 30 && u < 150).toBe(true);
    expect(new Random(3).fork('lidar').next()).toBe(new Random(3).fork('lidar').next());
    expect(new Random(3).fork('lidar').next()).not.toBe(new Random(3).fork('radio').next());
  });

  it('rejects a non-finite seed', () => {
    expect(() => new Random(Number.NaN)).toThrow(/seed/);
  });
});
