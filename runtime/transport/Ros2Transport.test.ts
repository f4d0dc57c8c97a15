import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../OutpostError.js';
import { QoS } from '../QoS.js';
import type { RclnodejsModule, RclServiceCallback } from './RclnodejsApi.js';
import { toRclQoS } from './Ros2NodeHandle.js';
import { createRos2Transport, splitFullyQualifiedName } from './Ros2Transport.js';

// These check Outpost's side of the rclnodejs mapping against a recording double of the rclnodejs
// API (types/*.d.ts shapes). Behaviour on a real ROS 2 graph is the transport contract's job,
// which runs where rclnodejs is installed.

class FakeQoS {
  static HistoryPolicy = { RMW_QOS_POLICY_HISTORY_KEEP_LAST: 1, RMW_QOS_POLICY_HISTORY_KEEP_ALL: 2 };
  static ReliabilityPolicy = { RMW_QOS_POLICY_RELIABILITY_RELIABLE: 1, RMW_QOS_POLICY_RELIABILITY_BEST_EFFORT: 2 };
  static DurabilityPolicy = { RMW_QOS_POLICY_DURABILITY_TRANSIENT_LOCAL: 1, RMW_QOS_POLICY_DURABILITY_VOLATILE: 2 };
  constructor(
    readonly history: number,
    readonly depth: number,
    readonly reliability: number,
    readonly durability: number,
  ) {}
}

function fakeRclnodejs(options: { initFails?: boolean } = {}) {
  const log: string[] = [];
  const services: RclServiceCallback[] = [];
  const pending: Array<(r: unknown) => void> = [];
  class FakeNode {
    constructor(
      readonly n: string,
      readonly ns = '/',
    ) {
      log.push(`node ${ns} ${n}`);
    }
    name() {
      return this.n;
    }
    namespace() {
      return this.ns;
    }
    spin() {
      log.push(`spin ${this.n}`);
    }
    destroy() {
      log.push(`destroy ${this.n}`);
    }
    createPublisher(type: string, topic: string, o: { qos: FakeQoS }) {
      log.push(`pub ${topic} ${type} ${JSON.stringify(o.qos)}`);
      return { publish: (m: unknown) => log.push(`publish ${JSON.stringify(m)}`), subscriptionCount: 3 };
    }
    createSubscription() {
      return {};
    }
    createService(_t: string, name: string, _o: object, cb: RclServiceCallback) {
      log.push(`service ${name}`);
      services.push(cb);
      return {};
    }
    createClient() {
      return {
        isServiceServerAvailable: () => true,
        sendRequest: (_r: unknown, cb: (r: unknown) => void) => pending.push(cb),
      };
    }
    destroyPublisher() {
      log.push('destroyPublisher');
    }
    destroySubscription() {}
    destroyService() {
      log.push('destroyService');
    }
    destroyClient() {}
    getTopicNamesAndTypes() {
      return [];
    }
    getServiceNamesAndTypes() {
      return [];
    }
    getNodeNamesAndNamespaces() {
      return [];
    }
    getPublisherNamesAndTypesByNode() {
      return [];
    }
    getSubscriptionNamesAndTypesByNode() {
      return [];
    }
    getServiceNamesAndTypesByNode() {
      return [];
    }
    countPublishers() {
      return 0;
    }
    countSubscribers() {
      return 0;
    }
  }
  const rcl: RclnodejsModule = {
    init: async () => {
      if (options.initFails) throw new Error('rcl_init failed: RMW_IMPLEMENTATION not found');
    },
    shutdown: () => {
      log.push('shutdown');
    },
    Context: class {},
    Node: FakeNode,
    NodeOptions: class {
      startParameterServices = true;
    },
    QoS: FakeQoS,
  };
  return { rcl, log, services, pending };
}

describe('Ros2Transport mapping', () => {
  it('maps Outpost QoS onto rclnodejs QoS policies', () => {
    expect(toRclQoS(FakeQoS, QoS.profileSensorData)).toEqual(new FakeQoS(1, 5, 2, 2));
    expect(toRclQoS(FakeQoS, QoS.profileLatched)).toEqual(new FakeQoS(1, 1, 1, 1));
    expect(toRclQoS(FakeQoS, { ...QoS.profileDefault, history: 'keep_all' })).toEqual(new FakeQoS(2, 10, 1, 2));
  });

  it('splits fully qualified names into namespace and name', () => {
    expect(splitFullyQualifiedName('/r1/mapper')).toEqual({ namespace: '/r1', name: 'mapper' });
    expect(splitFullyQualifiedName('/a/b/c')).toEqual({ namespace: '/a/b', name: 'c' });
    expect(splitFullyQualifiedName('/talker')).toEqual({ namespace: '/', name: 'talker' });
  });

  it('creates a spun rclnodejs node per handle, forwards messages, and shuts down once', async () => {
    const { rcl, log } = fakeRclnodejs();
    const t = await createRos2Transport({ rclnodejs: rcl });
    const h = t.createNodeHandle('/r1/talker');
    expect(log).toContain('node /r1 talker');
    expect(log).toContain('spin talker');
    const pub = h.advertise('/r1/x', 'std_msgs/msg/Int32', QoS.profileDefault);
    pub.publish({ data: 1 });
    expect(pub.subscriptionCount()).toBe(3);
    expect(() => h.advertise('/r1/x', 'std_msgs/msg/String', QoS.profileDefault)).toThrow(
      /already in use with type std_msgs\/msg\/Int32/,
    );
    await t.close();
    await t.close();
    expect(log.filter((l) => l === 'shutdown')).toHaveLength(1);
    expect(log).toContain('destroyPublisher');
    expect(log).toContain('destroy talker');
    pub.publish({ data: 2 });
    expect(log.filter((l) => l.startsWith('publish'))).toEqual(['publish {"data":1}']);
    expect(() => t.createNodeHandle('/late')).toThrow(/closed/);
  });

  it('answers ROS 2 requests with the handler result and sends nothing when it fails', async () => {
    const { rcl, services } = fakeRclnodejs();
    const t = await createRos2Transport({ rclnodejs: rcl });
    const h = t.createNodeHandle('/srv');
    let fail = false;
    h.advertiseService('/s', 'std_srvs/srv/Trigger', async () => {
      if (fail) throw new Error('boom');
      return { success: true, message: 'ok' };
    });
    const sent: unknown[] = [];
    services[0]!({}, { send: (r) => sent.push(r) });
    fail = true;
    services[0]!({}, { send: (r) => sent.push(r) });
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual([{ success: true, message: 'ok' }]);
    await t.close();
  });

  it('times out a call on its own timer when rclnodejs has no sendRequestAsync', async () => {
    const { rcl, pending } = fakeRclnodejs();
    const t = await createRos2Transport({ rclnodejs: rcl });
    const c = t.createNodeHandle('/c').createClient('/s', 'std_srvs/srv/Trigger');
    const err = await c.call({}, { timeoutMs: 20 }).catch((e: unknown) => e);
    expect(isOutpostError(err, 'OUTPOST_ERR_SERVICE_TIMEOUT')).toBe(true);
    const ok = c.call({}, { timeoutMs: 1000 });
    pending[1]!({ success: true, message: 'late but in time' });
    expect(await ok).toEqual({ success: true, message: 'late but in time' });
    await t.close();
  });

  it('reports a failing rclnodejs init as TRANSPORT_UNAVAILABLE with the way to fix it', async () => {
    const err = await createRos2Transport({ rclnodejs: fakeRclnodejs({ initFails: true }).rcl }).catch(
      (e: unknown) => e,
    );
    expect(isOutpostError(err, 'OUTPOST_ERR_TRANSPORT_UNAVAILABLE')).toBe(true);
    expect((err as Error).message).toMatch(
      /could not be initialised \(rcl_init failed.*source \/opt\/ros\/jazzy\/setup\.bash.*npm install rclnodejs/,
    );
  });
});
