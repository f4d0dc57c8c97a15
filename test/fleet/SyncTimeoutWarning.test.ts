import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Context, Node } from '../../runtime/index.js';
import { fleetLinkKind, type FleetLinkNode } from '../../nodes/fleet/FleetLinkNode.js';
import { linkGateKind, type LinkGateNode } from '../../nodes/fleet/LinkGateNode.js';
import { packageRoot } from '../../runtime/packageRoot.js';

const nodes: Node[] = [];
afterEach(async () => {
  for (const n of nodes.splice(0).reverse()) await n.shutdownAndDestroy();
});

async function up<T extends Node>(n: T): Promise<T> {
  nodes.push(n);
  expect((await n.configure()).result).toBe('success');
  expect((await n.activate()).result).toBe('success');
  return n;
}

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
    const dir = mkdtempSync(join(tmpdir(), 'outpost-sync-warn-'));
    // The gate keeps r1–r2 down until the test brings it up.
    const gate = await up(
      linkGateKind.create(ctx, {
        name: 'gate',
        namespace: '/',
        remappings: [],
        parameterOverrides: {},
      }) as LinkGateNode,
    );
    const common = {
      fleet: 'demo',
      discover: true,
      outbox_dir: dir,
      map_topic: '',
      reconnect_period_s: 0.05,
      credentials_file: join(packageRoot(), 'launch/fleet/demo-credentials.yaml'),
      routes: ['events std_msgs/msg/String priority=200'],
    };
    const r1 = await up(
      fleetLinkKind.create(ctx, {
        name: 'fleet_link',
        namespace: '/r1',
        remappings: [],
        parameterOverrides: common,
      }) as FleetLinkNode,
    );
    await up(
      fleetLinkKind.create(ctx, {
        name: 'fleet_link',
        namespace: '/r2',
        remappings: [],
        parameterOverrides: common,
      }) as FleetLinkNode,
    );
    const sim = new Node('sim', '/', ctx);
    nodes.push(sim);
    const sync = sim.createClient('outpost_msgs/srv/FleetSync', '/r1/fleet_link/sync');
    const pub = new Node('src', '/r1', ctx).createPublisher('std_msgs/msg/String', 'events', { qos: 100 });
    const t0 = Date.now();
    while (r1.peers.get('r2') === undefined) {
      if (Date.now() - t0 > 5000) throw new Error('r2 was never announced');
      await new Promise((r) => setTimeout(r, 20));
    }
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
