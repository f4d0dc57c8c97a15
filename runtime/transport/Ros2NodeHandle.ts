import { OutpostError } from '../OutpostError.js';
import type { QoSProfile } from '../QoS.js';
import { withTimeout } from './LocalTransport.js';
import { joinRosName } from './Ros2Graph.js';
import type { RclClient, RclNode, RclnodejsModule, RclQoSConstructor } from './RclnodejsApi.js';
import type {
  ClientHandle,
  Deliver,
  NodeHandle,
  PublisherHandle,
  ServiceHandle,
  ServiceHandler,
  SubscriptionHandle,
} from './Transport.js';
import type { TypeClaims } from './TypeClaims.js';

/** What the endpoints of one node need from their transport. */
export interface Ros2NodeContext {
  rcl: RclnodejsModule;
  topics: TypeClaims;
  services: TypeClaims;
  /** Types under which the discovered graph knows a topic / a service (for type checks). */
  discoveredTopicTypes(name: string): string[];
  discoveredServiceTypes(name: string): string[];
  /** How often (ms) a client looks for its server while it waits for one to appear. */
  servicePollMs: number;
  /** Called once the node handle is destroyed. */
  onDestroy(): void;
}

/** Outpost QoS → rclnodejs `QoS` (history, depth, reliability, durability; the rest stay rmw defaults). */
export function toRclQoS(QoS: RclQoSConstructor, qos: QoSProfile): object {
  const history = {
    keep_last: QoS.HistoryPolicy.RMW_QOS_POLICY_HISTORY_KEEP_LAST,
    keep_all: QoS.HistoryPolicy.RMW_QOS_POLICY_HISTORY_KEEP_ALL,
  };
  const reliability = {
    reliable: QoS.ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_RELIABLE,
    best_effort: QoS.ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_BEST_EFFORT,
  };
  const durability = {
    volatile: QoS.DurabilityPolicy.RMW_QOS_POLICY_DURABILITY_VOLATILE,
    transient_local: QoS.DurabilityPolicy.RMW_QOS_POLICY_DURABILITY_TRANSIENT_LOCAL,
  };
  return new QoS(history[qos.history], qos.depth, reliability[qos.reliability], durability[qos.durability]);
}

/**
 * The endpoints of one Outpost node as one rclnodejs node. Messages go to and come from rclnodejs
 * as the plain objects Outpost's message types describe: rclnodejs (≥ 1.x) reads plain objects with
 * ROS field names, gives int64/uint64 as bigint and numeric arrays as typed arrays (its default
 * `enableTypedArray: true`), which is what the generated types and the CDR codec use, so nothing
 * is converted here.
 */
export function ros2NodeHandle(node: RclNode, ctx: Ros2NodeContext): NodeHandle {
  const closers = new Set<() => void>();
  let destroyed = false;
  const track = (close: () => void): (() => void) => {
    let done = false;
    const once = (): void => {
      if (done) return;
      done = true;
      closers.delete(once);
      close();
    };
    closers.add(once);
    return once;
  };
  const alive = (what: string): void => {
    if (destroyed)
      throw new OutpostError(
        'OUTPOST_ERR_NODE_DESTROYED',
        `${what}: node ${joinRosName(node.namespace(), node.name())} is destroyed`,
      );
  };

  return {
    advertise(topic: string, type: string, qos: QoSProfile): PublisherHandle {
      alive(`advertise ${topic}`);
      const release = ctx.topics.claim(topic, type, ctx.discoveredTopicTypes);
      const pub = guarded(release, () => node.createPublisher(type, topic, { qos: toRclQoS(ctx.rcl.QoS, qos) }));
      let closed = false;
      return {
        publish: (message) => {
          if (!closed) pub.publish(message);
        },
        subscriptionCount: () => (closed ? 0 : matched(pub.subscriptionCount, () => node.countSubscribers(topic))),
        close: track(() => {
          closed = true;
          release();
          node.destroyPublisher(pub);
        }),
      };
    },

    subscribe(topic: string, type: string, qos: QoSProfile, deliver: Deliver): SubscriptionHandle {
      alive(`subscribe ${topic}`);
      const release = ctx.topics.claim(topic, type, ctx.discoveredTopicTypes);
      let closed = false;
      // rclnodejs gives no publisher identity without message info; `ros2` marks the origin.
      const sub = guarded(release, () =>
        node.createSubscription(type, topic, { qos: toRclQoS(ctx.rcl.QoS, qos) }, (message) => {
          if (!closed) deliver(message, { publisher: 'ros2' });
        }),
      );
      return {
        publisherCount: () => (closed ? 0 : matched(sub.publisherCount, () => node.countPublishers(topic))),
        close: track(() => {
          closed = true;
          release();
          node.destroySubscription(sub);
        }),
      };
    },

    advertiseService(name: string, type: string, handler: ServiceHandler): ServiceHandle {
      alive(`advertise service ${name}`);
      const release = ctx.services.claim(name, type, ctx.discoveredServiceTypes);
      let closed = false;
      const service = guarded(release, () =>
        node.createService(type, name, {}, (request, response) => {
          // ROS 2 has no error response: when the handler fails (the executor logs it), nothing is
          // sent and the caller times out. Rejections are caught here because rclnodejs does not
          // catch what its service callback returns.
          let reply: Promise<unknown>;
          try {
            reply = handler(request);
          } catch {
            return;
          }
          reply.then(
            (r) => {
              if (!closed) response.send(r);
            },
            () => {},
          );
        }),
      );
      return {
        close: track(() => {
          closed = true;
          release();
          node.destroyService(service);
        }),
      };
    },

    createClient(name: string, type: string): ClientHandle {
      alive(`create client ${name}`);
      const client = node.createClient(type, name);
      let closed = false;
      return {
        isServiceAvailable: () => !closed && client.isServiceServerAvailable(),
        call: (request, options) => {
          if (closed)
            return Promise.reject(new OutpostError('OUTPOST_ERR_NODE_DESTROYED', `client of ${name} is closed`));
          return callService(client, name, type, request, options, ctx);
        },
        close: track(() => {
          closed = true;
          node.destroyClient(client);
        }),
      };
    },

    destroy(): void {
      if (destroyed) return;
      destroyed = true;
      for (const close of [...closers]) close();
      try {
        node.destroy();
      } finally {
        ctx.onDestroy();
      }
    },
  };
}

/**
 * Waits (polling every `servicePollMs`) for a server, then sends the request. Rejects with
 * SERVICE_UNAVAILABLE when no server appears within `timeoutMs`, SERVICE_TIMEOUT when it does not
 * answer in the rest of that time, TYPE_MISMATCH when the service is offered with another type,
 * ABORTED when `signal` aborts. Our own timer decides, whatever the rclnodejs release offers.
 */
async function callService(
  client: RclClient,
  name: string,
  type: string,
  request: unknown,
  { timeoutMs, signal }: { timeoutMs: number; signal?: AbortSignal },
  ctx: Ros2NodeContext,
): Promise<unknown> {
  const started = performance.now();
  ctx.services.check(name, type, ctx.discoveredServiceTypes);
  if (!client.isServiceServerAvailable()) await waitForServer(client, name, type, timeoutMs, signal, ctx);
  const remaining = Math.max(0, timeoutMs - (performance.now() - started));
  // rclnodejs ≥ 1.7 drops a pending request when its signal aborts; older releases keep it.
  const inner = new AbortController();
  const sent =
    client.sendRequestAsync !== undefined
      ? client.sendRequestAsync(request, { signal: inner.signal })
      : new Promise<unknown>((resolve) => client.sendRequest(request, resolve));
  try {
    return await withTimeout(name, sent, remaining, signal);
  } finally {
    inner.abort();
  }
}

function waitForServer(
  client: RclClient,
  name: string,
  type: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  ctx: Ros2NodeContext,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (fn: () => void): void => {
      clearInterval(poll);
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const poll = setInterval(() => {
      try {
        ctx.services.check(name, type, ctx.discoveredServiceTypes);
        if (client.isServiceServerAvailable()) finish(resolve);
      } catch (err) {
        finish(() => reject(err));
      }
    }, ctx.servicePollMs);
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new OutpostError(
              'OUTPOST_ERR_SERVICE_UNAVAILABLE',
              `service ${name} (${type}): no server appeared within ${timeoutMs} ms`,
            ),
          ),
        ),
      timeoutMs,
    );
    const onAbort = (): void =>
      finish(() =>
        reject(new OutpostError('OUTPOST_ERR_ABORTED', `call to ${name} aborted`, { cause: signal?.reason })),
      );
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A matched-endpoint count from rclnodejs (a getter in newer releases), else the graph count. */
function matched(value: unknown, fallback: () => number): number {
  return typeof value === 'number' ? value : fallback();
}

/** Runs `create`; releases the type claim if rclnodejs refuses (unknown type, bad name). */
function guarded<T>(release: () => void, create: () => T): T {
  try {
    return create();
  } catch (err) {
    release();
    throw err;
  }
}
