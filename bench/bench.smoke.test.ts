import { describe, expect, it } from 'vitest';
import { runCdrBench } from './cdr.js';
import { runLocalTransportBench } from './localTransport.js';

// The benchmarks' own entry points in --smoke mode: each must run and report sane numbers, so a
// benchmark that nobody runs cannot rot. The numbers themselves are not checked against targets.
describe('bench smoke', () => {
  it('localTransport: Outpost and EventEmitter deliver every message, with latencies', async () => {
    const r = await runLocalTransportBench({ smoke: true });
    expect(r.cases.map((c) => c.name)).toEqual(['geometry_msgs/msg/Twist', 'nav_msgs/msg/OccupancyGrid 640x480']);
    for (const c of r.cases) {
      for (const side of [c.outpost, c.eventEmitter]) {
        expect(side.msgsPerSec).toBeGreaterThan(0);
        expect(side.p50Us).toBeGreaterThan(0);
        expect(side.p99Us).toBeGreaterThanOrEqual(side.p50Us);
      }
      expect(c.outpost.dropped).toBe(0);
      expect(Number.isFinite(c.overhead)).toBe(true);
    }
    expect(typeof r.target.pass).toBe('boolean');
  });

  it('cdr: CDR and JSON round trips with sizes', async () => {
    const r = await runCdrBench({ smoke: true });
    expect(r.cases).toHaveLength(2);
    for (const c of r.cases) {
      expect(c.cdr.msgsPerSec).toBeGreaterThan(0);
      expect(c.json.msgsPerSec).toBeGreaterThan(0);
      expect(c.cdr.mbPerSec).toBeGreaterThan(0);
      expect(c.cdrBytes).toBeGreaterThan(0);
    }
    // 720 float32 ranges + intensities + header: about 5.8 kB of CDR; the grid is one byte a cell.
    expect(r.cases[0]!.cdrBytes).toBeGreaterThan(720 * 8);
    expect(r.cases[1]!.cdrBytes).toBeGreaterThan(640 * 480);
  });
});
