import { OutpostError } from '../OutpostError.js';
import type { QoSProfile } from '../QoS.js';
import { BusPublisher, LocalBus, type QoSWarning } from './LocalBus.js';
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
 * The default transport: every node of the process on one in-process bus, messages passed by
 * reference. Other processes (a `process: true` node, `outpost topic echo`) reach the same bus
 * through `BusServer` and `SocketTransport`.
 */
export class LocalTransport implements Transport {
  readonly name: string = 'local';
  readonly bus: LocalBus;
  #handles = new Set<NodeHandle>();
  #closed = false;

  constructor(options: { bus?: LocalBus; qosWarning?: QoSWarning } = {}) {
    this.bus = options.bus ?? new LocalBus(options.qosWarning);
  }

  createNodeHandle(fqn: string): NodeHandle {
    if (this.#closed) {
      throw new OutpostError('OUTPOST_ERR_TRANSPORT_CLOSED', `local transport is closed; cannot create node ${fqn}`);
    }
    const handle = localNodeHandle(this.bus, fqn);
    const destroy = handle.destroy;
    handle.destroy = () => {
      this.#handles.delete(handle);
      destroy();
    };
    this.#handles.add(handle);
    return handle;
  }

  graph(): GraphSnapshot {
    return this.bus.graph();
  }

  publisherQoS(topic: string): QoSProfile[] {
    return this.bus.publisherQoS(topic);
  }

  onGraphChange(listener: () => void): () => void {
    return this.bus.onGraphChange(listener);
  }

  /** Removes the endpoints of every node created through this transport and refuses new nodes. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const handle of [...this.#handles]) handle.destroy();
  }
}

/** Endpoints of one node on a LocalBus; also used by SocketTransport for its in-process side. */
export function localNodeHandle(bus: LocalBus, fqn: string): NodeHandle {
  bus.addNode(fqn);
  let destroyed = false;
  // Endpoints still open when the handle is destroyed (e.g. by LocalTransport.close) are closed
  // with it, so a destroyed node never keeps receiving or counting as a match.
  const open = new Set<() => void>();
  const track = (close: () => void): (() => void) => {
    const once = (): void => {
      if (!open.delete(once)) return;
      close();
    };
    open.add(once);
    return once;
  };
  return {
    advertise(topic: string, type: string, qos: QoSProfile): PublisherHandle {
      // The BusPublisher itself (no wrapper: publish is the hot path); its origin is this node.
      // Closing it matches it to nothing, so a destroyed node's publisher delivers nowhere.
      const pub = bus.advertise(topic, type, qos, fqn);
      const close = track(() => BusPublisher.prototype.close.call(pub));
      pub.close = close;
      return pub;
    },
    subscribe(topic: string, type: string, qos: QoSProfile, deliver: Deliver): SubscriptionHandle {
      const sub = bus.subscribe(topic, type, qos, fqn, deliver);
      return { publisherCount: sub.publisherCount, close: track(sub.close) };
    },
    advertiseService(name: string, type: string, handler: ServiceHandler): ServiceHandle {
      return { close: track(bus.advertiseService(name, type, fqn, handler)) };
    },
    createClient(name: string, type: string): ClientHandle {
      return localClient(bus, name, type);
    },
    destroy(): void {
      if (destroyed) return;
      destroyed = true;
      for (const close of [...open]) close();
      bus.removeNode(fqn);
    },
  };
}

function localClient(bus: LocalBus, name: string, type: string): ClientHandle {
  return {
    // A server of another type is not one this client can use (ROS 2 answers false too); the
    // call itself reports the mismatch.
    isServiceAvailable: () => {
      try {
        return bus.serviceHandler(name, type) !== undefined;
      } catch {
        return false;
      }
    },
    async call(request, { timeoutMs, signal }) {
      const handler = bus.serviceHandler(name, type) ?? (await waitForServer(bus, name, type, timeoutMs, signal));
      return await withTimeout(name, handler(request), timeoutMs, signal);
    },
    close() {},
  };
}

function waitForServer(
  bus: LocalBus,
  name: string,
  type: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ServiceHandler> {
  return new Promise((resolve, reject) => {
    const finish = (fn: () => void): void => {
      off();
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const off = bus.onGraphChange(() => {
      // Throwing here would break the graph change of whoever advertised: reject this call instead.
      let h: ServiceHandler | undefined;
      try {
        h = bus.serviceHandler(name, type);
      } catch (err) {
        finish(() => reject(err));
        return;
      }
      if (h !== undefined) finish(() => resolve(h));
    });
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

/** Settles with `p`, or rejects after `timeoutMs` or when `signal` aborts. */
export function withTimeout<T>(name: string, p: Promise<T>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new OutpostError('OUTPOST_ERR_SERVICE_TIMEOUT', `service ${name}: no response within ${timeoutMs} ms`));
    }, timeoutMs);
    const onAbort = (): void => {
      cleanup();
      reject(new OutpostError('OUTPOST_ERR_ABORTED', `call to ${name} aborted`, { cause: signal?.reason }));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    if (signal?.aborted === true) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        cleanup();
        resolve(v);
      },
      (e: unknown) => {
        cleanup();
        reject(e);
      },
    );
  });
}
