import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Context, ManualClock, Node, Parameter, ParameterType, isOutpostError } from './index.js';

const quiet = () => new Context({ logger: pino({ level: 'silent' }) });

describe('Node', () => {
  it('publishes to a subscription on another node through the executor, in order', async () => {
    const ctx = quiet();
    const a = new Node('talker', 'r1', ctx);
    const b = new Node('listener', 'r1', ctx);
    const got: number[] = [];
    b.createSubscription('std_msgs/msg/Int32', 'count', {}, (m) => {
      got.push(m.data);
    });
    const pub = a.createPublisher('std_msgs/msg/Int32', '/r1/count');
    pub.publish({ data: 1 });
    pub.publish({ data: 2 });
    expect(got).toEqual([]); // never re-entrant: delivery waits for the executor
    await ctx.spinUntilIdle();
    expect(got).toEqual([1, 2]);
    expect(pub.getSubscriptionCount()).toBe(1);
  });

  it('resolves private names, namespaces and remaps', () => {
    const n = new Node('mapper', '/r2', quiet(), { remappings: [{ from: 'scan', to: '/r2/lidar/scan' }] });
    expect(n.resolveTopicName('~/status')).toBe('/r2/mapper/status');
    expect(n.resolveTopicName('map')).toBe('/r2/map');
    expect(n.resolveTopicName('/clock')).toBe('/clock');
    expect(n.resolveTopicName('scan')).toBe('/r2/lidar/scan');
    expect(() => n.resolveTopicName('bad name')).toThrow(/token "bad name"/);
  });

  it('fires timers on a manual clock deterministically', async () => {
    const clock = new ManualClock();
    const n = new Node('t', '', quiet(), { clock });
    const fired: bigint[] = [];
    n.createTimer(100_000_000n, () => {
      fired.push(n.now().nanoseconds);
    });
    clock.advance(350_000_000n);
    await n.context.spinUntilIdle();
    expect(fired).toEqual([350_000_000n, 350_000_000n, 350_000_000n]);
    expect(fired.length).toBe(3);
    expect(() => n.createTimer(0n, () => {})).toThrow(/positive period/);
  });

  it('declares typed parameters, applies overrides and lets on-set callbacks reject', () => {
    const n = new Node('p', '', quiet(), { parameterOverrides: { speed: 2 } });
    expect(
      n.declareParameter('speed', { type: 'double', default: 0.5, description: 'm/s', range: { from: 0, to: 3 } }),
    ).toBe(2);
    n.declareParameter(new Parameter('name', ParameterType.PARAMETER_STRING, 'r1'));
    expect(n.getParameter('name').value).toBe('r1');
    n.addOnSetParametersCallback((ps) =>
      ps[0]!.name === 'speed' && (ps[0]!.value as number) > 2.5
        ? { successful: false, reason: 'too fast for indoors' }
        : { successful: true, reason: '' },
    );
    expect(n.setParameters([{ name: 'speed', value: 1 }])[0]).toEqual({ successful: true, reason: '' });
    expect(n.setParameters([{ name: 'speed', value: 2.9 }])[0]).toEqual({
      successful: false,
      reason: 'too fast for indoors',
    });
    expect(n.setParameters([{ name: 'speed', value: 'fast' }])[0]!.reason).toMatch(
      /expected a number \(double\), got "fast"/,
    );
    expect(n.setParameters([{ name: 'speed', value: 9 }])[0]!.reason).toMatch(/\[0, 3\]/);
    expect(n.getParameter('speed').value).toBe(1);
    try {
      n.getParameter('nope');
      expect.unreachable();
    } catch (err) {
      expect(isOutpostError(err, 'OUTPOST_ERR_PARAMETER_NOT_DECLARED')).toBe(true);
    }
  });

  it('walks the lifecycle and gates lifecycle publishers', async () => {
    const ctx = quiet();
    const n = new Node('lc', '', ctx);
    const got: string[] = [];
    new Node('sink', '', ctx).createSubscription('std_msgs/msg/String', '/out', {}, (m) => {
      got.push(m.data);
    });
    const pub = n.createLifecyclePublisher('std_msgs/msg/String', '/out');
    pub.publish({ data: 'early' });
    expect((await n.configure()).to).toBe('inactive');
    expect((await n.activate()).to).toBe('active');
    pub.publish({ data: 'live' });
    await n.deactivate();
    pub.publish({ data: 'late' });
    await ctx.spinUntilIdle();
    expect(got).toEqual(['live']);
    await expect(n.activate().then(() => n.configure())).rejects.toThrow(/cannot configure from state active/);
    await n.shutdownAndDestroy();
    expect(n.lifecycleState).toBe('finalized');
  });

  it('a failing configure callback keeps the node unconfigured; a throwing one finalizes it', async () => {
    const n = new Node('f', '', quiet());
    n.registerOnConfigure(() => 'failure');
    expect((await n.configure()).to).toBe('unconfigured');
    n.registerOnConfigure(() => {
      throw new Error('port busy');
    });
    const out = await n.configure();
    expect(out.result).toBe('error');
    expect(n.lifecycleState).toBe('finalized');
  });

  it('serves and calls a service with a timeout', async () => {
    const ctx = quiet();
    const server = new Node('server', '', ctx);
    const client = new Node('client', '', ctx).createClient('std_srvs/srv/SetBool', '/enable');
    expect(client.isServiceServerAvailable()).toBe(false);
    await expect(client.sendRequestAsync({ data: true }, { timeout: 50 })).rejects.toThrow(
      /no server appeared within 50 ms/,
    );
    server.createService('std_srvs/srv/SetBool', '/enable', (req) => ({
      success: req.data,
      message: req.data ? 'on' : 'off',
    }));
    expect(await client.sendRequestAsync({ data: true })).toEqual({ success: true, message: 'on' });
    server.createService('std_srvs/srv/Trigger', '/slow', () => new Promise(() => {}));
    const slow = new Node('c2', '', ctx).createClient('std_srvs/srv/Trigger', '/slow');
    await expect(slow.sendRequestAsync({}, { timeout: 30 })).rejects.toThrow(/no response within 30 ms/);
  });

  it('delivers the last message of a transient_local publisher to a late subscriber', async () => {
    const ctx = quiet();
    const pub = new Node('map_server', '', ctx).createPublisher('std_msgs/msg/String', '/map_name', {
      qos: { durability: 'transient_local', depth: 1 },
    });
    pub.publish({ data: 'old' });
    pub.publish({ data: 'warehouse' });
    const got: string[] = [];
    new Node('late', '', ctx).createSubscription(
      'std_msgs/msg/String',
      '/map_name',
      { qos: { durability: 'transient_local', depth: 1 } },
      (m) => {
        got.push(m.data);
      },
    );
    await ctx.spinUntilIdle();
    expect(got).toEqual(['warehouse']);
  });

  it('drops the oldest queued messages past a keep_last depth and counts them', async () => {
    const ctx = quiet();
    const pub = new Node('fast', '', ctx).createPublisher('std_msgs/msg/Int32', '/x');
    const got: number[] = [];
    const sub = new Node('slow', '', ctx).createSubscription('std_msgs/msg/Int32', '/x', { qos: 3 }, (m) => {
      got.push(m.data);
    });
    for (let i = 0; i < 10; i++) pub.publish({ data: i });
    await ctx.spinUntilIdle();
    expect(got).toEqual([7, 8, 9]);
    expect(sub.dropped).toBe(7);
  });

  it('keeps the global event order across subscriptions when keep_last drops, and keep_all keeps all', async () => {
    const ctx = quiet();
    const talker = new Node('talker', '', ctx);
    const a = talker.createPublisher('std_msgs/msg/String', '/a');
    const b = talker.createPublisher('std_msgs/msg/String', '/b');
    const got: string[] = [];
    const listener = new Node('listener', '', ctx);
    const subA = listener.createSubscription('std_msgs/msg/String', '/a', { qos: 2 }, (m) => {
      got.push(m.data);
    });
    listener.createSubscription('std_msgs/msg/String', '/b', { qos: 2 }, (m) => {
      got.push(m.data);
    });
    const all: number[] = [];
    const keepAll = listener.createSubscription(
      'std_msgs/msg/Int32',
      '/n',
      { qos: { history: 'keep_all', depth: 1 } },
      (m) => {
        all.push(m.data);
      },
    );
    a.publish({ data: 'a1' });
    b.publish({ data: 'b1' });
    a.publish({ data: 'a2' });
    a.publish({ data: 'a3' }); // /a holds 2: a1 is dropped, the others keep their place
    const n = talker.createPublisher('std_msgs/msg/Int32', '/n');
    for (let i = 0; i < 3000; i++) n.publish({ data: i });
    await ctx.spinUntilIdle();
    expect(got).toEqual(['b1', 'a2', 'a3']);
    expect(subA.dropped).toBe(1);
    expect(all.length).toBe(3000);
    expect(all.every((v, i) => v === i)).toBe(true);
    expect(keepAll.dropped).toBe(0);
    // A subscription destroyed while messages wait runs none of them.
    a.publish({ data: 'late' });
    listener.destroy();
    await ctx.spinUntilIdle();
    expect(got).toEqual(['b1', 'a2', 'a3']);
  });

  it('rejects a topic reused with another type', () => {
    const ctx = quiet();
    new Node('a', '', ctx).createPublisher('std_msgs/msg/Int32', '/t');
    expect(() => new Node('b', '', ctx).createSubscription('std_msgs/msg/String', '/t', {}, () => {})).toThrow(
      /already in use with type std_msgs\/msg\/Int32/,
    );
  });

  it('time follows /clock under use_sim_time', async () => {
    const ctx = quiet();
    const n = new Node('sim', '', ctx, { parameterOverrides: { use_sim_time: true } });
    const ticks: number[] = [];
    n.createTimer(500_000_000n, () => {
      ticks.push(n.now().seconds);
    });
    const clock = new Node('clock', '', ctx).createPublisher('rosgraph_msgs/msg/Clock', '/clock', {
      qos: { reliability: 'best_effort', depth: 1 },
    });
    expect(n.now().nanoseconds).toBe(0n);
    clock.publish({ clock: { sec: 1, nanosec: 200_000_000 } });
    await ctx.spinUntilIdle();
    expect(n.now().seconds).toBeCloseTo(1.2);
    expect(ticks.length).toBe(2); // due at 0.5 s and 1.0 s; both run after the step, at 1.2 s
  });
});
