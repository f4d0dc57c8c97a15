import { describe, expect, it } from 'vitest';
import { ManualClock } from './ManualClock.js';
import { SimClock } from './SimClock.js';
import { WallClock } from './WallClock.js';

describe('clocks', () => {
  it('a manual clock fires due callbacks in deadline order, ties in scheduling order', () => {
    const c = new ManualClock(100n);
    const order: string[] = [];
    c.schedule(300n, () => order.push('c@300'));
    c.schedule(200n, () => order.push('a@200'));
    c.schedule(200n, () => order.push('b@200'));
    const cancel = c.schedule(250n, () => order.push('cancelled'));
    cancel();
    c.advance(150n);
    expect(order).toEqual(['a@200', 'b@200']);
    expect(c.now().nanoseconds).toBe(250n);
    c.set(1000n);
    expect(order).toEqual(['a@200', 'b@200', 'c@300']);
    expect(c.nextDeadline()).toBeUndefined();
    expect(() => c.set(10n)).toThrow(/cannot go backwards/);
  });

  it('callbacks see the clock at their own deadline while a step runs', () => {
    const c = new ManualClock();
    const seen: bigint[] = [];
    c.schedule(5n, () => seen.push(c.now().nanoseconds));
    c.schedule(9n, () => seen.push(c.now().nanoseconds));
    c.advance(20n);
    expect(seen).toEqual([5n, 9n]);
  });

  it('sim time reads 0 until /clock and ignores a stale /clock', () => {
    const c = new SimClock();
    expect(c.isActive).toBe(false);
    expect(c.now().nanoseconds).toBe(0n);
    c.onClockMessage({ clock: { sec: 2, nanosec: 5 } });
    expect(c.now().nanoseconds).toBe(2_000_000_005n);
    c.onClockMessage({ clock: { sec: 1, nanosec: 0 } });
    expect(c.now().nanoseconds).toBe(2_000_000_005n);
    expect(c.isActive).toBe(true);
  });

  it('the wall clock is close to Date.now and fires a scheduled callback after its deadline', async () => {
    const c = new WallClock();
    expect(Math.abs(Number(c.now().nanoseconds / 1_000_000n) - Date.now())).toBeLessThan(50);
    const deadline = c.now().nanoseconds + 20_000_000n;
    const firedAt = await new Promise<bigint>((resolve) => c.schedule(deadline, () => resolve(c.now().nanoseconds)));
    expect(firedAt).toBeGreaterThanOrEqual(deadline);
  });
});
