import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Context, Node } from '../../runtime/index.js';
import { fleetLinkKind, type FleetLinkNode } from '../../nodes/fleet/FleetLinkNode.js';
import { linkGateKind, type LinkGateNode } from '../../nodes/fleet/LinkGateNode.js';
import { packageRoot } from '../../runtime/packageRoot.js';

/**
 * Two robots' fleet links (r1, r2) behind one link gate, in one context, on the demo fleet's
 * embedded brokers: the set-up the in-process fleet_link tests share. `stopAll` (call it from
 * afterEach) shuts every node down in reverse order.
 */
export class FleetLinkRig {
  readonly #nodes: Node[] = [];
  #dir: string | undefined;

  /** Configures and activates `node`, and shuts it down with the rig. */
  async up<T extends Node>(node: T): Promise<T> {
    this.#nodes.push(node);
    expect((await node.configure()).result).toBe('success');
    expect((await node.activate()).result).toBe('success');
    return node;
  }

  /** A node shut down with the rig (for plain nodes the test configures itself or not at all). */
  own<T extends Node>(node: T): T {
    this.#nodes.push(node);
    return node;
  }

  async stopAll(): Promise<void> {
    for (const n of this.#nodes.splice(0).reverse()) await n.shutdownAndDestroy();
    this.#dir = undefined;
  }

  /** A link gate (with `overrides`, e.g. a schedule), configured and active. */
  gate(ctx: Context, overrides: Record<string, unknown> = {}): Promise<LinkGateNode> {
    return this.up(
      linkGateKind.create(ctx, {
        name: 'gate',
        namespace: '/',
        remappings: [],
        parameterOverrides: overrides,
      }) as LinkGateNode,
    );
  }

  /**
   * A robot's fleet link in namespace `ns`, configured and active: the demo fleet, discovery through
   * the gate, one outbox folder per test, and the `events` route, unless `overrides` say otherwise.
   */
  fleetLink(ctx: Context, ns: string, overrides: Record<string, unknown> = {}): Promise<FleetLinkNode> {
    this.#dir ??= mkdtempSync(join(tmpdir(), 'outpost-fleet-rig-'));
    const parameterOverrides = {
      fleet: 'demo',
      discover: true,
      outbox_dir: this.#dir,
      map_topic: '',
      credentials_file: join(packageRoot(), 'launch/fleet/demo-credentials.yaml'),
      routes: ['events std_msgs/msg/String priority=200'],
      ...overrides,
    };
    return this.up(
      fleetLinkKind.create(ctx, {
        name: 'fleet_link',
        namespace: ns,
        remappings: [],
        parameterOverrides,
      }) as FleetLinkNode,
    );
  }

  /** The gate and r1's and r2's fleet links, with the same link overrides. */
  async twoRobots(
    ctx: Context,
    gateOverrides: Record<string, unknown>,
    linkOverrides: Record<string, unknown> = {},
  ): Promise<{ gate: LinkGateNode; r1: FleetLinkNode; r2: FleetLinkNode }> {
    const gate = await this.gate(ctx, gateOverrides);
    const r1 = await this.fleetLink(ctx, '/r1', linkOverrides);
    const r2 = await this.fleetLink(ctx, '/r2', linkOverrides);
    return { gate, r1, r2 };
  }
}
