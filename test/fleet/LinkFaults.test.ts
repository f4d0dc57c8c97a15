import { createServer } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetOutbox } from '../../runtime/fleet/FleetOutbox.js';
import { FleetSender } from '../../runtime/fleet/FleetSender.js';
import { LinkProxy } from '../../runtime/fleet/LinkProxy.js';
import { MosquittoBroker } from '../../runtime/fleet/testing/MosquittoBroker.js';
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

const ROUTES = ['r1/events', 'r1/tiles'];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function newSender(url: string, protocolVersion: 4 | 5, outbox: FleetOutbox): FleetSender {
  const sender = new FleetSender({
    outbox,
    registry,
    fleet: FLEET,
    robot: 'r1',
    peer: 'r2',
    url,
    username: 'r1',
    password: password('r1'),
    protocolVersion,
    reconnectPeriodSec: 0.02,
    ackTimeoutSec: 1,
    window: 64,
    logger: quietLogger,
  });
  cleanups.push(() => sender.close());
  return sender;
}

function enqueueAll(outbox: FleetOutbox, n: number): void {
  for (const route of ROUTES)
    outbox.enqueueMany(
      route,
      Array.from({ length: n }, (_, i) => encodeText(`${route}:${i}`)),
    );
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('fleet link faults', () => {
  it('a peer that cannot be reached gets one warning naming its URL; link drops after a connection stay at debug', async () => {
    // A port nobody listens on: take a free one and close it again.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const lines: Array<{ level: number; msg: string }> = [];
    const logger = pino(
      { level: 'debug' },
      {
        write: (l: string) => {
          lines.push(JSON.parse(l) as { level: number; msg: string });
        },
      },
    );
    const outbox = new FleetOutbox({ path: ':memory:', routes: testRoutes() });
    cleanups.push(() => outbox.close());
    const url = `mqtt://127.0.0.1:${port}`;
    const sender = new FleetSender({
      outbox,
      registry,
      fleet: FLEET,
      robot: 'r1',
      peer: 'r2',
      url,
      username: 'r1',
      password: password('r1'),
      protocolVersion: 4,
      reconnectPeriodSec: 0.02,
      ackTimeoutSec: 1,
      window: 64,
      logger,
    });
    cleanups.push(() => sender.close());
    sender.start();
    await expect
      .poll(() => sender.stats.errors, { timeout: 5000, message: 'five refused connection attempts' })
      .toBeGreaterThanOrEqual(5);
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toContain(`cannot reach ${url}`);
    expect(lines.filter((l) => l.level === 20 && l.msg.includes('ECONNREFUSED')).length).toBeGreaterThanOrEqual(4);
  });

  it('a link cut and restored 100 times during a stream delivers every message exactly once, in order', async () => {
    const broker = await startBroker('aedes');
    cleanups.push(() => broker.close());
    const { receiver, got } = await startReceiver(broker);
    cleanups.push(() => receiver.close());
    // An 80 kB/s radio link: the 3,000-message stream (with its resends) outlasts the 100 cuts
    // however fast the machine is (asserted below).
    const proxy = new LinkProxy({ targetPort: broker.port, bytesPerSecond: 80_000 });
    await proxy.start();
    cleanups.push(() => proxy.close());
    const outbox = new FleetOutbox({ path: ':memory:', routes: testRoutes() });
    cleanups.push(() => outbox.close());
    const sender = newSender(proxy.url, 4, outbox);
    const N = 1500;
    enqueueAll(outbox, N);
    sender.start();
    sender.kick();
    const progress: number[] = [];
    await expect.poll(() => sender.connected, { timeout: 5000, message: 'first connection' }).toBe(true);
    for (let cut = 0; cut < 100; cut++) {
      await sleep(15 + (cut % 5) * 5);
      proxy.cut();
      progress.push(got.length);
      // The sender must see each cut (a cut landing before it noticed the previous one would
      // only cost one reconnect for two, and the count below would be off by one).
      await expect.poll(() => sender.connected, { timeout: 5000, message: `disconnect at cut ${cut}` }).toBe(false);
      await sleep(5);
      proxy.restore();
      await expect.poll(() => sender.connected, { timeout: 5000, message: `reconnect after cut ${cut}` }).toBe(true);
    }
    expect(proxy.stats.cuts).toBe(100);
    expect(progress[50]).toBeLessThan(2 * N); // the stream was still running mid-way through the cuts
    await sender.drained();
    await receiver.idle();
    expect(checkExactlyOnceInOrder(got, ROUTES, N)).toEqual([]);
    expect(sender.stats.connects).toBeGreaterThanOrEqual(100);
    expect(sender.stats.resent).toBeGreaterThan(0); // messages in flight at a cut were sent again ...
    expect(receiver.stats.delivered).toBe(2 * N); // ... and deduplicated
  }, 60_000);

  it('Mosquitto killed mid-stream and restarted on the same port: every message exactly once, in order', async () => {
    const broker = new MosquittoBroker({
      fleet: FLEET,
      users: [
        { username: 'r1', password: 'pw-r1' },
        { username: 'r2', password: 'pw-r2' },
      ],
    });
    await broker.start();
    cleanups.push(() => broker.close());
    const { receiver, got } = await startReceiver(broker);
    cleanups.push(() => receiver.close());
    const outbox = new FleetOutbox({ path: ':memory:', routes: testRoutes() });
    cleanups.push(() => outbox.close());
    const sender = newSender(broker.url, 5, outbox);
    const N = 2000;
    enqueueAll(outbox, N);
    sender.start();
    sender.kick();
    await expect.poll(() => got.length, { timeout: 10_000, message: 'stream to start' }).toBeGreaterThanOrEqual(300);
    const port = broker.port;
    await broker.kill();
    const atKill = got.length;
    expect(atKill).toBeLessThan(2 * N);
    await sleep(200);
    await broker.start();
    expect(broker.port).toBe(port);
    await sender.drained();
    await expect.poll(() => got.length, { timeout: 10_000, message: 'all delivered' }).toBeGreaterThanOrEqual(2 * N);
    await receiver.idle();
    expect(checkExactlyOnceInOrder(got, ROUTES, N)).toEqual([]);
  }, 60_000);

  it('reconnectNow reaches a restored link at once, not at the next periodic attempt; it leaves an attempt under way alone', async () => {
    const broker = await startBroker('aedes');
    cleanups.push(() => broker.close());
    const { receiver, got } = await startReceiver(broker);
    cleanups.push(() => receiver.close());
    const proxy = new LinkProxy({ targetPort: broker.port });
    await proxy.start();
    cleanups.push(() => proxy.close());
    proxy.cut();
    const outbox = new FleetOutbox({ path: ':memory:', routes: testRoutes() });
    cleanups.push(() => outbox.close());
    // One attempt a minute: only reconnectNow can connect within this test.
    const sender = new FleetSender({
      outbox,
      registry,
      fleet: FLEET,
      robot: 'r1',
      peer: 'r2',
      url: proxy.url,
      username: 'r1',
      password: password('r1'),
      protocolVersion: 4,
      reconnectPeriodSec: 60,
      ackTimeoutSec: 1,
      window: 64,
      logger: quietLogger,
    });
    cleanups.push(() => sender.close());
    enqueueAll(outbox, 5);
    sender.start();
    await expect
      .poll(() => proxy.stats.refused, { timeout: 5000, message: 'the first attempt, refused by the cut link' })
      .toBeGreaterThanOrEqual(1);
    await sleep(100);
    expect(sender.connected).toBe(false);
    proxy.restore();
    sender.reconnectNow();
    sender.reconnectNow(); // an attempt is under way: no second socket
    await expect.poll(() => sender.connected, { timeout: 5000, message: 'connection after reconnectNow' }).toBe(true); // the next periodic attempt is 60 s away
    expect(proxy.stats.accepted).toBe(1);
    await expect.poll(() => got.length, { timeout: 5000, message: 'the queued messages' }).toBe(10);
    sender.reconnectNow(); // connected: nothing to do
    await sleep(50);
    expect(proxy.stats.accepted).toBe(1);
    expect(checkExactlyOnceInOrder(got, ROUTES, 5)).toEqual([]);
  });
});
