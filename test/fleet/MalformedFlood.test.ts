import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetInbox } from '../../runtime/fleet/FleetInbox.js';
import type { FleetEnvelope } from '../../runtime/fleet/FleetEnvelope.js';
import { FleetReceiver } from '../../runtime/fleet/FleetReceiver.js';
import { FLEET, password, registry, startBroker, waitFor } from './fleetHarness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

describe('a teammate flooding malformed envelopes (issue #14 item 5)', () => {
  it('5,000 bad envelopes on Mosquitto: all counted, a handful of WARN lines that account for every one', async () => {
    const broker = await startBroker('mosquitto');
    cleanups.push(() => broker.close());
    const lines: Array<{ level: number; msg: string; reason?: string; suppressed?: number }> = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => { lines.push(JSON.parse(l)); } });
    const receiver = new FleetReceiver({
      inbox: new FleetInbox<FleetEnvelope>({ path: ':memory:' }), registry, fleet: FLEET, robot: 'r2',
      url: broker.url, username: 'r2', password: password('r2'), protocolVersion: broker.protocolVersion,
      reconnectPeriodSec: 0.05, logger, handler: () => undefined,
    });
    await receiver.start();
    const r1 = await mqtt.connectAsync(broker.url, { username: 'r1', password: password('r1'), protocolVersion: broker.protocolVersion, reconnectPeriod: 0 });
    cleanups.push(() => r1.endAsync(true));
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 5000; i++) sends.push(r1.publishAsync('outpost/f/r1/events', Buffer.from(`garbage #${i}`), { qos: 1 }));
    await Promise.all(sends);
    await waitFor(() => receiver.stats.malformed === 5000, 30_000, 'all 5,000 envelopes to be seen');
    await receiver.close();
    const drops = lines.filter((l) => l.reason === 'malformed' || l.msg.includes('"malformed" line(s) were not logged'));
    // Before the limiter: one WARN per envelope (3,580 lines of 5,000 in the field report).
    expect(drops.length).toBeGreaterThanOrEqual(2); // the first, and the closing count
    expect(drops.length).toBeLessThanOrEqual(6); // the flood takes seconds, the interval is 10 s
    expect(drops[0]!.msg).toMatch(/^fleet receiver: dropped a message on outpost\/f\/r1\/events \(malformed\): /);
    expect(drops.reduce((n, l) => n + (l.msg.includes('were not logged') ? l.suppressed! : 1 + (l.suppressed ?? 0)), 0)).toBe(5000);
  }, 60_000);
});
