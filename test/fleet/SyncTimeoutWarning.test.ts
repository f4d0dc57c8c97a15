import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Context, Node } from '../../runtime/index.js';
import { FleetLinkRig } from './fleetLinkRig.js';

const rig = new FleetLinkRig();
afterEach(() => rig.stopAll());

describe('fleet_link ~/sync that keeps timing out', () => {
  it("says so once at WARN with each peer's state, then at debug, and at INFO when it settles again", async () => {
    const lines: Array<{ level: number; msg: string; node?: string }> = [];
    const ctx = new Context({
      logger: pino(
        { level: 'debug' },
        {
          write: (l: string) => {
            lines.push(JSON.parse(l) as { level: number; msg: string });
          },
        },
      ),
    });
    // The gate keeps r1–r2 down until the test brings it up.
    const { gate, r1 } = await rig.twoRobots(ctx, {}, { reconnect_period_s: 0.05 });
    const sim = rig.own(new Node('sim', '/', ctx));
    const sync = sim.createClient('outpost_msgs/srv/FleetSync', '/r1/fleet_link/sync');
    const pub = new Node('src', '/r1', ctx).createPublisher('std_msgs/msg/String', 'events', { qos: 100 });
    await expect.poll(() => r1.peers.has('r2'), { timeout: 5000, message: 'r2 to be announced' }).toBe(true);
    for (let i = 0; i < 3; i++) pub.publish({ data: `e${i}` });
    await ctx.spinUntilIdle();

    // The caller says r2 is reachable, but the radio link is not there: three syncs time out.
    for (let i = 0; i < 3; i++) {
      const res = await sync.sendRequestAsync({ reachable: ['r2'], timeout_s: 0.2 }, { timeout: 5000 });
      expect(res.settled).toBe(false);
    }
    const warnings = lines.filter((l) => l.level === 40 && l.msg.includes('~/sync timed out'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toContain(
      'fleet link r1: ~/sync timed out waiting for r2 (not connected, 3 queued, 0 in flight, last ack never)',
    );
    expect(lines.filter((l) => l.level === 20 && l.msg.includes('~/sync timed out again'))).toHaveLength(2);

    // The link comes up: the next sync settles, and says the episode is over.
    gate.gate.apply([{ a: 'r1', b: 'r2', up: true, bytesPerSecond: 0, loss: 0, latencySec: 0 }]);
    const res = await sync.sendRequestAsync({ reachable: ['r2'], timeout_s: 5 }, { timeout: 10_000 });
    expect(res.settled).toBe(true);
    expect(
      lines.filter((l) => l.level === 30 && l.msg.includes('~/sync settles again, after 3 timeout(s)')),
    ).toHaveLength(1);
    expect(r1.peers.get('r2')!.link.outbox.size).toBe(0);
  }, 30_000);
});
