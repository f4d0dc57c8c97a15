import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { type WebSocket, WebSocketServer } from 'ws';
import { type Context, OutpostError, secondsToNs, type Timer } from '../runtime/index.js';
import { packageRoot } from '../runtime/packageRoot.js';
import type { DashboardMessage } from './DashboardProtocol.js';
import { FleetState } from './FleetState.js';

export interface DashboardServerOptions {
  /** TCP port; 0 picks a free one (tests). Default 8080. */
  port?: number;
  /** Bind address. Default 127.0.0.1 (this machine only; give 0.0.0.0 to serve a network). */
  host?: string;
  /** How often changes go to the browsers, Hz of wall time. Default 10. */
  updateHz?: number;
  /** How often the map's changed tiles go, Hz of wall time (merging maps costs the most). Default 2. */
  mapHz?: number;
  /** Expected telemetry period, s: a robot is stale after 3 of them. Default 1. */
  telemetryPeriodS?: number;
}

/** A browser that reads slower than this many bytes behind is cut; it reconnects and gets a snapshot. */
const MAX_BUFFERED = 8 * 1024 * 1024;
/** The only thing a browser sends is a ping; a few bytes. More is garbage. */
const MAX_PAYLOAD = 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The fleet dashboard: serves the page in `monitor/web/` (plain files from the package, nothing
 * from the network) over node:http and one WebSocket (`/ws`) that sends a snapshot on connect and
 * then deltas (changed map tiles, robots, links, alerts, mission) at `updateHz`. Reads the fleet
 * from the bus of `context` through a FleetState node.
 */
export class DashboardServer {
  readonly state: FleetState;
  readonly #o: Required<DashboardServerOptions>;
  readonly #files = new Map<string, { body: Buffer; type: string }>();
  #http: Server | undefined;
  #wss: WebSocketServer | undefined;
  #timer: Timer | undefined;
  #tick = 0;
  #lastSentMs = 0;
  #url = '';

  constructor(context: Context, options: DashboardServerOptions = {}) {
    this.#o = {
      port: options.port ?? 8080,
      host: options.host ?? '127.0.0.1',
      updateHz: options.updateHz ?? 10,
      mapHz: options.mapHz ?? 2,
      telemetryPeriodS: options.telemetryPeriodS ?? 1,
    };
    for (const [k, v] of Object.entries({ updateHz: this.#o.updateHz, mapHz: this.#o.mapHz })) {
      if (!(v > 0 && v <= 100))
        throw new OutpostError('OUTPOST_ERR_INVALID_ARGUMENT', `DashboardServer ${k}: expected 0 < Hz ≤ 100, got ${v}`);
    }
    this.state = new FleetState(context, { telemetryPeriodS: this.#o.telemetryPeriodS });
    // Read once: the page is a handful of small files, and a request never touches the disk.
    const dir = join(packageRoot(), 'monitor', 'web');
    for (const name of readdirSync(dir)) {
      const type = CONTENT_TYPES[extname(name)];
      if (type !== undefined) this.#files.set(`/${name}`, { body: readFileSync(join(dir, name)), type });
    }
  }

  /** The page's address, once listening. */
  get url(): string {
    return this.#url;
  }

  /** Browsers connected now. */
  get clients(): number {
    return this.#wss?.clients.size ?? 0;
  }

  async listen(): Promise<string> {
    const http = createServer((req, res) => this.#serve(req, res));
    this.#http = http;
    await new Promise<void>((resolve, reject) => {
      http.once('error', (cause: NodeJS.ErrnoException) =>
        reject(
          new OutpostError(
            'OUTPOST_ERR_DASHBOARD_LISTEN',
            `dashboard: expected to listen on ${this.#o.host}:${this.#o.port}, got ${cause.code ?? cause.message}${cause.code === 'EADDRINUSE' ? ' (choose another with --port)' : ''}`,
            { cause },
          ),
        ),
      );
      http.listen(this.#o.port, this.#o.host, () => resolve());
    });
    const { port } = http.address() as AddressInfo;
    const host = this.#o.host.includes(':') ? `[${this.#o.host}]` : this.#o.host;
    this.#url = `http://${host}:${port}/`;
    const wss = new WebSocketServer({ server: http, path: '/ws', maxPayload: MAX_PAYLOAD });
    this.#wss = wss;
    wss.on('connection', (ws) => this.#connected(ws));
    const mapEvery = Math.max(1, Math.round(this.#o.updateHz / this.#o.mapHz));
    this.#timer = this.state.node.createTimer(secondsToNs(1 / this.#o.updateHz), () => {
      this.#broadcast(this.#tick++ % mapEvery === 0);
    });
    return this.#url;
  }

  async close(): Promise<void> {
    this.#timer?.cancel();
    for (const ws of this.#wss?.clients ?? []) ws.terminate();
    await new Promise<void>((resolve) => (this.#wss === undefined ? resolve() : this.#wss.close(() => resolve())));
    await new Promise<void>((resolve) => (this.#http === undefined ? resolve() : this.#http.close(() => resolve())));
    this.state.destroy();
  }

  #broadcast(withMap: boolean): void {
    const d = this.state.delta(withMap);
    // A delta with only `type` and `now` is a heartbeat: once a second, so browsers know the link lives.
    if (Object.keys(d).length <= 2 && d.now - this.#lastSentMs < 1000) return;
    this.#lastSentMs = d.now;
    this.#sendAll(d);
  }

  #sendAll(m: DashboardMessage): void {
    const clients = this.#wss?.clients;
    if (clients === undefined || clients.size === 0) return;
    const text = JSON.stringify(m);
    for (const ws of clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > MAX_BUFFERED) ws.terminate();
      else ws.send(text);
    }
  }

  #connected(ws: WebSocket): void {
    const log = this.state.node.getLogger();
    // Oversized frames and protocol errors end up here; they close this socket, never the server.
    ws.on('error', (err) => log.debug({ err }, 'dashboard socket error'));
    ws.on('message', (data, isBinary) => {
      const ping = isBinary ? undefined : parsePing(data.toString());
      if (ping === undefined) {
        log.warn('dashboard: a browser sent something other than {"type":"ping","id":N}; disconnected it');
        ws.close(1008, 'expected {"type":"ping","id":N}');
        return;
      }
      ws.send(JSON.stringify({ type: 'pong', id: ping, now: this.state.nowMs() }));
    });
    ws.send(JSON.stringify(this.state.snapshot()));
  }

  #serve(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    const file = this.#files.get(path === '/' ? '/index.html' : path);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (file === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}\n`);
      return;
    }
    res.writeHead(200, {
      'content-type': file.type,
      'content-length': file.body.length,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }
}

function parsePing(text: string): number | undefined {
  try {
    const m = JSON.parse(text) as unknown;
    if (typeof m !== 'object' || m === null) return undefined;
    const { type, id } = m as { type?: unknown; id?: unknown };
    return type === 'ping' && typeof id === 'number' && Number.isFinite(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
