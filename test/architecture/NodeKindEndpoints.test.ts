import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinNodeKinds } from '../../launch/builtinNodeKinds.js';
import { Launcher } from '../../launch/Launcher.js';
import { loadLaunchFile } from '../../launch/LaunchPlan.js';
import { KindNode } from '../../runtime/KindNode.js';
import { Node } from '../../runtime/Node.js';
import type { NodeKind } from '../../runtime/NodeKind.js';
import { FoxgloveBridgeNode } from '../../monitor/foxglove/FoxgloveBridgeNode.js';
import { WebSocket } from 'ws';

/**
 * The node-kind tables cannot drift from the code: every kind in the builtin registry is started
 * in a short launch that makes it create its endpoints, and the declared patterns its nodes
 * matched must be exactly the ones it declares. Creating an undeclared endpoint already throws
 * (OUTPOST_ERR_UNDECLARED_ENDPOINT); this catches the other way round, a declared endpoint the
 * code never creates, and a kind no launch here starts. A kind whose endpoints depend on its
 * parameters needs a launch below that sets them.
 */
const ROLES = ['publishes', 'subscribes', 'services', 'clients'] as const;

/** Per kind: "role pattern" of every endpoint its nodes created, over all launches. */
const created = new Map<string, Set<string>>();
/** Nodes launched from a kind not built with defineNodeKind/KindNode (they cannot be checked). */
const unchecked: string[] = [];
/** Nodes that did not reach active (they may not have created everything). */
const inactive: string[] = [];

function collect(nodes: readonly Node[]): void {
  for (const node of nodes) {
    if (!(node instanceof KindNode)) {
      unchecked.push(node.getFullyQualifiedName());
      continue;
    }
    if (node.lifecycleState !== 'active') inactive.push(`${node.getFullyQualifiedName()} (${node.lifecycleState})`);
    const set = created.get(node.spec.name) ?? new Set<string>();
    created.set(node.spec.name, set);
    for (const e of node.createdEndpoints()) set.add(`${e.role} ${e.pattern}`);
  }
}

/** Runs a launch file; `report`: until the simulator's mission report, else just up. */
async function launch(file: string, args: Record<string, string>, report: boolean): Promise<void> {
  const kinds = builtinNodeKinds();
  const plan = loadLaunchFile(file, { arguments: args, registry: kinds });
  const launcher = new Launcher({
    plan,
    kinds,
    logger: pino({ level: 'silent' }),
    runDir: mkdtempSync(join(tmpdir(), 'outpost-kinds-')),
  });
  try {
    await launcher.start();
    if (report) {
      const watcher = new Node('watcher', '/test', launcher.context);
      await new Promise<void>((resolve) => {
        watcher.createSubscription(
          'std_msgs/msg/String',
          '/sim/report',
          { qos: { durability: 'transient_local', depth: 1 } },
          () => resolve(),
        );
      });
      watcher.destroy();
    }
    await listenToFoxgloveBridges(launcher.nodes);
    collect(launcher.nodes);
  } finally {
    await launcher.stop();
  }
}

/**
 * A foxglove_bridge subscribes to a topic (`/{topic*}`, any type) only while a client listens: be
 * that client, on the first topic it advertises, until the bridge has subscribed.
 */
async function listenToFoxgloveBridges(nodes: readonly Node[]): Promise<void> {
  for (const node of nodes) {
    if (!(node instanceof FoxgloveBridgeNode) || node.server === undefined) continue;
    const server = node.server;
    const ws = new WebSocket(server.url, ['foxglove.sdk.v1']);
    try {
      const channelId = await new Promise<number>((resolve, reject) => {
        ws.on('error', reject);
        ws.on('message', (data) => {
          const msg = JSON.parse(String(data)) as { op: string; channels?: Array<{ id: number }> };
          if (msg.op === 'advertise' && msg.channels !== undefined && msg.channels.length > 0)
            resolve(msg.channels[0]!.id);
        });
      });
      ws.send(JSON.stringify({ op: 'subscribe', subscriptions: [{ id: 1, channelId }] }));
      // In beforeAll, where expect.poll cannot run: wait up to 5 s for the bus subscription.
      for (let i = 0; i < 500 && server.subscribedTopics.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      ws.terminate();
    }
  }
}

function declared(kind: NodeKind): string[] {
  return ROLES.flatMap((role) => Object.keys(kind[role] ?? {}).map((pattern) => `${role} ${pattern}`)).sort();
}

describe('node kinds create exactly the endpoints they declare', () => {
  beforeAll(async () => {
    // Two robots in contact for a few sim seconds: simulator, link_gate and each robot's mapper,
    // planner, controller, explorer and fleet_link, with routes delivered between them; the
    // privileged expert (its true-pose subscriptions); the motor bridges on ptys to the
    // simulated motor controllers.
    await launch(
      'launch/sim/explore.launch.yaml',
      {
        robots: '2',
        seed: '1',
        until_time: '3',
        firmware: 'serial',
        policy: 'expert',
        ground_truth: 'sim/worlds/small_rooms.yaml',
      },
      true,
    );
    // The mavlink bridge on a pty to the simulated autopilot; the learned policy (its host's
    // diagnostics).
    await launch(
      'launch/sim/explore.launch.yaml',
      { robots: '1', seed: '1', until_time: '1', firmware: 'mavlink', policy: 'ir2' },
      true,
    );
    await launch('test/architecture/examples.launch.yaml', {}, false);
  }, 120_000);

  it('starts every registered kind, each built with defineNodeKind and brought to active', () => {
    expect(unchecked).toEqual([]);
    expect(inactive).toEqual([]);
    expect([...created.keys()].sort()).toEqual(builtinNodeKinds().names());
  });

  it.each(
    builtinNodeKinds()
      .all()
      .map((k) => [k.name, k] as const),
  )('%s', (_, kind) => {
    expect([...(created.get(kind.name) ?? [])].sort()).toEqual(declared(kind));
  });
});
