import { describe, expect, it } from 'vitest';
import { Context } from './Context.js';
import { defineNodeKind, nodeKindSpec } from './defineNodeKind.js';
import { KindNode } from './KindNode.js';
import type { NodeKindOptions } from './NodeKind.js';
import { isOutpostError } from './OutpostError.js';

const spec = nodeKindSpec({
  name: 'probe',
  description: 'A node kind for the KindNode tests.',
  parameters: {
    rate_hz: { type: 'double', default: 5, range: { from: 0.1, to: 100 }, description: 'Rate.' },
    mode: { type: 'string', default: 'a', choices: ['a', 'b'], description: 'Mode.' },
    names: { type: 'string_array', default: ['r1'], description: 'Names.' },
  },
  publishes: { cmd_vel: 'geometry_msgs/msg/Twist', 'fleet/{teammate}/pose': 'geometry_msgs/msg/PoseStamped' },
  subscribes: { '{route*}': '*' },
  services: { '~/sync': 'std_srvs/srv/Trigger' },
});

class Probe extends KindNode<typeof spec> {
  constructor(context: Context, options: NodeKindOptions) {
    super(spec, context, options);
  }
}

const probeKind = defineNodeKind(spec, (context, options) => new Probe(context, options));
const options = (overrides: Record<string, unknown> = {}): NodeKindOptions => ({
  name: 'probe',
  namespace: 'r1',
  parameterOverrides: overrides,
  remappings: [],
});

describe('KindNode', () => {
  it('declares every parameter from the spec and reads them typed, live after a set', async () => {
    const context = new Context();
    const node = probeKind.create(context, options({ rate_hz: 20 })) as Probe;
    const rate: number = node.params.rate_hz;
    const mode: 'a' | 'b' = node.params.mode;
    expect([rate, mode, node.params.names]).toEqual([20, 'a', ['r1']]);
    expect(node.setParameters([{ name: 'mode', value: 'b' }])[0]!.successful).toBe(true);
    expect(node.params.mode).toBe('b');
    expect(node.setParameters([{ name: 'mode', value: 'c' }])[0]!.successful).toBe(false);
    expect(node.params.mode).toBe('b');
    node.destroy();
    await context.close();
  });

  it('creates endpoints by their declared name and records what it created', async () => {
    const context = new Context();
    const node = new Probe(context, options());
    node.publisher('cmd_vel');
    node.publisher('fleet/{teammate}/pose', { with: { teammate: 'r2' } });
    node.createSubscription('nav_msgs/msg/Odometry', 'fleet/r2/odom', {}, () => undefined);
    node.service('~/sync', () => ({ success: true, message: '' }));
    expect(node.createdEndpoints().map((e) => [e.role, e.pattern, e.resolved, e.type])).toEqual([
      ['publishes', 'cmd_vel', '/r1/cmd_vel', 'geometry_msgs/msg/Twist'],
      ['publishes', 'fleet/{teammate}/pose', '/r1/fleet/r2/pose', 'geometry_msgs/msg/PoseStamped'],
      ['subscribes', '{route*}', '/r1/fleet/r2/odom', 'nav_msgs/msg/Odometry'],
      ['services', '~/sync', '/r1/probe/sync', 'std_srvs/srv/Trigger'],
    ]);
    node.destroy();
    await context.close();
  });

  it('refuses an endpoint its spec does not declare, or one of another type, naming both', async () => {
    const context = new Context();
    const node = new Probe(context, options());
    const attempt = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err;
      }
      return undefined;
    };
    const undeclared = attempt(() => node.createPublisher('std_msgs/msg/String', 'chatter'));
    expect(isOutpostError(undeclared) && undeclared.code).toBe('OUTPOST_ERR_UNDECLARED_ENDPOINT');
    expect((undeclared as Error).message).toMatch(
      /publishes chatter \[std_msgs\/msg\/String\].*declared publishes: cmd_vel \[geometry_msgs\/msg\/Twist\]/,
    );
    const wrongType = attempt(() => node.createPublisher('std_msgs/msg/String', 'cmd_vel'));
    expect(isOutpostError(wrongType) && wrongType.code).toBe('OUTPOST_ERR_UNDECLARED_ENDPOINT');
    const twoSegments = attempt(() => node.createPublisher('geometry_msgs/msg/PoseStamped', 'fleet/a/b/pose'));
    expect(isOutpostError(twoSegments) && twoSegments.code).toBe('OUTPOST_ERR_UNDECLARED_ENDPOINT');
    expect(() => node.publisher('fleet/{teammate}/pose')).toThrow(/no value given for \{teammate\}/);
    expect(node.createdEndpoints()).toEqual([]);
    node.destroy();
    await context.close();
  });
});
