import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { McapRecorder } from '../monitor/recording/McapRecorder.js';
import { runMcapBench, sampleMix } from './mcapRecording.js';

// The sim case runs two `outpost sim` missions (tens of seconds); test/cli/recording.test.ts covers
// --record end to end, so the smoke keeps to the throughput case.
describe('bench:mcap smoke', () => {
  it('throughput: every writer reports a rate and zstd shrinks the mix', async () => {
    const r = await runMcapBench({ smoke: true, case: 'throughput' });
    const t = r.throughput!;
    expect(t.messages).toBeGreaterThan(100);
    for (const xs of [
      t.rawBuffered,
      t.rawBufferedSync,
      t.rawPerMessage,
      t.mcapZstd,
      t.mcapZstdNoSync,
      t.mcapZstd1NoSync,
      t.mcapNone,
      t.mcapNoneNoSync,
      t.mcapNoneNoSyncNoCrc,
    ]) {
      expect(xs).toHaveLength(1);
      expect(xs[0]).toBeGreaterThan(0);
    }
    expect(t.zstdRatio).toBeGreaterThan(1);
    expect(r.sim).toBeUndefined();
  });

  it('levels: recompresses the chunks of a recording at each level; without --file it says what it expects', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'outpost-mcap-levels-')), 'small.mcap');
    const rec = await McapRecorder.create(file, { sync: false, chunkBytes: 16 * 1024 });
    const ch = rec.addChannel('/r1/scan', rec.addSchema('sensor_msgs/msg/LaserScan', 'ros2msg', ''), 'cdr', new Map());
    for (const [i, s] of sampleMix(2).entries()) rec.addMessage(ch, BigInt(i), BigInt(i), s.bytes);
    await rec.close();
    const r = await runMcapBench({ smoke: true, case: 'levels', file, runs: 1 });
    expect(r.levels!.chunks).toBeGreaterThan(2);
    expect(r.levels!.levels.map((l) => l.level)).toEqual([3, 1, -1, -3, -5]);
    for (const l of r.levels!.levels) {
      expect(l.mibPerS).toBeGreaterThan(0);
      expect(l.ratio).toBeGreaterThan(1);
    }
    await expect(runMcapBench({ smoke: true, case: 'levels' })).rejects.toMatchObject({
      code: 'OUTPOST_ERR_CLI_USAGE',
      message: expect.stringMatching(/expected --file X.mcap/),
    });
  });
});
