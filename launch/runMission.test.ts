import { describe, expect, it } from 'vitest';
import { runMission } from './runMission.js';

describe('runMission', () => {
  it('runs explore.launch.yaml with the given arguments and resolves with its report', async () => {
    const report = await runMission({ robots: '1', seed: '2', until_time: '2', policy: 'nearest_frontier' });
    expect(report.robots).toBe(1);
    expect(report.seed).toBe(2);
    expect(report.policy).toBe('nearest_frontier');
    expect(report.reason).toBe('time');
    expect(report.sim_time_s).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
