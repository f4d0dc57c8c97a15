import type { Logger } from 'pino';
import type { MessageRegistry } from '../msg/MessageRegistry.js';
import { OutpostError } from '../OutpostError.js';
import type { QoSProfile } from '../QoS.js';
import { BusClient } from './BusClient.js';
import { LocalBus } from './LocalBus.js';
import { localNodeHandle, withTimeout } from './LocalTransport.js';
import type {
  ClientHandle,
  Deliver,
  GraphSnapshot,
  NodeHandle,
  PublisherHandle,
  ServiceHandle,
  ServiceHandler,
  SubscriptionHandle,
  Transport,
} from './Transport.js';

/**
 * The transport of a process that joins another process's bus (a `process: true` node joining
 * its launcher). Nodes of this process still talk to each other in-process through their own
 * LocalBus; everything is mirrored to the launcher's bus over its socket, as CDR. The server
 * never echoes a connection's own publications back, so nothing arrives twice.
 */
export class SocketTransport implements Transport {
  readonly name = 'socket';
  readonly bus = new LocalBus();
  #client: BusClient;
  #registry: MessageRegistry;
  #listeners = new Set<() => void>();
  #handles = new Set<NodeHandle>();
  #closed = false;

  private constructor(client: BusClient, registry: MessageRegistry, logger?: Logger) {
    this.#client = client;
    this.#registry = registry;
    // Refusals the server sends later (a type clash two processes raced into) must not vanish.
    client.onError((ref, err) => {
      if (logger) logger.error({ code: err.code, ref }, `launch bus refused a request: ${err.message}`);
      else process.emitWarning(`launch bus refused a request: ${err.message}`);
    });
    client.watchGraph(() => {
      for (const l of this.#listeners) l();
    });
    this.bus.onGraphChange(() => {
      for (const l of this.#listeners) l();
    });
  }

  static async connect(path: string, registry: MessageRegistry, logger?: Logger): Promise<SocketTransport> {
    return new SocketTransport(await BusClient.connect(path), registry, logger);
  }

  /** Called when the launcher's socket closes (the launcher died): a child should exit. */
  onDisconnect(listener: () => void): void {
    this.#client.onClose(listener);
  }

  createNodeHandle(fqn: string): NodeHandle {
    if (this.#closed || this.#client.closed) {
      throw new OutpostError('OUTPOST_ERR_TRANSPORT_CLOSED', `socket transport is closed; cannot create node ${fqn}`);
    }
    const local = localNodeHandle(this.bus, fqn);
    const client = this.#client;
    const registry = this.#registry;
    const handles = this.#handles;
    const live = (): GraphSnapshot | undefined => (client.closed ? undefined : client.lastGraph);
    const localNodes = (): Set<string> => new Set(this.bus.graph().nodes);
    client.addNode(fqn, true);
    const handle: NodeHandle = {
      advertise(topic: string, type: string, qos: QoSProfile): PublisherHandle {
        checkTopicType(client.lastGraph, topic, type);
        const inProcess = local.advertise(topic, type, qos);
        const remote = client.advertise(topic, type, qos, fqn);
        const codec = registry.codec(type);
        return {
          publish(message) {
            inProcess.publish(message);
            if (!client.closed) remote.publish(codec.encode(message));
          },
          subscriptionCount: () =>
            inProcess.subscriptionCount() + remoteCount(live(), topic, 'subscribers', localNodes()),
          close() {
            inProcess.close();
            remote.close();
          },
        };
      },
      subscribe(topic: string, type: string, qos: QoSProfile, deliver: Deliver): SubscriptionHandle {
        checkTopicType(client.lastGraph, topic, type);
        const inProcess = local.subscribe(topic, type, qos, deliver);
        const codec = registry.codec(type);
        const remote = client.subscribe(topic, type, qos, fqn, (bytes, publisher) => {
          deliver(codec.decode(bytes), { publisher });
        });
        return {
          publisherCount: () => inProcess.publisherCount() + remoteCount(live(), topic, 'publishers', localNodes()),
          close() {
            inProcess.close();
            remote.close();
          },
        };
      },
      advertiseService(name: string, type: string, handler: ServiceHandler): ServiceHandle {
        const known = client.lastGraph?.services.find((x) => x.name === name);
        if (known !== undefined && known.type !== type) {
          throw new OutpostError(
            'OUTPOST_ERR_TYPE_MISMATCH',
            `service ${name}: already offered with type ${known.type}, cannot offer it as ${type}`,
          );
        }
        const inProcess = local.advertiseService(name, type, handler);
        const close = client.advertiseService(name, type, fqn, (call, payload) => {
          let request: unknown;
          try {
            request = registry.decode(`${type}_Request`, payload);
          } catch (err) {
            client.respond(call, undefined, (err as Error).message);
            return;
          }
          handler(request).then(
            (response) => client.respond(call, registry.encode(`${type}_Response`, response)),
            (err: unknown) => client.respond(call, undefined, (err as Error).message ?? String(err)),
          );
        });
        return {
          close() {
            inProcess.close();
            close();
          },
        };
      },
      createClient(name: string, type: string): ClientHandle {
        const inProcess = local.createClient(name, type);
        return {
          isServiceAvailable: () =>
            inProcess.isServiceAvailable() ||
            (live()?.services.some((s) => s.name === name && s.type === type) ?? false),
          async call(request, { timeoutMs, signal }) {
            if (inProcess.isServiceAvailable())
              return inProcess.call(request, { timeoutMs, ...(signal ? { signal } : {}) });
            const bytes = await withTimeout(
              name,
              client.call(name, type, registry.encode(`${type}_Request`, request), timeoutMs),
              timeoutMs + 50,
              signal,
            );
            return registry.decode(`${type}_Response`, bytes);
          },
          close() {
            inProcess.close();
          },
        };
      },
      destroy() {
        if (!handles.delete(handle)) return;
        local.destroy();
        if (!client.closed) client.addNode(fqn, false);
      },
    };
    handles.add(handle);
    return handle;
  }

  graph(): GraphSnapshot {
    const g = this.#client.lastGraph;
    if (g === undefined) return this.bus.graph();
    return g;
  }

  onGraphChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Removes this process's nodes from the launcher's graph and closes the socket. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const h of [...this.#handles]) h.destroy();
    this.#client.close();
  }
}

/** Endpoints on the launcher's side, not counting the mirrors of this process's own nodes. */
function remoteCount(
  g: GraphSnapshot | undefined,
  topic: string,
  which: 'publishers' | 'subscribers',
  ours: Set<string>,
): number {
  return g?.topics.find((t) => t.name === topic)?.[which].filter((owner) => !ours.has(owner)).length ?? 0;
}

/**
 * A type clash with what the launcher's graph already holds is refused at once; one that only
 * shows up later (two processes racing) is refused by the server and logged by SocketTransport.
 */
function checkTopicType(g: GraphSnapshot | undefined, topic: string, type: string): void {
  const known = g?.topics.find((t) => t.name === topic);
  if (known !== undefined && known.type !== type) {
    throw new OutpostError(
      'OUTPOST_ERR_TYPE_MISMATCH',
      `topic ${topic}: already in use with type ${known.type}, cannot use it as ${type}`,
    );
  }
}
