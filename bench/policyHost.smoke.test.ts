import { describe, expect, it } from 'vitest';
import { runPolicyHostBench } from './policyHost.js';

// bench:policy in --smoke mode must run and report sane numbers (the numbers are not targets here).
describe('bench smoke: policy host', () => {
  it('host and bare session both decide on N = 100, 200, 400 without fallbacks', async () => {
    const r = await runPolicyHostBench({ smoke: true });
    expect(r.cases.map((c) => c.n)).toEqual([100, 200, 400]);
    for (const c of r.cases) {
      expect(c.fallbacks).toBe(0);
      expect(c.bare.p50Ms).toBeGreaterThan(0);
      expect(c.host.p50Ms).toBeGreaterThan(0);
      expect(c.host.p99Ms).toBeGreaterThanOrEqual(c.host.p50Ms);
      expect(Number.isFinite(c.overheadP50)).toBe(true);
      expect(c.hostHistogramP50Ms).toBeGreaterThan(0);
    }
    expect(typeof r.target.pass).toBe('boolean');
  });
});
