import { describe, expect, it } from 'vitest';
import { benchTelemetryLink } from './telemetryLink.js';

// A short run of `npm run bench:telemetry`: it must still run and its numbers must add up. The
// B/s figures are reported in BENCHMARKS.md, not asserted here.
describe('telemetry link benchmark, smoke', () => {
  it('records cross the link at ~1 Hz and every figure is counted', async () => {
    const r = await benchTelemetryLink({ seconds: 3, record: 'busy' });
    expect(r.records).toBeGreaterThanOrEqual(2);
    expect(r.recordBytes).toBeGreaterThan(100);
    // The wire carries each record plus its envelope and MQTT framing, and the station's acks back.
    expect(r.upBytesPerSec).toBeGreaterThan((r.recordBytes * r.records) / r.seconds);
    expect(r.downBytesPerSec).toBeGreaterThan(0);
  }, 30_000);
});
