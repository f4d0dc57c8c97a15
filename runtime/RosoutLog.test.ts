import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Context } from './Context.js';
import { ManualClock } from './clock/ManualClock.js';
import { Node } from './Node.js';
import { parseRosoutLevel } from './RosoutLog.js';

type Log = { level: number; name: string; msg: string; stamp: { sec: number; nanosec: number } };

describe('/rosout', () => {
  it("publishes a node's records at or above the rosout level, child loggers included, stamped by the node's clock", async () => {
    const ctx = new Context({ logger: pino({ level: 'debug' }, { write: () => undefined }), rosoutLevel: 'info' });
    const clock = new ManualClock();
    clock.advance(1_500_000_000n);
    const node = new Node('mapper', 'r1', ctx, { clock });
    const watcher = new Node('watcher', '', ctx);
    const got: Log[] = [];
    watcher.createSubscription(
      'rcl_interfaces/msg/Log',
      '/rosout',
      { qos: { durability: 'transient_local', depth: 100 } },
      (m) => {
        got.push(m as Log);
      },
    );
    node.getLogger().debug('not published: below info');
    node.getLogger().info('grid %d×%d', 20, 10);
    node.getLogger().warn({ cell: 3 }, 'scan dropped');
    node.getLogger().child({ part: 'planner' }).error(new Error('no path'));
    await ctx.spinUntilIdle();
    expect(got.map((m) => [m.level, m.name, m.msg])).toEqual([
      [20, 'r1.mapper', 'grid 20×10'],
      [30, 'r1.mapper', 'scan dropped'],
      [40, 'r1.mapper', 'no path'],
    ]);
    expect(got[0]!.stamp).toEqual({ sec: 1, nanosec: 500_000_000 });
  });

  it("follows the logger's own level first, as ROS 2 does, and 'off' publishes nothing", async () => {
    const ctx = new Context({ logger: pino({ level: 'warn' }, { write: () => undefined }), rosoutLevel: 'debug' });
    const node = new Node('n', '', ctx);
    const got: Log[] = [];
    new Node('w', '', ctx).createSubscription('rcl_interfaces/msg/Log', '/rosout', { qos: 100 }, (m) => {
      got.push(m as Log);
    });
    node.getLogger().info('below the logger level');
    node.getLogger().warn('kept');
    node.getLogger().level = 'info'; // pino swaps its methods; the wrapper must follow
    node.getLogger().info('now kept too');
    await ctx.spinUntilIdle();
    expect(got.map((m) => m.msg)).toEqual(['kept', 'now kept too']);

    const off = new Context({ logger: pino({ level: 'info' }, { write: () => undefined }), rosoutLevel: 'off' });
    new Node('quiet', '', off).getLogger().warn('x');
    expect(off.transport.graph().topics.find((t) => t.name === '/rosout')).toBeUndefined();
    expect(() => parseRosoutLevel('loud')).toThrow(
      /rosout level: expected one of debug, info, warn, error, fatal, off, got "loud"/,
    );
  });
});
