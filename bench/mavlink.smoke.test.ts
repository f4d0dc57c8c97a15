import { describe, expect, it } from 'vitest';
import { runMavlinkBench } from './mavlink.js';

// bench:mavlink in --smoke mode must run and report sane numbers (the numbers are not targets here).
describe('bench smoke: mavlink', () => {
  it('both parsers read every frame; command round trips complete over a real pty', async () => {
    const r = await runMavlinkBench({ smoke: true });
    for (const s of Object.values(r.parse)) expect(s.framesPerSec).toBeGreaterThan(0);
    expect(r.roundTrip.raw.samples).toBe(30);
    expect(r.roundTrip.raw.p50Ms).toBeGreaterThan(0);
    expect(r.roundTrip.bridge.p99Ms).toBeGreaterThanOrEqual(r.roundTrip.bridge.p50Ms);
  });
});
