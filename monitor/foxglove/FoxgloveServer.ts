import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Node } from '../../runtime/Node.js';
import { OutpostError, isOutpostError } from '../../runtime/OutpostError.js';
import type { QoSProfile } from '../../runtime/QoS.js';
import type { Timer } from '../../runtime/Timer.js';
import { type ChannelState, FoxgloveChannelTable } from './FoxgloveChannelTable.js';
import { FoxgloveClientSession } from './FoxgloveClientSession.js';
import {
  FOXGLOVE_SUBPROTOCOLS,
  StatusLevel,
  advertiseMessage,
  chooseSubprotocol,
  messageDataFrame,
  parseClientText,
  rejectClientBinary,
  serverInfoMessage,
  timeFrame,
  unadvertiseMessage,
  type ClientOp,
} from './FoxgloveProtocol.js';

export interface FoxgloveServerOptions {
  /**
   * The node the server subscribes through (a `foxglove_bridge` node, or one the CLI makes on a
   * launch's bus). Its clock stamps every message; under `use_sim_time` the server announces the
   * `time` capability and sends the sim time at 10 Hz of it.
   */
  node: Node;
  /** Bind address; default 127.0.0.1 (`0.0.0.0` to serve every interface, as in the field). */
  host?: string;
  /** TCP port; default 8765 (Foxglove's default); 0 picks a free one. */
  port?: number;
  /** `serverInfo.name`; default `outpost <node name>`. */
  name?: string;
  /** Only topics matching one of these are advertised (regular expressions on the full name); default: all. */
  topicWhitelist?: readonly string[];
  /** Per client, bytes in the send buffer past which large channels go latest-only; default 1 MiB. */
  sendBufferBytes?: number;
  /** Largest frame a client may send; a larger one closes its connection (1009); default 64 KiB. */
  maxClientFrameBytes?: number;
}

/** Any message this large is latest-only for a client that is behind, whatever its type. */
const LARGE_MESSAGE_BYTES = 64 * 1024;

/**
 * What the bridge subscribes with: best effort and volatile match every publisher, reliable or
 * not (a reliable or transient_local request would not match some). Depth 10 rides out a burst;
 * past it the executor drops the oldest, never the bus.
 */
const BRIDGE_QOS: QoSProfile = { reliability: 'best_effort', durability: 'volatile', history: 'keep_last', depth: 10 };
/**
 * A latched topic (every publisher transient_local: maps, map metadata) is subscribed
 * transient_local, so a client sees the current map at once instead of at its next change.
 */
const LATCHED_BRIDGE_QOS: QoSProfile = {
  reliability: 'best_effort',
  durability: 'transient_local',
  history: 'keep_last',
  depth: 1,
};

/**
 * A Foxglove WebSocket server over an Outpost bus (the protocol of Foxglove's app, "Open
 * connection → Foxglove WebSocket"): every topic with a publisher is advertised with its ROS 2
 * schema (`ros2msg`) and `cdr` encoding, topics are (un)advertised as they come and go, and a
 * topic is subscribed on the bus only while some client listens. Messages go out as the CDR bytes
 * every other Outpost transport carries. A client that sends garbage gets a status error and is
 * disconnected; the others keep going.
 */
export class FoxgloveServer {
  readonly host: string;
  readonly port: number;
  readonly capabilities: readonly string[];
  #node: Node;
  #name: string;
  #http: Server;
  #wss: WebSocketServer;
  #sendBufferBytes: number;
  #sessionId = randomUUID();
  #sessions = new Set<FoxgloveClientSession>();
  #table: FoxgloveChannelTable;
  #nextClientId = 1;
  #offGraph: () => void;
  #graphPending = false;
  #timer: Timer | undefined;
  #closed = false;

  private constructor(options: FoxgloveServerOptions, http: Server, wss: WebSocketServer, port: number) {
    this.#node = options.node;
    this.#name = options.name ?? `outpost ${options.node.getFullyQualifiedName()}`;
    this.#http = http;
    this.#wss = wss;
    this.host = options.host ?? '127.0.0.1';
    this.port = port;
    this.#table = new FoxgloveChannelTable(
      options.node.context.registry,
      options.topicWhitelist ?? [],
      options.node.getLogger(),
    );
    this.#sendBufferBytes = options.sendBufferBytes ?? 1024 * 1024;
    const simTime =
      options.node.hasParameter('use_sim_time') && options.node.getParameter('use_sim_time').value === true;
    this.capabilities = simTime ? ['time'] : [];
    this.#offGraph = options.node.context.transport.onGraphChange(() => this.#graphChanged());
    this.#refreshChannels();
    if (simTime) {
      this.#timer = options.node.createTimer(100_000_000n, () => {
        const frame = timeFrame(this.#node.now().nanoseconds);
        for (const s of this.#sessions) if (s.isOpen && s.ws.bufferedAmount <= this.#sendBufferBytes) s.ws.send(frame);
      });
    }
  }

  /** Starts listening; throws OUTPOST_ERR_FOXGLOVE_LISTEN when the address cannot be bound. */
  static async start(options: FoxgloveServerOptions): Promise<FoxgloveServer> {
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? 8765;
    for (const p of options.topicWhitelist ?? []) {
      try {
        new RegExp(p);
      } catch (err) {
        throw new OutpostError(
          'OUTPOST_ERR_INVALID_ARGUMENT',
          `foxglove topic whitelist: expected regular expressions, got ${JSON.stringify(p)} (${(err as Error).message})`,
        );
      }
    }
    const http = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket' });
      res.end(
        `This is a Foxglove WebSocket server (subprotocols ${FOXGLOVE_SUBPROTOCOLS.join(', ')}).\n` +
          'Open it in Foxglove: Open connection → Foxglove WebSocket.\n',
      );
    });
    const wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      maxPayload: options.maxClientFrameBytes ?? 64 * 1024,
      handleProtocols: (offered) => chooseSubprotocol(offered) ?? false,
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new OutpostError(
            'OUTPOST_ERR_FOXGLOVE_LISTEN',
            `foxglove: cannot listen on ${host}:${port}: ${err.code ?? err.message}${err.code === 'EADDRINUSE' ? ' (the port is taken: give another with --foxglove PORT, or 0 for any free one)' : ''}`,
            { cause: err },
          ),
        ),
      );
      http.listen(port, host, () => resolve());
    });
    const bound = (http.address() as AddressInfo).port;
    const server = new FoxgloveServer({ ...options, host }, http, wss, bound);
    http.on('upgrade', (req, socket, head) => server.#upgrade(req, socket, head));
    // After listening, an error of the server (not of one connection) must not end the process.
    http.on('error', (err) =>
      options.node.getLogger().error({ err }, `foxglove server on ${host}:${bound}: ${err.message}`),
    );
    http.on('clientError', (_err, socket) => socket.destroy());
    return server;
  }

  /** `ws://host:port`, with the loopback name a browser on this machine can open. */
  get url(): string {
    const host = this.host === '0.0.0.0' || this.host === '::' ? '127.0.0.1' : this.host;
    return `ws://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  get clientCount(): number {
    return this.#sessions.size;
  }

  /** Topics advertised now. */
  get topics(): string[] {
    return [...this.#table.byTopic.keys()].sort();
  }

  /** Topics subscribed on the bus now (some client listens to each). */
  get subscribedTopics(): string[] {
    return [...this.#table.byTopic.values()].filter((c) => c.subscription !== undefined).map((c) => c.channel.topic);
  }

  /** Each connected client now: what it was sent, what was superseded, what waits in its socket. */
  clients(): Array<{
    id: number;
    subscriptions: number;
    sent: number;
    dropped: number;
    held: number;
    bufferedBytes: number;
  }> {
    return [...this.#sessions].map((s) => ({
      id: s.id,
      subscriptions: s.subscriptions.size,
      sent: s.stats.sent,
      dropped: s.stats.dropped,
      held: s.heldCount,
      bufferedBytes: s.ws.bufferedAmount,
    }));
  }

  /** Messages sent and dropped (superseded while a client was behind), over all clients that left. */
  readonly totals = { sent: 0, dropped: 0, clientsRejected: 0 };

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#offGraph();
    this.#timer?.cancel();
    for (const s of this.#sessions) s.ws.terminate();
    for (const c of this.#table.byTopic.values()) this.#unsubscribeBus(c);
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const offered = (req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
    if (this.#closed || chooseSubprotocol(offered) === undefined) {
      this.totals.clientsRejected++;
      const body = this.#closed
        ? 'server is closing\n'
        : `expected a WebSocket subprotocol of ${FOXGLOVE_SUBPROTOCOLS.join(' or ')}, got ${offered.length === 0 ? 'none' : offered.join(', ')}\n`;
      socket.end(
        `HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
  }

  #accept(ws: WebSocket): void {
    const session = new FoxgloveClientSession(this.#nextClientId++, ws, {
      sendBufferBytes: this.#sendBufferBytes,
      // Small messages queue up to here (at least 4 MiB: a map that started under the budget
      // must not push telemetry and poses into latest-only behind it).
      hardLimitBytes: Math.max(4 * this.#sendBufferBytes, 4 * 1024 * 1024),
    });
    this.#sessions.add(session);
    const log = this.#node.getLogger();
    log.info(`foxglove client ${session.id} connected (${ws.protocol})`);
    ws.on('message', (data: RawData, isBinary: boolean) => this.#onClientFrame(session, data, isBinary));
    // ws closes the connection itself on a frame over maxPayload (1009) or a broken frame (1002).
    ws.on('error', (err) => log.warn({ err }, `foxglove client ${session.id}: ${err.message}`));
    ws.on('close', () => this.#release(session));
    session.sendText(serverInfoMessage(this.#name, this.capabilities, this.#sessionId));
    const channels = this.#table.channels();
    if (channels.length > 0) session.sendText(advertiseMessage(channels));
  }

  #onClientFrame(session: FoxgloveClientSession, data: RawData, isBinary: boolean): void {
    if (!session.isOpen) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    let op: ClientOp;
    try {
      if (isBinary) throw rejectClientBinary(bytes.byteLength, bytes[0]);
      op = parseClientText(bytes.toString('utf8'));
    } catch (err) {
      if (!isOutpostError(err)) throw err;
      this.#node.getLogger().warn(`foxglove client ${session.id} disconnected: ${err.message}`);
      session.fail(err);
      return;
    }
    if (op.op === 'subscribe') this.#subscribe(session, op.subscriptions);
    else if (op.op === 'unsubscribe') this.#unsubscribe(session, op.subscriptionIds);
    else
      session.status(
        StatusLevel.WARNING,
        `"${op.name}" is not supported by this server (capabilities: ${this.capabilities.join(', ') || 'none'})`,
      );
  }

  #subscribe(session: FoxgloveClientSession, subs: ReadonlyArray<{ id: number; channelId: number }>): void {
    for (const { id, channelId } of subs) {
      const state = this.#table.byId.get(channelId);
      if (session.subscriptions.has(id)) {
        session.status(StatusLevel.WARNING, `subscribe: subscription id ${id} is already in use`);
      } else if (state === undefined) {
        session.status(StatusLevel.WARNING, `subscribe: no channel ${channelId} (it may have been unadvertised)`);
      } else if (session.byChannel.has(channelId)) {
        session.status(
          StatusLevel.WARNING,
          `subscribe: already subscribed to channel ${channelId} (${state.channel.topic})`,
        );
      } else {
        session.subscriptions.set(id, channelId);
        session.byChannel.set(channelId, id);
        state.listeners.set(session, id);
        if (state.subscription === undefined) this.#subscribeBus(state);
        else if (state.latched !== undefined) {
          session.sendMessage(id, messageDataFrame(id, state.latched.stamp, state.latched.payload), true);
        }
      }
    }
  }

  #unsubscribe(session: FoxgloveClientSession, ids: readonly number[]): void {
    for (const id of ids) {
      const channelId = session.subscriptions.get(id);
      if (channelId === undefined) {
        session.status(StatusLevel.WARNING, `unsubscribe: no subscription ${id}`);
        continue;
      }
      this.#dropSubscription(session, id, channelId);
    }
  }

  #dropSubscription(session: FoxgloveClientSession, id: number, channelId: number): void {
    session.subscriptions.delete(id);
    session.byChannel.delete(channelId);
    session.forget(id);
    const state = this.#table.byId.get(channelId);
    if (state === undefined) return;
    state.listeners.delete(session);
    if (state.listeners.size === 0) this.#unsubscribeBus(state);
  }

  #release(session: FoxgloveClientSession): void {
    if (!this.#sessions.delete(session)) return;
    this.totals.sent += session.stats.sent;
    this.totals.dropped += session.stats.dropped;
    for (const [id, channelId] of [...session.subscriptions]) this.#dropSubscription(session, id, channelId);
    session.closed();
    this.#node
      .getLogger()
      .info(
        `foxglove client ${session.id} disconnected (${session.stats.sent} messages sent, ${session.stats.dropped} superseded while behind)`,
      );
  }

  #subscribeBus(state: ChannelState): void {
    const { topic } = state.channel;
    const registry = this.#node.context.registry;
    const offered = this.#node.context.transport.publisherQoS?.(topic);
    const latched =
      offered !== undefined && offered.length > 0 && offered.every((q) => q.durability === 'transient_local');
    const qos = latched ? LATCHED_BRIDGE_QOS : BRIDGE_QOS;
    state.subscription = this.#node.createSubscription(state.type, topic, { qos }, (message) => {
      if (state.listeners.size === 0) return;
      let payload: Uint8Array;
      try {
        payload = registry.encode(state.type, message);
      } catch (err) {
        this.#node.getLogger().warn({ err }, `foxglove: cannot encode a message on ${topic}`);
        return;
      }
      const stamp = this.#node.now().nanoseconds;
      if (latched) state.latched = { stamp, payload };
      const latestOnly = state.latestOnly || payload.byteLength >= LARGE_MESSAGE_BYTES;
      for (const [session, subId] of state.listeners) {
        session.sendMessage(subId, messageDataFrame(subId, stamp, payload), latestOnly);
      }
    });
  }

  #unsubscribeBus(state: ChannelState): void {
    if (state.subscription === undefined) return;
    this.#node.destroySubscription(state.subscription);
    state.subscription = undefined;
    state.latched = undefined;
  }

  /** Graph changes come in bursts (a launch starting): the channels are recomputed once per burst. */
  #graphChanged(): void {
    if (this.#graphPending || this.#closed) return;
    this.#graphPending = true;
    queueMicrotask(() => {
      this.#graphPending = false;
      if (!this.#closed) this.#refreshChannels();
    });
  }

  #refreshChannels(): void {
    const { removed, added } = this.#table.update(
      this.#node.context.transport.graph().topics,
      this.#node.getFullyQualifiedName(),
    );
    for (const state of removed) {
      for (const [session, subId] of [...state.listeners]) this.#dropSubscription(session, subId, state.channel.id);
      // Gone from the table already: release its bus subscription here.
      this.#unsubscribeBus(state);
    }
    if (removed.length > 0) {
      const text = unadvertiseMessage(removed.map((s) => s.channel.id));
      for (const s of this.#sessions) s.sendText(text);
    }
    if (added.length > 0) {
      const text = advertiseMessage(added.map((s) => s.channel));
      for (const s of this.#sessions) s.sendText(text);
    }
  }
}
