import { createServer, type Server, type Socket } from 'node:net';
import { unlinkSync, existsSync } from 'node:fs';
import type { Logger } from 'pino';
import type { MessageRegistry } from '../msg/MessageRegistry.js';
import { LogRateLimiter } from '../LogRateLimiter.js';
import { OutpostError, isOutpostError } from '../OutpostError.js';
import type { QoSProfile } from '../QoS.js';
import { resolveQoS } from '../QoS.js';
import type { LocalBus } from './LocalBus.js';
import { withTimeout } from './LocalTransport.js';
import { FrameDecoder, encodeFrame, type BusHeader } from './BusProtocol.js';

/**
 * Serves a process's LocalBus on a Unix domain socket so that other processes join its graph:
 * `process: true` nodes (through SocketTransport) and `outpost topic echo|pub|hz|list`.
 * Each connection's endpoints appear on the bus as proxies owned by the peer's node names;
 * a connection never receives back what it published itself.
 */
export class BusServer {
  readonly path: string;
  #server: Server;
  #bus: LocalBus;
  #registry: MessageRegistry;
  #logger: Logger;
  #connections = new Set<BusConnection>();
  #nextConn = 1;

  private constructor(path: string, server: Server, bus: LocalBus, registry: MessageRegistry, logger: Logger) {
    this.path = path;
    this.#server = server;
    this.#bus = bus;
    this.#registry = registry;
    this.#logger = logger;
  }

  static async listen(path: string, bus: LocalBus, registry: MessageRegistry, logger: Logger): Promise<BusServer> {
    if (existsSync(path)) unlinkSync(path);
    const server = createServer();
    const bs = new BusServer(path, server, bus, registry, logger);
    server.on('connection', (socket) => bs.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return bs;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  async close(): Promise<void> {
    for (const c of this.#connections) c.close();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    try {
      unlinkSync(this.path);
    } catch {
      /* already gone */
    }
  }

  #accept(socket: Socket): void {
    const conn = new BusConnection(`bus-peer-${this.#nextConn++}`, socket, this.#bus, this.#registry, this.#logger);
    this.#connections.add(conn);
    socket.on('close', () => {
      conn.close();
      this.#connections.delete(conn);
    });
  }
}

/** One peer process on the bus: its proxied publishers, subscriptions, services and pending calls. */
class BusConnection {
  readonly origin: string;
  #socket: Socket;
  #bus: LocalBus;
  #registry: MessageRegistry;
  #logger: Logger;
  #decoder = new FrameDecoder();
  #publishers = new Map<number, { type: string; publish: (m: unknown, origin: string) => void; close: () => void }>();
  #subscriptions = new Map<number, { close: () => void }>();
  #services = new Map<number, () => void>();
  #pendingRequests = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; type: string }>();
  #nodes = new Set<string>();
  #nextCall = 1;
  #graphWatch: (() => void) | undefined;
  #graphTimer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Frames that could not be used (bad CDR, unknown ids); counted and logged, never fatal. */
  badFrames = 0;
  /** A peer that keeps sending bad frames gets one warning per code per interval, not one per frame. */
  #badFrameLog: LogRateLimiter;

  constructor(origin: string, socket: Socket, bus: LocalBus, registry: MessageRegistry, logger: Logger) {
    this.origin = origin;
    this.#socket = socket;
    this.#bus = bus;
    this.#registry = registry;
    this.#logger = logger.child({ peer: origin });
    this.#badFrameLog = new LogRateLimiter(this.#logger);
    socket.on('data', (chunk: Buffer) => {
      let frames: ReturnType<FrameDecoder['push']>;
      try {
        frames = this.#decoder.push(chunk);
      } catch (err) {
        this.#logger.error({ err }, 'malformed bus stream; closing the connection');
        socket.destroy();
        return;
      }
      for (const f of frames) this.#handle(f.header, f.payload);
    });
    socket.on('error', () => {
      /* 'close' follows */
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#graphWatch?.();
    if (this.#graphTimer) clearTimeout(this.#graphTimer);
    for (const p of this.#publishers.values()) p.close();
    for (const s of this.#subscriptions.values()) s.close();
    for (const s of this.#services.values()) s();
    for (const n of this.#nodes) this.#bus.removeNode(n);
    this.#badFrameLog.flush();
    for (const p of this.#pendingRequests.values()) {
      p.reject(new OutpostError('OUTPOST_ERR_TRANSPORT_CLOSED', `${this.origin} disconnected before answering`));
    }
    this.#publishers.clear();
    this.#subscriptions.clear();
    this.#services.clear();
    this.#nodes.clear();
    this.#socket.destroy();
  }

  #send(header: BusHeader, payload?: Uint8Array): void {
    if (!this.#closed && !this.#socket.destroyed) this.#socket.write(encodeFrame(header, payload));
  }

  #fail(ref: unknown, err: unknown): void {
    this.badFrames++;
    const code = isOutpostError(err) ? err.code : 'OUTPOST_ERR_BUS_PROTOCOL';
    const message = err instanceof Error ? err.message : String(err);
    this.#badFrameLog.warn(code, { code, ref }, message);
    this.#send({ op: 'error', ref, code, message });
  }

  #handle(h: BusHeader, payload: Uint8Array): void {
    try {
      switch (h.op) {
        case 'hello':
          this.#send({ op: 'welcome', pid: process.pid });
          return;
        case 'node': {
          const name = String(h.name);
          if (h.add === true) {
            this.#nodes.add(name);
            this.#bus.addNode(name);
          } else if (this.#nodes.delete(name)) this.#bus.removeNode(name);
          return;
        }
        case 'advertise': {
          const id = Number(h.id);
          const type = String(h.type);
          this.#registry.codec(type);
          const pub = this.#bus.advertise(String(h.topic), type, qosOf(h.qos), String(h.owner ?? this.origin));
          this.#publishers.set(id, { type, publish: (m, origin) => pub.publish(m, origin), close: () => pub.close() });
          return;
        }
        case 'publish': {
          const pub = this.#publishers.get(Number(h.id));
          if (pub === undefined)
            throw new OutpostError('OUTPOST_ERR_BUS_PROTOCOL', `publish on unknown publisher id ${String(h.id)}`);
          pub.publish(this.#registry.decode(pub.type, payload), this.origin);
          return;
        }
        case 'unadvertise': {
          const id = Number(h.id);
          this.#publishers.get(id)?.close();
          this.#publishers.delete(id);
          return;
        }
        case 'subscribe':
          this.#subscribe(h);
          return;
        case 'unsubscribe': {
          const id = Number(h.id);
          this.#subscriptions.get(id)?.close();
          this.#subscriptions.delete(id);
          return;
        }
        case 'advertise_service':
          this.#advertiseService(h);
          return;
        case 'unadvertise_service': {
          const id = Number(h.id);
          this.#services.get(id)?.();
          this.#services.delete(id);
          return;
        }
        case 'service_response': {
          const pending = this.#pendingRequests.get(Number(h.call));
          if (pending === undefined) return; // the caller timed out already
          this.#pendingRequests.delete(Number(h.call));
          if (h.error !== undefined) {
            pending.reject(new OutpostError('OUTPOST_ERR_SERVICE_FAILED', String(h.error)));
          } else {
            pending.resolve(this.#registry.decode(`${pending.type}_Response`, payload));
          }
          return;
        }
        case 'call':
          return void this.#call(h, payload);
        case 'graph':
          this.#send({ op: 'graph', ref: h.ref, graph: this.#bus.graph() });
          return;
        case 'watch_graph':
          this.#watchGraph();
          return;
        default:
          throw new OutpostError('OUTPOST_ERR_BUS_PROTOCOL', `unknown bus op "${h.op}"`);
      }
    } catch (err) {
      this.#fail(h.id ?? h.ref ?? h.call, err);
    }
  }

  #subscribe(h: BusHeader): void {
    const id = Number(h.id);
    const topic = String(h.topic);
    const type = typeof h.type === 'string' ? h.type : this.#bus.topicType(topic);
    if (type === undefined) {
      throw new OutpostError(
        'OUTPOST_ERR_UNKNOWN_MESSAGE_TYPE',
        `topic ${topic} has no publishers or subscribers yet, so its type is unknown`,
      );
    }
    const codec = this.#registry.codec(type);
    const sub = this.#bus.subscribe(
      topic,
      type,
      qosOf(h.qos),
      String(h.owner ?? this.origin),
      (msg, info) => {
        let bytes: Uint8Array;
        try {
          bytes = codec.encode(msg);
        } catch (err) {
          this.badFrames++;
          this.#badFrameLog.warn(
            `encode ${topic}`,
            { err, topic },
            `cannot encode a message on ${topic} for ${this.origin}; dropped`,
          );
          return;
        }
        this.#send({ op: 'message', id, publisher: info.publisher }, bytes);
      },
      this.origin,
    );
    this.#subscriptions.set(id, sub);
    this.#send({ op: 'subscribed', id, type });
  }

  #advertiseService(h: BusHeader): void {
    const id = Number(h.id);
    const name = String(h.name);
    const type = String(h.type);
    this.#registry.codec(`${type}_Request`);
    const close = this.#bus.advertiseService(
      name,
      type,
      String(h.owner ?? this.origin),
      (request) =>
        new Promise((resolve, reject) => {
          const call = this.#nextCall++;
          this.#pendingRequests.set(call, { resolve, reject, type });
          this.#send({ op: 'service_request', id, call }, this.#registry.encode(`${type}_Request`, request));
        }),
    );
    this.#services.set(id, close);
  }

  async #call(h: BusHeader, payload: Uint8Array): Promise<void> {
    const call = h.call;
    const name = String(h.name);
    const type = String(h.type);
    const timeoutMs = Number(h.timeoutMs ?? 10_000);
    try {
      const request = this.#registry.decode(`${type}_Request`, payload);
      const handler = this.#bus.serviceHandler(name, type);
      if (handler === undefined) {
        throw new OutpostError('OUTPOST_ERR_SERVICE_UNAVAILABLE', `service ${name} (${type}): no server`);
      }
      const response = await withTimeout(name, handler(request), timeoutMs);
      this.#send({ op: 'result', call }, this.#registry.encode(`${type}_Response`, response));
    } catch (err) {
      this.#send({
        op: 'result',
        call,
        code: isOutpostError(err) ? err.code : 'OUTPOST_ERR_SERVICE_FAILED',
        error: (err as Error).message,
      });
    }
  }

  #watchGraph(): void {
    if (this.#graphWatch !== undefined) return;
    const push = (): void => {
      this.#graphTimer = undefined;
      this.#send({ op: 'graph', ref: 'watch', graph: this.#bus.graph() });
    };
    // Debounced: a launch starting twenty nodes is one update, not hundreds.
    this.#graphWatch = this.#bus.onGraphChange(() => {
      this.#graphTimer ??= setTimeout(push, 20);
    });
    push();
  }
}

function qosOf(q: unknown): QoSProfile {
  return resolveQoS(q !== null && typeof q === 'object' ? (q as Partial<QoSProfile>) : undefined);
}
