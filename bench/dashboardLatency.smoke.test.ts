import { describe, expect, it } from 'vitest';
import { chromiumMissing } from '../test/helpers/HeadlessChromium.js';
import { runDashboardBench } from './dashboardLatency.js';

const missing = chromiumMissing();
if (missing !== undefined) console.warn(missing);

describe.skipIf(missing !== undefined)('bench smoke: dashboard latency', () => {
  it('measures publish → page latency for the dashboard and the bare-ws baseline, and frame times', async () => {
    const r = await runDashboardBench({ smoke: true, robots: 8 });
    expect(r.robots).toBe(8);
    for (const s of [r.dashboard, r.baseline]) {
      expect(s.samples).toBeGreaterThan(10);
      expect(s.p99Ms).toBeGreaterThanOrEqual(s.p50Ms);
    }
    expect(r.frames.count).toBeGreaterThan(10);
    expect(r.frames.intervalP50Ms).toBeGreaterThan(0);
  }, 60_000);
});
