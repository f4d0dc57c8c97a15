import { afterEach, describe, expect, it } from 'vitest';
import { isOutpostError } from '../../runtime/OutpostError.js';
import { FleetOutbox } from '../../runtime/fleet/FleetOutbox.js';
import { defineRoute } from '../../runtime/fleet/FleetRoute.js';
import { FleetSender } from '../../runtime/fleet/FleetSender.js';
import { parseRouteSpec } from '../../nodes/fleet/RouteSpec.js';
import { FLEET, encodeText, password, quietLogger, registry, startBroker, startReceiver } from './fleetHarness.js';

// A latest-only route with acked=false (telemetry to the ground station, issue 15): QoS 0 and no
// application ack, yet the outbox keeps only the newest while the link is down, counts what it
// supersedes, and holds nothing once a message is written.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('latest-only route with acked=false', () => {
  it('validates the option where routes are declared', () => {
    expect(defineRoute({ topic: '/t', type: 'std_msgs/msg/String', reliability: 'latest-only' }).acked).toBe(true);
    expect(defineRoute({ topic: '/t', type: 'std_msgs/msg/String', reliability: 'best-effort' }).acked).toBe(false);
    expect(parseRouteSpec('telemetry std_msgs/msg/String reliability=latest-only acked=false').acked).toBe(false);
    const refusals: [() => unknown, RegExp][] = [
      [() => defineRoute({ topic: '/t', type: 'std_msgs/msg/String', acked: false }), /acked=false needs latest-only/],
      [
        () => defineRoute({ topic: '/t', type: 'std_msgs/msg/String', reliability: 'best-effort', acked: true }),
        /best-effort route is never acknowledged/,
      ],
      [
        () => parseRouteSpec('t std_msgs/msg/String reliability=latest-only acked=no'),
        /acked: expected true or false, got "no"/,
      ],
    ];
    for (const [f, why] of refusals) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(isOutpostError(err, 'OUTPOST_ERR_FLEET_ROUTE')).toBe(true);
      expect((err as Error).message).toMatch(why);
    }
  });

  it('sends the newest at QoS 0, nothing is acked, and the outbox empties', async () => {
    const broker = await startBroker('aedes');
    cleanups.push(() => broker.close());
    const { receiver, got } = await startReceiver(broker);
    cleanups.push(() => receiver.close());
    const route = defineRoute({
      topic: '/r1/telemetry',
      type: 'std_msgs/msg/String',
      reliability: 'latest-only',
      acked: false,
    });
    const outbox = new FleetOutbox({ path: ':memory:', routes: [route] });
    cleanups.push(() => outbox.close());
    // Link down: five records, only the newest stays; four counted as superseded.
    for (let i = 0; i < 5; i++) outbox.enqueue('r1/telemetry', encodeText(`record ${i}`));
    expect(outbox.size).toBe(1);
    expect(outbox.dropped()['r1/telemetry']?.superseded).toBe(4);
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
    await expect.poll(() => got.length, { timeout: 10_000 }).toBe(1);
    expect(got[0]).toMatchObject({ route: 'r1/telemetry', text: 'record 4', seq: 5n });
    for (let i = 5; i < 8; i++) {
      outbox.enqueue('r1/telemetry', encodeText(`record ${i}`));
      sender.kick();
      await expect.poll(() => got.length, { timeout: 10_000 }).toBe(i - 3);
    }
    expect(got.map((g) => g.text)).toEqual(['record 4', 'record 5', 'record 6', 'record 7']);
    await receiver.idle();
    expect(outbox.size).toBe(0);
    expect(sender.inFlight).toBe(0);
    expect(sender.stats.acked).toBe(0);
    expect(receiver.stats.acksSent).toBe(0);
    // Seqs 1-4 were superseded at the sender: the receiver passes over them without waiting.
    expect(receiver.stats.skipped).toBe(4);
  });
});
