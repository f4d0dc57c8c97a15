import type { MessageRegistry } from '../msg/MessageRegistry.js';
import type { QoSProfile } from '../QoS.js';
import { BusClient } from './BusClient.js';
import { LocalBus } from './LocalBus.js';
import { localNodeHandle, withTimeout } from './LocalTransport.js';
import type {
  ClientHandle, Deliver, GraphSnapshot, NodeHandle, PublisherHandle, ServiceHandle, ServiceHandler,
  SubscriptionHandle, Transport,
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

  private constructor(client: BusClient, registry: MessageRegistry) {
    this.#client = client;
    this.#registry = registry;
    client.watchGraph(() => { for (const l of this.#listeners) l(); });
    this.bus.onGraphChange(() => { for (const l of this.#listeners) l(); });
  }

  static async connect(path: string, registry: MessageRegistry): Promise<SocketTransport> {
    return new SocketTransport(await BusClient.connect(path), registry);
  }

  /** Called when the launcher's socket closes (the launcher died): a child should exit. */
  onDisconnect(listener: () => void): void {
    this.#client.onClose(listener);
  }

  createNodeHandle(fqn: string): NodeHandle {
    const local = localNodeHandle(this.bus, fqn);
    const client = this.#client;
    const registry = this.#registry;
    client.addNode(fqn, true);
    return {
      advertise(topic: string, type: string, qos: QoSProfile): PublisherHandle {
        const inProcess = local.advertise(topic, type, qos);
        const remote = client.advertise(topic, type, qos, fqn);
        const codec = registry.codec(type);
        return {
          publish(message) {
            inProcess.publish(message);
            if (!client.closed) remote.publish(codec.encode(message));
          },
          subscriptionCount: () => inProcess.subscriptionCount() + remoteCount(client.lastGraph, topic, 'subscribers'),
          close() { inProcess.close(); remote.close(); },
        };
      },
      subscribe(topic: string, type: string, qos: QoSProfile, deliver: Deliver): SubscriptionHandle {
        const inProcess = local.subscribe(topic, type, qos, deliver);
        const codec = registry.codec(type);
        const remote = client.subscribe(topic, type, qos, fqn, (bytes, publisher) => {
          deliver(codec.decode(bytes), { publisher });
        });
        return {
          publisherCount: () => inProcess.publisherCount() + remoteCount(client.lastGraph, topic, 'publishers'),
          close() { inProcess.close(); remote.close(); },
        };
      },
      advertiseService(name: string, type: string, handler: ServiceHandler): ServiceHandle {
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
        return { close() { inProcess.close(); close(); } };
      },
      createClient(name: string, type: string): ClientHandle {
        const inProcess = local.createClient(name, type);
        return {
          isServiceAvailable: () => inProcess.isServiceAvailable() ||
            (client.lastGraph?.services.some((s) => s.name === name) ?? false),
          async call(request, { timeoutMs, signal }) {
            if (inProcess.isServiceAvailable()) return inProcess.call(request, { timeoutMs, ...(signal ? { signal } : {}) });
            const bytes = await withTimeout(name,
              client.call(name, type, registry.encode(`${type}_Request`, request), timeoutMs), timeoutMs + 50, signal);
            return registry.decode(`${type}_Response`, bytes);
          },
          close() { inProcess.close(); },
        };
      },
      destroy() {
        local.destroy();
        client.addNode(fqn, false);
      },
    };
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

  async close(): Promise<void> {
    this.#client.close();
  }
}

function remoteCount(g: GraphSnapshot | undefined, topic: string, which: 'publishers' | 'subscribers'): number {
  return g?.topics.find((t) => t.name === topic)?.[which].length ?? 0;
}

