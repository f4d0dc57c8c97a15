import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './LatencyHistogram.js';

describe('LatencyHistogram', () => {
  it('gives p50 and p99 within its 2% bucket width', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i / 100); // 0.01 .. 10 ms
    expect(h.count).toBe(1000);
    expect(h.quantile(0.5)).toBeGreaterThan(5 * 0.98);
    expect(h.quantile(0.5)).toBeLessThan(5 * 1.02);
    expect(h.quantile(0.99)).toBeGreaterThan(9.9 * 0.98);
    expect(h.quantile(0.99)).toBeLessThan(9.9 * 1.02);
    expect(h.maxMs).toBe(10);
    expect(h.meanMs).toBeCloseTo(5.005, 6);
  });

  it('is empty after reset and never reports above the maximum', () => {
    const h = new LatencyHistogram();
    h.record(3);
    expect(h.quantile(0.5)).toBeLessThanOrEqual(3);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.quantile(0.5)).toBeNaN();
  });
});
