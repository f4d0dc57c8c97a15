import { connect, type Socket } from 'node:net';
import { OutpostError, type OutpostErrorCode } from '../OutpostError.js';
import type { QoSProfile } from '../QoS.js';
import { FrameDecoder, encodeFrame, type BusHeader } from './BusProtocol.js';
import type { GraphSnapshot } from './Transport.js';

export interface RawSubscription {
  /** Resolves with the topic's type once the server accepted the subscription. */
  ready: Promise<string>;
  close(): void;
}

type ServiceRequestHandler = (call: number, payload: Uint8Array) => void;

/**
 * The client end of a BusServer socket: raw frames in and out, with the bookkeeping for ids,
 * pending calls and graph requests. SocketTransport builds nodes on it; the CLI uses it directly.
 */
export class BusClient {
  #socket: Socket;
  #decoder = new FrameDecoder();
  #nextId = 1;
  #subs = new Map<
    number,
    {
      onMessage: (bytes: Uint8Array, publisher: string) => void;
      ready: (type: string) => void;
      fail: (e: Error) => void;
    }
  >();
  #services = new Map<number, ServiceRequestHandler>();
  #calls = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();
  #graphRequests = new Map<string, (g: GraphSnapshot) => void>();
  #graphListeners = new Set<(g: GraphSnapshot) => void>();
  #errorListeners = new Set<(ref: unknown, err: OutpostError) => void>();
  #closeListeners = new Set<() => void>();
  #closed = false;
  lastGraph: GraphSnapshot | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const f of this.#decoder.push(chunk)) this.#handle(f.header, f.payload);
      } catch (err) {
        socket.destroy(err as Error);
      }
    });
    socket.on('close', () => this.#onClose());
    socket.on('error', () => {
      /* close follows */
    });
  }

  static connect(path: string): Promise<BusClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new BusClient(socket));
      });
      socket.once('error', (err) =>
        reject(
          new OutpostError(
            'OUTPOST_ERR_TRANSPORT_CLOSED',
            `cannot connect to the launch's bus socket ${path}: ${err.message}`,
            { cause: err },
          ),
        ),
      );
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  onClose(listener: () => void): void {
    this.#closeListeners.add(listener);
  }

  onError(listener: (ref: unknown, err: OutpostError) => void): void {
    this.#errorListeners.add(listener);
  }

  send(header: BusHeader, payload?: Uint8Array): void {
    if (this.#closed) throw new OutpostError('OUTPOST_ERR_TRANSPORT_CLOSED', 'the bus connection is closed');
    this.#socket.write(encodeFrame(header, payload));
  }

  nextId(): number {
    return this.#nextId++;
  }

  addNode(name: string, add: boolean): void {
    if (!this.#closed) this.send({ op: 'node', name, add });
  }

  advertise(
    topic: string,
    type: string,
    qos: QoSProfile,
    owner: string,
  ): { publish: (bytes: Uint8Array) => void; close: () => void } {
    const id = this.nextId();
    this.send({ op: 'advertise', id, topic, type, qos, owner });
    return {
      publish: (bytes) => this.send({ op: 'publish', id }, bytes),
      close: () => {
        if (!this.#closed) this.send({ op: 'unadvertise', id });
      },
    };
  }

  /** Subscribes by topic; `type` may be omitted to take the type the topic already has on the bus. */
  subscribe(
    topic: string,
    type: string | undefined,
    qos: Partial<QoSProfile> | undefined,
    owner: string,
    onMessage: (bytes: Uint8Array, publisher: string) => void,
  ): RawSubscription {
    const id = this.nextId();
    const ready = new Promise<string>((resolve, reject) => {
      this.#subs.set(id, { onMessage, ready: resolve, fail: reject });
    });
    ready.catch(() => {
      /* surfaced to whoever awaits `ready` */
    });
    this.send({ op: 'subscribe', id, topic, ...(type !== undefined ? { type } : {}), ...(qos ? { qos } : {}), owner });
    return {
      ready,
      close: () => {
        this.#subs.delete(id);
        if (!this.#closed) this.send({ op: 'unsubscribe', id });
      },
    };
  }

  advertiseService(name: string, type: string, owner: string, onRequest: ServiceRequestHandler): () => void {
    const id = this.nextId();
    this.#services.set(id, onRequest);
    this.send({ op: 'advertise_service', id, name, type, owner });
    return () => {
      this.#services.delete(id);
      if (!this.#closed) this.send({ op: 'unadvertise_service', id });
    };
  }

  respond(call: number, payload: Uint8Array | undefined, error?: string): void {
    if (this.#closed) return;
    this.send({ op: 'service_response', call, ...(error !== undefined ? { error } : {}) }, payload);
  }

  call(name: string, type: string, request: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    const call = this.nextId();
    return new Promise((resolve, reject) => {
      this.#calls.set(call, { resolve, reject });
      this.send({ op: 'call', call, name, type, timeoutMs }, request);
    });
  }

  graph(): Promise<GraphSnapshot> {
    const ref = `g${this.nextId()}`;
    return new Promise((resolve) => {
      this.#graphRequests.set(ref, resolve);
      this.send({ op: 'graph', ref });
    });
  }

  watchGraph(listener: (g: GraphSnapshot) => void): void {
    if (this.#graphListeners.size === 0) this.send({ op: 'watch_graph' });
    this.#graphListeners.add(listener);
  }

  close(): void {
    this.#socket.end();
    this.#socket.destroy();
    this.#onClose();
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    const err = new OutpostError('OUTPOST_ERR_TRANSPORT_CLOSED', 'the bus connection closed (did the launch stop?)');
    for (const c of this.#calls.values()) c.reject(err);
    for (const s of this.#subs.values()) s.fail(err);
    this.#calls.clear();
    for (const l of this.#closeListeners) l();
  }

  #handle(h: BusHeader, payload: Uint8Array): void {
    switch (h.op) {
      case 'message':
        this.#subs.get(Number(h.id))?.onMessage(payload, String(h.publisher ?? ''));
        return;
      case 'subscribed':
        this.#subs.get(Number(h.id))?.ready(String(h.type));
        return;
      case 'service_request': {
        const handler = this.#services.get(Number(h.id));
        if (handler === undefined) this.respond(Number(h.call), undefined, 'service is gone');
        else handler(Number(h.call), payload);
        return;
      }
      case 'result': {
        const c = this.#calls.get(Number(h.call));
        if (c === undefined) return;
        this.#calls.delete(Number(h.call));
        if (h.error !== undefined) {
          c.reject(
            new OutpostError((h.code as OutpostErrorCode | undefined) ?? 'OUTPOST_ERR_SERVICE_FAILED', String(h.error)),
          );
        } else c.resolve(payload);
        return;
      }
      case 'graph': {
        const g = h.graph as GraphSnapshot;
        this.lastGraph = g;
        if (h.ref === 'watch') for (const l of this.#graphListeners) l(g);
        else {
          const r = this.#graphRequests.get(String(h.ref));
          this.#graphRequests.delete(String(h.ref));
          r?.(g);
        }
        return;
      }
      case 'error': {
        const err = new OutpostError(
          (h.code as OutpostErrorCode | undefined) ?? 'OUTPOST_ERR_BUS_PROTOCOL',
          String(h.message),
        );
        const sub = this.#subs.get(Number(h.ref));
        if (sub !== undefined) {
          this.#subs.delete(Number(h.ref));
          sub.fail(err);
        }
        for (const l of this.#errorListeners) l(h.ref, err);
        return;
      }
      default:
        return; // 'welcome' and ops from newer servers are ignored
    }
  }
}
