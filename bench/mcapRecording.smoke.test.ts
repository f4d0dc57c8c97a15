import { describe, expect, it } from 'vitest';
import { runMcapBench } from './mcapRecording.js';

// The sim case runs two `outpost sim` missions (tens of seconds); test/cli/recording.test.ts covers
// --record end to end, so the smoke keeps to the throughput case.
describe('bench:mcap smoke', () => {
  it('throughput: every writer reports a rate and zstd shrinks the mix', async () => {
    const r = await runMcapBench({ smoke: true, case: 'throughput' });
    const t = r.throughput!;
    expect(t.messages).toBeGreaterThan(100);
    for (const xs of [t.rawBuffered, t.rawPerMessage, t.mcapZstd, t.mcapNone, t.mcapNoneNoSync]) {
      expect(xs).toHaveLength(1);
      expect(xs[0]).toBeGreaterThan(0);
    }
    expect(t.zstdRatio).toBeGreaterThan(1);
    expect(r.sim).toBeUndefined();
  });
});
