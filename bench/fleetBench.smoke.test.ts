import { describe, expect, it } from 'vitest';
import { benchFleetPriority } from './fleetPriority.js';
import { benchFleetThroughput } from './fleetThroughput.js';

// Smoke runs of the fleet benchmarks (the npm scripts run them in full): they must still run, and
// their numbers must be sane. No thresholds on speed: CI machines vary.
describe('fleet benchmarks, smoke', () => {
  it('durable throughput: both paths deliver every message once and report a rate', async () => {
    const r = await benchFleetThroughput({ messages: 1000, runs: 1 });
    for (const run of [...r.raw, ...r.outpost, ...r.outpostCommitEach, ...r.outpostBatched]) {
      expect(run.delivered).toBe(1000);
      expect(run.exactlyOnceInOrder).toBe(true);
      expect(run.msgsPerSec).toBeGreaterThan(0);
    }
    expect(r.ratio).toBeGreaterThan(0);
    expect(r.ratioBatched).toBeGreaterThan(0);
  }, 30_000);

  it('priority: every pose and tile arrives once, in order; percentiles are ordered', async () => {
    const r = await benchFleetPriority({ mapKiB: 64, poses: 8 });
    expect(r.scenarios.map((s) => s.scenario)).toEqual(['no-map', 'priority', 'fifo']);
    for (const s of r.scenarios) {
      expect(s.exactlyOnceInOrder).toBe(true);
      expect(s.arrivedAheadOfGap).toBe(0);
      expect(s.posesDelivered).toBe(s.posesSent);
      expect(s.latenciesMs).toHaveLength(8);
      expect(s.p50Ms).toBeGreaterThan(0);
      expect(s.p99Ms).toBeGreaterThanOrEqual(s.p50Ms);
    }
    expect(r.scenarios[1]!.tilesDelivered).toBeGreaterThan(0);
  }, 30_000);
});
