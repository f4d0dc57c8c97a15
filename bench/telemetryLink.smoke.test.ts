import { describe, expect, it } from 'vitest';
import { benchTelemetryLink } from './telemetryLink.js';

// A short run of `npm run bench:telemetry`: it must still run and its numbers must add up. The
// B/s figures are reported in BENCHMARKS.md, not asserted here.
describe('telemetry link benchmark, smoke', () => {
  it('records cross the link at ~1 Hz and every figure is counted', async () => {
    const acked = await benchTelemetryLink({ seconds: 3, record: 'busy', acked: true });
    const r = await benchTelemetryLink({ seconds: 3, record: 'busy' });
    for (const x of [acked, r]) {
      expect(x.records).toBeGreaterThanOrEqual(2);
      expect(x.recordBytes).toBeGreaterThan(100);
      // The wire carries each record plus its envelope and MQTT framing.
      expect(x.upBytesPerSec).toBeGreaterThan((x.recordBytes * x.records) / x.seconds);
    }
    // Acks come back on the acked route only (acked=false: at most keepalives, 2 B each).
    expect(acked.downBytesPerSec).toBeGreaterThan(10);
    expect(r.downBytesPerSec).toBeLessThan(5);
  }, 60_000);
});
