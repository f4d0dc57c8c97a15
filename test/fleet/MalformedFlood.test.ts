import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetInbox } from '../../runtime/fleet/FleetInbox.js';
import type { FleetEnvelope } from '../../runtime/fleet/FleetEnvelope.js';
import { FleetReceiver } from '../../runtime/fleet/FleetReceiver.js';
import { FLEET, password, registry, startBroker } from './fleetHarness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a teammate flooding malformed envelopes', () => {
  it('5,000 bad envelopes on Mosquitto: all counted, a handful of WARN lines that account for every one', async () => {
    const broker = await startBroker('mosquitto');
    cleanups.push(() => broker.close());
    const lines: Array<{ level: number; msg: string; reason?: string; suppressed?: number }> = [];
    const logger = pino(
      { level: 'info' },
      {
        write: (l: string) => {
          lines.push(JSON.parse(l));
        },
      },
    );
    const receiver = new FleetReceiver({
      inbox: new FleetInbox<FleetEnvelope>({ path: ':memory:' }),
      registry,
      fleet: FLEET,
      robot: 'r2',
      url: broker.url,
      username: 'r2',
      password: password('r2'),
      protocolVersion: broker.protocolVersion,
      reconnectPeriodSec: 0.05,
      logger,
      handler: () => undefined,
    });
    await receiver.start();
    const r1 = await mqtt.connectAsync(broker.url, {
      username: 'r1',
      password: password('r1'),
      protocolVersion: broker.protocolVersion,
      reconnectPeriod: 0,
    });
    cleanups.push(() => r1.endAsync(true));
    const t0 = performance.now();
    // In bursts of 500 that the receiver catches up with: the broker drops QoS 1 messages past a
    // subscriber's queue limit (Mosquitto: 1,000), and a loaded machine reads slowly.
    for (let burst = 0; burst < 10; burst++) {
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < 500; i++)
        sends.push(r1.publishAsync('outpost/f/r1/events', Buffer.from(`garbage #${burst * 500 + i}`), { qos: 1 }));
      await Promise.all(sends);
      await expect
        .poll(() => receiver.stats.malformed, {
          timeout: 60_000,
          message: `envelopes ${burst * 500}..${burst * 500 + 499} to be seen`,
        })
        .toBe((burst + 1) * 500);
    }
    const elapsedSec = (performance.now() - t0) / 1000;
    await receiver.close();
    const drops = lines.filter(
      (l) => l.reason === 'malformed' || l.msg.includes('"malformed" line(s) were not logged'),
    );
    // Before the limiter: one WARN per envelope (3,580 lines of 5,000 in the field report).
    expect(drops.length).toBeGreaterThanOrEqual(2); // the first, and the closing count
    // One line per 10 s interval while the flood lasts (about 3 s on an idle machine), one at close.
    expect(drops.length).toBeLessThanOrEqual(2 + Math.ceil(elapsedSec / 10));
    expect(drops[0]!.msg).toMatch(/^fleet receiver: dropped a message on outpost\/f\/r1\/events \(malformed\): /);
    expect(
      drops.reduce((n, l) => n + (l.msg.includes('were not logged') ? l.suppressed! : 1 + (l.suppressed ?? 0)), 0),
    ).toBe(5000);
  }, 600_000);
});
