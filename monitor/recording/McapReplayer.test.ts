import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../runtime/msg/defaultRegistry.js';
import { QoS } from '../../runtime/QoS.js';
import { LocalBus } from '../../runtime/transport/LocalBus.js';
import { BusRecorder } from './BusRecorder.js';
import { McapRecording } from './McapRecording.js';
import { McapReplayer } from './McapReplayer.js';

const registry = defaultRegistry();
const dir = mkdtempSync(join(tmpdir(), 'outpost-replay-'));
const clockAt = (s: number) => ({ clock: { sec: Math.floor(s), nanosec: Math.round((s % 1) * 1e9) } });

describe('McapReplayer', () => {
  it('replays at the recorded pace scaled by rate, publishing /clock from log times when none was recorded', async () => {
    const file = join(dir, 'paced.mcap');
    const recorded = await (async () => {
      const bus = new LocalBus();
      const recorder = await BusRecorder.start(file, { bus, registry, time: 'sim', sync: false, topics: ['/x'] });
      const clock = bus.advertise('/clock', 'rosgraph_msgs/msg/Clock', { ...QoS.profileClock }, '/sim');
      const x = bus.advertise('/x', 'std_msgs/msg/String', { ...QoS.profileDefault }, '/n');
      for (let i = 0; i <= 10; i++) {
        clock.publish(clockAt(i * 0.1));
        x.publish({ data: String(i) });
      }
      await recorder.stop();
      return McapRecording.open(file);
    })();
    const bus = new LocalBus();
    const got: Array<{ at: number; data: string }> = [];
    const clocks: number[] = [];
    bus.subscribe('/x', 'std_msgs/msg/String', { ...QoS.profileDefault }, '/t', (m) =>
      got.push({ at: performance.now(), data: (m as { data: string }).data }),
    );
    bus.subscribe('/clock', 'rosgraph_msgs/msg/Clock', { ...QoS.profileClock }, '/t', (m) => {
      const c = (m as ReturnType<typeof clockAt>).clock;
      clocks.push(c.sec + c.nanosec / 1e9);
    });
    // 1 s of recording at rate 4: about 0.25 s.
    const replayer = new McapReplayer(recorded, { bus, registry, rate: 4, signal: new AbortController().signal });
    replayer.advertise();
    const start = performance.now();
    const result = await replayer.play();
    const took = performance.now() - start;
    replayer.close();
    await recorded.close();
    expect(result.messages).toBe(11);
    expect(got.map((g) => g.data)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(took).toBeGreaterThanOrEqual(240);
    // The schedule is anchored at the start (a late first message does not delay the rest).
    expect(got.at(-1)!.at - start).toBeGreaterThanOrEqual(240);
    expect(clocks[0]).toBe(0);
    expect(clocks.at(-1)).toBeCloseTo(1, 6);
    expect(
      () => new McapReplayer(recorded, { bus, registry, topics: ['/y'], signal: new AbortController().signal }),
    ).toThrow(/--topics: \/y not in .*paced\.mcap; it has \/x/);
  });
});
