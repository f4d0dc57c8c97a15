import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Context } from '../Context.js';
import { Node } from '../Node.js';
import { isOutpostError, type OutpostErrorCode } from '../OutpostError.js';
import type { Transport } from './Transport.js';

/** What a transport claims about itself; the contract checks exactly what is claimed. */
export interface TransportContractOptions {
  /** A reliable subscription refuses a best-effort publisher (DDS request-vs-offered rule). */
  enforcesQoSCompatibility: boolean;
  /**
   * What a caller gets when the service handler throws: `SERVICE_FAILED` where the transport
   * carries errors (local), `SERVICE_TIMEOUT` where the wire has no error response (ROS 2).
   */
  handlerErrorCode: Extract<OutpostErrorCode, 'OUTPOST_ERR_SERVICE_FAILED' | 'OUTPOST_ERR_SERVICE_TIMEOUT'>;
  /** How long discovery and delivery may take, in milliseconds (default 3000). */
  settleMs?: number;
  /**
   * For transports whose nodes learn of other processes' endpoints asynchronously (socket):
   * how long to let discovery run before checking that a clashing type is refused at once.
   */
  discoveryMs?: number;
}

type Factory = () => Transport | Promise<Transport>;

/**
 * One behaviour contract for every transport, written once (after MQTT.js's `abstract_client`
 * suite): call it inside a test file with a name and a factory; each test gets a fresh transport,
 * drives it through real `Node`s and closes it afterwards. Assertions wait for conditions instead
 * of sleeping, so in-process transports pass at once and networked ones after discovery.
 */
export function transportContract(name: string, factory: Factory, options: TransportContractOptions): void {
  const settleMs = options.settleMs ?? 3000;
  // Retried every 5 ms until they hold or settleMs runs out.
  const settle = { timeout: settleMs, interval: 5 };

  describe(`transport contract: ${name}`, () => {
    const open: Context[] = [];
    const context = async (): Promise<Context> => {
      const ctx = new Context({ transport: await factory(), logger: pino({ level: 'silent' }) });
      open.push(ctx);
      return ctx;
    };
    afterEach(async () => {
      for (const ctx of open.splice(0)) await ctx.close();
    });

    it('delivers messages between nodes in publish order', async () => {
      const ctx = await context();
      // Deep enough that keep_last drops nothing: this test is about order, not queue limits.
      const pub = new Node('talker', 'r1', ctx).createPublisher('std_msgs/msg/Int32', '/r1/count', { qos: 50 });
      const got: number[] = [];
      new Node('listener', 'r1', ctx).createSubscription('std_msgs/msg/Int32', 'count', { qos: 50 }, (m) => {
        got.push(m.data);
      });
      await expect.poll(() => pub.getSubscriptionCount(), settle).toBe(1);
      for (let i = 0; i < 20; i++) pub.publish({ data: i });
      await expect.poll(() => got, settle).toEqual([...Array(20).keys()]);
    });

    it('delivers every message to several subscribers and counts matched endpoints', async () => {
      const ctx = await context();
      const pub = new Node('source', '', ctx).createPublisher('std_msgs/msg/String', '/chatter');
      const a: string[] = [];
      const b: string[] = [];
      const subA = new Node('a', '', ctx).createSubscription('std_msgs/msg/String', '/chatter', {}, (m) => {
        a.push(m.data);
      });
      new Node('b', '', ctx).createSubscription('std_msgs/msg/String', '/chatter', {}, (m) => {
        b.push(m.data);
      });
      await vi.waitFor(() => {
        expect(pub.getSubscriptionCount()).toBe(2);
        expect(subA.getPublisherCount()).toBe(1);
      }, settle);
      pub.publish({ data: 'hello' });
      pub.publish({ data: 'world' });
      await vi.waitFor(() => {
        expect(a).toEqual(['hello', 'world']);
        expect(b).toEqual(['hello', 'world']);
      }, settle);
    });

    it('gives a late transient_local subscriber the last message', async () => {
      const ctx = await context();
      const latched = { durability: 'transient_local', depth: 1 } as const;
      const pub = new Node('map_server', '', ctx).createPublisher('std_msgs/msg/String', '/map_name', { qos: latched });
      pub.publish({ data: 'old' });
      pub.publish({ data: 'warehouse' });
      const got: string[] = [];
      new Node('late', '', ctx).createSubscription('std_msgs/msg/String', '/map_name', { qos: latched }, (m) => {
        got.push(m.data);
      });
      await expect.poll(() => got, settle).toEqual(['warehouse']);
    });

    it.runIf(options.enforcesQoSCompatibility)(
      'does not deliver best-effort publications to a reliable subscription',
      async () => {
        const ctx = await context();
        const node = new Node('qos', '', ctx);
        const bestEffort = node.createPublisher('std_msgs/msg/Int32', '/lossy', {
          qos: { reliability: 'best_effort' },
        });
        const reliableGot: number[] = [];
        const bestEffortGot: number[] = [];
        new Node('strict', '', ctx).createSubscription(
          'std_msgs/msg/Int32',
          '/lossy',
          { qos: { reliability: 'reliable' } },
          (m) => {
            reliableGot.push(m.data);
          },
        );
        // A compatible subscription on the same topic proves the message did go out.
        new Node('lenient', '', ctx).createSubscription(
          'std_msgs/msg/Int32',
          '/lossy',
          { qos: { reliability: 'best_effort' } },
          (m) => {
            bestEffortGot.push(m.data);
          },
        );
        await expect.poll(() => bestEffort.getSubscriptionCount(), settle).toBeGreaterThanOrEqual(1);
        bestEffort.publish({ data: 7 });
        await expect.poll(() => bestEffortGot, settle).toEqual([7]);
        await ctx.spinUntilIdle();
        expect(reliableGot).toEqual([]);
      },
    );

    it('answers service calls', async () => {
      const ctx = await context();
      new Node('server', '', ctx).createService('std_srvs/srv/SetBool', '/enable', (req) => ({
        success: req.data,
        message: req.data ? 'on' : 'off',
      }));
      const client = new Node('client', '', ctx).createClient('std_srvs/srv/SetBool', '/enable');
      expect(await client.waitForService(settleMs)).toBe(true);
      expect(client.isServiceServerAvailable()).toBe(true);
      expect(await client.sendRequestAsync({ data: true }, { timeout: settleMs })).toEqual({
        success: true,
        message: 'on',
      });
      expect(await client.sendRequestAsync({ data: false }, { timeout: settleMs })).toEqual({
        success: false,
        message: 'off',
      });
    });

    it('rejects a call with SERVICE_UNAVAILABLE when no server appears in time', async () => {
      const ctx = await context();
      const client = new Node('lonely', '', ctx).createClient('std_srvs/srv/Trigger', '/nobody_home');
      expect(client.isServiceServerAvailable()).toBe(false);
      await expectCode(client.sendRequestAsync({}, { timeout: 50 }), 'OUTPOST_ERR_SERVICE_UNAVAILABLE');
    });

    it('rejects a call with SERVICE_TIMEOUT when the server does not answer in time', async () => {
      const ctx = await context();
      new Node('server', '', ctx).createService('std_srvs/srv/Trigger', '/slow', () => new Promise(() => {}));
      const client = new Node('client', '', ctx).createClient('std_srvs/srv/Trigger', '/slow');
      expect(await client.waitForService(settleMs)).toBe(true);
      await expectCode(client.sendRequestAsync({}, { timeout: 100 }), 'OUTPOST_ERR_SERVICE_TIMEOUT');
    });

    it(`reports a throwing handler to the caller as ${options.handlerErrorCode}`, async () => {
      const ctx = await context();
      new Node('server', '', ctx).createService('std_srvs/srv/Trigger', '/broken', () => {
        throw new Error('motor driver offline');
      });
      const client = new Node('client', '', ctx).createClient('std_srvs/srv/Trigger', '/broken');
      expect(await client.waitForService(settleMs)).toBe(true);
      const err = await expectCode(client.sendRequestAsync({}, { timeout: 300 }), options.handlerErrorCode);
      if (options.handlerErrorCode === 'OUTPOST_ERR_SERVICE_FAILED')
        expect(err.message).toMatch(/motor driver offline/);
      // The server survives its handler's failure.
      expect(client.isServiceServerAvailable()).toBe(true);
    });

    it('aborts a pending call through its AbortSignal', async () => {
      const ctx = await context();
      new Node('server', '', ctx).createService('std_srvs/srv/Trigger', '/hang', () => new Promise(() => {}));
      const client = new Node('client', '', ctx).createClient('std_srvs/srv/Trigger', '/hang');
      expect(await client.waitForService(settleMs)).toBe(true);
      const ac = new AbortController();
      const call = client.sendRequestAsync({}, { timeout: settleMs, signal: ac.signal });
      setTimeout(() => ac.abort(), 20);
      await expectCode(call, 'OUTPOST_ERR_ABORTED');
    });

    it('lists nodes, topics with their endpoints, and services in graph()', async () => {
      const ctx = await context();
      const talker = new Node('talker', 'r1', ctx);
      talker.createPublisher('std_msgs/msg/String', '/r1/chatter');
      new Node('listener', 'r1', ctx).createSubscription('std_msgs/msg/String', '/r1/chatter', {}, () => {});
      talker.createService('std_srvs/srv/Trigger', '/r1/reset', () => ({ success: true, message: '' }));
      await vi.waitFor(() => {
        const g = ctx.transport.graph();
        expect(g.nodes).toEqual(expect.arrayContaining(['/r1/talker', '/r1/listener']));
        expect(g.topics).toContainEqual({
          name: '/r1/chatter',
          type: 'std_msgs/msg/String',
          publishers: ['/r1/talker'],
          subscribers: ['/r1/listener'],
        });
        expect(g.services).toContainEqual({ name: '/r1/reset', type: 'std_srvs/srv/Trigger', servers: ['/r1/talker'] });
      }, settle);
    });

    it('tells graph listeners when endpoints come and go', async () => {
      const ctx = await context();
      let changes = 0;
      const off = ctx.transport.onGraphChange(() => {
        changes++;
      });
      const node = new Node('appearing', '', ctx);
      node.createPublisher('std_msgs/msg/String', '/appearing');
      await expect.poll(() => changes, settle).toBeGreaterThan(0);
      off();
    });

    it('refuses a topic or a service used with another type', async () => {
      const ctx = await context();
      new Node('a', '', ctx).createPublisher('std_msgs/msg/Int32', '/typed');
      const b = new Node('b', '', ctx);
      if (options.discoveryMs !== undefined) await new Promise((r) => setTimeout(r, options.discoveryMs));
      expect(codeOf(() => b.createSubscription('std_msgs/msg/String', '/typed', {}, () => {}))).toBe(
        'OUTPOST_ERR_TYPE_MISMATCH',
      );
      expect(codeOf(() => b.createPublisher('std_msgs/msg/String', '/typed'))).toBe('OUTPOST_ERR_TYPE_MISMATCH');
      new Node('s', '', ctx).createService('std_srvs/srv/Trigger', '/typed_srv', () => ({
        success: true,
        message: '',
      }));
      if (options.discoveryMs !== undefined) await new Promise((r) => setTimeout(r, options.discoveryMs));
      expect(
        codeOf(() => b.createService('std_srvs/srv/SetBool', '/typed_srv', () => ({ success: true, message: '' }))),
      ).toBe('OUTPOST_ERR_TYPE_MISMATCH');
      const wrong = b.createClient('std_srvs/srv/SetBool', '/typed_srv');
      expect(wrong.isServiceServerAvailable()).toBe(false);
      await expectCode(wrong.sendRequestAsync({ data: true }, { timeout: settleMs }), 'OUTPOST_ERR_TYPE_MISMATCH');
    });

    it('stops delivery and updates counts and the graph when a node is destroyed', async () => {
      const ctx = await context();
      const pub = new Node('talker', '', ctx).createPublisher('std_msgs/msg/Int32', '/ticks');
      const listener = new Node('listener', '', ctx);
      const got: number[] = [];
      listener.createSubscription('std_msgs/msg/Int32', '/ticks', {}, (m) => {
        got.push(m.data);
      });
      await expect.poll(() => pub.getSubscriptionCount(), settle).toBe(1);
      pub.publish({ data: 1 });
      await expect.poll(() => got, settle).toEqual([1]);
      listener.destroy();
      await vi.waitFor(() => {
        expect(pub.getSubscriptionCount()).toBe(0);
        expect(ctx.transport.graph().nodes).not.toContain('/listener');
      }, settle);
      pub.publish({ data: 2 });
      await ctx.spinUntilIdle();
      expect(got).toEqual([1]);
    });

    it('closing the transport unsubscribes its nodes and refuses new ones', async () => {
      const transport = await factory();
      const ctx = new Context({ transport, logger: pino({ level: 'silent' }) });
      const got: number[] = [];
      const sub = new Node('listener', '', ctx).createSubscription('std_msgs/msg/Int32', '/closing', {}, (m) => {
        got.push(m.data);
      });
      const pub = new Node('talker', '', ctx).createPublisher('std_msgs/msg/Int32', '/closing');
      await expect.poll(() => pub.getSubscriptionCount(), settle).toBe(1);
      await ctx.close();
      await ctx.close(); // twice is fine
      expect(sub.getPublisherCount()).toBe(0);
      pub.publish({ data: 1 });
      await ctx.spinUntilIdle();
      expect(got).toEqual([]);
      expect(codeOf(() => new Node('after', '', ctx))).toBe('OUTPOST_ERR_TRANSPORT_CLOSED');
    });
  });
}

async function expectCode(p: Promise<unknown>, code: OutpostErrorCode): Promise<Error> {
  try {
    await p;
  } catch (err) {
    expect(isOutpostError(err) ? err.code : err).toBe(code);
    return err as Error;
  }
  throw new Error(`expected a rejection with ${code}, but the call succeeded`);
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return isOutpostError(err) ? err.code : String(err);
  }
  return 'no error';
}
