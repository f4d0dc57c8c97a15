import { afterEach, describe, expect, it } from 'vitest';
import { FleetOutbox } from '../../runtime/fleet/FleetOutbox.js';
import { FleetSender } from '../../runtime/fleet/FleetSender.js';
import { LinkProxy } from '../../runtime/fleet/LinkProxy.js';
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

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * The stuck-link race. The radio comes back while the sender's periodic attempt is being refused by
 * the cut link: that attempt's socket is destroyed, but its 'close' has not been emitted yet, when
 * a caller that knows the link is up (the simulator's ~/sync, polled from the event loop's check
 * phase) asks for a connection now. Before the fix, the old socket's late 'close' was taken by
 * mqtt.js for the new connection's: it cleared the new connack timer and armed the reconnect timer,
 * whose next tick ended the live connection with a graceful end() that waited for PUBACKs of
 * messages lost with the cut link, forever. The link then said connected while every publish
 * failed ("client disconnecting"), or said disconnected while an open socket waited.
 */
describe('fleet link: reconnect racing a closing socket', () => {
  it.each(['aedes', 'mosquitto'] as const)(
    'a link restored while a refused attempt is closing drains and stays up (%s)',
    async (kind) => {
      const broker = await startBroker(kind);
      cleanups.push(() => broker.close());
      const { receiver, got } = await startReceiver(broker);
      cleanups.push(() => receiver.close());
      // A slow radio link, so that PUBACKs are still on their way when it is cut.
      const proxy = new LinkProxy({ targetPort: broker.port, bytesPerSecond: 40_000 });
      await proxy.start();
      cleanups.push(() => proxy.close());
      const outbox = new FleetOutbox({ path: ':memory:', routes: testRoutes() });
      cleanups.push(() => outbox.close());
      const sender = new FleetSender({
        outbox,
        registry,
        fleet: FLEET,
        robot: 'r1',
        peer: 'r2',
        url: proxy.url,
        username: 'r1',
        password: password('r1'),
        protocolVersion: broker.protocolVersion,
        reconnectPeriodSec: 0.05,
        ackTimeoutSec: 1,
        window: 64,
        logger: quietLogger,
      });
      cleanups.push(() => sender.close());
      const N = 600;
      for (const route of ROUTES)
        outbox.enqueueMany(
          route,
          Array.from({ length: N }, (_, i) => encodeText(`${route}:${i}:${'x'.repeat(200)}`)),
        );
      sender.start();
      let races = 0;
      for (let round = 0; round < 6; round++) {
        await expect
          .poll(() => sender.connected && sender.inFlight > 0, {
            timeout: 10_000,
            message: `connection ${round} with messages in flight`,
          })
          .toBe(true);
        proxy.cut();
        await expect.poll(() => sender.connected, { timeout: 5000, message: `the cut of round ${round}` }).toBe(false);
        // The next periodic attempt is refused by the cut link; the radio comes back at that moment.
        const refused = proxy.stats.refused;
        while (proxy.stats.refused === refused) await turn();
        proxy.restore();
        // ~/sync: asks for a connection on every turn of the loop until it has one.
        for (let i = 0; i < 2000 && !sender.connected; i++) {
          sender.reconnectNow();
          await turn();
        }
        races++;
      }
      expect(races).toBe(6);
      // Every message arrives, in order, and the link never stays up without draining.
      await Promise.race([
        sender.drained(),
        new Promise((_, reject) =>
          setTimeout(
            () =>
              reject(
                new Error(
                  `not drained within 20 s: connected=${sender.connected} queued=${outbox.size} inFlight=${sender.inFlight} stats=${JSON.stringify(sender.stats)}`,
                ),
              ),
            20_000,
          ),
        ),
      ]);
      await receiver.idle();
      expect(
        checkExactlyOnceInOrder(
          got.map((g) => ({ route: g.route, text: g.text.replace(/:x+$/, '') })),
          ROUTES,
          N,
        ),
      ).toEqual([]);
      expect(sender.connected).toBe(true);
    },
    60_000,
  );
});
