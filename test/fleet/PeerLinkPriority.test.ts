import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkProxy } from '../../runtime/fleet/LinkProxy.js';
import { PeerLink } from '../../runtime/fleet/PeerLink.js';
import {
  FLEET,
  password,
  quietLogger,
  registry,
  startBroker,
  startReceiver,
  tempDir,
  testRoutes,
} from './fleetHarness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('PeerLink priority on a slow link', () => {
  it('a small high-priority message overtakes a queued map transfer', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const broker = await startBroker('aedes');
    cleanups.push(() => broker.close());
    const { receiver, got } = await startReceiver(broker);
    cleanups.push(() => receiver.close());
    const proxy = new LinkProxy({ targetPort: broker.port, bytesPerSecond: 200_000 });
    await proxy.start();
    cleanups.push(() => proxy.close());
    const link = new PeerLink({
      registry,
      fleet: FLEET,
      robot: 'r1',
      peer: 'r2',
      url: proxy.url,
      username: 'r1',
      password: password('r1'),
      outboxPath: join(dir, 'outbox.db'),
      routes: testRoutes(),
      logger: quietLogger,
      bytesPerSecond: 150_000,
    });
    cleanups.push(() => link.close());
    link.start();
    const tile = 'x'.repeat(10_000);
    for (let i = 0; i < 60; i++) link.send('/r1/tiles', { data: `${i}:${tile}` }); // 600 kB: ~4 s on this link
    await expect
      .poll(() => got.length, { timeout: 10_000, message: 'the map transfer to start' })
      .toBeGreaterThanOrEqual(3);
    expect(await link.send('/r1/events', { data: 'battery low' })).toBe(true);
    await expect
      .poll(() => got.some((g) => g.route === 'r1/events'), { timeout: 10_000, message: 'the alert' })
      .toBe(true);
    const tilesBefore = got.findIndex((g) => g.route === 'r1/events');
    expect(tilesBefore).toBeLessThan(40); // it did not wait behind the 60 tiles
    await expect.poll(() => got.length, { timeout: 20_000, message: 'the rest of the map' }).toBe(61);
    expect(got.filter((g) => g.route === 'r1/tiles').map((g) => g.text.split(':')[0])).toEqual(
      Array.from({ length: 60 }, (_, i) => String(i)),
    );
    expect(receiver.stats.buffered).toBe(0); // sent in order: nothing waited at the receiver for a gap
  }, 30_000);
});
