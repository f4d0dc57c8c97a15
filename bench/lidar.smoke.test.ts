import { describe, expect, it } from 'vitest';
import { runLidarBench } from './lidar.js';

// bench:lidar in --smoke mode must run and report sane numbers (the numbers are not targets here).
describe('bench smoke: lidar', () => {
  it('castScan and the marching baseline both scan; castScan is never farther than marching', async () => {
    const r = await runLidarBench({ smoke: true });
    expect(r.cases).toHaveLength(3);
    for (const c of r.cases) {
      expect(c.dda.p50Us).toBeGreaterThan(0);
      expect(c.marching.p50Us).toBeGreaterThan(0);
      expect(c.dda.p99Us).toBeGreaterThanOrEqual(c.dda.p50Us);
      // marching stops inside the blocked cell, castScan at its boundary (float32 rounding aside)
      expect(c.maxDdaBeyondMarchingM).toBeLessThan(1e-4);
      expect(c.marchingMissRate).toBeLessThan(0.05);
    }
    expect(typeof r.target.pass).toBe('boolean');
  });
});
