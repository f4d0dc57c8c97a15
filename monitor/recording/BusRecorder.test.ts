import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../runtime/msg/defaultRegistry.js';
import { QoS } from '../../runtime/QoS.js';
import { LocalBus } from '../../runtime/transport/LocalBus.js';
import { BusRecorder } from './BusRecorder.js';
import { McapRecording } from './McapRecording.js';
import { replayQoS } from './offeredQosProfiles.js';

const registry = defaultRegistry();
const dir = mkdtempSync(join(tmpdir(), 'outpost-busrec-'));
const clockAt = (s: number) => ({ clock: { sec: Math.floor(s), nanosec: Math.round((s % 1) * 1e9) } });

/** Records what `drive` publishes on a fresh bus; returns the file, opened. */
async function recordBus(
  file: string,
  options: { topics?: string[] },
  drive: (bus: LocalBus) => void,
): Promise<{ rec: McapRecording; recorder: BusRecorder }> {
  const bus = new LocalBus();
  const recorder = await BusRecorder.start(file, { bus, registry, time: 'sim', sync: false, ...options });
  drive(bus);
  await recorder.stop();
  return { rec: await McapRecording.open(file), recorder };
}

describe('BusRecorder', () => {
  it('records a topic from its first message, in sim time from /clock, with the publisher QoS', async () => {
    const file = join(dir, 'bus.mcap');
    const { rec } = await recordBus(file, {}, (bus) => {
      const clock = bus.advertise('/clock', 'rosgraph_msgs/msg/Clock', { ...QoS.profileClock }, '/sim');
      clock.publish(clockAt(1.5));
      // Advertised after the recorder started, published at once: the recorder must have it.
      const map = bus.advertise('/r1/map', 'std_msgs/msg/String', { ...QoS.profileLatched }, '/r1/mapper');
      map.publish({ data: 'first' });
      clock.publish(clockAt(2.25));
      map.publish({ data: 'second' });
    });
    const topics = [...rec.channels.values()].map((c) => c.topic).sort();
    expect(topics).toEqual(['/clock', '/r1/map']);
    const mapChannel = [...rec.channels.values()].find((c) => c.topic === '/r1/map')!;
    expect(replayQoS(mapChannel.metadata)).toEqual(QoS.profileLatched);
    const seen: Array<[string, bigint, unknown]> = [];
    await rec.forEachMessage((m) => {
      const ch = rec.channels.get(m.channelId)!;
      seen.push([ch.topic, m.logTime, registry.decode(rec.schemas.get(ch.schemaId)!.name, m.data)]);
    });
    await rec.close();
    expect(seen.filter(([t]) => t === '/r1/map').map(([, t, m]) => [t, m])).toEqual([
      [1_500_000_000n, { data: 'first' }],
      [2_250_000_000n, { data: 'second' }],
    ]);
  });

  it('with topics, records only those and reports the listed ones that never appeared', async () => {
    const file = join(dir, 'some.mcap');
    const { rec, recorder } = await recordBus(file, { topics: ['/a', '/never'] }, (bus) => {
      bus.advertise('/a', 'std_msgs/msg/String', { ...QoS.profileDefault }, '/n').publish({ data: 'a' });
      bus.advertise('/b', 'std_msgs/msg/String', { ...QoS.profileDefault }, '/n').publish({ data: 'b' });
    });
    expect([...rec.channels.values()].map((c) => c.topic)).toEqual(['/a']);
    expect(recorder.missingTopics()).toEqual(['/never']);
    expect(recorder.seenTopics()).toEqual(expect.arrayContaining(['/a', '/b', '/clock']));
    await rec.close();
  });
});
