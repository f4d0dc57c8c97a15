import { afterEach, describe, expect, it } from 'vitest';
import { FleetOutbox } from '../../runtime/fleet/FleetOutbox.js';
import { FleetSender } from '../../runtime/fleet/FleetSender.js';
import {
  FLEET,
  checkExactlyOnceInOrder,
  encodeText,
  password,
  quietLogger,
  registry,
  startBroker,
  startReceiver,
  testRoutes,
} from './fleetHarness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.each(['aedes', 'mosquitto'] as const)('fleet link over %s', (kind) => {
  it('delivers two routes exactly once, in order', async () => {
    const broker = await startBroker(kind);
    cleanups.push(() => broker.close());
    const { receiver, got } = await startReceiver(broker);
    cleanups.push(() => receiver.close());
    const outbox = new FleetOutbox({ path: ':memory:', routes: testRoutes() });
    cleanups.push(() => outbox.close());
    const sender = new FleetSender({
      outbox,
      registry,
      fleet: FLEET,
      robot: 'r1',
      peer: 'r2',
      url: broker.url,
      username: 'r1',
      password: password('r1'),
      protocolVersion: broker.protocolVersion,
      logger: quietLogger,
    });
    cleanups.push(() => sender.close());
    sender.start();
    for (const route of ['r1/events', 'r1/tiles']) {
      outbox.enqueueMany(
        route,
        Array.from({ length: 500 }, (_, i) => encodeText(`${route}:${i}`)),
      );
    }
    sender.kick();
    await expect
      .poll(() => got.length >= 1000 && outbox.size === 0, { timeout: 15_000, message: 'all delivered and acked' })
      .toBe(true);
    expect(checkExactlyOnceInOrder(got, ['r1/events', 'r1/tiles'], 500)).toEqual([]);
  });
});
